"""The harness's overrides go through the engine's own constructor parameters."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from evals.harness import EngineOverrides, EvalHarness
from tools.cache import MemoryToolCache
from tools.registry import get_registry


async def test_hidden_tool_is_removed_from_the_engines_toolset(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    overrides = EngineOverrides(hidden_tools=frozenset({"get_weight_trend"}))
    harness = EvalHarness(session_factory, MemoryToolCache(), overrides=overrides)
    try:
        offered = harness.engine().tool_names
    finally:
        await harness.aclose()
    assert offered == frozenset(get_registry()) - {"get_weight_trend"}


async def test_hidden_tools_apply_to_any_model(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    overrides = EngineOverrides(hidden_tools=frozenset({"propose_plan"}))
    harness = EvalHarness(
        session_factory, MemoryToolCache(), model="openai-chat:gpt-4o-mini", overrides=overrides
    )
    try:
        offered = harness.engine().tool_names
    finally:
        await harness.aclose()
    assert "propose_plan" not in offered
    assert len(offered) == len(get_registry()) - 1


async def test_unknown_hidden_tool_is_refused_naming_it(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    overrides = EngineOverrides(hidden_tools=frozenset({"no_such_tool"}))
    harness = EvalHarness(session_factory, MemoryToolCache(), overrides=overrides)
    with pytest.raises(ValueError, match="no_such_tool"):
        harness.engine()
