"""Chat turns on the production path: ``coach serve`` -> pydantic-ai's OpenAI model -> the
``openai`` SDK -> HTTP -> a scripted OpenAI-compatible server in its own process.

Run: ``uv run python bench/chat_openai.py [--turns 100]`` (also part (c) of ``bench/chat.py``).

The fake server (``tests/fakes/openai_server.py``, its own process) answers every turn with
a tool call (``get_weight_trend``), then, once the tool result comes back, a reply of about
90 tokens streamed one token per chunk. The served app is ``coach serve`` itself (one
process, or two ``--reuse-port`` processes) with ``COACH_MODEL=openai-chat:<name>`` and
``OPENAI_BASE_URL`` at the fake, on a fresh PostgreSQL database and Redis. Clients are
minimal HTTP/1.1 keep-alive clients (one connection per user), each user sending its next
turn when the previous one is done.

Printed per workload: turn time p50/p95, time to the first event p50/p99, turns per second,
errors, and the server's CPU time per turn (utime + stime of the server processes from
``/proc/PID/stat``, before and after the measured turns, so it holds everything the server
did for them: HTTP, auth, database, Redis, pydantic-ai, the SDK, policies, SSE). Workloads:

- 1 user and 10 users, model answering at once, fresh sessions (a new session per turn)
  and sessions whose history is near ``COACH_CONTEXT_TOKENS`` (warmed with real turns until
  the oldest turns have been folded into the summary, so every request is near the budget);
- 50 users, model taking 500 ms per response, two ``coach serve --reuse-port`` processes
  (each user continues its own session);
- beside it, a bare pydantic-ai ``Agent`` with the same OpenAI model, the same tools
  (schemas; the recorded results returned at once) and the same fake server, in this
  process (no database, no HTTP in front): its turn time and CPU per turn.

The load average is printed with each workload: on a shared machine latency figures vary,
CPU per turn much less.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import itertools
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from pydantic_ai import Agent  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402

from bench.chat import (  # noqa: E402
    JWT_SECRET,
    RawSSEClient,
    bare_agent,
    bench_database,
    bench_redis_url,
    ms,
    pct,
    recorded_tool_results,
    started_servers,
    token_codec,
)
from coach.history import load_messages_json  # noqa: E402
from coach.tokens import messages_tokens  # noqa: E402
from persistence.db import create_session_factory  # noqa: E402
from persistence.models import AISession, table_of  # noqa: E402
from persistence.synthetic import SyntheticConfig, generate_user, seed_synthetic_user  # noqa: E402

FAKE_MODEL = "bench-gpt"
TOOL_CALL = 'get_weight_trend={"days": 28}'
QUESTION = "How am I doing this week?"
#: With ``--varied``, each turn asks one of these with a number of its own, so no policy
#: decision is reused from the engine's memo (a real user's messages differ).
VARIED_QUESTIONS = (
    "How am I doing this week?",
    "Is my weight trend going the right way?",
    "what does my week look like so far",
    "am I on track for my goal or should I change something",
    "how has my weight moved lately?",
    "quick check: how is the trend looking",
)
#: The running number of ``--varied`` turns (``None``: every turn asks ``QUESTION``).
_turn_numbers: Iterator[int] | None = None


def question() -> str:
    """The message of the next turn: the same one, or with ``--varied`` a new one."""
    if _turn_numbers is None:
        return QUESTION
    n = next(_turn_numbers)
    return f"{VARIED_QUESTIONS[n % len(VARIED_QUESTIONS)]} (check-in {n})"


REPLY = (
    "Over the last four weeks your trend weight has moved down steadily, about half a "
    "kilogram a week, which is right on pace for your goal. Your logging has been "
    "consistent on most days. Keep your protein high, keep the evening snacks planned, and "
    "weigh in at the same time each morning so the trend stays reliable. Check in again "
    "next week and we will look at your adherence together."
)
SLOW_MS = 500.0
#: The services beside the servers whose CPU the 50-user run reports.
SERVICES = ("postgres", "redis-server")
TIMEOUT_S = 900.0
#: A busy machine can take a while to start two servers.
START_TIMEOUT_S = 180
#: The most warm-up turns a session gets to reach the history budget.
MAX_WARM_TURNS = 60


# ---------------------------------------------------------------------------- processes


def cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU time of the processes so far (``/proc/PID/stat``)."""
    return sum(cpu_split(pids))


