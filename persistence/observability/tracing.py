"""OpenTelemetry tracing, on only when an OTLP endpoint is configured.

:class:`Tracing` owns a ``TracerProvider`` of its own (never the global one, so apps and
tests do not share state) that exports spans over OTLP/HTTP, or to the exporter a test
passes. It instruments what the coach's spans are made of:

- pydantic-ai's own instrumentation (agent run, model requests, tool calls), through
  ``InstrumentationSettings`` set on the coach's agent;
- FastAPI (one span per request), SQLAlchemy (one span per statement), Redis and httpx
  (the model's HTTP calls) with the maintained ``opentelemetry-instrumentation-*`` packages;
- the project's own spans: policy checks (decision as an attribute) and tool-cache lookups.

The OpenTelemetry packages are imported here only, when a :class:`Tracing` is built.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter
    from opentelemetry.trace import Tracer

    from persistence.observability.settings import ObservabilitySettings

#: Requests that are not worth a trace (probes and scrapes).
EXCLUDED_URLS = "/healthz,/readyz,/metrics,/v1/health"


class Tracing:
    """A tracer provider with its exporter and the instrumentations it switched on."""

    def __init__(
        self, settings: ObservabilitySettings, *, exporter: SpanExporter | None = None
    ) -> None:
        """Export to ``exporter`` (tests) or over OTLP/HTTP to the configured endpoint."""
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

        self.settings = settings
        self.provider: TracerProvider = TracerProvider(
            resource=Resource.create({"service.name": settings.otel_service_name})
        )
        if exporter is None:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            endpoint = (settings.otel_exporter_otlp_endpoint or "").rstrip("/")
            self.provider.add_span_processor(
                BatchSpanProcessor(OTLPSpanExporter(endpoint=f"{endpoint}/v1/traces"))
            )
        else:
            self.provider.add_span_processor(SimpleSpanProcessor(exporter))
        self.tracer: Tracer = self.provider.get_tracer("sleek-coach")
        self._instrumentors: list[Any] = []
        self._clients_instrumented = False

    def agent_instrumentation(self) -> Any:
        """pydantic-ai's ``InstrumentationSettings`` for the coach's agent."""
        from pydantic_ai.models.instrumented import InstrumentationSettings

        content = self.settings.otel_include_content
        return InstrumentationSettings(
            tracer_provider=self.provider,
            include_content=content,
            include_binary_content=False,
        )

    def instrument_app(self, app: Any) -> None:
        """One span per HTTP request of ``app`` (FastAPI), probes excluded."""
        from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

        FastAPIInstrumentor.instrument_app(
            app, tracer_provider=self.provider, excluded_urls=EXCLUDED_URLS
        )

    def instrument_clients(self, sync_engine: Any) -> None:
        """Spans for the statements of ``sync_engine`` and every Redis and httpx call.

        The Redis and httpx instrumentations patch the client classes process-wide; they
        are undone by :meth:`shutdown`.
        """
        from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
        from opentelemetry.instrumentation.redis import RedisInstrumentor
        from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

        if self._clients_instrumented:
            return
        self._clients_instrumented = True
        sql = SQLAlchemyInstrumentor()
        # Its declared range ends below SQLAlchemy 2.1, whose engine events it uses unchanged
        # (the statement spans are checked by tests/observability/test_tracing.py).
        sql.instrument(engine=sync_engine, tracer_provider=self.provider, skip_dep_check=True)
        redis = RedisInstrumentor()
        redis.instrument(tracer_provider=self.provider)
        httpx = HTTPXClientInstrumentor()
        httpx.instrument(tracer_provider=self.provider)
        self._instrumentors = [sql, redis, httpx]

    def span_after(self, name: str, started_ns: int, attributes: dict[str, Any]) -> None:
        """A span that started at ``started_ns`` (``time.time_ns()``) and ends now, under
        the current span: for short synchronous work timed by its caller."""
        span = self.tracer.start_span(name, start_time=started_ns, attributes=attributes)
        span.end(end_time=time.time_ns())

    def shutdown(self) -> None:
        """Undo the instrumentations and flush the spans still buffered."""
        for instrumentor in self._instrumentors:
            instrumentor.uninstrument()
        self._instrumentors = []
        self._clients_instrumented = False
        self.provider.shutdown()


__all__ = ["EXCLUDED_URLS", "Tracing"]
