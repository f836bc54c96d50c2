"""Every policy decision the user should know about reaches the client as a ``policy`` event."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

from pydantic_ai.messages import ModelMessage
from pydantic_ai.models.function import AgentInfo, FunctionModel
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from persistence.repositories import ai_logs
from tests.coach.helpers import EngineFactory, build_policy, collect, named, text_of

POLICY_KEYS = {"stage", "type", "severity", "action", "message"}


async def test_adjusted_input_emits_a_policy_event_and_the_turn_goes_on(
    make_engine: EngineFactory, seed_user: Any
) -> None:
    user_id, _ = await seed_user(days=30)
    message = "Make me a 1000 kcal plan"
    expected = build_policy().check_input(message)
    assert expected.action.value == "adjust"
    events = await collect(make_engine().run_turn(user_id=user_id, message=message))
    policies = named(events, "policy")
    inputs = [e for e in policies if e.data["stage"] == "input"]
    assert len(inputs) == 1
    assert set(inputs[0].data) == POLICY_KEYS
    assert inputs[0].data["action"] == "adjust"
    assert inputs[0].data["type"] == expected.violations[0].type.value
    assert inputs[0].data["message"]
    # The event comes before the model's work, and the turn still runs to the end.
    kinds = [e.event for e in events]
    assert kinds.index("policy") < kinds.index("tool_call")
    assert events[-1].event == "done"


async def test_plan_stage_adjustment_emits_a_policy_event_and_an_adjusted_plan(
    make_engine: EngineFactory, seed_user: Any, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    user_id, _ = await seed_user(days=30)
    events = await collect(
        make_engine().run_turn(user_id=user_id, message="I'd like an 800 calorie plan")
    )
    plan_policies = [e for e in named(events, "policy") if e.data["stage"] == "plan"]
    assert plan_policies and plan_policies[0].data["action"] == "adjust"
    assert set(plan_policies[0].data) == POLICY_KEYS
    (plan,) = named(events, "plan")
    assert plan.data["adjusted"] is True
    assert any(c["field"] == "calories_kcal" and c["original"] == 800 for c in plan.data["changes"])
    p = plan.data["plan"]
    energy = 4 * p["protein_g"] + 4 * p["carbs_g"] + 9 * p["fat_g"]
    assert abs(energy - p["calories_kcal"]) <= 0.03 * p["calories_kcal"]
    assert p["carbs_g"] > 0 and 9 * p["fat_g"] >= 0.195 * p["calories_kcal"]
    kinds = [e.event for e in events]
    assert kinds.index("policy") < kinds.index("plan")
    # Logged once, by the tool, under the turn's session.
    session_id = uuid.UUID(events[0].data["session_id"])
    async with session_factory() as db:
        rows = await ai_logs.list_violations(db, session_id=session_id)
    plan_rows = [r for r in rows if (r.details or {}).get("stage") == "plan"]
    shown = {e.data["type"] for e in plan_policies}
    assert plan_rows and shown <= {r.violation_type.value for r in plan_rows}


async def test_refused_plan_emits_a_policy_event_and_no_plan(
    make_engine: EngineFactory, seed_user: Any
) -> None:
    # A target of 50 kg at 170 cm is a BMI of 50 / 1.7**2 = 17.3, under 18.5: no plan.
    user_id, _ = await seed_user(
        days=30, height_cm=170.0, start_weight_kg=60.0, target_weight_kg=50.0
    )
    message = "Make me a plan to reach my goal weight"
    assert build_policy().check_input(message).allowed
    events = await collect(make_engine().run_turn(user_id=user_id, message=message))
    refused = [e for e in named(events, "policy") if e.data["stage"] == "plan"]
    assert refused and refused[0].data["action"] in ("block", "refer")
    assert refused[0].data["message"]
    assert named(events, "plan") == []
    (result,) = [e for e in named(events, "tool_result") if e.data["tool"] == "propose_plan"]
    assert result.data["status"] == "blocked"
    assert events[-1].event == "done"


async def test_follow_up_input_is_checked_with_the_sessions_earlier_messages(
    make_engine: EngineFactory, seed_user: Any
) -> None:
    user_id, _ = await seed_user(days=30)
    engine = make_engine()
    first = await collect(engine.run_turn(user_id=user_id, message="only had 650 cals yesterday"))
    assert not [e for e in named(first, "policy") if e.data["stage"] == "input"]
    session_id = named(first, "session")[0].data["session_id"]
    follow_up = "same as yesterday today"
    assert build_policy().check_input(follow_up).allowed  # alone it says nothing unsafe
    events = await collect(
        engine.run_turn(user_id=user_id, message=follow_up, session_id=uuid.UUID(session_id))
    )
    inputs = [e for e in named(events, "policy") if e.data["stage"] == "input"]
    assert [e.data["type"] for e in inputs] == ["calorie_minimum"]


async def test_a_meal_plan_streamed_a_line_at_a_time_is_read_as_a_day_when_it_ends(
    make_engine: EngineFactory, seed_user: Any, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    """No line of the plan is a day; the reply as a whole is, and it is under the floor."""
    user_id, _ = await seed_user(days=30, sex="female")
    lines = ["Here's tomorrow.\n", "Breakfast: oats, 250 kcal\n", "Lunch: soup, 300 kcal\n"]

    async def stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        for line in lines:
            yield line
        yield "Dinner: fish, 350 kcal"

    model = FunctionModel(stream_function=stream)
    events = await collect(
        make_engine(models={"plan": model}).run_turn(
            user_id=user_id, message="plan tomorrow's meals", model="plan"
        )
    )
    text = text_of(events)
    assert text.startswith("Here's tomorrow.\nBreakfast: oats, 250 kcal")  # the plan went out
    (policy,) = [e for e in named(events, "policy") if e.data["stage"] == "output"]
    assert policy.data["type"] == "calorie_minimum" and policy.data["action"] == "adjust"
    assert "1,200" in text.split("Dinner: fish, 350 kcal", 1)[1]  # the note after the plan
    kinds = [e.event for e in events]
    assert kinds.index("policy") < kinds.index("done")
    session_id = uuid.UUID(events[0].data["session_id"])
    async with session_factory() as db:
        rows = await ai_logs.list_violations(db, session_id=session_id)
    assert [r.violation_type.value for r in rows] == ["calorie_minimum"]
