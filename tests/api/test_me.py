"""GET /v1/me and the partial updates of profile, goal and preferences."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from api.schemas.me import MAX_CALORIES, MAX_LIST_ITEMS
from api.state import AppState
from persistence.models import DietPreferences, UserGoal, UserProfile

PASSWORD = "correct horse battery"

Headers = dict[str, str]


def state_of(app: FastAPI) -> AppState:
    """The app's state."""
    state: AppState = app.state.coach
    return state


async def sign_up(client: httpx.AsyncClient, email: str) -> tuple[uuid.UUID, Headers]:
    """A new user's id and bearer header."""
    body = {"email": email, "password": PASSWORD}
    registered = await client.post("/v1/auth/register", json=body)
    assert registered.status_code == 201
    pair = (await client.post("/v1/auth/login", json=body)).json()
    return uuid.UUID(registered.json()["id"]), {"Authorization": f"Bearer {pair['access_token']}"}


@pytest.fixture
async def caller(
    client: httpx.AsyncClient, unique_email: Callable[[], str]
) -> AsyncIterator[tuple[uuid.UUID, Headers]]:
    """A signed-up user."""
    yield await sign_up(client, unique_email())


@contextmanager
def count_statements(app: FastAPI) -> Iterator[list[str]]:
    """Collect the SQL statements the app's engine runs inside the block."""
    statements: list[str] = []
    engine = state_of(app).engine.sync_engine

    def record(*args: Any) -> None:
        statements.append(str(args[2]))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


# --- GET /v1/me -------------------------------------------------------------------------


async def test_me_of_new_user_shows_defaults(
    client: httpx.AsyncClient, caller: tuple[uuid.UUID, Headers]
) -> None:
    user_id, headers = caller
    response = await client.get("/v1/me", headers=headers)
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["id"] == str(user_id) and body["user"]["is_verified"] is False
    assert "hashed_password" not in body["user"]
    assert body["profile"]["timezone"] == "UTC" and body["profile"]["height_cm"] is None
    assert body["goal"]["goal_type"] == "maintenance"
    assert body["goal"]["pace_preference"] == "moderate"
    prefs = body["preferences"]
    assert prefs["diet_type"] == "none" and prefs["meals_per_day"] == 3
    assert prefs["allergies"] == [] and prefs["macro_targets"] is None


async def test_me_loads_user_profile_goal_and_preferences_in_one_query(
    app: FastAPI, client: httpx.AsyncClient, caller: tuple[uuid.UUID, Headers]
) -> None:
    _, headers = caller
    await client.patch("/v1/me/profile", json={"height_cm": 180}, headers=headers)
    await client.patch("/v1/me/goal", json={"goal_type": "fat_loss"}, headers=headers)
    await client.patch("/v1/me/preferences", json={"meals_per_day": 4}, headers=headers)
    with count_statements(app) as statements:
        response = await client.get("/v1/me", headers=headers)
    assert response.status_code == 200
    body = response.json()
    assert body["profile"]["height_cm"] == 180 and body["goal"]["goal_type"] == "fat_loss"
    assert body["preferences"]["meals_per_day"] == 4
    queries = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(queries) == 1, statements
    for table in ("user_profile", "user_goal", "diet_preferences"):
        assert table in queries[0]


async def test_me_shows_only_the_caller(
    client: httpx.AsyncClient, unique_email: Callable[[], str]
) -> None:
    alice_email, bob_email = unique_email(), unique_email()
    alice_id, alice = await sign_up(client, alice_email)
    bob_id, bob = await sign_up(client, bob_email)
    await client.patch("/v1/me/profile", json={"display_name": "Alice"}, headers=alice)
    await client.patch("/v1/me/preferences", json={"allergies": ["peanuts"]}, headers=alice)
    bob_view = (await client.get("/v1/me", headers=bob)).json()
    assert bob_view["user"] == {**bob_view["user"], "id": str(bob_id), "email": bob_email}
    assert bob_view["profile"]["display_name"] is None
    assert bob_view["preferences"]["allergies"] == []
    alice_view = (await client.get("/v1/me", headers=alice)).json()
    assert alice_view["user"]["id"] == str(alice_id)
    assert alice_view["profile"]["display_name"] == "Alice"
    # A query parameter naming another user changes nothing.
    sneaky = await client.get("/v1/me", params={"user_id": str(alice_id)}, headers=bob)
    assert sneaky.json()["user"]["id"] == str(bob_id)


