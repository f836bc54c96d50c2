"""What a served process reports, in one object passed down as a dependency.

The app builds one :class:`Telemetry` (``Telemetry.from_settings``) and hands it to the
coach engine, which hands it to the policy engine and each turn's tool deps. Each part
calls one method at the point where the thing happens; a part that was built without a
telemetry (CLI commands, evals, most tests) skips the call. With metrics off and no OTLP
endpoint, nothing heavy is imported.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from opentelemetry.sdk.trace.export import SpanExporter

    from persistence.observability.metrics import Metrics
    from persistence.observability.settings import ObservabilitySettings
    from persistence.observability.tracing import Tracing


class Telemetry:
    """Metrics (Prometheus) and tracing (OpenTelemetry), each optional."""

    def __init__(self, *, metrics: Metrics | None = None, tracing: Tracing | None = None) -> None:
        self.metrics = metrics
        self.tracing = tracing

    @classmethod
    def from_settings(
        cls, settings: ObservabilitySettings, *, exporter: SpanExporter | None = None
    ) -> Telemetry:
        """Metrics when enabled; tracing when an OTLP endpoint is set (or ``exporter`` given)."""
        metrics = None
        if settings.metrics_enabled:
            from persistence.observability.metrics import Metrics

            metrics = Metrics()
        tracing = None
        if settings.otel_exporter_otlp_endpoint or exporter is not None:
            from persistence.observability.tracing import Tracing

            tracing = Tracing(settings, exporter=exporter)
        return cls(metrics=metrics, tracing=tracing)

    # ------------------------------------------------------------------ wiring

    def agent_instrumentation(self) -> Any:
        """pydantic-ai's instrumentation settings for an agent (``None`` without tracing)."""
        return self.tracing.agent_instrumentation() if self.tracing is not None else None

    def instrument_app(self, app: Any) -> None:
        """Trace ``app``'s requests (call before it starts)."""
        if self.tracing is not None:
            self.tracing.instrument_app(app)

    def watch_engine(self, engine: Any) -> None:
        """Pool gauges and statement spans for a SQLAlchemy ``AsyncEngine``."""
        sync_engine = engine.sync_engine
        if self.metrics is not None:
            from sqlalchemy import event

            for name, listener in self.metrics.pool_listeners(sync_engine.pool).items():
                event.listen(sync_engine.pool, name, listener)
        if self.tracing is not None:
            self.tracing.instrument_clients(sync_engine)

    def close(self) -> None:
        """Flush spans, undo instrumentation, drop this process's live gauges."""
        if self.tracing is not None:
            self.tracing.shutdown()
        if self.metrics is not None:
            self.metrics.close()

    # ------------------------------------------------------------------ reporting

    def policy_checked(
        self, stage: str, action: str, violations: Sequence[tuple[str, str]], started_ns: int
    ) -> None:
        """A policy check that started at ``started_ns`` (``time.time_ns()``) just decided
        ``action``; ``violations`` are (type, action) pairs."""
        if self.metrics is not None:
            self.metrics.count_policy(stage, action, violations)
        if self.tracing is not None:
            self.tracing.span_after(
                f"policy check {stage}",
                started_ns,
                {
                    "coach.policy.stage": stage,
                    "coach.policy.decision": action,
                    "coach.policy.violations": [kind for kind, _ in violations],
                },
            )

    def tool_called(self, tool: str, status: str, cached: bool) -> None:
        """A finished tool call."""
        if self.metrics is not None:
            self.metrics.count_tool_call(tool, status, cached)

    @contextlib.contextmanager
    def cache_span(self, tool: str) -> Iterator[Any]:
        """A span around a tool-cache lookup (``None`` without tracing); the caller sets
        ``coach.cache.hit`` on it."""
        if self.tracing is None:
            yield None
            return
        with self.tracing.tracer.start_as_current_span(
            f"tool cache {tool}", attributes={"coach.tool.name": tool}
        ) as span:
            yield span

    def first_event(self, seconds: float) -> None:
        """A chat turn's first event left ``seconds`` after its request."""
        if self.metrics is not None:
            self.metrics.first_event_seconds.observe(seconds)

    def turn_finished(
        self, outcome: str, seconds: float, input_tokens: int, output_tokens: int
    ) -> None:
        """A chat turn ended with ``outcome`` (``done`` or an error code)."""
        if self.metrics is not None:
            self.metrics.count_turn(outcome, seconds, input_tokens, output_tokens)

    def rate_limited(self, limit: str) -> None:
        """A request was refused by the rate limit ``limit``."""
        if self.metrics is not None:
            self.metrics.count_rate_limited(limit)


def now_ns() -> int:
    """The wall clock in nanoseconds (what span start times are measured in)."""
    return time.time_ns()


__all__ = ["Telemetry", "now_ns"]
