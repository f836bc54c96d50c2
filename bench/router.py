"""Offline coach routing: intents and tool calls per message (latency and CPU).

    uv run python bench/router.py [--rounds N]

Routes every phrasing of ``coach/data/intents/test.tsv`` (held-out, one to three clauses
each) ``N`` times through :func:`coach.intents.tool_calls_for` (clauses, the learned
router, argument reading) and prints wall and CPU time per message.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder would come first on sys.path and its name would hide
# the ``policies`` package (bench/policies.py); put the repository root first instead.
_ROOT = str(Path(__file__).resolve().parent.parent)
sys.path[:] = [_ROOT] + [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

from coach.intents import tool_calls_for  # noqa: E402
from coach.offline_router import load_router  # noqa: E402
from coach.offline_router_train import TEST, read_tsv  # noqa: E402


def main() -> None:
    """Print per-message figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    rounds = parser.parse_args().rounds
    messages = [text for _, text in read_tsv(TEST)]
    started, cpu_started = time.perf_counter(), time.process_time()
    load_router()
    load_ms = (time.perf_counter() - started) * 1000
    load_cpu_ms = (time.process_time() - cpu_started) * 1000
    print(f"load: {load_ms:.1f} ms wall, {load_cpu_ms:.1f} ms CPU (once per process)")
    today = dt.date(2025, 6, 30)
    walls: list[float] = []
    cpu_started = time.process_time()
    for _ in range(rounds):
        for message in messages:
            t0 = time.perf_counter()
            tool_calls_for(message, today=today)
            walls.append((time.perf_counter() - t0) * 1000)
    cpu_ms = (time.process_time() - cpu_started) * 1000 / len(walls)
    walls.sort()
    p50, p95 = statistics.median(walls), walls[int(0.95 * len(walls))]
    print(
        f"{len(walls)} messages: wall p50 {p50:.3f} ms, p95 {p95:.3f} ms; CPU {cpu_ms:.3f} ms/msg"
    )


if __name__ == "__main__":
    main()