def cpu_split(pids: Sequence[int]) -> tuple[float, float]:
    """(user, system) CPU time of the processes so far: system is the kernel's share (socket
    reads and writes, mostly)."""
    tick = os.sysconf("SC_CLK_TCK")
    user = system = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        user += int(fields[11])  # utime (field 14)
        system += int(fields[12])  # stime (field 15)
    return user / tick, system / tick


def service_pids(name: str) -> list[int]:
    """Pids of the processes whose command name is ``name`` (``postgres``, ``redis-server``)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if (entry / "comm").read_text().strip() == name:
                    pids.append(int(entry.name))
    return pids


def service_cpu(name: str) -> float:
    """CPU seconds so far of every process named ``name`` (processes that ended between
    two readings drop out, so a difference is a lower bound)."""
    total = 0.0
    for pid in service_pids(name):
        with contextlib.suppress(OSError, IndexError, ValueError):
            total += cpu_seconds([pid])
    return total


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far (``/proc/stat``)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(fields) - idle) / tick, sum(fields) / tick


def redis_commands(redis_url: str) -> int:
    """Commands the Redis server has processed so far (all databases: keep it otherwise idle)."""
    import redis

    with redis.Redis.from_url(redis_url) as client:
        return int(client.info("stats")["total_commands_processed"])


async def pg_transactions(url: str) -> int:
    """Transactions committed or rolled back so far in the bench database (PostgreSQL's
    statistics, which a backend reports within a second or at its end)."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            await conn.execute(sa.text("SELECT pg_stat_clear_snapshot()"))
            row = (
                await conn.execute(
                    sa.text(
                        "SELECT xact_commit + xact_rollback FROM pg_stat_database "
                        "WHERE datname = current_database()"
                    )
                )
            ).scalar_one()
    finally:
        await engine.dispose()
    return int(row)


@contextlib.contextmanager
def fake_openai(delay_ms: float, log_dir: Path) -> Iterator[tuple[str, int]]:
    """The fake OpenAI server in its own process; yields its ``OPENAI_BASE_URL`` and pid."""
    args = [sys.executable, "-m", "tests.fakes.openai_server", "--model", FAKE_MODEL]
    args += ["--delay-ms", str(delay_ms), "--call", TOOL_CALL, "--text", REPLY]
    log = (log_dir / f"fake-openai-{delay_ms:.0f}.log").open("w")
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=log, cwd=ROOT, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line.startswith("port "):
            raise RuntimeError(f"fake OpenAI server did not start: {line!r}")
        yield f"http://127.0.0.1:{int(line.split()[1])}/v1", proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@contextlib.contextmanager
def coach_servers(
    *, database_url: str, redis_url: str, openai_base: str, data_dir: Path, processes: int
) -> Iterator[tuple[str, list[int]]]:
    """``processes`` ``coach serve`` processes (``--reuse-port`` above one) on one port;
    yields the base URL and their process ids."""
    reserve = socket.socket()  # holds the port until the servers have bound it
    reserve.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    reserve.bind(("127.0.0.1", 0))
    port = reserve.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "JWT_SECRET": JWT_SECRET,
        "COACH_MODEL": f"openai-chat:{FAKE_MODEL}",
        "OPENAI_BASE_URL": openai_base,
        "OPENAI_API_KEY": "bench-key",
        "COACH_SEED_DEMO": "0",
        "COACH_DATA_DIR": str(data_dir),
        "LOG_LEVEL": "WARNING",
        # One user sends hundreds of turns a minute here: the limit stays on, out of reach.
        "RATE_LIMIT_USER_PER_MINUTE": "1000000",
    }
    args = [str(Path(sys.executable).with_name("coach")), "serve", "--host", "127.0.0.1"]
    args += ["--port", str(port)]
    if processes > 1:
        args.append("--reuse-port")
    else:
        reserve.close()
    log_path = data_dir / f"coach-serve-{port}.log"
    with started_servers(
        args, count=processes, port=port, log_path=log_path, env=env, timeout_s=START_TIMEOUT_S
    ) as (base, procs):
        reserve.close()
        yield base, [proc.pid for proc in procs]


