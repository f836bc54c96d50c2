"""The app starts, answers health checks and reports errors as problem+json."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from api.security import InsecureSecret, resolve_secret


async def test_health_answers_with_request_id_and_security_headers(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/v1/health", headers={"X-Request-ID": "abc-123"})
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert response.headers["x-request-id"] == "abc-123"
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_unknown_route_is_problem_json(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/nope")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == 404 and body["instance"] == "/v1/nope"
    assert body["request_id"] == response.headers["x-request-id"]


def test_secret_refused_when_missing_or_placeholder_outside_embedded_mode(tmp_path: Path) -> None:
    for bad in (None, "", "changeme", "short-but-real"):
        with pytest.raises(InsecureSecret):
            resolve_secret(bad, embedded=False, data_dir=tmp_path)
    good = "s" * 40
    assert resolve_secret(good, embedded=False, data_dir=tmp_path) == good


def test_embedded_secret_is_generated_once_and_reused(tmp_path: Path) -> None:
    first = resolve_secret(None, embedded=True, data_dir=tmp_path)
    assert len(first) >= 32
    assert resolve_secret(None, embedded=True, data_dir=tmp_path) == first
    assert (tmp_path / "jwt_secret").stat().st_mode & 0o077 == 0
