"""Tool latency through the toolset wrapper, for a user with two years of daily data.

Run: ``uv run python bench/tools.py`` (PostgreSQL from ``BENCH_DATABASE_URL``, default the
local server as admin; Redis from ``BENCH_REDIS_URL``, default ``redis://127.0.0.1:6379/13``).
A scratch database is created, migrated, seeded and dropped.

Per tool it prints cold latency (cache miss: the user's data version is bumped before each
call, so the call reads PostgreSQL and computes) and warm latency (cache hit) for the
in-process and the Redis backends, p50/p95 in milliseconds, measured with a monotonic clock
around ``CoachToolset.call_tool`` (validation, policy gate, cache, tool, call record, audit
row buffering). Audit rows are flushed between samples, outside the timing; the cost of a
flush is printed separately.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder would come first on sys.path and its name would hide
# the `tools` package; put the repository root there instead.
_ROOT = str(Path(__file__).resolve().parents[1])
sys.path[:] = [_ROOT] + [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]

import asyncio  # noqa: E402
import os  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import sqlalchemy as sa  # noqa: E402
from pydantic_ai.models.test import TestModel  # noqa: E402
from pydantic_ai.tools import RunContext  # noqa: E402
from pydantic_ai.usage import RunUsage  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402

from persistence import migrations  # noqa: E402
from persistence.db import create_session_factory, normalize_url  # noqa: E402
from persistence.repositories import ai_sessions  # noqa: E402
from persistence.synthetic import SyntheticConfig, generate_user, seed_synthetic_user  # noqa: E402
from tools import (  # noqa: E402
    FixedClock,
    MemoryToolCache,
    RedisToolCache,
    ToolCache,
    ToolDeps,
    build_coach_toolset,
    flush_audit,
)

COLD_RUNS = 40
WARM_RUNS = 400
ARGS: dict[str, dict[str, Any]] = {
    "get_user_profile": {},
    "get_recent_checkins": {"days": 14},
    "get_weight_trend": {"days": 90},
    "get_nutrition_summary": {"days": 28},
    "calculate_targets": {},
    "estimate_expenditure": {"days": 28},
    "get_adherence": {"days": 90},
    "get_goal_progress": {},
    "list_progress_photos": {"limit": 20},
    "propose_plan": {},
}


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def fmt(samples: list[float]) -> str:
    if not samples:
        return "      -/-     "
    return f"{pct(samples, 0.5):6.2f}/{pct(samples, 0.95):6.2f}"


async def measure(
    toolset: Any, deps: ToolDeps, name: str, runs: int, before: Callable[[], Any] | None
) -> list[float]:
    ctx = RunContext(deps=deps, model=TestModel(), usage=RunUsage(), max_retries=1)
    tools = await toolset.get_tools(ctx)
    tool = tools[name]
    samples: list[float] = []
    for i in range(runs):
        if before is not None:
            await before()
        call_ctx = RunContext(
            deps=deps, model=ctx.model, usage=ctx.usage, max_retries=1, tool_call_id=f"b{i}"
        )
        started = time.perf_counter()
        await toolset.call_tool(name, dict(ARGS[name]), call_ctx, tool)
        samples.append((time.perf_counter() - started) * 1000)
        record = deps.call_records[f"b{i}"]
        if record.status.value != "success":
            raise RuntimeError(f"{name} failed in the bench: {record.error}")
        if len(deps.pending_audit_rows) >= 100:
            await flush_audit(deps)
    await flush_audit(deps)
    return samples


async def main() -> None:
    admin = normalize_url(
        os.environ.get(
            "BENCH_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
        )
    )
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
    name = f"coach_bench_{uuid.uuid4().hex[:10]}"
    admin_engine = create_async_engine(admin, isolation_level="AUTOCOMMIT")
    async with admin_engine.connect() as conn:
        await conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    engine = create_async_engine(url, pool_size=5)
    try:
        await asyncio.to_thread(migrations.upgrade, url)
        factory = create_session_factory(engine)
        data = generate_user(SyntheticConfig(days=730, weight_noise_sd_kg=0.4), seed=42)
        t0 = time.perf_counter()
        async with factory() as s:
            user_id = await seed_synthetic_user(s, data, email="bench@example.test")
            session_id = (await ai_sessions.create(s, user_id=user_id)).id
            await s.commit()
        seed_ms = (time.perf_counter() - t0) * 1000
        policy = None
        try:
            from policies import PolicyEngine

            policy = PolicyEngine()
        except ImportError:
            pass
        toolset = build_coach_toolset()
        memory: ToolCache = MemoryToolCache()
        redis_cache = RedisToolCache.from_url(redis_url, prefix=f"bench:{uuid.uuid4().hex}")

        def deps_for(cache: ToolCache) -> ToolDeps:
            return ToolDeps(
                user_id=user_id,
                session_id=session_id,
                session_factory=factory,
                cache=cache,
                policy=policy,  # type: ignore[arg-type]
                clock=FixedClock.on(data.end),
            )

        print(
            f"user: {len(data.checkins)} check-ins, {len(data.nutrition)} nutrition days, "
            f"{len(data.photos)} photos over {data.config.days} days (seeded in {seed_ms:.0f} ms)"
        )
        print(f"runs per tool: cold {COLD_RUNS}, warm {WARM_RUNS}; milliseconds p50/p95\n")
        columns = ("cold (memory)", "warm (memory)", "cold (redis)", "warm (redis)")
        header = f"{'tool':24} " + " ".join(f"{c:>14}" for c in columns)
        print(header)
        print("-" * len(header))
        for tool in ARGS:
            if tool == "propose_plan" and policy is None:
                print(f"{tool:24} (skipped: policies.PolicyEngine not available)")
                continue
            row = [f"{tool:24}"]
            for cache in (memory, redis_cache):
                deps = deps_for(cache)

                async def bump(c: ToolCache = cache) -> None:
                    await c.bump_user_version(user_id)

                cold = await measure(toolset, deps, tool, COLD_RUNS, bump)
                warm: list[float] = []
                if toolset.specs[tool].ttl_s > 0:
                    warm = await measure(toolset, deps, tool, WARM_RUNS, None)
                row += [fmt(cold), fmt(warm)]
            print(" ".join(f"{c:>14}" if i else c for i, c in enumerate(row)))
        deps = deps_for(memory)
        ctx = RunContext(deps=deps, model=TestModel(), usage=RunUsage(), max_retries=1)
        profile_tool = (await toolset.get_tools(ctx))["get_user_profile"]
        for i in range(100):
            ctx = RunContext(
                deps=deps, model=ctx.model, usage=ctx.usage, max_retries=1, tool_call_id=f"f{i}"
            )
            await toolset.call_tool("get_user_profile", {}, ctx, profile_tool)
        t0 = time.perf_counter()
        written = await flush_audit(deps)
        print(
            f"\naudit flush of {written} buffered rows (one INSERT, own transaction): "
            f"{(time.perf_counter() - t0) * 1000:.2f} ms"
        )
        await redis_cache.aclose()
    finally:
        await engine.dispose()
        async with admin_engine.connect() as conn:
            await conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin_engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
