"""propose_plan through the real policy engine: approved, adjusted and blocked plans."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from pydantic_ai import Agent
from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    TextPart,
    ToolCallPart,
    ToolReturnPart,
)
from pydantic_ai.models.function import AgentInfo, FunctionModel
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from persistence.enums import ActivityLevel, GoalType, Sex, ToolCallStatus
from persistence.repositories import ai_logs
from persistence.synthetic import SyntheticConfig
from policies import Action, Decision, PlanChange, PlanProposal, PolicyEngine, PolicyProfile, Stage
from tests.tools.helpers import MULTIPLIER, make_deps, ref_mifflin, ref_trend, seed, weights_of
from tools import ToolDeps, build_coach_toolset, execute_call, get_registry
from tools.handlers import plan as plan_module

Factory = async_sessionmaker[AsyncSession]
SPARSE_LOGS = SyntheticConfig(
    days=60,
    sex=Sex.MALE,
    height_cm=180.0,
    activity_level=ActivityLevel.MODERATE,
    start_weight_kg=95.0,
    target_weight_kg=82.0,
    unlogged_days_per_week=4,  # too few logs: the plan uses the formula TDEE
    weight_noise_sd_kg=0.3,
)


async def test_plan_for_the_user_goal_is_approved_and_matches_targets(
    session_factory: Factory,
) -> None:
    user_id, data = await seed(session_factory, SPARSE_LOGS, seed=8)
    deps = await make_deps(session_factory, user_id, data.end, policy=PolicyEngine())
    outcome = await execute_call(deps, get_registry()["propose_plan"], {}, call_id="p")
    assert outcome.record.status is ToolCallStatus.SUCCESS, outcome.message
    result = outcome.result
    assert result is not None
    dumped = result.model_dump()
    weight = ref_trend(weights_of(data, data.end - dt.timedelta(days=59), data.end), data.end)
    age = data.end.year - data.profile.birth_year
    tdee = ref_mifflin(weight, 180.0, age, "male") * MULTIPLIER["moderate"]
    calories = round(tdee - 0.005 * weight * 7700 / 7)
    plan = dumped["plan"]
    assert dumped["status"] == "approved" and dumped["violations"] == []
    assert dumped["tdee_source"].startswith("Mifflin")
    assert plan["calories_kcal"] == calories
    assert plan["protein_g"] == pytest.approx(2.0 * weight, abs=0.1)
    assert plan["fat_g"] == pytest.approx(calories * 0.25 / 9, abs=0.1)
    assert plan["fiber_g"] == pytest.approx(14 * calories / 1000, abs=0.1)
    weekly = (calories - round(tdee)) * 7 / 7700
    assert plan["weekly_change_kg"] == pytest.approx(weekly, abs=0.01)
    assert plan["duration_weeks"] == math.ceil((weight - 82.0) / -weekly)
    async with session_factory() as s:
        assert await ai_logs.list_violations(s, user_id=user_id) == []


async def test_unsafe_calories_are_adjusted_and_the_change_explained(
    session_factory: Factory,
) -> None:
    user_id, data = await seed(session_factory, SPARSE_LOGS, seed=9)
    deps = await make_deps(session_factory, user_id, data.end, policy=PolicyEngine())
    outcome = await execute_call(
        deps, get_registry()["propose_plan"], {"calories_kcal": 900}, call_id="p"
    )
    assert outcome.record.status is ToolCallStatus.SUCCESS, outcome.message
    result = outcome.result.model_dump() if outcome.result else {}
    assert result["status"] == "adjusted"
    assert result["original_plan"]["calories_kcal"] == 900
    assert result["plan"]["calories_kcal"] >= 1500
    calorie_change = [c for c in result["changes"] if c["field"] == "calories_kcal"]
    assert calorie_change and calorie_change[0]["reason"]
    # Every listed change ends at the plan the user gets, even when balancing calories and
    # rate moved a field past the policy's own adjustment.
    for change in result["changes"]:
        assert change["adjusted"] == pytest.approx(result["plan"][change["field"]], abs=0.01)
    assert {v["type"] for v in result["violations"]} >= {"calorie_minimum"}
    async with session_factory() as s:
        rows = await ai_logs.list_violations(s, user_id=user_id)
    assert rows and all(r.session_id == deps.session_id for r in rows)
    assert "calorie_minimum" in {r.violation_type.value for r in rows}


MINOR = SyntheticConfig(days=30, birth_year=2011, weight_noise_sd_kg=0.3)


async def test_default_plan_for_a_minor_has_no_deficit(session_factory: Factory) -> None:
    user_id, data = await seed(session_factory, MINOR, seed=10)
    deps = await make_deps(session_factory, user_id, data.end, policy=PolicyEngine())
    outcome = await execute_call(deps, get_registry()["propose_plan"], {}, call_id="p")
    assert outcome.result is not None, outcome.message
    dumped = outcome.result.model_dump()
    assert dumped["plan"]["calories_kcal"] == dumped["tdee_kcal"]
    assert any("under 18" in line for line in dumped["rationale"])


async def test_restriction_for_a_minor_is_blocked_logged_and_told_to_the_model(
    session_factory: Factory,
) -> None:
    user_id, data = await seed(session_factory, MINOR, seed=10)
    deps = await make_deps(session_factory, user_id, data.end, policy=PolicyEngine())

    def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        if sum(isinstance(m, ModelResponse) for m in messages) == 0:
            args = {"calories_kcal": 1400}
            call = ToolCallPart(tool_name="propose_plan", args=args, tool_call_id="pp")
            return ModelResponse(parts=[call])
        return ModelResponse(parts=[TextPart("ok")])

    agent: Agent[ToolDeps, str] = Agent(
        FunctionModel(respond), deps_type=ToolDeps, toolsets=[build_coach_toolset()]
    )
    result = await agent.run("make me a plan", deps=deps)
    returned = [
        p
        for m in result.all_messages()
        if isinstance(m, ModelRequest)
        for p in m.parts
        if isinstance(p, ToolReturnPart)
    ]
    assert returned[0].outcome == "failed" and "18" in str(returned[0].content)
    assert deps.call_records["pp"].status is ToolCallStatus.BLOCKED
    async with session_factory() as s:
        calls = await ai_logs.list_tool_calls(s, session_id=deps.session_id)
        violations = await ai_logs.list_violations(s, user_id=user_id)
    assert [(c.tool_name, c.status) for c in calls] == [("propose_plan", ToolCallStatus.BLOCKED)]
    assert calls[0].error_message and "blocked" in calls[0].error_message
    assert violations


def _energy(plan: dict[str, float]) -> float:
    """Atwater: 4 kcal/g protein and carbohydrate, 9 kcal/g fat."""
    return 4 * plan["protein_g"] + 4 * plan["carbs_g"] + 9 * plan["fat_g"]


def assert_coherent(plan: dict[str, float]) -> None:
    """Macros that add up to the calories, with fat 20-35 % of energy, carbs and fibre."""
    calories = plan["calories_kcal"]
    assert abs(_energy(plan) - calories) <= 0.03 * calories, plan
    assert 0.195 <= 9 * plan["fat_g"] / calories <= 0.355, plan
    assert plan["carbs_g"] > 0, plan
    assert plan["fiber_g"] == pytest.approx(14 * calories / 1000, abs=0.1)


async def test_adjusted_plan_macros_add_up_to_the_adjusted_calories(
    session_factory: Factory,
) -> None:
    user_id, data = await seed(session_factory, SPARSE_LOGS, seed=11)
    deps = await make_deps(session_factory, user_id, data.end, policy=PolicyEngine())
    outcome = await execute_call(
        deps, get_registry()["propose_plan"], {"calories_kcal": 800}, call_id="p"
    )
    assert outcome.result is not None, outcome.message
    result = outcome.result.model_dump()
    plan = result["plan"]
    assert result["status"] == "adjusted"
    assert result["original_plan"]["calories_kcal"] == 800
    assert plan["calories_kcal"] >= 1500  # the floor for a man
    assert_coherent(plan)
    # Protein by goal: 2.0 g/kg of trend weight for fat loss (BMI < 30: no reference cap).
    weight = ref_trend(weights_of(data, data.end - dt.timedelta(days=59), data.end), data.end)
    assert plan["protein_g"] == pytest.approx(2.0 * weight, abs=0.1)
    changed = {c["field"] for c in result["changes"]}
    assert {"calories_kcal", "carbs_g", "fat_g"} <= changed
    assert all(c["reason"] for c in result["changes"])
    # The plan-stage decision is noted for the engine's policy event.
    assert [d.stage.value for d in deps.policy_decisions] == ["plan"]


async def test_incoherent_policy_adjustment_is_rebuilt_around_its_calories(
    session_factory: Factory,
) -> None:
    user_id, data = await seed(session_factory, SPARSE_LOGS, seed=12)
    deps = await make_deps(session_factory, user_id, data.end, policy=PolicyEngine())
    draft = PlanProposal(calories_kcal=800, protein_g=190.0, carbs_g=0.0, fat_g=17.8, fiber_g=11.2)
    # What a policy that rescales only carbs and fat can hand back: fat is 69 % of energy.
    adjusted = draft.model_copy(
        update={"calories_kcal": 2158.0, "fat_g": 164.8, "weekly_change_kg": -0.84}
    )
    decision = Decision(
        action=Action.ADJUST,
        stage=Stage.PLAN,
        adjusted_plan=adjusted,
        changes=(
            PlanChange(field="calories_kcal", original=800, adjusted=2158, reason="floor"),
            PlanChange(field="fat_g", original=17.8, adjusted=164.8, reason="rescaled"),
        ),
    )
    final, changes = plan_module._final_plan(
        deps,
        draft,
        decision,
        PolicyProfile(sex="male", weight_kg=95.0, height_cm=180.0),
        weight_kg=95.0,
        height_cm=180.0,
        goal=GoalType.FAT_LOSS,
        tdee_kcal=2158.0 + 0.84 * 7700 / 7,
    )
    assert final.calories_kcal == 2158.0 and final.weekly_change_kg == -0.84
    assert final.protein_g == pytest.approx(190.0)  # 2.0 g/kg x 95 kg, as the policy kept it
    assert final.fat_g == pytest.approx(0.25 * 2158 / 9)
    assert final.carbs_g == pytest.approx((2158 - 4 * 190.0 - 0.25 * 2158) / 4)
    assert final.fiber_g == pytest.approx(14 * 2158 / 1000)
    by_field = {c.field: c for c in changes}
    assert by_field["fat_g"].original == 17.8
    assert by_field["fat_g"].adjusted == pytest.approx(0.25 * 2158 / 9)
    assert "recomputed" in by_field["carbs_g"].reason
    assert by_field["calories_kcal"].reason == "floor"


async def test_changes_end_at_the_plan_when_balancing_moves_calories_past_the_policy(
    session_factory: Factory,
) -> None:
    user_id, data = await seed(session_factory, SPARSE_LOGS, seed=14)
    deps = await make_deps(session_factory, user_id, data.end, policy=PolicyEngine())
    tdee = 2475.0
    draft = PlanProposal(calories_kcal=1000.0, weekly_change_kg=-1.18)
    # A policy that raises calories to the floor and slows the rate, each on its own: the
    # slowed rate needs more than the floor, so the plan ends above what the policy said.
    adjusted = draft.model_copy(update={"calories_kcal": 1500.0, "weekly_change_kg": -0.71})
    decision = Decision(
        action=Action.ADJUST,
        stage=Stage.PLAN,
        adjusted_plan=adjusted,
        changes=(
            PlanChange(field="calories_kcal", original=1000, adjusted=1500, reason="the floor"),
            PlanChange(field="weekly_change_kg", original=-1.18, adjusted=-0.71, reason="1 %"),
        ),
    )
    final, changes = plan_module._final_plan(
        deps,
        draft,
        decision,
        PolicyProfile(sex="male", weight_kg=95.0, height_cm=180.0),
        weight_kg=95.0,
        height_cm=180.0,
        goal=GoalType.FAT_LOSS,
        tdee_kcal=tdee,
    )
    assert final.calories_kcal == pytest.approx(tdee - 0.71 * 7700 / 7)
    by_field = {c.field: c for c in changes}
    calories = by_field["calories_kcal"]
    assert calories.original == 1000 and calories.adjusted == pytest.approx(final.calories_kcal)
    assert calories.reason.startswith("the floor; then 1694 kcal")
    assert by_field["weekly_change_kg"].adjusted == pytest.approx(-0.71)
    assert by_field["weekly_change_kg"].reason == "1 %"


async def test_coherent_policy_adjustment_is_kept_as_is(session_factory: Factory) -> None:
    user_id, data = await seed(session_factory, SPARSE_LOGS, seed=13)
    deps = await make_deps(session_factory, user_id, data.end, policy=PolicyEngine())
    calories = 2000.0
    protein = 150.0
    fat = 0.3 * calories / 9
    carbs = (calories - 4 * protein - 9 * fat) / 4
    adjusted = PlanProposal(
        calories_kcal=calories,
        protein_g=protein,
        carbs_g=carbs,
        fat_g=fat,
        fiber_g=14 * calories / 1000,
        weekly_change_kg=-0.5,
    )
    decision = Decision(action=Action.ADJUST, stage=Stage.PLAN, adjusted_plan=adjusted)
    final, _ = plan_module._final_plan(
        deps,
        adjusted.model_copy(update={"calories_kcal": 1000.0}),
        decision,
        PolicyProfile(sex="male", weight_kg=95.0, height_cm=180.0),
        weight_kg=95.0,
        height_cm=180.0,
        goal=GoalType.FAT_LOSS,
        tdee_kcal=2000.0 + 0.5 * 7700 / 7,
    )
    assert final == adjusted


def test_slowed_rate_gets_the_calories_it_implies() -> None:
    # A policy that slows -0.91 to -0.82 kg/week but keeps the faster plan's calories.
    tdee = 2754.0
    adjusted = PlanProposal(calories_kcal=1754.0, weekly_change_kg=-0.82)
    balanced = plan_module._energy_balanced(adjusted, tdee)
    assert balanced.calories_kcal == pytest.approx(tdee - 0.82 * 7700 / 7)
    assert balanced.weekly_change_kg == pytest.approx(-0.82)
    # Calories raised (to a floor) without touching the rate: the rate follows them.
    floored = plan_module._energy_balanced(
        PlanProposal(calories_kcal=1500.0, weekly_change_kg=-0.91), 2310.0
    )
    assert floored.calories_kcal == 1500.0
    assert floored.weekly_change_kg == pytest.approx(-810 * 7 / 7700)


@pytest.mark.parametrize(
    ("plan", "problem"),
    [
        ({"calories_kcal": 2158, "protein_g": 169, "carbs_g": 0, "fat_g": 164.8}, "fat is"),
        ({"calories_kcal": 2000, "protein_g": 150, "carbs_g": 100, "fat_g": 60}, "macros give"),
        ({"calories_kcal": 2000, "protein_g": 150, "carbs_g": 225, "fat_g": 55.6}, None),
    ],
)
def test_macro_problems_name_what_does_not_add_up(
    plan: dict[str, float], problem: str | None
) -> None:
    proposal = PlanProposal(**plan, fiber_g=14 * plan["calories_kcal"] / 1000)
    problems = plan_module.macro_problems(proposal)
    if problem is None:
        assert problems == []
    else:
        assert any(problem in p for p in problems), problems
