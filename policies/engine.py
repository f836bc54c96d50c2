"""The policy engine: one object, built explicitly, that checks every stage of a turn.

>>> engine = PolicyEngine(PolicySettings())
>>> engine.check_input("how do I kill a Python process").action
<Action.ALLOW: 'allow'>

Regexes are compiled once, in the constructor; checks are pure functions of their inputs
(plus the clock, used only to turn ``birth_year`` into an age).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from persistence.enums import Sex

from ._earlier_turns import MAX_TURNS
from ._energy import age_in, tdee
from ._findings import Facts, Finding
from ._messages import compose
from ._normalize import Normalized
from ._plan import PlanChecker, PlanOutcome
from ._text_checks import TextChecker
from ._tool_args import split_tool_args
from .models import (
    Action,
    Decision,
    PlanProposal,
    PolicyProfile,
    Stage,
    Violation,
    strongest,
)
from .referrals import region_for_timezone
from .settings import PolicySettings

if TYPE_CHECKING:
    from persistence.observability import Telemetry

POLICY_VERSION = "1.0.0"
#: Text checks remembered per engine. Replies repeat sentences (templates, the user's own
#: figures), and a check is a pure function of its key, so a hit is the same decision.
_MEMO_SIZE = 2048
#: Longer texts are checked every time: they rarely repeat and would bloat the memo.
_MEMO_MAX_CHARS = 1000


def _utc_today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


class PolicyEngine:
    """Deterministic safety checks for input, tool arguments, plans and output."""

    def __init__(
        self,
        settings: PolicySettings | None = None,
        *,
        today: Callable[[], dt.date] = _utc_today,
        telemetry: Telemetry | None = None,
    ) -> None:
        """``telemetry`` counts every check's decision and traces it (a span per check)."""
        self.settings = settings if settings is not None else PolicySettings()
        self._today = today
        self._telemetry = telemetry
        self._text = TextChecker(self.settings)
        self._plans = PlanChecker(self.settings)
        self._memo: dict[tuple[Any, ...], Decision] = {}

    # -- public checks ---------------------------------------------------------------------
    def check_input(
        self,
        text: str,
        profile: PolicyProfile | None = None,
        *,
        context: Sequence[str] | None = None,
    ) -> Decision:
        """Check a user's message.

        ``context``: the user's earlier messages in the session, oldest first; the last
        three are read so that a follow-up ("fine, 1100 then", "same as yesterday") is judged
        with what it refers to.
        """
        started = time.time_ns() if self._telemetry is not None else 0
        turns = tuple(c for c in (context or ())[-MAX_TURNS:] if c.strip())
        return self._observed(self._check_text(text, Stage.INPUT, profile, turns), started)

    def check_output(self, text: str, profile: PolicyProfile | None = None) -> Decision:
        """Check a sentence or chunk of the coach's reply; adjust amends it, block replaces it."""
        started = time.time_ns() if self._telemetry is not None else 0
        return self._observed(self._check_text(text, Stage.OUTPUT, profile), started)

    def check_plan(self, plan: PlanProposal, profile: PolicyProfile | None = None) -> Decision:
        """Check a proposed plan; adjust moves it to the nearest safe plan, block when none."""
        started = time.time_ns() if self._telemetry is not None else 0
        profile = profile or PolicyProfile()
        outcome = self._plans.check(plan, profile, self._today().year)
        return self._observed(self._plan_decision(Stage.PLAN, outcome, profile), started)

    def check_tool_args(
        self, tool_name: str, args: Mapping[str, Any], profile: PolicyProfile | None = None
    ) -> Decision:
        """Check a tool call's arguments: numeric targets as a plan, free text as input.

        ``adjusted_args`` carries the arguments moved to their nearest safe values (under the
        tool's own keys and units) when the decision is ``adjust``.
        """
        started = time.time_ns() if self._telemetry is not None else 0
        return self._observed(self._check_tool_args(tool_name, args, profile), started)

    # -- internals ---------------------------------------------------------------------------
    def _observed(self, decision: Decision, started_ns: int) -> Decision:
        """``decision``, reported to the telemetry (when there is one)."""
        if self._telemetry is not None:
            self._telemetry.policy_checked(
                decision.stage.value,
                decision.action.value,
                [(v.type.value, v.action.value) for v in decision.violations],
                started_ns,
            )
        return decision

    def _check_tool_args(
        self, tool_name: str, args: Mapping[str, Any], profile: PolicyProfile | None
    ) -> Decision:
        year = self._today().year
        split = split_tool_args(args, profile or PolicyProfile(), year)
        outcome = self._plans.check(split.plan, split.profile, year) if split.plan else None
        findings = list(outcome.findings) if outcome is not None else []
        extra: dict[str, float] = {}
        for finding, key, safe in split.energy_findings(self.settings, year):
            findings.append(finding)
            extra[key] = safe
        violations = [self._violation(f, Stage.TOOL_ARGS, None) for f in findings]
        facts = self._facts(split.profile)
        for text in split.texts:
            norm, text_findings = self._text.findings(text, Stage.TOOL_ARGS, facts)
            violations.extend(self._violation(f, Stage.TOOL_ARGS, norm) for f in text_findings)
        action = strongest([v.action for v in violations])
        if action is Action.ALLOW:
            return Decision(action=action, stage=Stage.TOOL_ARGS)
        adjusted = outcome.adjusted if outcome is not None and not outcome.blocked else None
        changes = tuple(outcome.changes) if outcome is not None and not outcome.blocked else ()
        region = region_for_timezone(split.profile.timezone)
        return Decision(
            action=action,
            stage=Stage.TOOL_ARGS,
            violations=tuple(violations),
            message=compose(Stage.TOOL_ARGS, violations, region, None, changes),
            adjusted_plan=adjusted if action is Action.ADJUST else None,
            adjusted_args=split.apply(adjusted, extra) if action is Action.ADJUST else None,
            changes=changes if action is Action.ADJUST else (),
        )

    def _facts(self, profile: PolicyProfile | None) -> Facts:
        today = self._today()
        if profile is None:
            return Facts(today=today)
        female = None if profile.sex is None else profile.sex is Sex.FEMALE
        year = today.year
        return Facts(
            profile.weight_kg, female, age_in(profile, year), tdee(profile, year), today=today
        )

    def _check_text(
        self,
        text: str,
        stage: Stage,
        profile: PolicyProfile | None,
        context: tuple[str, ...] = (),
    ) -> Decision:
        facts = self._facts(profile)
        if len(text) + sum(map(len, context)) > _MEMO_MAX_CHARS:
            return self._decide_text(text, stage, profile, facts, context)
        # Everything the decision depends on: the text, the stage, the facts (the clock enters
        # only through the age in them), the timezone (the referral region) and earlier turns.
        key = (
            text,
            stage,
            facts.weight_kg,
            facts.female,
            facts.age,
            facts.tdee,
            facts.athlete,
            facts.today,
            profile.timezone if profile else None,
            context,
        )
        cached = self._memo.get(key)
        if cached is not None:
            return cached  # decisions are frozen: sharing one is safe
        decision = self._decide_text(text, stage, profile, facts, context)
        if len(self._memo) >= _MEMO_SIZE:
            self._memo.clear()  # bounded; a cold memo only costs the checks again
        self._memo[key] = decision
        return decision

    def _decide_text(
        self,
        text: str,
        stage: Stage,
        profile: PolicyProfile | None,
        facts: Facts,
        context: tuple[str, ...] = (),
    ) -> Decision:
        norm, findings = self._text.findings(text, stage, facts, context)
        if not findings:
            return Decision(action=Action.ALLOW, stage=stage)
        violations = [self._violation(f, stage, norm) for f in findings]
        region = region_for_timezone(profile.timezone if profile else None)
        return Decision(
            action=strongest([v.action for v in violations]),
            stage=stage,
            violations=tuple(violations),
            message=compose(stage, violations, region, norm.original, ()),
        )

    def _plan_decision(
        self, stage: Stage, outcome: PlanOutcome, profile: PolicyProfile
    ) -> Decision:
        violations = [self._violation(f, stage, None) for f in outcome.findings]
        action = strongest([v.action for v in violations])
        if action is Action.ALLOW:
            return Decision(action=action, stage=stage)
        region = region_for_timezone(profile.timezone)
        return Decision(
            action=action,
            stage=stage,
            violations=tuple(violations),
            message=compose(stage, violations, region, None, tuple(outcome.changes)),
            adjusted_plan=outcome.adjusted if action is Action.ADJUST else None,
            changes=tuple(outcome.changes) if action is Action.ADJUST else (),
        )

    @staticmethod
    def _violation(f: Finding, stage: Stage, norm: Normalized | None) -> Violation:
        span: tuple[int, int] | None = None
        evidence = f.evidence
        if norm is not None and f.start >= 0:
            span = norm.original_span(f.start, f.end)
            excerpt = norm.original[span[0] : span[1]]
            # the excerpt, then what judged it: the measure, or the rule file and id
            evidence = f'"{excerpt}": {f.evidence}' if f.evidence else excerpt
        action = f.action
        if stage is Stage.OUTPUT and f.topic == "ed" and action is Action.REFER:
            action = Action.BLOCK  # the coach's own reply is replaced, not "referred"
        return Violation(
            type=f.type,
            severity=f.severity,
            action=action,
            stage=stage,
            policy_id=f.policy_id,
            policy_version=POLICY_VERSION,
            evidence=evidence,
            threshold=f.threshold,
            measured=f.measured,
            span=span,
            explanation=f.explanation,
            topic=f.topic,
            suggestion=f.suggestion,
        )
