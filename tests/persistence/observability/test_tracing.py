"""Traces of a chat turn: agent run, model request, tool call, policy check, SQL.

Once with an in-memory exporter, once over OTLP/HTTP to a collector stub on loopback that
decodes the protobuf requests it receives.
"""

from __future__ import annotations

import gzip
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from api.app import create_app
from api.settings import ApiSettings
from api.state import AppConfig
from persistence.observability import ObservabilitySettings, Telemetry
from persistence.settings import DatabaseSettings

JSON = {"Accept": "application/json"}


def _config(database_url: str, data_dir: Path, **observability: Any) -> AppConfig:
    return AppConfig(
        database=DatabaseSettings(database_url=database_url, coach_data_dir=data_dir),
        api=ApiSettings(jwt_secret="test-secret-" + "x" * 40),
        observability=ObservabilitySettings(metrics_enabled=False, **observability),
    )


async def _one_turn(config: AppConfig, telemetry: Telemetry | None, make_user: Any) -> None:
    """Start an app, run one chat turn through it, stop it (which flushes the spans)."""
    app = create_app(config, telemetry=telemetry)
    async with app.router.lifespan_context(app):
        headers = await make_user(app)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            response = await client.post(
                "/v1/coach/chat", json={"message": "how am I doing?"}, headers={**headers, **JSON}
            )
    assert response.status_code == 200, response.text
    assert any(e["event"] == "tool_result" for e in response.json()["events"])


@pytest.fixture
def make_user(session_factory: Any) -> Any:
    """A committed user with a profile; returns its Authorization header."""
    import datetime as dt
    import uuid

    from persistence.models import User, UserProfile

    async def make(app: Any) -> dict[str, str]:
        async with session_factory() as db:
            user = User(email=f"t-{uuid.uuid4().hex[:10]}@example.com", hashed_password="x")
            db.add(user)
            await db.flush()
            db.add(UserProfile(user_id=user.id, height_cm=170, sex="female", birth_year=1990))
            await db.commit()
        token = app.state.coach.tokens.encode(user.id, now=dt.datetime.now(dt.UTC))
        return {"Authorization": f"Bearer {token}"}

    return make


def _check_turn_spans(names: list[str], attributes: list[dict[str, Any]]) -> None:
    assert any(n.startswith("invoke_agent") for n in names), names
    assert any(n.startswith("chat ") for n in names), names  # a model request
    assert any(n.startswith("execute_tool") for n in names), names
    assert "policy check input" in names
    policy = attributes[names.index("policy check input")]
    assert policy["coach.policy.decision"] == "allow"
    assert any(a.get("db.system") == "postgresql" or a.get("db.system.name") == "postgresql"
               for a in attributes)  # fmt: skip
    assert any(n.startswith("POST /v1/coach/chat") for n in names), names


async def test_a_turn_is_traced_to_an_in_memory_exporter(
    database_url: str, tmp_path: Path, make_user: Any
) -> None:
    exporter = InMemorySpanExporter()
    config = _config(database_url, tmp_path)
    telemetry = Telemetry.from_settings(config.observability, exporter=exporter)

    await _one_turn(config, telemetry, make_user)

    spans = exporter.get_finished_spans()
    _check_turn_spans([s.name for s in spans], [dict(s.attributes or {}) for s in spans])
    # One trace: every span of the turn descends from the request's span (startup work, such
    # as freeing lapsed turn leases, is traced on its own).
    request = next(s for s in spans if s.name.startswith("POST /v1/coach/chat"))
    turn = ("invoke_agent", "chat ", "execute_tool", "policy check", "tool cache")
    turn_spans = [s for s in spans if s.name.startswith(turn)]
    assert turn_spans
    assert {s.context.trace_id for s in turn_spans} == {request.context.trace_id}


class _Collector(http.server.BaseHTTPRequestHandler):
    received: list[ExportTraceServiceRequest]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        if self.path == "/v1/traces":
            request = ExportTraceServiceRequest()
            request.ParseFromString(body)
            self.received.append(request)
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def collector() -> Iterator[tuple[str, list[ExportTraceServiceRequest]]]:
    """An OTLP/HTTP collector stub on loopback: its base URL and what it received."""
    received: list[ExportTraceServiceRequest] = []
    handler = type("Collector", (_Collector,), {"received": received})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()


async def test_a_turn_is_exported_over_otlp_http(
    database_url: str,
    tmp_path: Path,
    make_user: Any,
    collector: tuple[str, list[ExportTraceServiceRequest]],
) -> None:
    url, received = collector
    config = _config(database_url, tmp_path, otel_exporter_otlp_endpoint=url)

    await _one_turn(config, None, make_user)  # the app builds its telemetry from the settings

    spans = [
        span
        for request in received
        for resource in request.resource_spans
        for scope in resource.scope_spans
        for span in scope.spans
    ]
    services = {
        attr.value.string_value
        for request in received
        for resource in request.resource_spans
        for attr in resource.resource.attributes
        if attr.key == "service.name"
    }
    assert services == {"sleek-coach"}
    attributes = [
        {a.key: a.value.string_value or a.value.int_value for a in span.attributes}
        for span in spans
    ]
    _check_turn_spans([s.name for s in spans], attributes)