@dataclass(frozen=True)
class FakeModel:
    """The running fake OpenAI server."""

    base: str
    pid: int


@contextlib.contextmanager
def served(
    url: str, redis_url: str, data_dir: Path, *, delay_ms: float, processes: int
) -> Iterator[tuple[str, list[int], FakeModel]]:
    """The fake model server answering after ``delay_ms`` and ``processes`` ``coach serve``
    processes using it; yields the servers' base URL and pids, and the fake."""
    with (
        fake_openai(delay_ms, data_dir) as (openai_base, fake_pid),
        coach_servers(
            database_url=url,
            redis_url=redis_url,
            openai_base=openai_base,
            data_dir=data_dir,
            processes=processes,
        ) as (base, pids),
    ):
        yield base, pids, FakeModel(openai_base, fake_pid)


@contextlib.contextmanager
def py_spy(pids: Sequence[int], output: Path | None) -> Iterator[None]:
    """Sample the first server process with ``py-spy`` (on PATH) into ``output`` (collapsed
    stacks, one line per distinct stack with its sample count) while the block runs."""
    if output is None:
        yield
        return
    args = ["py-spy", "record", "--pid", str(pids[0]), "--format", "raw"]
    # BENCH_PROFILE_ARGS: py-spy's own options instead of --nonblocking (e.g. "--native")
    args += os.environ.get("BENCH_PROFILE_ARGS", "--nonblocking").split()
    args += ["--rate", os.environ.get("BENCH_PROFILE_RATE", "100")]
    proc = subprocess.Popen([*args, "--output", str(output)], stdout=subprocess.DEVNULL)
    time.sleep(1)  # attached
    try:
        yield
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)


# ---------------------------------------------------------------------------- data


async def seed_users(url: str, count: int, *, days: int = 42) -> list[uuid.UUID]:
    """``count`` users with ``days`` of synthetic check-ins and nutrition up to today."""
    engine = create_async_engine(url)
    config = SyntheticConfig(days=days, end=dt.datetime.now(dt.UTC).date(), photo_every_days=0)
    ids = []
    try:
        async with create_session_factory(engine)() as db:
            for _ in range(count):
                ids.append(
                    await seed_synthetic_user(
                        db,
                        generate_user(config, seed=random.randrange(1_000_000)),
                        email=f"openai-{uuid.uuid4().hex[:10]}@example.com",
                    )
                )
            await db.commit()
    finally:
        await engine.dispose()
    return ids


async def history_sizes(url: str, session_ids: Sequence[str]) -> tuple[list[int], list[int]]:
    """Per session: messages folded into the summary, and the estimated tokens of the
    unfolded history (what every request of the next turn carries besides the
    instructions, tools and summary)."""
    s = table_of(AISession)
    folded = sa.func.coalesce(sa.cast(s.c["metadata"]["folded_messages"].astext, sa.Integer), 0)
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            rows = (
                await conn.execute(
                    sa.select(folded, sa.cast(s.c.conversation_history, sa.Text)).where(
                        s.c.id.in_([uuid.UUID(i) for i in session_ids])
                    )
                )
            ).all()
    finally:
        await engine.dispose()
    counts = [row[0] for row in rows]
    tokens = [messages_tokens(load_messages_json(row[1])[row[0] :]) for row in rows]
    return counts, tokens


# ---------------------------------------------------------------------------- load


