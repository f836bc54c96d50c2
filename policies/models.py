"""Typed inputs and outputs of the policy engine.

A check returns a :class:`Decision`: the action to take and the :class:`Violation` list that
justifies it. The decision's action is the strongest of its violations' actions, in the order
``refer > block > adjust > allow``: a referral is a block that also hands the user to better
help, a block replaces the reply, an adjustment amends it, and allow lets it through.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from persistence.enums import ActivityLevel, GoalType, PolicyViolationType, Severity, Sex


class Action(StrEnum):
    """What the caller must do with the checked content."""

    ALLOW = "allow"
    ADJUST = "adjust"
    BLOCK = "block"
    REFER = "refer"

    @property
    def rank(self) -> int:
        """Strength used to pick a decision's action (higher wins)."""
        return _ACTION_RANK[self]


_ACTION_RANK = {Action.ALLOW: 0, Action.ADJUST: 1, Action.BLOCK: 2, Action.REFER: 3}


class Stage(StrEnum):
    """Where in a turn a check runs."""

    INPUT = "input"
    TOOL_ARGS = "tool_args"
    PLAN = "plan"
    OUTPUT = "output"


def strongest(actions: list[Action]) -> Action:
    """The strongest action of a list (``allow`` for an empty one)."""
    return max(actions, key=lambda a: a.rank, default=Action.ALLOW)


class Violation(BaseModel):
    """One broken policy, with the evidence that shows it."""

    model_config = ConfigDict(frozen=True)

    type: PolicyViolationType
    severity: Severity
    action: Action
    stage: Stage
    policy_id: str
    policy_version: str
    evidence: str = Field(description="The matched span, or the measured value vs threshold.")
    threshold: float | None = None
    measured: float | None = None
    span: tuple[int, int] | None = Field(
        default=None, description="Character span of the evidence in the checked text."
    )
    explanation: str = Field(description="One user-facing sentence saying what is unsafe.")
    topic: str | None = Field(default=None, description="Referral topic (crisis, ed, thyroid...).")
    suggestion: str | None = Field(
        default=None, description="Safe text to put in place of the span when amending a reply."
    )


class PlanChange(BaseModel):
    """One field of a plan moved to its nearest safe value."""

    model_config = ConfigDict(frozen=True)

    field: str
    original: float | None
    adjusted: float | None
    reason: str


def _lenient_enum(value: object, aliases: dict[str, str]) -> object:
    if isinstance(value, str):
        key = value.strip().lower().replace("-", "_").replace(" ", "_")
        return aliases.get(key, key)
    return value


_SEX_ALIASES = {
    "m": "male",
    "man": "male",
    "f": "female",
    "woman": "female",
    "w": "female",
    "nonbinary": "other",
    "non_binary": "other",
    "nb": "other",
    "x": "other",
    "unknown": "prefer_not_to_say",
    "unspecified": "prefer_not_to_say",
}
_ACTIVITY_ALIASES = {
    "inactive": "sedentary",
    "lightly_active": "light",
    "moderately_active": "moderate",
    "very": "very_active",
    "extra_active": "very_active",
    "extremely_active": "very_active",
}
_GOAL_ALIASES = {
    "weight_loss": "fat_loss",
    "lose": "fat_loss",
    "lose_weight": "fat_loss",
    "loss": "fat_loss",
    "cut": "fat_loss",
    "cutting": "fat_loss",
    "gain": "muscle_gain",
    "bulk": "muscle_gain",
    "bulking": "muscle_gain",
    "build_muscle": "muscle_gain",
    "maintain": "maintenance",
}


class PolicyProfile(BaseModel):
    """What the checks know about the user; every field is optional."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    sex: Sex | None = None
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    height_cm: float | None = Field(default=None, gt=50, lt=300)
    weight_kg: float | None = Field(default=None, gt=20, lt=500)
    activity_level: ActivityLevel | None = None
    goal_type: GoalType | None = None
    target_weight_kg: float | None = Field(default=None, gt=20, lt=500)
    timezone: str | None = None

    @field_validator("sex", mode="before")
    @classmethod
    def _sex(cls, value: object) -> object:
        return _lenient_enum(value, _SEX_ALIASES)

    @field_validator("activity_level", mode="before")
    @classmethod
    def _activity(cls, value: object) -> object:
        return _lenient_enum(value, _ACTIVITY_ALIASES)

    @field_validator("goal_type", mode="before")
    @classmethod
    def _goal(cls, value: object) -> object:
        return _lenient_enum(value, _GOAL_ALIASES)


class PlanProposal(BaseModel):
    """Daily targets a tool or the coach proposes.

    ``weekly_change_kg`` is the planned change of body weight per week: negative for a loss,
    positive for a gain. A positive value on a fat-loss goal is read as a loss (the sign is
    a common slip; see ``policies._plan``).
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    calories_kcal: float | None = Field(default=None, ge=0, le=20000)
    protein_g: float | None = Field(default=None, ge=0, le=2000)
    carbs_g: float | None = Field(default=None, ge=0, le=5000)
    fat_g: float | None = Field(default=None, ge=0, le=2000)
    fiber_g: float | None = Field(default=None, ge=0, le=500)
    weekly_change_kg: float | None = Field(default=None, ge=-20, le=20)


class Decision(BaseModel):
    """The outcome of one check."""

    model_config = ConfigDict(frozen=True)

    action: Action
    stage: Stage
    violations: tuple[Violation, ...] = ()
    message: str | None = Field(
        default=None,
        description="Safe replacement, referral or explanation to show the user (None on allow).",
    )
    adjusted_plan: PlanProposal | None = None
    adjusted_args: dict[str, Any] | None = None
    changes: tuple[PlanChange, ...] = ()

    @property
    def allowed(self) -> bool:
        """True when the content may pass unchanged."""
        return self.action is Action.ALLOW
