"""The registry: every tool's name, description, argument and result models, TTL, category."""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from persistence.enums import ToolCategory
from tools.deps import ToolDeps
from tools.handlers import energy, logs, plan, profile, weight
from tools.handlers._common import ToolArgs, ToolResult

ToolFunc = Callable[[ToolDeps, Any], Awaitable[ToolResult]]


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """A tool as the registry describes it.

    ``ttl_s`` 0 means never cached (``propose_plan``: its policy check and violation log
    must run every time). ``category`` is ``internal`` for tools over the user's own data.
    ``plan_checked``: the result is a plan that goes through the plan-stage policy.
    """

    name: str
    description: str
    func: ToolFunc
    args_model: type[ToolArgs]
    result_model: type[ToolResult]
    ttl_s: float
    category: ToolCategory
    plan_checked: bool = False

    def json_schema(self) -> dict[str, Any]:
        """The arguments' JSON schema as the model sees it."""
        return self.args_model.model_json_schema()


def _spec(
    func: ToolFunc,
    *,
    ttl_s: float,
    category: ToolCategory = ToolCategory.INTERNAL,
    plan_checked: bool = False,
) -> ToolSpec:
    hints = typing.get_type_hints(func)
    args_model = hints["args"]
    result_model = hints["return"]
    if not (issubclass(args_model, ToolArgs) and issubclass(result_model, ToolResult)):
        raise TypeError(f"{func.__name__}: args must be a ToolArgs and the result a ToolResult")
    return ToolSpec(
        name=func.__name__,
        description=inspect.cleandoc(func.__doc__ or func.__name__),
        func=func,
        args_model=args_model,
        result_model=result_model,
        ttl_s=ttl_s,
        category=category,
        plan_checked=plan_checked,
    )


@functools.cache
def get_registry() -> Mapping[str, ToolSpec]:
    """Every tool by name, in the order they are offered to the model."""
    specs = (
        _spec(profile.get_user_profile, ttl_s=600),
        _spec(logs.get_recent_checkins, ttl_s=600),
        _spec(weight.get_weight_trend, ttl_s=900),
        _spec(logs.get_nutrition_summary, ttl_s=900),
        _spec(energy.calculate_targets, ttl_s=900),
        _spec(energy.estimate_expenditure, ttl_s=900),
        _spec(logs.get_adherence, ttl_s=900),
        _spec(weight.get_goal_progress, ttl_s=900),
        _spec(profile.list_progress_photos, ttl_s=600),
        _spec(plan.propose_plan, ttl_s=0, plan_checked=True),
    )
    return {s.name: s for s in specs}
