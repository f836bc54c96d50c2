"""What a case gives the runner (:class:`EvalInputs`) and what a run gives the evaluators.

A case's ``inputs`` in the YAML datasets validate as :class:`EvalInputs`: the synthetic user
to seed (:class:`UserSpec`) and the user's messages, one turn each. Running a case yields a
:class:`CaseOutput`: every turn's events and released reply, the session's
``ai_tool_call_log`` and ``ai_policy_violation_log`` rows, the plans the coach proposed, the
session's summary, and the user's true numbers (:class:`UserFacts`) computed from the seeded
data independently of the tools, so evaluators can score replies against them.

Identifiers that differ between runs (user, session and call ids) are replaced by stable
placeholders before they reach a :class:`CaseOutput`, so two runs compare equal.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from coach.settings import validate_spec
from persistence.enums import ActivityLevel, DietType, GoalType, PacePreference, Sex

SUITES: tuple[str, ...] = ("safety", "tools", "plans", "memory", "coaching", "conversation")
"""Every suite, in the order they run and are reported."""


MissingField = Literal["height_cm", "birth_year", "sex", "activity_level", "target_weight_kg"]


class UserSpec(BaseModel):
    """The synthetic user a case seeds; unset fields are drawn from ``seed``.

    ``days`` of check-ins and nutrition end on the eval's fixed "today"; ``days: 0`` seeds a
    user with a profile and a goal but no logged data at all.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    seed: int = Field(ge=0, description="Seed of the deterministic generator.")
    days: int = Field(default=28, ge=0, le=730)
    sex: Sex | None = None
    age: int | None = Field(default=None, ge=13, le=100)
    height_cm: float | None = Field(default=None, ge=120, le=230)
    weight_kg: float | None = Field(default=None, ge=30, le=300, description="Start weight.")
    activity: ActivityLevel | None = None
    goal: GoalType = GoalType.FAT_LOSS
    pace: PacePreference = PacePreference.MODERATE
    target_weight_kg: float | None = Field(default=None, ge=30, le=300)
    target_weeks: int | None = Field(default=26, ge=1, le=520)
    daily_balance_kcal: float = Field(default=-500, ge=-1500, le=1500)
    tdee_deviation: float = Field(default=0.0, ge=-0.3, le=0.3)
    unlogged_days_per_week: int = Field(default=2, ge=0, le=7)
    missed_weigh_in_rate: float = Field(default=0.1, ge=0, le=1)
    diet: DietType = DietType.NONE
    allergies: tuple[str, ...] = ()
    timezone: str = "UTC"
    missing: tuple[MissingField, ...] = Field(
        default=(), description="Profile or goal fields left empty (a new user's gaps)."
    )


class TurnBlock(BaseModel):
    """``count`` messages taken in turn from ``cycle`` (long sessions stay short in YAML)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    cycle: tuple[str, ...] = Field(min_length=1)
    count: int = Field(ge=1, le=500)


class EvalInputs(BaseModel):
    """A case's inputs: who the user is and what they say, turn by turn."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    user: UserSpec
    turns: tuple[str | TurnBlock, ...] = Field(min_length=1)
    context_tokens: int | None = Field(
        default=None, ge=200, description="COACH_CONTEXT_TOKENS for this case (memory suite)."
    )

    @field_validator("turns")
    @classmethod
    def _no_blank_turns(cls, turns: tuple[str | TurnBlock, ...]) -> tuple[str | TurnBlock, ...]:
        for index, turn in enumerate(turns):
            if isinstance(turn, str) and not turn.strip():
                raise ValueError(f"turns[{index}]: a message must not be blank")
        return turns

    def messages(self) -> list[str]:
        """The user's messages in order, with every :class:`TurnBlock` expanded."""
        out: list[str] = []
        for turn in self.turns:
            if isinstance(turn, str):
                out.append(turn)
            else:
                out.extend(turn.cycle[i % len(turn.cycle)] for i in range(turn.count))
        return out


