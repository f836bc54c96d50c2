"""Reading a tool call's arguments as a plan, a profile and free text.

Tools name their fields freely (``calories``, ``target_kcal``, ``daily_kj``,
``weekly_loss_kg``...). Known names are mapped onto :class:`PlanProposal` and
:class:`PolicyProfile` fields (arguments override the stored profile: the tool computes for
them); kJ is converted to kcal; a "loss" rate is made negative; every other string is checked
as text. Adjusted values are written back under the tool's own names and units.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from persistence.enums import PolicyViolationType as T
from persistence.enums import Severity

from ._energy import tdee
from ._findings import Finding
from .models import Action, PlanProposal, PolicyProfile
from .quantities import KJ_PER_KCAL
from .settings import PolicySettings

_PLAN_KEYS: dict[str, tuple[str, float]] = {}
for _name, _keys, _factor in (
    ("calories_kcal", "calories_kcal calories kcal target_calories daily_calories calorie_target "
     "target_kcal energy_kcal calories_per_day daily_kcal calorie_goal kcal_per_day", 1.0),
    ("calories_kcal", "kilojoules energy_kj kj target_kj daily_kj kj_per_day", 1 / KJ_PER_KCAL),
    ("protein_g", "protein_g protein protein_grams target_protein_g protein_target_g "
     "daily_protein_g protein_target protein_per_day_g", 1.0),
    ("carbs_g", "carbs_g carbs carbohydrates_g carbohydrate_g carbs_grams", 1.0),
    ("fat_g", "fat_g fat fats_g fat_grams", 1.0),
    ("fiber_g", "fiber_g fibre_g fiber fibre", 1.0),
    ("weekly_change_kg", "weekly_change_kg weekly_rate_kg rate_kg_per_week target_rate_kg_per_week "
     "pace_kg_per_week weekly_change kg_per_week weekly_weight_change_kg", 1.0),
    ("weekly_change_kg", "weekly_loss_kg loss_per_week_kg weekly_loss target_loss_per_week_kg "
     "loss_kg_per_week", -1.0),
    ("weekly_change_kg", "weekly_gain_kg gain_per_week_kg gain_kg_per_week", 1.0),
):  # fmt: skip
    for _key in _keys.split():
        _PLAN_KEYS[_key] = (_name, _factor)

_PROFILE_KEYS = {
    "sex": "sex", "gender": "sex", "birth_year": "birth_year", "height_cm": "height_cm",
    "height": "height_cm", "weight_kg": "weight_kg", "current_weight_kg": "weight_kg",
    "weight": "weight_kg", "activity_level": "activity_level", "activity": "activity_level",
    "goal_type": "goal_type", "goal": "goal_type", "target_weight_kg": "target_weight_kg",
    "goal_weight_kg": "target_weight_kg", "timezone": "timezone",
}  # fmt: skip
_DEFICIT_KEYS = frozenset("deficit_kcal daily_deficit calorie_deficit deficit".split())
_SURPLUS_KEYS = frozenset("surplus_kcal calorie_surplus daily_surplus surplus".split())


@dataclass(slots=True)
class ToolArgs:
    """A tool call's arguments, split by what the checks need."""

    args: dict[str, Any]
    profile: PolicyProfile
    plan: PlanProposal | None = None
    texts: list[str] = field(default_factory=list)
    plan_keys: dict[str, tuple[str, float]] = field(default_factory=dict)  # field -> (key, factor)
    energy_keys: dict[str, tuple[str, float]] = field(default_factory=dict)  # deficit/surplus

    def energy_findings(
        self, settings: PolicySettings, year: int
    ) -> list[tuple[Finding, str, float]]:
        """Deficit/surplus arguments over their limits, with the key and safe value."""
        out: list[tuple[Finding, str, float]] = []
        maintenance = tdee(self.profile, year)
        for kind, (key, value) in self.energy_keys.items():
            if kind == "deficit":
                limit = settings.max_deficit_kcal
                vtype, policy = T.WEIGHT_LOSS_RATE, "tool.max_deficit"
            else:
                limit = (maintenance * settings.max_surplus_fraction if maintenance
                         else settings.max_surplus_kcal)  # fmt: skip
                vtype, policy = T.CALORIE_MAXIMUM, "tool.max_surplus"
            if value <= limit:
                continue
            safe = float(math.floor(limit))
            finding = Finding(
                policy, vtype, Severity.WARNING, Action.ADJUST,
                f"{key}={value:.0f} kcal > max {limit:.0f} kcal",
                f"A {kind} of {value:,.0f} kcal a day is more than the {limit:,.0f} kcal that is "
                f"safe; set to {safe:,.0f} kcal.", "calories", threshold=limit, measured=value,
            )  # fmt: skip
            out.append((finding, key, safe))
        return out

    def apply(self, adjusted: PlanProposal | None, extra: dict[str, float]) -> dict[str, Any]:
        """The arguments with adjusted values written back under the tool's own keys."""
        new = dict(self.args)
        if adjusted is not None:
            for name, (key, factor) in self.plan_keys.items():
                value = getattr(adjusted, name)
                if value is not None:
                    new[key] = round(value / factor, 2)
        new.update(extra)
        return new


def split_tool_args(args: Mapping[str, Any], profile: PolicyProfile, year: int) -> ToolArgs:
    """Map ``args`` (one level of nesting is flattened) onto a plan, a profile and texts."""
    flat: dict[str, Any] = {}
    for key, value in args.items():
        if isinstance(value, Mapping):
            flat.update({str(k).lower(): v for k, v in value.items()})
        else:
            flat[str(key).lower()] = value
    out = ToolArgs(dict(args), profile)
    plan_values: dict[str, float] = {}
    profile_values: dict[str, Any] = {}
    for key, value in flat.items():
        if key in _PLAN_KEYS and _is_number(value):
            name, factor = _PLAN_KEYS[key]
            plan_values[name] = float(value) * factor
            out.plan_keys[name] = (key, factor)
        elif key in _DEFICIT_KEYS and _is_number(value):
            out.energy_keys["deficit"] = (key, abs(float(value)))
        elif key in _SURPLUS_KEYS and _is_number(value):
            out.energy_keys["surplus"] = (key, float(value))
        elif key == "age" and _is_number(value):
            profile_values["birth_year"] = year - int(value)
        elif key in _PROFILE_KEYS and value is not None:
            profile_values[_PROFILE_KEYS[key]] = value
        elif isinstance(value, str) and len(value.strip()) >= 3:
            out.texts.append(value)
    if profile_values:
        out.profile = PolicyProfile.model_validate({**profile.model_dump(), **profile_values})
    if plan_values:
        out.plan = PlanProposal.model_validate(plan_values)
    return out


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
