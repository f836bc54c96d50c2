"""Logs, metrics and traces: the mechanisms, below every other package.

Nothing here imports the project's other packages, so every layer can report through it:

    ObservabilitySettings        LOG_LEVEL, LOG_FORMAT, OTEL_* and metrics settings
    configure_logging            the one logging setup (``coach serve`` and every CLI command)
    bind_request, bind_turn      the request / turn / session ids on every log record
    Telemetry                    what a served process reports: Prometheus metrics (when on)
                                 and OpenTelemetry spans (when OTEL_EXPORTER_OTLP_ENDPOINT
                                 is set); passed down as deps, never a global

The heavy packages (prometheus-client, the OpenTelemetry SDK and instrumentations) are
imported only when a :class:`Telemetry` that uses them is built.
"""

from persistence.observability.context import bind_request, bind_turn, reset_request
from persistence.observability.logs import configure_logging
from persistence.observability.settings import ObservabilitySettings
from persistence.observability.telemetry import Telemetry

__all__ = [
    "ObservabilitySettings",
    "Telemetry",
    "bind_request",
    "bind_turn",
    "configure_logging",
    "reset_request",
]
