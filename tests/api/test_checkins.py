"""Check-ins over HTTP: upsert by date, validation, server-computed adherence, listing."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi import FastAPI

DAY = "2024-03-10"


def _round2(value: float) -> float:
    """Half-up to 2 decimals, like a NUMERIC(3,2) score."""
    return float(Decimal(repr(value)).quantize(Decimal("0.01"), ROUND_HALF_UP))


async def test_put_check_in_creates_then_replaces(
    client: httpx.AsyncClient, data_user: Any
) -> None:
    user = await data_user()
    first = await client.put(
        f"/v1/check-ins/{DAY}",
        json={"weight_kg": 81.25, "energy_level": 7, "mood": 6, "notes": "felt good"},
        headers=user.headers,
    )
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["date"] == DAY and body["weight_kg"] == 81.25 and body["mood"] == 6
    assert body["adherence_score"] is None  # no nutrition, no targets

    second = await client.put(
        f"/v1/check-ins/{DAY}", json={"weight_kg": 80.9, "sleep_quality": 8}, headers=user.headers
    )
    assert second.status_code == 200
    replaced = second.json()
    assert replaced["id"] == body["id"]
    assert replaced["weight_kg"] == 80.9 and replaced["sleep_quality"] == 8
    # PUT replaces the whole check-in: fields left out are cleared.
    assert replaced["mood"] is None and replaced["notes"] is None

    fetched = await client.get(f"/v1/check-ins/{DAY}", headers=user.headers)
    assert fetched.status_code == 200 and fetched.json() == replaced


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC"])
async def test_put_check_in_refuses_dates_after_today_in_user_timezone(
    client: httpx.AsyncClient, data_user: Any, zone: str
) -> None:
    user = await data_user(profile={"timezone": zone})
    today = dt.datetime.now(ZoneInfo(zone)).date()
    ok = await client.put(f"/v1/check-ins/{today}", json={"mood": 5}, headers=user.headers)
    assert ok.status_code == 201, ok.text
    tomorrow = today + dt.timedelta(days=1)
    refused = await client.put(f"/v1/check-ins/{tomorrow}", json={"mood": 5}, headers=user.headers)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "path.date"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"weight_kg": 19.99}, "body.weight_kg"),
        ({"weight_kg": 500.01}, "body.weight_kg"),
        ({"weight_kg": 70.123}, "body.weight_kg"),
        ({"energy_level": 0}, "body.energy_level"),
        ({"energy_level": 11}, "body.energy_level"),
        ({"sleep_quality": 0}, "body.sleep_quality"),
        ({"mood": 11}, "body.mood"),
        ({"mood": 5.5}, "body.mood"),
        ({"notes": "x" * 2001}, "body.notes"),
        ({"adherence_score": 0.9}, "body.adherence_score"),
        ({"client_updated_at": "2024-03-10T10:00:00"}, "body.client_updated_at"),
        ({"client_updated_at": "2999-01-01T00:00:00Z"}, "body.client_updated_at"),
        ({"client_updated_at": "0001-01-01T00:00:00+14:00"}, "body.client_updated_at"),
    ],
)
async def test_put_check_in_rejects_invalid_fields(
    client: httpx.AsyncClient, data_user: Any, body: dict[str, Any], field: str
) -> None:
    user = await data_user()
    response = await client.put(f"/v1/check-ins/{DAY}", json=body, headers=user.headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in [err["field"] for err in response.json()["errors"]]
    assert (await client.get(f"/v1/check-ins/{DAY}", headers=user.headers)).status_code == 404


async def test_put_check_in_rejects_bad_date_in_path(
    client: httpx.AsyncClient, data_user: Any
) -> None:
    user = await data_user()
    response = await client.put("/v1/check-ins/2024-02-30", json={}, headers=user.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "path.date"


async def test_check_ins_require_a_token(client: httpx.AsyncClient) -> None:
    assert (await client.get("/v1/check-ins")).status_code == 401
    assert (await client.put(f"/v1/check-ins/{DAY}", json={})).status_code == 401


async def test_adherence_from_macro_targets_follows_nutrition_changes(
    client: httpx.AsyncClient, data_user: Any
) -> None:
    targets = {"calories": 2000, "protein_g": 150, "fat_g": 70}
    user = await data_user(preferences={"macro_targets": targets})
    logged = {"calories": 1800, "protein_g": 165, "fat_g": 84}
    put = await client.put(f"/v1/nutrition/{DAY}", json=logged, headers=user.headers)
    assert put.status_code == 201
    created = await client.put(f"/v1/check-ins/{DAY}", json={"mood": 6}, headers=user.headers)
    # calories aim at the target, protein is a floor (more is fine), fat aims at the target.
    s_cal = 1 - abs(1800 - 2000) / 2000
    s_protein = min(1.0, 165 / 150)
    s_fat = 1 - abs(84 - 70) / 70
    expected = _round2(0.5 * s_cal + 0.5 * (s_protein + s_fat) / 2)
    assert created.json()["adherence_score"] == expected

    # Changing that day's nutrition recomputes the stored score.
    await client.put(f"/v1/nutrition/{DAY}", json=targets, headers=user.headers)
    again = await client.get(f"/v1/check-ins/{DAY}", headers=user.headers)
    assert again.json()["adherence_score"] == 1.0

    await client.delete(f"/v1/nutrition/{DAY}", headers=user.headers)
    cleared = await client.get(f"/v1/check-ins/{DAY}", headers=user.headers)
    assert cleared.json()["adherence_score"] is None


async def test_adherence_uses_profile_estimate_when_no_targets(
    client: httpx.AsyncClient, data_user: Any
) -> None:
    user = await data_user(
        profile={"height_cm": 180, "birth_year": 1990, "sex": "male", "activity_level": "moderate"},
        goal={"goal_type": "maintenance"},
    )
    await client.put(f"/v1/nutrition/{DAY}", json={"calories": 2300}, headers=user.headers)
    response = await client.put(
        f"/v1/check-ins/{DAY}", json={"weight_kg": 80}, headers=user.headers
    )
    # Mifflin-St Jeor (male) x 1.55, maintenance: the target is the TDEE itself.
    age = 2024 - 1990
    tdee = (10 * 80 + 6.25 * 180 - 5 * age + 5) * 1.55
    expected = _round2(max(0.0, 1 - abs(2300 - tdee) / tdee))
    assert response.json()["adherence_score"] == expected


async def test_adherence_is_null_without_any_target(
    client: httpx.AsyncClient, data_user: Any
) -> None:
    user = await data_user()  # no profile, no targets: nothing to compare with
    await client.put(f"/v1/nutrition/{DAY}", json={"calories": 2300}, headers=user.headers)
    response = await client.put(
        f"/v1/check-ins/{DAY}", json={"weight_kg": 80}, headers=user.headers
    )
    assert response.json()["adherence_score"] is None


async def test_list_check_ins_newest_first_with_keyset_cursor(
    client: httpx.AsyncClient, data_user: Any
) -> None:
    user = await data_user()
    days = [dt.date(2024, 1, d) for d in (3, 7, 1, 9, 5)]
    for day in days:
        await client.put(f"/v1/check-ins/{day}", json={"mood": day.day}, headers=user.headers)
    seen: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = (await client.get("/v1/check-ins", params=params, headers=user.headers)).json()
        seen += [item["date"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [d.isoformat() for d in sorted(days, reverse=True)]

    ranged = await client.get(
        "/v1/check-ins", params={"from": "2024-01-03", "to": "2024-01-07"}, headers=user.headers
    )
    assert [i["date"] for i in ranged.json()["items"]] == ["2024-01-07", "2024-01-05", "2024-01-03"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2024-02-01", "to": "2024-01-01"}, "query.from"),
        ({"cursor": "not-a-cursor"}, "query.cursor"),
        ({"limit": 0}, "query.limit"),
        ({"limit": 367}, "query.limit"),
        ({"from": "yesterday"}, "query.from"),
    ],
)
async def test_list_check_ins_rejects_bad_parameters(
    client: httpx.AsyncClient, data_user: Any, params: dict[str, Any], field: str
) -> None:
    user = await data_user()
    response = await client.get("/v1/check-ins", params=params, headers=user.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


async def test_delete_check_in_then_missing(client: httpx.AsyncClient, data_user: Any) -> None:
    user = await data_user()
    await client.put(f"/v1/check-ins/{DAY}", json={"mood": 4}, headers=user.headers)
    assert (await client.delete(f"/v1/check-ins/{DAY}", headers=user.headers)).status_code == 204
    assert (await client.get(f"/v1/check-ins/{DAY}", headers=user.headers)).status_code == 404
    assert (await client.delete(f"/v1/check-ins/{DAY}", headers=user.headers)).status_code == 404


async def test_every_check_in_write_bumps_the_tool_cache_version(
    app: FastAPI, client: httpx.AsyncClient, data_user: Any
) -> None:
    user = await data_user()
    cache = app.state.coach.cache
    before = await cache.user_version(user.id)
    await client.put(f"/v1/check-ins/{DAY}", json={"mood": 4}, headers=user.headers)
    after_put = await cache.user_version(user.id)
    await client.delete(f"/v1/check-ins/{DAY}", headers=user.headers)
    after_delete = await cache.user_version(user.id)
    item = {"date": DAY, "mood": 3, "client_updated_at": "2024-03-10T08:00:00Z"}
    await client.post("/v1/check-ins/sync", json={"items": [item]}, headers=user.headers)
    after_sync = await cache.user_version(user.id)
    assert before < after_put < after_delete < after_sync
    # A refused write changes nothing and does not bump.
    await client.put(f"/v1/check-ins/{DAY}", json={"mood": 99}, headers=user.headers)
    assert await cache.user_version(user.id) == after_sync