async def test_me_without_token_is_401(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/me")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


# --- PATCH /v1/me/profile ---------------------------------------------------------------


async def test_profile_patch_changes_only_the_fields_sent(
    client: httpx.AsyncClient,
    caller: tuple[uuid.UUID, Headers],
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    user_id, headers = caller
    first = await client.patch(
        "/v1/me/profile",
        json={
            "display_name": "  Sam  ",
            "height_cm": 172.5,
            "sex": "prefer_not_to_say",
            "birth_year": 1990,
            "activity_level": "very_active",
        },
        headers=headers,
    )
    assert first.status_code == 200
    assert first.json()["display_name"] == "Sam" and first.json()["height_cm"] == 172.5
    second = await client.patch(
        "/v1/me/profile", json={"timezone": "America/Argentina/Buenos_Aires"}, headers=headers
    )
    body = second.json()
    assert body["timezone"] == "America/Argentina/Buenos_Aires"
    assert (body["height_cm"], body["birth_year"], body["sex"]) == (
        172.5,
        1990,
        "prefer_not_to_say",
    )
    async with session_factory() as db:
        row = (
            await db.scalars(sa.select(UserProfile).where(col(UserProfile.user_id) == user_id))
        ).one()
    assert str(row.height_cm) == "172.5" and row.activity_level == "very_active"


async def test_profile_patch_null_clears_a_nullable_field(
    client: httpx.AsyncClient, caller: tuple[uuid.UUID, Headers]
) -> None:
    _, headers = caller
    await client.patch("/v1/me/profile", json={"height_cm": 180, "sex": "male"}, headers=headers)
    response = await client.patch("/v1/me/profile", json={"height_cm": None}, headers=headers)
    assert response.json()["height_cm"] is None and response.json()["sex"] == "male"


async def test_profile_patch_accepts_range_bounds(
    client: httpx.AsyncClient, caller: tuple[uuid.UUID, Headers]
) -> None:
    _, headers = caller
    for body in (
        {"height_cm": 50, "birth_year": 1900},
        {"height_cm": 300, "birth_year": 2100},
    ):
        response = await client.patch("/v1/me/profile", json=body, headers=headers)
        assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"height_cm": 49.9}, "body.height_cm"),
        ({"height_cm": 300.1}, "body.height_cm"),
        ({"height_cm": "180"}, "body.height_cm"),
        ({"height_cm": True}, "body.height_cm"),
        ({"birth_year": 1899}, "body.birth_year"),
        ({"birth_year": 2101}, "body.birth_year"),
        ({"birth_year": 1990.5}, "body.birth_year"),
        ({"sex": "Male"}, "body.sex"),
        ({"sex": "unknown"}, "body.sex"),
        ({"activity_level": "extreme"}, "body.activity_level"),
        ({"timezone": "Mars/Olympus_Mons"}, "body.timezone"),
        ({"timezone": "europe/paris"}, "body.timezone"),
        ({"timezone": "../../etc/passwd"}, "body.timezone"),
        ({"timezone": None}, "body.timezone"),
        ({"timezone": "A" * 51}, "body.timezone"),
        ({"display_name": "   "}, "body.display_name"),
        ({"display_name": "x" * 101}, "body.display_name"),
        ({"user_id": str(uuid.uuid4())}, "body.user_id"),
        ({"weight_kg": 80}, "body.weight_kg"),
    ],
)
async def test_profile_patch_invalid_field_is_422_and_changes_nothing(
    app: FastAPI,
    client: httpx.AsyncClient,
    caller: tuple[uuid.UUID, Headers],
    body: dict[str, Any],
    field: str,
) -> None:
    user_id, headers = caller
    version = await state_of(app).cache.user_version(user_id)
    response = await client.patch("/v1/me/profile", json=body, headers=headers)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [error["field"] for error in response.json()["errors"]] == [field]
    assert await state_of(app).cache.user_version(user_id) == version
    me = (await client.get("/v1/me", headers=headers)).json()
    assert me["profile"]["timezone"] == "UTC" and me["profile"]["height_cm"] is None


