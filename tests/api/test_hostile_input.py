"""Input PostgreSQL cannot store, oversized bodies and implausible dates: refused at the edge.

Every case is a 4xx problem+json naming the field, never a 200 followed by a lost write.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.state import AppConfig
from tests.api.conftest import DataUser, MakeDataUser
from tests.support import sse_blocks


def _field_error(response: httpx.Response, status: int, field: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert field in [e["field"] for e in body.get("errors", [])] or field in body["detail"], body
    return body


# --- NUL characters ------------------------------------------------------------------------


async def test_chat_message_with_nul_is_422_naming_the_field(
    client: httpx.AsyncClient, data_user: MakeDataUser
) -> None:
    user = await data_user()
    response = await client.post(
        "/v1/coach/chat", json={"message": "abc\u0000def"}, headers=user.headers
    )
    _field_error(response, 422, "body.message")


async def test_nul_in_a_nested_list_item_is_422_naming_its_path(
    client: httpx.AsyncClient, data_user: MakeDataUser
) -> None:
    user = await data_user()
    response = await client.patch(
        "/v1/me/preferences",
        json={"allergies": ["peanuts", "sh\u0000ellfish"]},
        headers=user.headers,
    )
    _field_error(response, 422, "body.allergies.1")
    stored = await client.get("/v1/me", headers=user.headers)
    assert stored.json()["preferences"]["allergies"] == []


async def test_nul_in_a_nested_object_is_422_naming_its_path(
    client: httpx.AsyncClient, data_user: MakeDataUser
) -> None:
    user = await data_user()
    body = {"items": [{"date": "2026-01-02", "notes": "x\u0000", "client_updated_at": _now()}]}
    response = await client.post("/v1/check-ins/sync", json=body, headers=user.headers)
    _field_error(response, 422, "body.items.0.notes")


async def test_an_escaped_backslash_before_u0000_is_plain_text(
    client: httpx.AsyncClient, data_user: MakeDataUser
) -> None:
    user = await data_user()
    # The JSON text \\u0000 is a backslash followed by "u0000": no NUL, stored as written.
    raw = '{"allergies": ["a\\\\u0000b"]}'
    response = await client.patch(
        "/v1/me/preferences",
        content=raw,
        headers={**user.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["allergies"] == ["a\\u0000b"]


async def test_an_unpaired_surrogate_is_422_naming_the_field(
    client: httpx.AsyncClient, data_user: MakeDataUser
) -> None:
    user = await data_user()
    headers = {**user.headers, "Content-Type": "application/json"}
    lone = await client.post("/v1/coach/chat", content='{"message": "a\\ud800b"}', headers=headers)
    _field_error(lone, 422, "body.message")
    # A surrogate pair is one character (an emoji), stored as written.
    pair = await client.patch(
        "/v1/me/preferences", content='{"allergies": ["\\ud83e\\udd5c"]}', headers=headers
    )
    assert pair.status_code == 200
    assert pair.json()["allergies"] == ["\U0001f95c"]


async def test_json_nested_too_deeply_is_422_not_500(
    client: httpx.AsyncClient, data_user: MakeDataUser
) -> None:
    user = await data_user()
    response = await client.patch(
        "/v1/me/preferences",
        content="[" * 100_000 + "]" * 100_000,
        headers={**user.headers, "Content-Type": "application/json"},
    )
    _field_error(response, 422, "body")


async def test_nul_in_a_query_or_path_parameter_is_422(
    client: httpx.AsyncClient, data_user: MakeDataUser
) -> None:
    user = await data_user()
    query = await client.get("/v1/check-ins", params={"cursor": "a\u0000b"}, headers=user.headers)
    _field_error(query, 422, "query.cursor")
    path = await client.get("/v1/check-ins/2026-01-01%00", headers=user.headers)
    assert path.status_code == 422
    assert path.headers["content-type"].startswith("application/problem+json")


async def test_nul_in_a_multipart_text_field_is_422(
    client: httpx.AsyncClient, data_user: MakeDataUser
) -> None:
    from tests.api.photo_samples import image_with_gps

    user = await data_user()
    response = await client.post(
        "/v1/photos",
        files={"file": ("p.jpg", image_with_gps("JPEG"), "image/jpeg")},
        data={"date": "2026-01-01\u0000", "visibility": "private"},
        headers=user.headers,
    )
    _field_error(response, 422, "body.date")


async def test_a_preference_stored_with_nul_does_not_break_later_turns(
    client: httpx.AsyncClient,
    data_user: MakeDataUser,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    # Written before the edge check existed: the json column accepts \u0000.
    user: DataUser = await data_user(
        profile={"sex": "female", "height_cm": 165, "birth_year": 1990},
        preferences={"allergies": ["pea\u0000nuts"], "disliked_foods": ["ol\u0000ives"]},
    )
    for message in ("what are my allergies?", "show me my profile"):
        response = await client.post(
            "/v1/coach/chat", json={"message": message}, headers=user.headers
        )
        assert response.status_code == 200
        events = [b.get("event") for b in sse_blocks(response.text)]
        assert events[-1] == "done", response.text
    history = await client.get("/v1/coach/sessions", headers=user.headers)
    assert history.json()["items"][0]["message_count"] == 2


# --- body size and dates ------------------------------------------------------------------


@pytest.fixture
def small_body_config(app_config: AppConfig) -> AppConfig:
    """A small JSON body limit, so the test sends little."""
    app_config.api.max_json_body_bytes = 4096
    return app_config


async def test_json_body_over_the_limit_is_413_before_it_is_read(
    small_body_config: AppConfig, client: httpx.AsyncClient, data_user: MakeDataUser
) -> None:
    user = await data_user()
    sent = 0

    async def body() -> Any:
        nonlocal sent
        yield b'{"message": "'
        for _ in range(1000):  # 1 MB, far past the 4 KiB limit
            sent += 1
            yield b"x" * 1024
        yield b'"}'

    response = await client.post(
        "/v1/coach/chat",
        content=body(),
        headers={**user.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")
    assert sent < 100
    declared = await client.post(
        "/v1/coach/chat",
        content=b"{}",
        headers={**user.headers, "Content-Type": "application/json", "Content-Length": "999999"},
    )
    assert declared.status_code == 413


@pytest.mark.parametrize(
    ("day", "reason"),
    [("0001-01-01", "1900"), ("1899-12-31", "1900"), ("2999-01-01", "today")],
)
async def test_implausible_check_in_dates_are_422_naming_the_bounds(
    client: httpx.AsyncClient, data_user: MakeDataUser, day: str, reason: str
) -> None:
    user = await data_user()
    response = await client.put(
        f"/v1/check-ins/{day}", json={"weight_kg": 70}, headers=user.headers
    )
    body = _field_error(response, 422, "path.date")
    assert reason in body["detail"]
    sync = await client.post(
        "/v1/check-ins/sync",
        json={"items": [{"date": day, "weight_kg": 70, "client_updated_at": _now()}]},
        headers=user.headers,
    )
    _field_error(sync, 422, "body.items.0.date")


async def test_a_datetime_is_not_a_date(client: httpx.AsyncClient, data_user: MakeDataUser) -> None:
    user = await data_user()
    response = await client.put(
        "/v1/check-ins/2026-01-01T00:00", json={"weight_kg": 70}, headers=user.headers
    )
    _field_error(response, 422, "path.date")
    goal = await client.patch(
        "/v1/me/goal", json={"target_date": "2026-11-01T00:00"}, headers=user.headers
    )
    _field_error(goal, 422, "body.target_date")
    listing = await client.get(
        "/v1/check-ins", params={"from": "2026-01-01T00:00:00"}, headers=user.headers
    )
    _field_error(listing, 422, "query.from")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()
