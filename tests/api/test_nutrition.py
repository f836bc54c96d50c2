"""Nutrition days over HTTP: upsert, validation, listing, aggregates, delete."""

from __future__ import annotations

import datetime as dt
from statistics import mean
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

DAY = "2024-06-01"


async def test_put_nutrition_creates_then_replaces(
    client: httpx.AsyncClient, data_user: Any
) -> None:
    user = await data_user()
    body = {"calories": 2100, "protein_g": 140.5, "carbs_g": 230, "fat_g": 70.25, "fiber_g": 31}
    created = await client.put(f"/v1/nutrition/{DAY}", json=body, headers=user.headers)
    assert created.status_code == 201, created.text
    assert {k: created.json()[k] for k in body} == body
    assert created.json()["source"] == "manual"
    replaced = await client.put(
        f"/v1/nutrition/{DAY}", json={"calories": 1900}, headers=user.headers
    )
    assert replaced.status_code == 200
    assert replaced.json()["id"] == created.json()["id"]
    assert replaced.json()["calories"] == 1900 and replaced.json()["protein_g"] is None
    assert (
        await client.get(f"/v1/nutrition/{DAY}", headers=user.headers)
    ).json() == replaced.json()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"calories": -1}, "body.calories"),
        ({"calories": 100_000}, "body.calories"),
        ({"calories": 2000.5}, "body.calories"),
        ({"protein_g": -0.01}, "body.protein_g"),
        ({"protein_g": 10_000}, "body.protein_g"),
        ({"carbs_g": 1.234}, "body.carbs_g"),
        ({"fat_g": "lots"}, "body.fat_g"),
        ({"fiber_g": 1000}, "body.fiber_g"),
        ({"notes": "n" * 2001}, "body.notes"),
        ({"source": "mfp_import"}, "body.source"),
    ],
)
async def test_put_nutrition_rejects_invalid_fields(
    client: httpx.AsyncClient, data_user: Any, body: dict[str, Any], field: str
) -> None:
    user = await data_user()
    response = await client.put(f"/v1/nutrition/{DAY}", json=body, headers=user.headers)
    assert response.status_code == 422, response.text
    assert field in [err["field"] for err in response.json()["errors"]]
    assert (await client.get(f"/v1/nutrition/{DAY}", headers=user.headers)).status_code == 404


async def test_put_nutrition_accepts_the_column_maxima(
    client: httpx.AsyncClient, data_user: Any
) -> None:
    user = await data_user()
    body = {"calories": 99_999, "protein_g": 9999.99, "carbs_g": 0, "fiber_g": 999.99}
    response = await client.put(f"/v1/nutrition/{DAY}", json=body, headers=user.headers)
    assert response.status_code == 201, response.text


async def test_put_nutrition_refuses_future_dates(
    client: httpx.AsyncClient, data_user: Any
) -> None:
    user = await data_user()
    future = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=2)
    response = await client.put(f"/v1/nutrition/{future}", json={}, headers=user.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "path.date"


async def _seed(client: httpx.AsyncClient, user: Any) -> dict[str, dict[str, Any]]:
    days = {
        "2024-06-01": {"calories": 2000, "protein_g": 150.5, "fat_g": 60},
        "2024-06-02": {"calories": 1800, "protein_g": 120.25},
        "2024-06-04": {"calories": 2500, "fat_g": 90.5, "fiber_g": 30},
        "2024-06-07": {"calories": 1700},
    }
    for day, body in days.items():
        await client.put(f"/v1/nutrition/{day}", json=body, headers=user.headers)
    return days


async def test_list_nutrition_newest_first_with_range_and_cursor(
    client: httpx.AsyncClient, data_user: Any
) -> None:
    user = await data_user()
    days = await _seed(client, user)
    first = await client.get("/v1/nutrition", params={"limit": 3}, headers=user.headers)
    page = first.json()
    assert [i["date"] for i in page["items"]] == sorted(days, reverse=True)[:3]
    assert page["aggregate"] is None
    rest = await client.get(
        "/v1/nutrition", params={"limit": 3, "cursor": page["next_cursor"]}, headers=user.headers
    )
    assert [i["date"] for i in rest.json()["items"]] == ["2024-06-01"]
    assert rest.json()["next_cursor"] is None
    ranged = await client.get(
        "/v1/nutrition", params={"from": "2024-06-02", "to": "2024-06-04"}, headers=user.headers
    )
    assert [i["date"] for i in ranged.json()["items"]] == ["2024-06-04", "2024-06-02"]


@pytest.mark.parametrize("kind", ["avg", "sum"])
async def test_aggregates_over_logged_days_only(
    client: httpx.AsyncClient, data_user: Any, kind: str
) -> None:
    user = await data_user()
    days = await _seed(client, user)
    params = {"aggregate": kind, "from": "2024-06-01", "to": "2024-06-05"}
    body = (await client.get("/v1/nutrition", params=params, headers=user.headers)).json()
    assert body["items"] == []
    summary = body["aggregate"]
    in_range = [v for d, v in days.items() if "2024-06-01" <= d <= "2024-06-05"]
    assert summary["days_logged"] == len(in_range)
    assert summary["from"] == "2024-06-01" and summary["to"] == "2024-06-05"
    for name in ("calories", "protein_g", "fat_g", "fiber_g", "carbs_g"):
        logged = [float(v[name]) for v in in_range if name in v]
        if not logged:
            assert summary[name] is None
        else:
            expected = mean(logged) if kind == "avg" else sum(logged)
            assert summary[name] == round(expected, 2), name


async def test_aggregate_value_is_validated(client: httpx.AsyncClient, data_user: Any) -> None:
    user = await data_user()
    response = await client.get("/v1/nutrition", params={"aggregate": "max"}, headers=user.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.aggregate"


async def test_delete_nutrition_then_missing_and_cache_bumped(
    app: FastAPI, client: httpx.AsyncClient, data_user: Any
) -> None:
    user = await data_user()
    cache = app.state.coach.cache
    v0 = await cache.user_version(user.id)
    await client.put(f"/v1/nutrition/{DAY}", json={"calories": 1}, headers=user.headers)
    v1 = await cache.user_version(user.id)
    assert (await client.delete(f"/v1/nutrition/{DAY}", headers=user.headers)).status_code == 204
    v2 = await cache.user_version(user.id)
    assert v0 < v1 < v2
    assert (await client.get(f"/v1/nutrition/{DAY}", headers=user.headers)).status_code == 404
    assert (await client.delete(f"/v1/nutrition/{DAY}", headers=user.headers)).status_code == 404
