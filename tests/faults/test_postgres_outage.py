"""A private PostgreSQL stopped and started again while a served instance is under load.

What the clients see: 2xx, or 503 problem+json with ``Retry-After`` (409 ``turn in
progress`` for a session whose cut-off turn has not lapsed yet), never a 500 or a dropped
connection; a chat stream already started ends with an ``error`` event. Service is back
within 5 s of PostgreSQL returning. What the database holds afterwards: every acknowledged
check-in, and no session left locked.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import sqlalchemy as sa
from httpx_sse import aconnect_sse
from sqlalchemy.ext.asyncio import create_async_engine

from persistence.models import CheckIn, table_of
from tests.faults.conftest import CoachProcess, PrivatePostgres, serve_env, sign_in

WORKERS = 3


@dataclass
class Seen:
    """What the load's clients saw."""

    statuses: list[int] = field(default_factory=list)
    bad: list[str] = field(default_factory=list)
    acknowledged: dict[dt.date, float] = field(default_factory=dict)
    streams: list[str] = field(default_factory=list)

    def check(self, response: httpx.Response, *, allow_409: bool = False) -> None:
        self.statuses.append(response.status_code)
        if response.status_code < 300 or (allow_409 and response.status_code == 409):
            return
        if response.status_code != 503:
            self.bad.append(f"{response.status_code} {response.text[:200]}")
        elif not response.headers.get("content-type", "").startswith(
            "application/problem+json"
        ) or not response.headers.get("retry-after"):
            self.bad.append(f"503 without problem+json or Retry-After: {response.headers}")


async def _writer(
    client: httpx.AsyncClient, headers: dict[str, str], n: int, seen: Seen, stop: asyncio.Event
) -> None:
    day = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=300 + 100 * n)
    while not stop.is_set():
        weight = 60 + (day.toordinal() % 40)
        try:
            response = await client.put(
                f"/v1/check-ins/{day}", json={"weight_kg": weight}, headers=headers
            )
        except httpx.HTTPError as exc:
            seen.bad.append(f"check-in: {type(exc).__name__}")
            continue
        seen.check(response)
        if response.status_code in (200, 201):
            seen.acknowledged[day] = weight
        else:
            await asyncio.sleep(0.05)
        day += dt.timedelta(days=1)


async def _chatter(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    session_id: str,
    seen: Seen,
    stop: asyncio.Event,
) -> None:
    while not stop.is_set():
        body = {"message": "how am I doing?", "session_id": session_id}
        try:
            async with aconnect_sse(
                client, "POST", "/v1/coach/chat", json=body, headers=headers
            ) as source:
                if source.response.status_code != 200:
                    await source.response.aread()
                    seen.check(source.response, allow_409=True)
                    await asyncio.sleep(0.1)
                    continue
                seen.statuses.append(200)
                last = ""
                async for event in source.aiter_sse():
                    last = event.event
                    if last == "error":
                        seen.streams.append(json.loads(event.data)["code"])
                if last not in ("done", "error"):
                    seen.bad.append(f"stream ended after {last!r} without done or error")
        except httpx.HTTPError as exc:
            seen.bad.append(f"chat: {type(exc).__name__}: {exc}")


async def _reader(
    client: httpx.AsyncClient, headers: dict[str, str], seen: Seen, stop: asyncio.Event
) -> None:
    while not stop.is_set():
        try:
            seen.check(await client.get("/v1/me", headers=headers))
        except httpx.HTTPError as exc:
            seen.bad.append(f"me: {type(exc).__name__}")
        await asyncio.sleep(0.02)


async def test_postgres_stopped_under_load_is_503_and_back_within_5s(
    coach_process: Callable[..., CoachProcess],
    private_postgres: PrivatePostgres,
    tmp_path: Path,
) -> None:
    # The per-user request limit is not under test here: the load would reach it.
    served = coach_process(
        serve_env(
            database_url=private_postgres.url,
            data_dir=tmp_path,
            RATE_LIMIT_USER_PER_MINUTE="100000",
        )
    )
    served.start()
    seen = Seen()
    stop = asyncio.Event()
    # Idle connections are dropped by the client well before the server's keep-alive timeout
    # (uvicorn's 5 s, which is also httpx's default): with both at 5 s, a request sent on a
    # connection the server closes at that moment fails with ReadError, a race of the two
    # clocks under load, not an answer of the server.
    limits = httpx.Limits(keepalive_expiry=2.0)
    async with httpx.AsyncClient(base_url=served.url, timeout=30, limits=limits) as client:
        headers = [await sign_in(client) for _ in range(WORKERS)]
        sessions = []
        for h in headers:
            created = await client.post("/v1/coach/sessions", json={}, headers=h)
            sessions.append(created.json()["id"])
        load = [
            *(_writer(client, h, n, seen, stop) for n, h in enumerate(headers)),
            *(_chatter(client, h, s, seen, stop) for h, s in zip(headers, sessions, strict=True)),
            _reader(client, headers[0], seen, stop),
        ]
        tasks = [asyncio.create_task(job) for job in load]
        # Healthy first: every kind of request answered at least once.
        for _ in range(300):
            if len(seen.statuses) >= 3 * len(load):
                break
            await asyncio.sleep(0.1)
        healthy = len(seen.statuses)

        await asyncio.to_thread(private_postgres.stop)
        await asyncio.sleep(3)
        await asyncio.to_thread(private_postgres.start)
        returned = time.monotonic()
        back_after = None
        while time.monotonic() - returned < 15:
            response = await client.get("/v1/me", headers=headers[0])
            if response.status_code == 200:
                back_after = time.monotonic() - returned
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(1)
        stop.set()
        await asyncio.gather(*tasks)

        # No session stays locked: each takes a turn once any cut-off turn's lease lapsed.
        unlocked = []
        for h, session_id in zip(headers, sessions, strict=True):
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                response = await client.post(
                    "/v1/coach/chat",
                    json={"message": "still there?", "session_id": session_id},
                    headers={**h, "Accept": "application/json"},
                )
                if response.status_code == 200:
                    unlocked.append(response.json()["events"][-1]["event"])
                    break
                await asyncio.sleep(0.5)

    assert healthy > 0
    assert not seen.bad, (seen.bad[:10], _errors(served.log()))
    assert 503 in seen.statuses  # the outage was seen...
    assert back_after is not None and back_after < 5  # ...and ended within 5 s
    assert unlocked == ["done"] * WORKERS
    engine = create_async_engine(private_postgres.url)
    try:
        async with engine.connect() as conn:
            c = table_of(CheckIn)
            result = await conn.execute(sa.select(c.c.date, c.c.weight_kg))
            rows = {day: weight for day, weight in result}
    finally:
        await engine.dispose()
    assert seen.acknowledged
    lost = {d: w for d, w in seen.acknowledged.items() if float(rows.get(d, -1)) != w}
    assert not lost


def _errors(log: str) -> list[str]:
    """The log's error records and the last lines of their tracebacks."""
    lines = log.splitlines()
    picked = [
        line
        for n, line in enumerate(lines)
        if line.startswith("ERROR") or (line and not line[0].isspace() and "Error" in line)
    ]
    return picked[-30:]
