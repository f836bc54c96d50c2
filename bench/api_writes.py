"""Write-path benchmark of the user-data API, in-process (ASGI, no network).

Prints:

- check-in upsert latency (``PUT /v1/check-ins/{date}``, with targets and that day's
  nutrition so the adherence score is computed): p50 / p95 / max over N requests;
- offline sync of a 500-item batch;
- MyFitnessPal import of two years of per-entry rows (~10,000) end to end
  (``POST /v1/nutrition/import/mfp``: upload, parse, one-transaction bulk upsert), and the
  parse step alone.

Database: ``DATABASE_URL`` if set (must be migrated), else an embedded PostgreSQL in a
temporary directory. Tool cache: ``REDIS_URL`` if set, else in-process. Rate limits are off.

    uv run python bench/api_writes.py [--requests 500]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

# Sibling scripts are named like packages (bench/tools.py, bench/policies.py): drop bench/
# from the import path so ``import tools`` finds the package.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import httpx  # noqa: E402

from api import mfp  # noqa: E402
from api.app import create_app  # noqa: E402
from api.settings import ApiSettings  # noqa: E402
from api.state import AppConfig, AppState  # noqa: E402
from persistence.models import DietPreferences, User  # noqa: E402
from persistence.settings import DatabaseSettings  # noqa: E402

HEADER = (
    "Date,Meal,Time,Calories,Fat (g),Saturated Fat,Polyunsaturated Fat,Monounsaturated Fat,"
    "Trans Fat,Cholesterol,Sodium (mg),Potassium,Carbohydrates (g),Fiber,Sugar,Protein (g),"
    "Vitamin A,Vitamin C,Calcium,Iron"
)
MEALS = ("Breakfast", "Lunch", "Dinner", "Snacks")


def two_years_of_entries(end: dt.date, *, seed: int = 7) -> tuple[bytes, int]:
    """A per-entry nutrition export (2018 shape) of 730 days, ~14 entries a day."""
    rng = random.Random(seed)
    lines = ["\ufeff" + HEADER]
    for offset in range(730, 0, -1):
        day = end - dt.timedelta(days=offset)
        for _ in range(rng.randint(11, 17)):
            hour = rng.randint(6, 21)
            time_text = (
                f"{(hour - 1) % 12 + 1}:{rng.randint(0, 59):02d} {'AM' if hour < 12 else 'PM'}"
            )
            cal = rng.uniform(20, 450)
            lines.append(
                f"{day.isoformat()},{rng.choice(MEALS)},{time_text},{cal:.1f},"
                f"{rng.uniform(0, 25):.1f},1.0,0.5,0.5,0.0,10.0,120.0,80.0,"
                f"{rng.uniform(0, 60):.1f},{rng.uniform(0, 6):.1f},3.0,{rng.uniform(0, 35):.1f},"
                "0.0,0.0,0.0,0.0"
            )
    return ("\r\n".join(lines) + "\r\n").encode(), len(lines) - 1


async def make_user(state: AppState, *, targets: bool) -> tuple[uuid.UUID, dict[str, str]]:
    """A committed user (optionally with macro targets) and its bearer header."""
    async with state.session_factory() as db:
        user = User(email=f"bench-{uuid.uuid4().hex[:12]}@example.com", hashed_password="x")
        db.add(user)
        await db.flush()
        if targets:
            db.add(
                DietPreferences(user_id=user.id, macro_targets={"calories": 2200, "protein_g": 150})
            )
        await db.commit()
        user_id = user.id
    token = state.tokens.encode(user_id, now=dt.datetime.now(dt.UTC))
    return user_id, {"Authorization": f"Bearer {token}"}


def percentile(samples: list[float], q: float) -> float:
    """The q-quantile (0..1) of the samples, nearest rank."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


async def bench_checkins(client: httpx.AsyncClient, state: AppState, requests: int) -> None:
    _, headers = await make_user(state, targets=True)
    today = dt.datetime.now(dt.UTC).date()
    days = [today - dt.timedelta(days=i) for i in range(1, 61)]
    for day in days[:30]:
        await client.put(
            f"/v1/nutrition/{day}", json={"calories": 2000, "protein_g": 140}, headers=headers
        )
    for i in range(30):  # warm-up: connections, statement caches
        await client.put(f"/v1/check-ins/{days[i % 60]}", json={"mood": 5}, headers=headers)
    samples: list[float] = []
    cpu_start = time.process_time()
    for i in range(requests):
        body = {"weight_kg": round(80 - i * 0.01, 2), "energy_level": 7, "mood": 6}
        start = time.perf_counter()
        response = await client.put(f"/v1/check-ins/{days[i % 60]}", json=body, headers=headers)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code in (200, 201), response.text
    cpu_ms = (time.process_time() - cpu_start) * 1000 / requests
    print(
        f"check-in upsert (PUT, {requests} requests, adherence computed): "
        f"p50 {statistics.median(samples):.2f} ms, p95 {percentile(samples, 0.95):.2f} ms, "
        f"max {max(samples):.2f} ms; this process's CPU {cpu_ms:.2f} ms/request"
    )

    _, headers = await make_user(state, targets=True)
    stamp = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    items = [
        {
            "date": (today - dt.timedelta(days=i + 1)).isoformat(),
            "weight_kg": 80,
            "client_updated_at": stamp.isoformat(),
        }
        for i in range(500)
    ]
    start = time.perf_counter()
    response = await client.post("/v1/check-ins/sync", json={"items": items}, headers=headers)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, response.text
    print(f"check-in sync, 500 new items in one batch: {elapsed:.0f} ms")


async def bench_import(client: httpx.AsyncClient, state: AppState) -> None:
    data, rows = two_years_of_entries(dt.datetime.now(dt.UTC).date())
    start = time.perf_counter()
    parsed = mfp.read_export(data)
    parse_ms = (time.perf_counter() - start) * 1000
    timings: list[float] = []
    for _ in range(3):
        _, headers = await make_user(state, targets=True)
        start = time.perf_counter()
        response = await client.post(
            "/v1/nutrition/import/mfp",
            files={"file": ("Nutrition-Summary.csv", data, "text/csv")},
            headers=headers,
        )
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200, response.text
        assert response.json()["imported"]["nutrition_days"] == len(parsed.nutrition)
    print(
        f"MFP import, {rows} per-entry rows over {len(parsed.nutrition)} days "
        f"({len(data) / 1e6:.2f} MB): median {statistics.median(timings):.2f} s "
        f"(runs {', '.join(f'{t:.2f}' for t in timings)} s; parsing alone {parse_ms:.0f} ms)"
    )


async def main(requests: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-api-") as tmp:
        config = AppConfig(
            database=DatabaseSettings(
                database_url=os.environ.get("DATABASE_URL"), coach_data_dir=Path(tmp)
            ),
            api=ApiSettings(jwt_secret="bench-" + "s" * 40, rate_limit_enabled=False),
        )
        app = create_app(config, served=True)  # as `coach serve` runs it
        async with app.router.lifespan_context(app):
            state: AppState = app.state.coach
            where = "embedded" if state.embedded else "DATABASE_URL"
            load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
            print(
                f"database: {where}; tool cache: {type(state.cache).__name__}; "
                f"{os.cpu_count()} CPUs, load average {load} (figures scale with contention)"
            )
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                await bench_checkins(client, state, requests)
                await bench_import(client, state)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500, help="check-in PUTs to time")
    asyncio.run(main(parser.parse_args().requests))
