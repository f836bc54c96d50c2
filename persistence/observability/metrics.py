"""Prometheus metrics of a served process (``prometheus-client``).

One :class:`Metrics` per app, in its own registry (tests build as many as they like). With
``PROMETHEUS_MULTIPROC_DIR`` set (``coach serve --workers N`` sets it), prometheus-client
keeps every value in memory-mapped files in that directory and :meth:`Metrics.render`
aggregates all processes' files, so ``/metrics`` answers for the whole server whichever
worker serves the scrape.

Hot paths call the ``observe_*``/``count_*`` methods, which keep each label combination's
child in a dict: one dict lookup and one increment per call, no ``labels()`` parsing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

#: Seconds: from a few milliseconds (an offline turn) to the turn timeout.
_TURN_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)
_FIRST_EVENT_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0)


def multiprocess_dir() -> str | None:
    """The multiprocess directory when prometheus-client runs in multiprocess mode."""
    return os.environ.get(MULTIPROC_ENV) or None


class _Children:
    """A metric's children by label values, bound on first use and kept."""

    def __init__(self, metric: Any) -> None:
        self._metric = metric
        self._children: dict[Any, Any] = {}

    def get(self, key: Any) -> Any:
        child = self._children.get(key)
        if child is None:
            values = key if isinstance(key, tuple) else (key,)
            child = self._children[key] = self._metric.labels(*values)
        return child


class Metrics:
    """The server's metrics (see the module docstring)."""

    def __init__(self) -> None:
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

        self.registry: CollectorRegistry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self._turns = _Children(
            Counter("coach_turns", "Chat turns by outcome (done or the error code)", ["outcome"],
                    registry=r)
        )  # fmt: skip
        self.turn_seconds = Histogram(
            "coach_turn_duration_seconds", "Chat turn latency, request to last event",
            buckets=_TURN_BUCKETS, registry=r,
        )  # fmt: skip
        self.first_event_seconds = Histogram(
            "coach_turn_first_event_seconds", "Time from a chat request to its first event",
            buckets=_FIRST_EVENT_BUCKETS, registry=r,
        )  # fmt: skip
        tokens = Counter("coach_model_tokens", "Model tokens used by turns", ["kind"], registry=r)
        self._input_tokens = tokens.labels("input")
        self._output_tokens = tokens.labels("output")
        self._tool_calls = _Children(
            Counter("coach_tool_calls", "Tool calls by tool, status and cache hit",
                    ["tool", "status", "cached"], registry=r)
        )  # fmt: skip
        self._decisions = _Children(
            Counter("coach_policy_decisions", "Policy checks by stage and decision",
                    ["stage", "action"], registry=r)
        )  # fmt: skip
        self._violations = _Children(
            Counter("coach_policy_violations", "Policy violations by stage, type and action",
                    ["stage", "type", "action"], registry=r)
        )  # fmt: skip
        self._rate_limited = _Children(
            Counter("coach_rate_limit_rejections", "Requests refused by a rate limit (429)",
                    ["limit"], registry=r)
        )  # fmt: skip
        pool = Gauge(
            "coach_db_pool_connections", "Database pool connections by state",
            ["state"], registry=r, multiprocess_mode="livesum",
        )  # fmt: skip
        self._pool_in_use = pool.labels("in_use")
        self._pool_idle = pool.labels("idle")
        self._pool_overflow = pool.labels("overflow")

    # ------------------------------------------------------------------ recording

    def count_turn(
        self, outcome: str, seconds: float, input_tokens: int, output_tokens: int
    ) -> None:
        """A finished turn."""
        self._turns.get(outcome).inc()
        self.turn_seconds.observe(seconds)
        if input_tokens:
            self._input_tokens.inc(input_tokens)
        if output_tokens:
            self._output_tokens.inc(output_tokens)

    def count_tool_call(self, tool: str, status: str, cached: bool) -> None:
        """One tool call."""
        self._tool_calls.get((tool, status, "true" if cached else "false")).inc()

    def count_policy(self, stage: str, action: str, violations: Sequence[tuple[str, str]]) -> None:
        """One policy check and its violations (type, action)."""
        self._decisions.get((stage, action)).inc()
        for kind, violation_action in violations:
            self._violations.get((stage, kind, violation_action)).inc()

    def count_rate_limited(self, limit: str) -> None:
        """One request refused by the rate limit named ``limit``."""
        self._rate_limited.get(limit).inc()

    def pool_listeners(self, pool: Any) -> dict[str, Callable[..., None]]:
        """SQLAlchemy pool event listeners (by event name) that keep the pool gauges current.

        ``checkin`` fires before the connection is back in the pool, so it counts it there.
        """

        def update(returning: int) -> None:
            self._pool_in_use.set(pool.checkedout() - returning)
            self._pool_idle.set(pool.checkedin() + returning)
            self._pool_overflow.set(max(0, pool.overflow()))

        def now(*_: Any) -> None:
            update(0)

        def on_checkin(*_: Any) -> None:
            update(1)

        return {"checkout": now, "checkin": on_checkin, "close": now, "invalidate": now}

    # ------------------------------------------------------------------ exposition

    def render(self) -> tuple[bytes, str]:
        """The text exposition and its content type (every process's in multiprocess mode)."""
        from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

        path = multiprocess_dir()
        if path is None:
            return generate_latest(self.registry), CONTENT_TYPE_LATEST
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=path)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST

    def close(self) -> None:
        """In multiprocess mode, drop this process's live gauges (it is going away)."""
        if multiprocess_dir() is not None:
            from prometheus_client import multiprocess

            multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]


__all__ = ["MULTIPROC_ENV", "Metrics", "multiprocess_dir"]