@dataclass
class Load:
    """What a workload measured."""

    walls: list[float] = field(default_factory=list)
    firsts: list[float] = field(default_factory=list)
    #: First events of each user's first turn of the run (the burst at its start), and the rest.
    opening_firsts: list[float] = field(default_factory=list)
    later_firsts: list[float] = field(default_factory=list)
    #: Turn times of each user's first turn of the run, and of the rest.
    opening_walls: list[float] = field(default_factory=list)
    later_walls: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    #: Per turn, when the first event of each kind arrived (seconds from the request), for
    #: each user's first turn of the run and for the later ones.
    opening_arrivals: list[dict[str, float]] = field(default_factory=list)
    arrivals: list[dict[str, float]] = field(default_factory=list)
    elapsed: float = 0.0
    cpu_s: float = 0.0
    system_s: float = 0.0

    @property
    def turns(self) -> int:
        """Turns that ended with ``done``."""
        return len(self.walls)


async def user_turns(
    base: str,
    user_id: uuid.UUID,
    turns: int,
    load: Load,
    *,
    session: str | None,
    keep_session: bool,
) -> str | None:
    """``turns`` turns of one user on one keep-alive connection, one after the other.

    ``session``: the session of the first turn (None: a new one); ``keep_session``: later
    turns continue the session the previous turn used, else each starts a new one.
    Returns the last session used.
    """
    token = token_codec().encode(user_id, now=dt.datetime.now(dt.UTC))
    client = await RawSSEClient.connect(base)
    try:
        for index in range(turns):
            try:
                exchange = await client.exchange(token, question(), session)
            except (RuntimeError, OSError, asyncio.IncompleteReadError) as exc:
                load.errors.append(str(exc)[:120])
                client.close()
                client = await RawSSEClient.connect(base)
                continue
            name, data = exchange.events[-1]
            if name != "done":
                load.errors.append(f"{name}: {data}")
                continue
            load.walls.append(exchange.wall)
            load.firsts.append(exchange.first_event)
            arrived: dict[str, float] = {}
            for (kind, _), at in zip(exchange.events, exchange.times, strict=True):
                arrived.setdefault(kind, at)
            (load.arrivals if index else load.opening_arrivals).append(arrived)
            (load.later_firsts if index else load.opening_firsts).append(exchange.first_event)
            (load.later_walls if index else load.opening_walls).append(exchange.wall)
            if keep_session:
                session = str(data["session_id"])
    finally:
        client.close()
    return session


async def run_load(
    base: str,
    pids: Sequence[int],
    users: Sequence[uuid.UUID],
    turns: int,
    *,
    sessions: dict[uuid.UUID, str | None] | None = None,
    keep_session: bool = False,
) -> tuple[Load, dict[uuid.UUID, str | None]]:
    """Every user runs ``turns`` turns concurrently; the server CPU time around them."""
    load = Load()
    starts = sessions or {}
    cpu = cpu_split(pids)
    start = time.perf_counter()
    ends = await asyncio.gather(
        *(
            user_turns(base, u, turns, load, session=starts.get(u), keep_session=keep_session)
            for u in users
        )
    )
    load.elapsed = time.perf_counter() - start
    after = cpu_split(pids)
    load.cpu_s = sum(after) - sum(cpu)
    load.system_s = after[1] - cpu[1]
    return load, dict(zip(users, ends, strict=True))


