"""The offline coach through the real engine: intents -> tools -> replies with real numbers."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from persistence.enums import PhotoVisibility
from persistence.repositories import ai_logs
from tests.coach.helpers import DATA_END, NOON, EngineFactory, build_policy, collect, named, text_of
from tools.cache import MemoryToolCache
from tools.deps import FixedClock, ToolDeps
from tools.registry import get_registry


async def direct_result(
    session_factory: async_sessionmaker[AsyncSession], user_id: uuid.UUID, tool: str, **args: Any
) -> dict[str, Any]:
    """The tool's result computed by calling it directly (no model, no engine)."""
    spec = get_registry()[tool]
    deps = ToolDeps(
        user_id=user_id,
        session_factory=session_factory,
        cache=MemoryToolCache(),
        policy=build_policy(),
        clock=FixedClock(NOON),
    )
    result = await spec.func(deps, spec.args_model.model_validate(args))
    dumped: dict[str, Any] = result.model_dump(mode="json")
    return dumped


def _expect_weight(r: dict[str, Any]) -> list[str]:
    start = round(r["fit_start_kg"], 1)
    change = round(r["fit_change_kg"], 1)
    return [
        f"{r['weigh_ins']} weigh-ins",
        f"({r['period_days']} days)",
        f"from about {start:.1f} kg to {start + change:.1f} kg ({change:+.1f} kg)",
    ]


def _expect_nutrition(r: dict[str, Any]) -> list[str]:
    return [f"{r['days_logged']} of the last", f"{r['averages']['calories']:.0f} kcal"]


def _expect_adherence(r: dict[str, Any]) -> list[str]:
    return [f"streak is {r['current_streak_days']} days"]


def _expect_targets(r: dict[str, Any]) -> list[str]:
    return [f"{r['calories_kcal']} kcal a day", f"TDEE about {r['tdee_kcal']}"]


def _expect_expenditure(r: dict[str, Any]) -> list[str]:
    return [f"about {r['tdee_kcal']} kcal a day"]


def _expect_goal(r: dict[str, Any]) -> list[str]:
    return [f"{r['current_weight_kg']:.1f} kg", f"{r['target_weight_kg']:.1f} kg"]


def _expect_profile(r: dict[str, Any]) -> list[str]:
    return [f"{r['age']} years old", f"{r['height_cm']:.0f} cm"]


@pytest.mark.parametrize(
    ("message", "tool", "args", "expect"),
    [
        ("What's my weight trend?", "get_weight_trend", {}, _expect_weight),
        ("How's my nutrition been over the last 2 weeks?", "get_nutrition_summary", {"days": 14},
         _expect_nutrition),
        ("How consistent have I been?", "get_adherence", {}, _expect_adherence),
        ("What should my daily calories be?", "calculate_targets", {}, _expect_targets),
        ("What's my TDEE?", "estimate_expenditure", {}, _expect_expenditure),
        ("When will I reach my goal weight?", "get_goal_progress", {}, _expect_goal),
        ("What do you know about my profile?", "get_user_profile", {}, _expect_profile),
    ],
)  # fmt: skip
async def test_offline_model_answers_intent_with_tool_numbers(
    make_engine: EngineFactory,
    seed_user: Any,
    session_factory: async_sessionmaker[AsyncSession],
    message: str,
    tool: str,
    args: dict[str, Any],
    expect: Any,
) -> None:
    user_id, _ = await seed_user(days=60)
    engine = make_engine()
    events = await collect(engine.run_turn(user_id=user_id, message=message))
    assert [e.data["tool"] for e in named(events, "tool_call")] == [tool]
    assert named(events, "tool_result")[0].data["status"] == "success"
    expected = await direct_result(session_factory, user_id, tool, **args)
    reply = text_of(events)
    for fragment in expect(expected):
        assert fragment in reply


