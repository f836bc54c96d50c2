"""The engine's toolset: ``include_tools`` is an exact removal from what the model is offered."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic_ai.messages import ModelMessage
from pydantic_ai.models.function import AgentInfo
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.engine import CoachEngine
from tests.coach.helpers import ScriptedModel, build_policy, collect, offline_settings
from tools.cache import MemoryToolCache
from tools.registry import get_registry


async def test_include_tools_limits_the_tools_offered_to_the_model(
    session_factory: async_sessionmaker[AsyncSession], seed_user: Any
) -> None:
    user_id, _ = await seed_user(days=7)
    offered: list[set[str]] = []

    def step(messages: list[ModelMessage], info: AgentInfo) -> list[Any]:
        offered.append({t.name for t in info.function_tools})
        return ["Fine."]

    script = ScriptedModel(step)
    kept = frozenset(get_registry()) - {"get_weight_trend", "propose_plan"}
    engine = CoachEngine(
        session_factory=session_factory,
        cache=MemoryToolCache(),
        policy=build_policy(),
        settings=offline_settings(),
        models={"scripted": script.model()},
        include_tools=kept,
    )
    try:
        events = await collect(engine.run_turn(user_id=user_id, message="hi", model="scripted"))
    finally:
        await engine.aclose()
    assert events[-1].event == "done"
    assert offered == [set(kept)]
    assert engine.tool_names == kept


async def test_unknown_included_tool_is_refused_naming_it(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    with pytest.raises(ValueError, match="no_such_tool"):
        CoachEngine(
            session_factory=session_factory,
            cache=MemoryToolCache(),
            policy=None,
            settings=offline_settings(),
            include_tools=frozenset({"no_such_tool"}),
        )