async def warm_to_budget(
    url: str, base: str, pids: Sequence[int], users: Sequence[uuid.UUID]
) -> dict[uuid.UUID, str | None]:
    """A session per user, warmed with real turns until its oldest turns have been folded
    into the summary (every request is then near ``COACH_CONTEXT_TOKENS``)."""
    _, sessions = await run_load(base, pids, users, 1, keep_session=True)
    for _ in range(MAX_WARM_TURNS // 4):
        load, sessions = await run_load(base, pids, users, 4, sessions=sessions, keep_session=True)
        if load.errors:
            raise RuntimeError(f"warm-up turns failed: {load.errors[:3]}")
        folded, _ = await history_sizes(url, [s for s in sessions.values() if s])
        if folded and min(folded) > 0:
            break
    return sessions


def report(label: str, load: Load, *, users: int) -> dict[str, float]:
    """Print one workload's figures; returns them."""
    per_turn_ms = load.cpu_s / max(1, load.turns) * 1000
    rate = load.turns / load.elapsed if load.elapsed else 0.0
    print(f"    {label}  (load average {os.getloadavg()[0]:.1f})")
    print(
        f"      {load.turns} turns by {users} user(s) in {load.elapsed:.1f} s: "
        f"{rate:.1f} turns/s, errors {len(load.errors)}"
        + (f" e.g. {load.errors[0]}" if load.errors else "")
    )
    if load.walls:
        print(f"      turn         p50 {ms(pct(load.walls, 50))}  p95 {ms(pct(load.walls, 95))}")
        print(f"      first event  p50 {ms(pct(load.firsts, 50))}  p99 {ms(pct(load.firsts, 99))}")
        if users > 1 and load.opening_firsts and load.later_firsts:
            print(
                f"        of which each user's first turn (all start at once): max "
                f"{ms(max(load.opening_firsts))}; later turns p99 {ms(pct(load.later_firsts, 99))}"
            )
            print(
                f"        turn p50, each user's first turn {ms(pct(load.opening_walls, 50))}; "
                f"later turns {ms(pct(load.later_walls, 50))}"
            )
    system = 100 * load.system_s / load.cpu_s if load.cpu_s else 0.0
    print(f"      server CPU per turn {per_turn_ms:6.1f} ms ({system:.0f} % in the kernel)")
    return {
        "turn_p50": pct(load.walls, 50) if load.walls else 0.0,
        "first_p99": pct(load.firsts, 99) if load.firsts else 0.0,
        "rate": rate,
        "cpu_ms": per_turn_ms,
        "errors": float(len(load.errors)),
    }


# ---------------------------------------------------------------------------- bare agent


async def bare_openai_turns(openai_base: str, results: dict[str, Any], turns: int) -> Load:
    """The same turn through a bare ``Agent`` with pydantic-ai's OpenAI model (its defaults)
    against the same fake server, in this process; CPU from ``time.process_time``."""
    import pydantic_ai.models
    from pydantic_ai.models.openai import OpenAIChatModel
    from pydantic_ai.providers.openai import OpenAIProvider

    model = OpenAIChatModel(
        FAKE_MODEL, provider=OpenAIProvider(base_url=openai_base, api_key="bench-key")
    )
    agent = bare_agent(model, results)
    load = Load()
    with pydantic_ai.models.override_allow_model_requests(True):
        for n in range(turns + 10):  # the first ten warm the client and code paths
            if n == 10:
                cpu, began = time.process_time(), time.perf_counter()
            start = time.perf_counter()
            first = 0.0
            async with agent.iter(QUESTION) as run:
                async for node in run:
                    if Agent.is_model_request_node(node) or Agent.is_call_tools_node(node):
                        async with node.stream(run.ctx) as stream:
                            async for _ in stream:
                                first = first or time.perf_counter() - start
            if n >= 10:
                load.walls.append(time.perf_counter() - start)
                load.firsts.append(first)
        load.cpu_s = time.process_time() - cpu
        load.elapsed = time.perf_counter() - began
    return load


# ---------------------------------------------------------------------------- main


async def part_c(
    url: str,
    data_dir: Path,
    turns: int,
    *,
    profile: Path | None = None,
    fifty_users: bool = True,
    fifty_only: bool = False,
) -> None:
    """Every workload of the module docstring, printed as it completes."""
    redis_url = bench_redis_url()
    if redis_url is None:
        print("\n(c) OpenAI path: skipped (no Redis reachable; set BENCH_REDIS_URL)")
        return
    print(f"\n(c) OpenAI path: coach serve -> openai-chat:{FAKE_MODEL} -> fake server (HTTP)")
    print(f"    each turn: {TOOL_CALL.split('=')[0]} tool call, then a ~90-token streamed reply")
    ten_turns = max(5, turns // 5)
    figures: dict[str, dict[str, float]] = {}
    if fifty_only:
        await fifty_user_run(url, redis_url, data_dir, figures, profile=profile)
        print(f"    {fifty_targets(figures['50 slow'])}")
        return
    one, ten = await seed_users(url, 1), await seed_users(url, 10)
    with served(url, redis_url, data_dir, delay_ms=0, processes=1) as (base, pids, fake):
        openai_base = fake.base
        await run_load(base, pids, one + ten, 3)  # code paths, pools, tool cache
        load, _ = await run_load(base, pids, one, turns)
        figures["1 fresh"] = report("1 user, fresh sessions, model at once", load, users=1)
        sessions = await warm_to_budget(url, base, pids, one + ten)
        folded, tokens = await history_sizes(url, [s for s in sessions.values() if s])
        print(
            f"    sessions near the budget: folded {min(folded)}-{max(folded)} messages, "
            f"history {min(tokens)}-{max(tokens)} est. tokens besides instructions and tools"
        )
        load, _ = await run_load(
            base, pids, one, turns, sessions={u: sessions[u] for u in one}, keep_session=True
        )
        figures["1 budget"] = report("1 user, session near the budget", load, users=1)
        load, _ = await run_load(base, pids, ten, ten_turns)
        figures["10 fresh"] = report("10 users, fresh sessions, model at once", load, users=10)
        with py_spy(pids, profile):
            load, _ = await run_load(
                base,
                pids,
                ten,
                ten_turns,
                sessions={u: sessions[u] for u in ten},
                keep_session=True,
            )
        figures["10 budget"] = report("10 users, sessions near the budget", load, users=10)
        session = sessions[one[0]]
        results = await recorded_tool_results(url, session) if session else {}
        bare = await bare_openai_turns(openai_base, results, turns)
        figures["bare"] = report("bare pydantic-ai Agent (no DB, no HTTP in front)", bare, users=1)
    if not fifty_users:
        print(
            f"    10 users near budget: CPU/turn {figures['10 budget']['cpu_ms']:.1f} ms  (<= 14)"
        )
        return
    await fifty_user_run(url, redis_url, data_dir, figures)
    ratio = figures["1 fresh"]["turn_p50"] / figures["bare"]["turn_p50"]
    print("    targets")
    budget_cpu = figures["10 budget"]["cpu_ms"]
    print(f"      10 users near budget: CPU/turn {budget_cpu:.1f} ms  (<= 14)")
    print(
        f"      the same / bare Agent CPU per turn: {budget_cpu / figures['bare']['cpu_ms']:.2f}"
        "  (a busy machine inflates both alike)"
    )
    print(f"      1 user p50 / bare Agent p50: {ratio:.2f}x  (<= 2x)")
    print(f"      {fifty_targets(figures['50 slow'])}")


def fifty_targets(slow: dict[str, float]) -> str:
    """The 50-user run's figures beside the issue's targets, on one line."""
    return (
        f"50 users: {slow['rate']:.1f} turns/s (>= 45), p50 {slow['turn_p50']:.2f} s "
        f"(<= 1.1), first event p99 {slow['first_p99'] * 1000:.0f} ms (<= 150), "
        f"errors {slow['errors']:.0f} (0)"
    )


def print_arrivals(load: Load) -> None:
    """When each kind of event first arrived in a turn, p50 and p95 over each user's first
    turns of the run (all start at once) and over the later ones: where a turn's time above
    the model's goes (the model's two answers are fixed)."""
    for label, arrivals in (("first turns", load.opening_arrivals), ("later turns", load.arrivals)):
        kinds: dict[str, list[float]] = {}
        for arrived in arrivals:
            for kind, at in arrived.items():
                kinds.setdefault(kind, []).append(at)
        order = sorted(kinds, key=lambda kind: pct(kinds[kind], 50))
        line = ", ".join(
            f"{kind} {pct(kinds[kind], 50) * 1000:.0f}/{pct(kinds[kind], 95) * 1000:.0f}"
            for kind in order
        )
        print(f"      first arrival of each event, p50/p95 ms, {label}: {line}")


async def fifty_user_run(
    url: str,
    redis_url: str,
    data_dir: Path,
    figures: dict[str, dict[str, float]],
    *,
    profile: Path | None = None,
) -> None:
    """50 users, the model taking ``SLOW_MS`` per response, two ``--reuse-port`` servers;
    py-spy samples the first server into ``profile`` when given."""
    fifty = await seed_users(url, 50)
    with served(url, redis_url, data_dir, delay_ms=SLOW_MS, processes=2) as (base, pids, fake):
        fake_pid = fake.pid
        _, sessions = await run_load(base, pids, fifty, 1, keep_session=True)
        fake_cpu, pg_cpu, redis_cpu = cpu_seconds([fake_pid]), *map(service_cpu, SERVICES)
        busy, total = machine_busy()
        commands, transactions = redis_commands(redis_url), await pg_transactions(url)
        with py_spy(pids, profile):
            load, _ = await run_load(base, pids, fifty, 8, sessions=sessions, keep_session=True)
        commands = redis_commands(redis_url) - commands
        await asyncio.sleep(1.5)  # PostgreSQL reports a backend's statistics within a second
        transactions = await pg_transactions(url) - transactions - 1  # less this reading's
        fake_cpu = cpu_seconds([fake_pid]) - fake_cpu
        pg_cpu, redis_cpu = service_cpu(SERVICES[0]) - pg_cpu, service_cpu(SERVICES[1]) - redis_cpu
        busy, total = (a - b for a, b in zip(machine_busy(), (busy, total), strict=True))
        figures["50 slow"] = report(
            f"50 users, model {SLOW_MS:.0f} ms per response, 2 coach serve --reuse-port",
            load,
            users=50,
        )
        print_arrivals(load)
        print(
            f"      fake model server CPU per turn {fake_cpu / max(1, load.turns) * 1000:6.1f} ms"
            " (same 2 CPUs)"
        )
        per_turn = 1000 / max(1, load.turns)
        print(
            f"      PostgreSQL CPU per turn {pg_cpu * per_turn:6.1f} ms, Redis "
            f"{redis_cpu * per_turn:.1f} ms; machine busy {100 * busy / max(total, 1e-9):.0f} %"
            f" of {os.cpu_count()} CPUs (everything on it, this client included)"
        )
        print(
            f"      round trips per turn: Redis {commands / max(1, load.turns):.1f} commands, "
            f"PostgreSQL {transactions / max(1, load.turns):.1f} transactions"
        )


def main() -> None:
    """Parse arguments, make a database, run :func:`part_c`."""
    parser = argparse.ArgumentParser(description="Chat turns on the OpenAI path.")
    parser.add_argument("--turns", type=int, default=100, help="turns of the 1-user runs")
    parser.add_argument("--database-url", help="use this migrated database as it is")
    parser.add_argument(
        "--profile",
        type=Path,
        help="py-spy (on PATH) samples the server into this file "
        "during the 10-user run near the budget (collapsed stacks)",
    )
    parser.add_argument(
        "--client",
        choices=["lean", "sdk"],
        help="COACH_OPENAI_CLIENT of the servers (default: the setting's default, lean)",
    )
    parser.add_argument("--no-fifty", action="store_true", help="skip the 50-user run")
    parser.add_argument(
        "--varied",
        action="store_true",
        help="every turn's message differs (no policy decision reused from the memo)",
    )
    parser.add_argument(
        "--fifty-only",
        action="store_true",
        help="only the 50-user run (--profile then samples it)",
    )
    args = parser.parse_args()
    if not 10 <= args.turns <= 2000:
        parser.error("--turns must be 10-2000")
    if args.client:
        os.environ["COACH_OPENAI_CLIENT"] = args.client
    if args.varied:
        global _turn_numbers
        _turn_numbers = itertools.count(1)
    client = os.environ.get("COACH_OPENAI_CLIENT", "lean (default)")
    layer = os.environ.get("POLICY_CLASSIFIER", "input (default)")
    print(
        f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}; client {client}; "
        f"policy layer {layer}; messages {'varied' if args.varied else 'the same each turn'}"
    )
    with bench_database(args.database_url) as url, tempfile.TemporaryDirectory() as tmp:
        coro = part_c(
            url,
            Path(tmp),
            args.turns,
            profile=args.profile,
            fifty_users=not args.no_fifty,
            fifty_only=args.fifty_only,
        )
        asyncio.run(asyncio.wait_for(coro, TIMEOUT_S))


if __name__ == "__main__":
    main()
