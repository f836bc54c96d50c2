"""The tool-args check uses the user's own profile, loaded at most once per deps."""

from __future__ import annotations

import dataclasses

from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from persistence.enums import Sex
from persistence.synthetic import SyntheticConfig
from policies import PolicyEngine, PolicyProfile
from tests.tools.helpers import make_deps, seed
from tools import policy_gate
from tools.handlers._common import ToolArgs
from tools.registry import ToolSpec, get_registry

Factory = async_sessionmaker[AsyncSession]


class CalorieArgs(ToolArgs):
    """A tool argument checked against the calorie floor."""

    calories_kcal: int = Field(ge=500, le=8000)


def calorie_tool() -> ToolSpec:
    """A registry spec whose arguments are a calorie target (not plan-checked)."""
    spec = get_registry()["calculate_targets"]
    return dataclasses.replace(spec, name="set_calories", args_model=CalorieArgs)


async def test_args_check_uses_the_deps_profile_for_the_users_floor(
    session_factory: Factory,
) -> None:
    user_id, data = await seed(session_factory, SyntheticConfig(days=14), seed=21)
    deps = await make_deps(session_factory, user_id, data.end, policy=PolicyEngine())
    deps.policy_profile = PolicyProfile(sex=Sex.FEMALE)
    args = CalorieArgs(calories_kcal=1300)  # above the 1200 floor for a woman
    gate = await policy_gate.check_tool_args(deps, calorie_tool(), args)
    assert gate.args == args and gate.notes == []
    assert deps.policy_decisions == []


async def test_args_check_without_a_profile_uses_the_stricter_floor(
    session_factory: Factory,
) -> None:
    user_id, data = await seed(session_factory, SyntheticConfig(days=14), seed=22)
    deps = await make_deps(session_factory, user_id, data.end, policy=PolicyEngine())
    args = CalorieArgs(calories_kcal=1300)
    gate = await policy_gate.check_tool_args(deps, calorie_tool(), args)
    # An unknown sex gets the 1500 kcal floor: the argument is raised and the model told.
    assert isinstance(gate.args, CalorieArgs) and gate.args.calories_kcal == 1500
    assert gate.notes
    assert [d.stage.value for d in deps.policy_decisions] == ["tool_args"]


async def test_plan_checked_tool_loads_the_profile_once(session_factory: Factory) -> None:
    config = SyntheticConfig(days=14, sex=Sex.FEMALE, weight_noise_sd_kg=0.3)
    user_id, data = await seed(session_factory, config, seed=23)
    deps = await make_deps(session_factory, user_id, data.end, policy=PolicyEngine())
    assert deps.policy_profile is None
    first = await policy_gate.user_policy_profile(deps)
    assert first.sex is Sex.FEMALE and first.weight_kg is not None
    assert await policy_gate.user_policy_profile(deps) is first