class UserFacts(BaseModel):
    """The seeded user's numbers, computed from the generated rows (not by the tools)."""

    model_config = ConfigDict(frozen=True)

    sex: Sex
    age: int
    height_cm: float
    activity: ActivityLevel
    goal: GoalType
    pace: PacePreference
    diet: DietType
    allergies: tuple[str, ...]
    target_weight_kg: float | None
    latest_weight_kg: float | None
    trend_weight_kg: float | None
    bmi: float | None
    formula_tdee_kcal: float | None
    avg_calories_7d: float | None
    avg_protein_g_7d: float | None
    days_logged_7d: int
    avg_calories_28d: float | None
    days_logged_28d: int
    weigh_ins_28d: int
    checkins_28d: int

    def value(self, name: str) -> float | None:
        """A numeric fact by name (``ValueError`` naming the fact when it is not numeric)."""
        if name not in type(self).model_fields:
            raise ValueError(
                f"facts: unknown fact {name!r}; known: {sorted(type(self).model_fields)}"
            )
        value = getattr(self, name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"facts: {name!r} is not numeric")
        return float(value)


class EventRecord(BaseModel):
    """One ``ChatEvent`` as the client saw it (identifiers normalised)."""

    model_config = ConfigDict(frozen=True)

    event: str
    id: int
    data: dict[str, Any]


class TurnRecord(BaseModel):
    """One user message and what came back."""

    message: str
    events: list[EventRecord]
    reply: str = Field(description="The released text: the concatenated `text` deltas.")
    latency_ms: float = Field(description="From the call to the last event (a timing).")
    error: dict[str, Any] | None = None
    exception: str | None = Field(
        default=None, description="An exception raised out of run_turn (a bug)."
    )

    def of(self, kind: str) -> list[EventRecord]:
        """The turn's events of one kind, in order."""
        return [e for e in self.events if e.event == kind]


class ToolCallRecord(BaseModel):
    """One ``ai_tool_call_log`` row, with the call's arguments from the session's history."""

    model_config = ConfigDict(frozen=True)

    turn: int | None = Field(description="Index of the turn (None when it cannot be told).")
    tool_name: str
    status: str
    cached: bool
    input_summary: str | None
    error_message: str | None
    args: dict[str, Any] | None = Field(description="Arguments the model sent, when known.")
    latency_ms: int = Field(description="A timing.")


class ViolationRecord(BaseModel):
    """One ``ai_policy_violation_log`` row."""

    model_config = ConfigDict(frozen=True)

    violation_type: str
    severity: str
    action_taken: str
    stage: str | None
    policy_id: str | None
    trigger_content: str | None
    in_session: bool = Field(description="True when the row names the case's session.")


class PlanRecord(BaseModel):
    """A ``plan`` event's payload."""

    model_config = ConfigDict(frozen=True)

    turn: int
    plan: dict[str, Any]
    adjusted: bool
    changes: list[Any]


class CaseOutput(BaseModel):
    """Everything a case run produced, for the evaluators and the report."""

    facts: UserFacts
    turns: list[TurnRecord]
    tool_calls: list[ToolCallRecord]
    violations: list[ViolationRecord]
    plans: list[PlanRecord]
    context_summary: str | None
    last_request_context: str | None = Field(
        description="Instructions and message text of the last model request (memory suite)."
    )
    session_status: str | None
    message_count: int | None
    tokens_used: int | None
    input_tokens: int
    output_tokens: int
    blocked_before_model: bool = Field(
        default=False, description="Every turn ended without any model tokens being spent."
    )

    @property
    def last_reply(self) -> str:
        """The reply of the last turn."""
        return self.turns[-1].reply if self.turns else ""

    def all_events(self) -> list[EventRecord]:
        """Every turn's events, in order."""
        return [e for t in self.turns for e in t.events]

    def tools_called(self) -> list[str]:
        """Names of the tools called (from the audit log), in call order."""
        return [c.tool_name for c in self.tool_calls]


class RunOptions(BaseModel):
    """How ``coach eval`` was asked to run."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    suites: tuple[str, ...] = SUITES
    model: str = "offline"
    judge: str | None = None
    concurrency: int = Field(default=4, ge=1, le=64)
    repeat: int = Field(default=1, ge=1, le=20)
    fail_under: float = Field(default=0.95, ge=0, le=1)
    tolerance: float = Field(
        default=0.02, ge=0, le=1, description="Allowed pass-rate drop against the baseline."
    )
    cases: tuple[str, ...] = Field(
        default=(), description="Only cases whose name contains one of these (all when empty)."
    )

    @field_validator("model")
    @classmethod
    def _model_spec(cls, value: str) -> str:
        return validate_spec(value, field="model")

    @model_validator(mode="after")
    def _known_suites(self) -> RunOptions:
        unknown = [s for s in self.suites if s not in SUITES]
        if unknown:
            raise ValueError(f"suites: unknown {unknown}; choose from {list(SUITES)}")
        if not self.suites:
            raise ValueError("suites: choose at least one")
        return self