async def test_profile_patch_with_a_non_object_body_is_422(
    client: httpx.AsyncClient, caller: tuple[uuid.UUID, Headers]
) -> None:
    _, headers = caller
    for content in (b"[]", b"null", b"{not json"):
        response = await client.patch(
            "/v1/me/profile",
            content=content,
            headers={**headers, "Content-Type": "application/json"},
        )
        assert response.status_code == 422, content


# --- PATCH /v1/me/goal ------------------------------------------------------------------


async def test_goal_patch_changes_only_the_fields_sent(
    client: httpx.AsyncClient, caller: tuple[uuid.UUID, Headers]
) -> None:
    _, headers = caller
    first = await client.patch(
        "/v1/me/goal",
        json={"goal_type": "fat_loss", "target_weight_kg": 72.4, "target_date": "2027-06-01"},
        headers=headers,
    )
    assert first.status_code == 200
    second = await client.patch("/v1/me/goal", json={"pace_preference": "slow"}, headers=headers)
    assert second.json() == {
        **second.json(),
        "goal_type": "fat_loss",
        "target_weight_kg": 72.4,
        "pace_preference": "slow",
        "target_date": "2027-06-01",
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"target_weight_kg": 19.99}, "body.target_weight_kg"),
        ({"target_weight_kg": 500.01}, "body.target_weight_kg"),
        ({"target_weight_kg": "70"}, "body.target_weight_kg"),
        ({"goal_type": "FAT_LOSS"}, "body.goal_type"),
        ({"goal_type": "bulk"}, "body.goal_type"),
        ({"goal_type": None}, "body.goal_type"),
        ({"pace_preference": "fast"}, "body.pace_preference"),
        ({"pace_preference": None}, "body.pace_preference"),
        ({"target_date": "2027-13-01"}, "body.target_date"),
        ({"target_date": "next year"}, "body.target_date"),
        ({"id": str(uuid.uuid4())}, "body.id"),
    ],
)
async def test_goal_patch_invalid_field_is_422(
    client: httpx.AsyncClient,
    caller: tuple[uuid.UUID, Headers],
    body: dict[str, Any],
    field: str,
) -> None:
    _, headers = caller
    response = await client.patch("/v1/me/goal", json=body, headers=headers)
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == [field]


# --- PATCH /v1/me/preferences -----------------------------------------------------------


