"""One error format (problem+json), request ids, security headers, CORS, and opaque 500s."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import AsyncIterator
from decimal import Decimal

import httpx
import pytest
import sqlalchemy as sa
from fastapi import APIRouter, FastAPI

from api.app import create_app
from api.deps import DbSession
from api.middleware import SECURITY_HEADERS
from api.state import AppConfig
from persistence.repositories import profiles, users

SECRET_DETAIL = "db password is hunter2"


@pytest.fixture
async def failing_app(app_config: AppConfig) -> AsyncIterator[FastAPI]:
    """The app plus a throwaway route that raises an unexpected error."""
    app_config.api.cors_origins = ["https://app.example"]
    application = create_app(app_config)
    broken = APIRouter()

    @broken.get("/v1/_test/boom")
    async def boom() -> None:
        raise RuntimeError(SECRET_DETAIL)

    @broken.post("/v1/_test/check-violation")
    async def check_violation(db: DbSession) -> None:
        # Writes that skip the API's validation, straight into the CHECK constraint.
        user = await users.create(
            db, email=f"cv-{uuid.uuid4().hex[:12]}@example.com", hashed_password="x"
        )
        await profiles.update_profile(db, user_id=user.id, values={"height_cm": Decimal(10)})

    @broken.post("/v1/_test/data-exception")
    async def data_exception(db: DbSession) -> None:
        await db.execute(sa.text("SELECT 1 / 0"))

    application.include_router(broken)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def failing_client(failing_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client that receives 500 responses instead of the app's exceptions."""
    transport = httpx.ASGITransport(app=failing_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def assert_problem(response: httpx.Response, status: int) -> dict[str, object]:
    """The RFC 9457 members every error carries."""
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, object] = response.json()
    assert body["status"] == status
    assert isinstance(body["title"], str) and isinstance(body["detail"], str)
    assert body["type"] == "about:blank"
    assert body["request_id"] == response.headers["x-request-id"]
    return body


async def test_unexpected_error_is_an_opaque_500_with_the_request_id_logged(
    failing_client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        response = await failing_client.get(
            "/v1/_test/boom", headers={"X-Request-ID": "req-500-check"}
        )
    body = assert_problem(response, 500)
    assert body["request_id"] == "req-500-check"
    assert SECRET_DETAIL not in response.text and "RuntimeError" not in response.text
    assert "Traceback" not in response.text
    for name in SECURITY_HEADERS:
        assert name.lower() in response.headers
    logged = [r for r in caplog.records if "req-500-check" in r.getMessage()]
    assert logged and logged[0].exc_info is not None
    assert SECRET_DETAIL in str(logged[0].exc_info[1])


async def test_500_still_carries_cors_headers_for_allowed_origins(
    failing_client: httpx.AsyncClient,
) -> None:
    response = await failing_client.get("/v1/_test/boom", headers={"Origin": "https://app.example"})
    assert response.status_code == 500
    assert response.headers["access-control-allow-origin"] == "https://app.example"


async def test_validation_error_lists_every_field_path_without_echoing_input(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/v1/auth/register", json={"email": "nope", "password": "tiny", "extra": 1}
    )
    body = assert_problem(response, 422)
    errors = body["errors"]
    assert isinstance(errors, list)
    assert {e["field"] for e in errors} == {"body.email", "body.password", "body.extra"}
    assert all(set(e) == {"field", "message"} and e["message"] for e in errors)
    assert not any(e["message"].startswith("Value error") for e in errors)
    assert "tiny" not in response.text
    assert str(body["detail"]).startswith(errors[0]["field"])


async def test_malformed_json_is_422_problem(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/auth/login", content=b'{"email": ', headers={"Content-Type": "application/json"}
    )
    body = assert_problem(response, 422)
    assert str(body["errors"][0]["field"]).startswith("body")  # type: ignore[index]


async def test_unknown_route_and_wrong_method_are_problems(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get("/v1/does-not-exist"), 404)
    wrong_method = await client.delete("/v1/auth/login")
    assert_problem(wrong_method, 405)
    assert "POST" in wrong_method.headers["allow"]


async def test_auth_errors_are_problems(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get("/v1/me"), 401)
    bad_login = await client.post(
        "/v1/auth/login", json={"email": "nobody@example.com", "password": "whatever1"}
    )
    assert_problem(bad_login, 401)


async def test_request_id_is_propagated_or_generated(client: httpx.AsyncClient) -> None:
    given = await client.get("/v1/health", headers={"X-Request-ID": "trace-7f3a:01"})
    assert given.headers["x-request-id"] == "trace-7f3a:01"
    fresh = await client.get("/v1/health")
    assert re.fullmatch(r"[0-9a-f]{32}", fresh.headers["x-request-id"])
    assert fresh.headers["x-request-id"] != (await client.get("/v1/health")).headers["x-request-id"]


@pytest.mark.parametrize("unsafe", ["has space", "x" * 129, "new\\nline", "semi;colon", ""])
async def test_unsafe_request_id_is_replaced(client: httpx.AsyncClient, unsafe: str) -> None:
    response = await client.get("/v1/health", headers={"X-Request-ID": unsafe})
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])


async def test_security_headers_on_success_and_error_responses(client: httpx.AsyncClient) -> None:
    for response in (await client.get("/v1/health"), await client.get("/v1/me")):
        for name, value in SECURITY_HEADERS.items():
            assert response.headers[name] == value


async def test_cors_preflight_and_simple_requests_for_allowed_origin(
    failing_client: httpx.AsyncClient,
) -> None:
    preflight = await failing_client.options(
        "/v1/auth/login",
        headers={
            "Origin": "https://app.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type, Authorization",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "https://app.example"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    simple = await failing_client.get("/v1/health", headers={"Origin": "https://app.example"})
    assert simple.headers["access-control-allow-origin"] == "https://app.example"
    exposed = simple.headers["access-control-expose-headers"].lower()
    assert "x-request-id" in exposed and "retry-after" in exposed


async def test_cors_refuses_other_origins(failing_client: httpx.AsyncClient) -> None:
    preflight = await failing_client.options(
        "/v1/auth/login",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in preflight.headers
    simple = await failing_client.get("/v1/health", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in simple.headers


async def test_no_cors_headers_when_no_origin_is_configured(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/health", headers={"Origin": "https://app.example"})
    assert "access-control-allow-origin" not in response.headers


async def test_interactive_docs_are_not_blocked_by_the_api_csp(client: httpx.AsyncClient) -> None:
    docs = await client.get("/docs")
    assert docs.status_code == 200
    assert "content-security-policy" not in docs.headers
    assert docs.headers["x-content-type-options"] == "nosniff"
    api = await client.get("/openapi.json")
    assert api.headers["content-security-policy"] == SECURITY_HEADERS["Content-Security-Policy"]


async def test_database_check_violation_becomes_422_not_500(
    failing_client: httpx.AsyncClient,
) -> None:
    response = await failing_client.post("/v1/_test/check-violation")
    body = assert_problem(response, 422)
    assert "height_cm_range" in str(body["detail"])


async def test_database_data_exception_becomes_422_not_500(
    failing_client: httpx.AsyncClient,
) -> None:
    assert_problem(await failing_client.post("/v1/_test/data-exception"), 422)