async def test_how_am_i_doing_calls_two_tools_in_one_step(
    make_engine: EngineFactory, seed_user: Any, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    user_id, _ = await seed_user(days=60)
    events = await collect(make_engine().run_turn(user_id=user_id, message="How am I doing?"))
    kinds = [e.event for e in events]
    # Both calls are made before any result comes back: one model step.
    assert kinds[:5] == ["session", "tool_call", "tool_call", "tool_result", "tool_result"]
    assert [e.data["tool"] for e in named(events, "tool_call")] == [
        "get_weight_trend",
        "get_adherence",
    ]
    trend = await direct_result(session_factory, user_id, "get_weight_trend")
    adherence = await direct_result(session_factory, user_id, "get_adherence")
    reply = text_of(events)
    assert f"about {round(trend['fit_start_kg'], 1):.1f} kg" in reply
    assert f"{abs(trend['weekly_rate_kg']):.2f} kg per week" in reply
    assert f"{round(adherence['checkin_rate'] * 100)}%" in reply
    # The audit log has both calls under the turn's session.
    session_id = uuid.UUID(events[0].data["session_id"])
    async with session_factory() as db:
        rows = await ai_logs.list_tool_calls(db, session_id=session_id)
    assert sorted(r.tool_name for r in rows) == ["get_adherence", "get_weight_trend"]


async def test_checkins_reply_counts_the_synthetic_checkins(
    make_engine: EngineFactory, seed_user: Any
) -> None:
    user_id, data = await seed_user(days=40)
    events = await collect(
        make_engine().run_turn(user_id=user_id, message="How have my check-ins looked?")
    )
    start = DATA_END - dt.timedelta(days=13)
    in_window = [c for c in data.checkins if start <= c.date <= DATA_END]
    with_weight = [c for c in in_window if c.weight_kg is not None]
    reply = text_of(events)
    assert f"checked in {len(in_window)} times" in reply
    assert f"{len(with_weight)} of them with a weight" in reply


async def test_photos_reply_counts_only_coach_visible_photos(
    make_engine: EngineFactory, seed_user: Any
) -> None:
    user_id, data = await seed_user(days=90)
    shared = [p for p in data.photos if p.visibility is PhotoVisibility.COACH_ONLY]
    events = await collect(make_engine().run_turn(user_id=user_id, message="Show my photos"))
    reply = text_of(events)
    if shared:
        assert f"shared {len(shared)} progress photos" in reply
        assert max(p.date for p in shared).isoformat() in reply
    else:
        assert "haven't shared any progress photos" in reply


async def test_plan_request_calls_propose_plan_and_emits_plan_event(
    make_engine: EngineFactory, seed_user: Any, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    user_id, _ = await seed_user(days=60)
    events = await collect(
        make_engine().run_turn(user_id=user_id, message="Can you make me a plan?")
    )
    assert [e.data["tool"] for e in named(events, "tool_call")] == ["propose_plan"]
    (plan_event,) = named(events, "plan")
    expected = await direct_result(session_factory, user_id, "propose_plan")
    assert plan_event.data["plan"] == expected["plan"]
    assert plan_event.data["adjusted"] == (expected["status"] == "adjusted")
    assert f"{expected['plan']['calories_kcal']} kcal a day" in text_of(events)
    # The plan event comes after its tool result and before the reply text.
    kinds = [e.event for e in events]
    assert kinds.index("tool_result") < kinds.index("plan") < kinds.index("text")


@pytest.mark.parametrize("message", ["Hello!", "Tell me a joke"])
async def test_greeting_and_other_need_no_tools(
    make_engine: EngineFactory, seed_user: Any, message: str
) -> None:
    user_id, _ = await seed_user(days=14)
    events = await collect(make_engine().run_turn(user_id=user_id, message=message))
    assert named(events, "tool_call") == []
    assert "weight trend" in text_of(events)
    assert events[-1].event == "done"


async def test_missing_data_reply_says_what_is_missing(
    make_engine: EngineFactory, seed_user: Any, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    from persistence.repositories import profiles

    user_id, _ = await seed_user(days=30)
    async with session_factory() as db:
        await profiles.update_profile(db, user_id=user_id, values={"height_cm": None})
        await db.commit()
    events = await collect(
        make_engine().run_turn(user_id=user_id, message="What should my daily calories be?")
    )
    assert named(events, "tool_result")[0].data["status"] == "failed"
    reply = text_of(events)
    assert (
        "To work out your targets I need your height (in cm). Could you add it to your profile?"
        in reply
    )
    assert "height_cm" not in reply and "{" not in reply
