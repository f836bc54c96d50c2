"""GET /v1/me/progress: the data view's days, computed by the coach's own tools' code."""

from __future__ import annotations

import datetime as dt

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.api.conftest import MakeDataUser
from tests.tools.helpers import make_deps
from tools.handlers.logs import (
    AdherenceArgs,
    NutritionSummaryArgs,
    get_adherence,
    get_nutrition_summary,
)
from tools.handlers.weight import WeightTrendArgs, get_weight_trend


async def _log_days(client: httpx.AsyncClient, headers: dict[str, str], today: dt.date) -> None:
    """Forty days of data with holes: weigh-ins on two days out of three, food on most."""
    for back in range(40):
        day = (today - dt.timedelta(days=back)).isoformat()
        if back % 3:
            weight = {"weight_kg": round(80 - 0.05 * (40 - back), 1), "mood": 7}
            got = await client.put(f"/v1/check-ins/{day}", json=weight, headers=headers)
            assert got.status_code in (200, 201), got.text
        if back % 5:
            food = {"calories": 1900 + 10 * (back % 7), "protein_g": 120}
            got = await client.put(f"/v1/nutrition/{day}", json=food, headers=headers)
            assert got.status_code in (200, 201), got.text


async def test_progress_matches_the_tools_numbers_for_the_same_days(
    client: httpx.AsyncClient,
    data_user: MakeDataUser,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    user = await data_user(
        profile={"height_cm": 172, "birth_year": 1988, "sex": "female", "activity_level": "light"}
    )
    today = dt.datetime.now(dt.UTC).date()
    await _log_days(client, user.headers, today)

    got = await client.get("/v1/me/progress", headers=user.headers)

    assert got.status_code == 200, got.text
    body = got.json()
    days = body["days"]
    assert len(days) == 30
    assert days[0]["date"] == (today - dt.timedelta(days=29)).isoformat()
    assert days[-1]["date"] == today.isoformat()
    # Unlogged days stay empty (never zero); logged ones carry the value written.
    assert days[-2]["weight_kg"] == round(80 - 0.05 * 39, 1)
    assert [d["weight_kg"] is None for d in days] == [
        (today - dt.date.fromisoformat(d["date"])).days % 3 == 0 for d in days
    ]
    assert [d["calories"] is None for d in days] == [
        (today - dt.date.fromisoformat(d["date"])).days % 5 == 0 for d in days
    ]
    assert all(d["trend_kg"] is not None for d in days)

    deps = await make_deps(session_factory, user.id, today, with_session=False)
    trend = await get_weight_trend(deps, WeightTrendArgs(days=30))
    nutrition = await get_nutrition_summary(deps, NutritionSummaryArgs(days=30))
    adherence = await get_adherence(deps, AdherenceArgs(days=30))
    assert days[-1]["trend_kg"] == trend.trend_end_kg
    assert days[0]["trend_kg"] == trend.trend_start_kg
    assert body["weekly_rate_kg"] == trend.weekly_rate_kg
    calorie_row = next(c for c in nutrition.comparison if c.nutrient == "calories")
    assert body["calorie_target"] == calorie_row.target
    assert body["targets_source"] == nutrition.targets_source == "computed"
    assert body["adherence"] == adherence.model_dump(mode="json")


async def test_progress_of_a_user_without_data_is_empty_days_and_says_why(
    client: httpx.AsyncClient, data_user: MakeDataUser
) -> None:
    user = await data_user()

    got = await client.get("/v1/me/progress", params={"days": 7}, headers=user.headers)

    assert got.status_code == 200, got.text
    body = got.json()
    assert len(body["days"]) == 7
    assert all(
        d["weight_kg"] is None and d["trend_kg"] is None and d["calories"] is None
        for d in body["days"]
    )
    assert body["calorie_target"] is None
    assert "height_cm" in body["target_note"]
    assert body["adherence"]["checkin_rate"] == 0
    assert body["weekly_rate_kg"] is None


async def test_progress_window_out_of_range_is_422_naming_days(
    client: httpx.AsyncClient, data_user: MakeDataUser
) -> None:
    user = await data_user()

    got = await client.get("/v1/me/progress", params={"days": 400}, headers=user.headers)

    assert got.status_code == 422
    assert got.headers["content-type"].startswith("application/problem+json")
    assert "days" in got.text


async def test_progress_without_a_token_is_401(client: httpx.AsyncClient) -> None:
    got = await client.get("/v1/me/progress")

    assert got.status_code == 401