async def test_preferences_patch_trims_dedupes_and_replaces_lists(
    client: httpx.AsyncClient,
    caller: tuple[uuid.UUID, Headers],
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    user_id, headers = caller
    response = await client.patch(
        "/v1/me/preferences",
        json={
            "diet_type": "pescatarian",
            "allergies": ["  Peanuts ", "shellfish", "peanuts"],
            "disliked_foods": ["okra"],
            "meals_per_day": 5,
            "macro_targets": {"calories": 2200, "protein_g": 150.5, "fiber_g": 30},
        },
        headers=headers,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["allergies"] == ["Peanuts", "shellfish"]
    assert body["macro_targets"] == {
        "calories": 2200,
        "protein_g": 150.5,
        "carbs_g": None,
        "fat_g": None,
        "fiber_g": 30,
    }
    replaced = await client.patch(
        "/v1/me/preferences",
        json={"allergies": [], "macro_targets": {"fat_g": 70}},
        headers=headers,
    )
    body = replaced.json()
    assert body["allergies"] == [] and body["disliked_foods"] == ["okra"]
    assert body["macro_targets"]["fat_g"] == 70 and body["macro_targets"]["calories"] is None
    async with session_factory() as db:
        row = (
            await db.scalars(
                sa.select(DietPreferences).where(col(DietPreferences.user_id) == user_id)
            )
        ).one()
    assert row.macro_targets == {"fat_g": 70}  # unset targets are not stored as nulls
    cleared = await client.patch(
        "/v1/me/preferences", json={"macro_targets": None}, headers=headers
    )
    assert cleared.json()["macro_targets"] is None


async def test_preferences_accept_the_list_limit(
    client: httpx.AsyncClient, caller: tuple[uuid.UUID, Headers]
) -> None:
    _, headers = caller
    items = [f"food {index} " + "x" * 80 for index in range(MAX_LIST_ITEMS)]
    response = await client.patch(
        "/v1/me/preferences", json={"disliked_foods": items}, headers=headers
    )
    assert response.status_code == 200
    assert response.json()["disliked_foods"] == [item.strip() for item in items]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"meals_per_day": 0}, "body.meals_per_day"),
        ({"meals_per_day": 11}, "body.meals_per_day"),
        ({"meals_per_day": None}, "body.meals_per_day"),
        ({"meals_per_day": 2.5}, "body.meals_per_day"),
        ({"diet_type": "Vegan"}, "body.diet_type"),
        ({"diet_type": "carnivore"}, "body.diet_type"),
        ({"allergies": [f"a{index}" for index in range(51)]}, "body.allergies"),
        ({"allergies": ["x" * 101]}, "body.allergies.0"),
        ({"allergies": ["ok", "  "]}, "body.allergies.1"),
        ({"allergies": "peanuts"}, "body.allergies"),
        ({"allergies": None}, "body.allergies"),
        ({"disliked_foods": [1]}, "body.disliked_foods.0"),
        ({"macro_targets": {"calories": -1}}, "body.macro_targets.calories"),
        ({"macro_targets": {"calories": MAX_CALORIES + 1}}, "body.macro_targets.calories"),
        ({"macro_targets": {"calories": 2000.5}}, "body.macro_targets.calories"),
        ({"macro_targets": {"protein_g": -0.1}}, "body.macro_targets.protein_g"),
        ({"macro_targets": {"carbs_g": 1e9}}, "body.macro_targets.carbs_g"),
        ({"macro_targets": {"fat_g": "lots"}}, "body.macro_targets.fat_g"),
        ({"macro_targets": {"fiber_g": 301}}, "body.macro_targets.fiber_g"),
        ({"macro_targets": {"sugar_g": 10}}, "body.macro_targets.sugar_g"),
        ({"macro_targets": [2000]}, "body.macro_targets"),
    ],
)
async def test_preferences_patch_invalid_field_is_422(
    client: httpx.AsyncClient,
    caller: tuple[uuid.UUID, Headers],
    body: dict[str, Any],
    field: str,
) -> None:
    _, headers = caller
    response = await client.patch("/v1/me/preferences", json=body, headers=headers)
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == [field]


async def test_non_finite_numbers_are_422(
    client: httpx.AsyncClient, caller: tuple[uuid.UUID, Headers]
) -> None:
    _, headers = caller
    for raw in (b'{"height_cm": NaN}', b'{"height_cm": Infinity}'):
        response = await client.patch(
            "/v1/me/profile",
            content=raw,
            headers={**headers, "Content-Type": "application/json"},
        )
        assert response.status_code == 422


# --- cache invalidation -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/me/profile", {"birth_year": 1985}),
        ("/v1/me/goal", {"goal_type": "muscle_gain"}),
        ("/v1/me/preferences", {"meals_per_day": 6}),
    ],
)
async def test_successful_writes_bump_the_users_tool_cache_version(
    app: FastAPI,
    client: httpx.AsyncClient,
    caller: tuple[uuid.UUID, Headers],
    path: str,
    body: dict[str, Any],
) -> None:
    user_id, headers = caller
    cache = state_of(app).cache
    before = await cache.user_version(user_id)
    assert (await client.patch(path, json=body, headers=headers)).status_code == 200
    after = await cache.user_version(user_id)
    assert before is not None and after is not None and after > before
    # An empty patch writes nothing and leaves the version alone.
    assert (await client.patch(path, json={}, headers=headers)).status_code == 200
    assert await cache.user_version(user_id) == after


async def test_empty_patch_stores_no_rows(
    client: httpx.AsyncClient,
    caller: tuple[uuid.UUID, Headers],
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    user_id, headers = caller
    for path in ("/v1/me/profile", "/v1/me/goal", "/v1/me/preferences"):
        assert (await client.patch(path, json={}, headers=headers)).status_code == 200
    async with session_factory() as db:
        for model in (UserProfile, UserGoal, DietPreferences):
            stmt = (
                sa.select(sa.func.count()).select_from(model).where(col(model.user_id) == user_id)
            )
            assert (await db.scalar(stmt)) == 0
