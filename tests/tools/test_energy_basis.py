"""One expenditure per user: targets, plans and the estimate agree; typed missing-data errors;
plans keep (or explain) what was asked; trend figures that agree."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from persistence.enums import ActivityLevel, Sex, ToolCallStatus
from persistence.repositories import profiles
from persistence.synthetic import SyntheticConfig
from policies import PolicyEngine
from tests.tools.helpers import make_deps, ref_weekly_rate, seed, weights_of
from tools import execute_call, get_registry
from tools.errors import DataErrorCode, ToolDataMissing, parse_tool_error

Factory = async_sessionmaker[AsyncSession]
LOGGED = SyntheticConfig(
    days=60,
    sex=Sex.MALE,
    height_cm=181.0,
    activity_level=ActivityLevel.LIGHT,
    start_weight_kg=92.0,
    target_weight_kg=82.0,
    unlogged_days_per_week=0,
    weight_noise_sd_kg=0.3,
)
SPARSE = SyntheticConfig(
    days=60,
    sex=Sex.FEMALE,
    height_cm=165.0,
    start_weight_kg=74.0,
    target_weight_kg=66.0,
    unlogged_days_per_week=5,
    weight_noise_sd_kg=0.3,
)


async def _run(deps: object, tool: str, args: dict[str, object]) -> dict[str, object]:
    outcome = await execute_call(deps, get_registry()[tool], args, call_id=tool)  # type: ignore[arg-type]
    assert outcome.record.status is ToolCallStatus.SUCCESS, outcome.message
    assert outcome.result is not None
    return outcome.result.model_dump(mode="json")


@pytest.mark.parametrize(("config", "basis"), [(LOGGED, "adaptive"), (SPARSE, "formula")])
async def test_targets_plan_and_estimate_share_one_expenditure(
    session_factory: Factory, config: SyntheticConfig, basis: str
) -> None:
    user_id, data = await seed(session_factory, config, seed=31)
    deps = await make_deps(session_factory, user_id, data.end, policy=PolicyEngine())
    targets = await _run(deps, "calculate_targets", {})
    plan = await _run(deps, "propose_plan", {})
    estimate = await _run(deps, "estimate_expenditure", {})
    nutrition = await _run(deps, "get_nutrition_summary", {"days": 28})
    assert targets["tdee_basis"] == plan["tdee_basis"] == estimate["tdee_basis"] == basis
    assert targets["tdee_kcal"] == plan["tdee_kcal"] == estimate["tdee_kcal"]
    target_calories = next(c for c in nutrition["comparison"] if c["nutrient"] == "calories")
    assert target_calories["target"] == targets["calories_kcal"]


async def test_missing_height_and_birth_year_is_a_typed_error(session_factory: Factory) -> None:
    user_id, data = await seed(session_factory, SPARSE, seed=32)
    async with session_factory() as db:
        await profiles.update_profile(
            db, user_id=user_id, values={"height_cm": None, "birth_year": None}
        )
        await db.commit()
    deps = await make_deps(session_factory, user_id, data.end, policy=PolicyEngine())
    outcome = await execute_call(deps, get_registry()["calculate_targets"], {}, call_id="t")
    assert outcome.record.status is ToolCallStatus.FAILED
    parsed = parse_tool_error(outcome.message or "")
    assert parsed is not None
    assert parsed.code is DataErrorCode.MISSING_PROFILE_FIELDS
    assert parsed.fields == ("height_cm", "birth_year")


async def test_no_weigh_in_at_all_makes_the_estimate_ask_for_one(session_factory: Factory) -> None:
    user_id, data = await seed(session_factory, SPARSE, seed=33)
    deps = await make_deps(
        session_factory, user_id, data.end + dt.timedelta(days=200), policy=PolicyEngine()
    )
    outcome = await execute_call(deps, get_registry()["estimate_expenditure"], {}, call_id="e")
    parsed = parse_tool_error(outcome.message or "")
    assert parsed is not None
    assert (parsed.code, parsed.fields) == (DataErrorCode.NOT_ENOUGH_DATA, ("weight_kg",))


def test_parse_tool_error_reads_back_what_the_error_wrote() -> None:
    error = ToolDataMissing(
        DataErrorCode.NO_TARGET_WEIGHT, "ask for one", fields=("target_weight_kg",)
    )
    parsed = parse_tool_error(error.message)
    assert parsed is not None
    assert (parsed.code, parsed.fields, parsed.detail) == (
        DataErrorCode.NO_TARGET_WEIGHT,
        ("target_weight_kg",),
        "ask for one",
    )
    assert parse_tool_error("propose_plan was blocked by a safety policy: no.") is None


async def test_requested_rate_is_kept_when_safe(session_factory: Factory) -> None:
    user_id, data = await seed(session_factory, LOGGED, seed=34)
    deps = await make_deps(session_factory, user_id, data.end, policy=PolicyEngine())
    plan = await _run(deps, "propose_plan", {"weekly_change_kg": -0.5})
    assert plan["plan"]["weekly_change_kg"] == pytest.approx(-0.5, abs=0.01)
    assert plan["request_changes"] == []
    assert plan["plan"]["calories_kcal"] == pytest.approx(
        plan["tdee_kcal"] - 0.5 * 7700 / 7, abs=1.5
    )


async def test_too_fast_rate_is_changed_and_the_change_explained(session_factory: Factory) -> None:
    user_id, data = await seed(session_factory, SPARSE, seed=35)
    deps = await make_deps(session_factory, user_id, data.end, policy=PolicyEngine())
    plan = await _run(deps, "propose_plan", {"weekly_change_kg": -1.0})
    (change,) = plan["request_changes"]
    assert change["field"] == "weekly_change_kg"
    assert change["requested"] == -1.0
    assert change["proposed"] == plan["plan"]["weekly_change_kg"] > -1.0
    assert change["reason"] and "kg/week" not in change["reason"]


async def test_deadline_sets_the_rate_from_the_target_weight(session_factory: Factory) -> None:
    user_id, data = await seed(session_factory, LOGGED, seed=36)
    deps = await make_deps(session_factory, user_id, data.end, policy=PolicyEngine())
    deadline = data.end + dt.timedelta(days=140)
    current = await _run(deps, "get_goal_progress", {})
    plan = await _run(
        deps,
        "propose_plan",
        {"target_date": deadline.isoformat(), "target_weight_kg": current["current_weight_kg"] - 4},
    )
    assert plan["plan"]["weekly_change_kg"] == pytest.approx(-4 / 20, abs=0.01)
    assert plan["plan"]["duration_weeks"] == 20


async def test_deadline_without_target_weight_asks_for_one(session_factory: Factory) -> None:
    user_id, data = await seed(session_factory, LOGGED, seed=37)
    async with session_factory() as db:
        await profiles.update_goal(db, user_id=user_id, values={"target_weight_kg": None})
        await db.commit()
    deps = await make_deps(session_factory, user_id, data.end, policy=PolicyEngine())
    outcome = await execute_call(
        deps,
        get_registry()["propose_plan"],
        {"target_date": (data.end + dt.timedelta(days=60)).isoformat()},
        call_id="p",
    )
    parsed = parse_tool_error(outcome.message or "")
    assert parsed is not None and parsed.code is DataErrorCode.NO_TARGET_WEIGHT


async def test_trend_line_figures_agree_with_the_rate(session_factory: Factory) -> None:
    user_id, data = await seed(
        session_factory, SyntheticConfig(days=9, weight_noise_sd_kg=0.3), seed=38
    )
    deps = await make_deps(session_factory, user_id, data.end)
    trend = await _run(deps, "get_weight_trend", {"days": 28})
    weights = weights_of(data, data.end - dt.timedelta(days=27), data.end)
    span = (max(weights) - min(weights)).days
    assert trend["period_days"] == span + 1
    assert trend["weekly_rate_kg"] == pytest.approx(ref_weekly_rate(weights), abs=0.001)
    assert trend["fit_change_kg"] == pytest.approx(trend["weekly_rate_kg"] * span / 7, abs=0.01)
    assert trend["fit_end_kg"] == pytest.approx(trend["fit_start_kg"] + trend["fit_change_kg"])
