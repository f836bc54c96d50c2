"""The policy engine: one object, built explicitly, that checks every stage of a turn.

>>> engine = PolicyEngine(PolicySettings())
>>> engine.check_input("how do I kill a Python process").action
<Action.ALLOW: 'allow'>

Regexes are compiled and the learned layer's ONNX session is loaded once, in the constructor
(the session is shared by every engine of the process); checks are pure functions of their
inputs (plus the clock, used only to turn ``birth_year`` into an age). The rules read the
numbers; the classifier decides the semantic types of users' messages by default, and of
reply sentences too with ``POLICY_CLASSIFIER=all`` (``classifier.layer``).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from persistence.enums import ActivityLevel, Sex

from ._earlier_turns import MAX_TURNS
from ._energy import age_in, bmr_mifflin, tdee
from ._findings import Facts, Finding
from ._messages import compose
from ._normalize import Normalized
from ._plan import PlanChecker, PlanOutcome
from ._text_checks import TextChecker
from ._tool_args import split_tool_args
from .classifier import Scores, load_classifier
from .classifier.layer import LearnedLayer, read_types
from .models import (
    Action,
    Decision,
    PlanProposal,
    PolicyProfile,
    Stage,
    Violation,
    strongest,
)
from .referrals import region_for_timezone, supportive_information
from .settings import PolicySettings

if TYPE_CHECKING:
    from persistence.observability import Telemetry

POLICY_VERSION = "1.0.0"
#: Text checks remembered per engine. Replies repeat sentences (templates, the user's own
#: figures), and a check is a pure function of its key, so a hit is the same decision.
_MEMO_SIZE = 2048
#: Longer texts are checked every time: they rarely repeat and would bloat the memo.
_MEMO_MAX_CHARS = 1000
#: A semantic label scored at or above this share of its threshold (and below it) leaves the
#: learned layer unsure of an allowed text (``PolicyEngine.unsure``).
UNSURE_RATIO = 0.5
_SEMANTIC_LABELS = ("self_harm", "unsafe_content", "eating_disorder_signal", "medical_claim")


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
        # The learned layer: one ONNX session per process, loaded here (never at import).
        self._classifier = load_classifier() if self.settings.classifier != "off" else None
        self._learned = (
            LearnedLayer(self._classifier.thresholds) if self._classifier is not None else None
        )

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

    def check_reply_day(self, text: str, profile: PolicyProfile | None = None) -> Decision:
        """A whole reply's meals or items read as a day, once the reply has ended.

        The stream guard checks a reply one sentence at a time, and a day written one meal
        or item per line is in none of them: this sums the meals (or the items, or a table's
        rows) of the whole reply (an ``adjust``
        whose message states the floor), and allows anything else. Only a day it flags is
        reported to the telemetry (the reply's sentences were counted as they were checked).
        """
        if not self._text.numeric.may_hold_day(text):
            return Decision(action=Action.ALLOW, stage=Stage.OUTPUT)  # most replies
        started = time.time_ns() if self._telemetry is not None else 0
        facts = self._facts(profile)
        norm, findings = self._text.reply_day(text, facts)
        if not findings:
            return Decision(action=Action.ALLOW, stage=Stage.OUTPUT)
        violations = [self._violation(f, Stage.OUTPUT, norm) for f in findings]
        region = region_for_timezone(profile.timezone if profile else None)
        decision = Decision(
            action=strongest([v.action for v in violations]),
            stage=Stage.OUTPUT,
            violations=tuple(violations),
            message=compose(Stage.OUTPUT, violations, region, norm.original, ()),
        )
        return self._observed(decision, started)

    def check_outputs(
        self, texts: Sequence[str], profile: PolicyProfile | None = None
    ) -> list[Decision]:
        """Check several sentences of a reply at once (the classifier reads them in one run)."""
        facts = self._facts(profile)
        decisions: list[Decision | None] = [
            self._memo.get(self._key(t, Stage.OUTPUT, profile, facts, ())) for t in texts
        ]
        todo = [i for i, d in enumerate(decisions) if d is None and texts[i].strip()]
        scores = self._scores([texts[i] for i in todo], Stage.OUTPUT)
        for k, i in enumerate(todo):
            started = time.time_ns() if self._telemetry is not None else 0
            decision = self._check_text(
                texts[i], Stage.OUTPUT, profile, scores=scores[k] if scores else None
            )
            decisions[i] = self._observed(decision, started)
        return [
            d if d is not None else Decision(action=Action.ALLOW, stage=Stage.OUTPUT)
            for d in decisions
        ]

    def unsure(
        self, text: str, stage: Stage = Stage.OUTPUT, profile: PolicyProfile | None = None
    ) -> str | None:
        """Why the checks are unsure of ``text``, which they allow, or ``None`` when sure.

        Unsure means either a rule matched and its context cancelled it (``rule <id>
        cancelled by context``: a negation, a warning, support, a refusal, quotes, a
        third-party or educational framing), or, with the learned layer on, a semantic
        label scored in the band from ``UNSURE_RATIO`` of its threshold up to the
        threshold (``classifier <label> <score> near <threshold>``). A text the checks
        flag is not "unsure": its decision stands. Callers with a second opinion (the
        coach's LLM guard) ask it about these texts only.
        """
        if not text.strip() or not self._check_text(text, stage, profile).allowed:
            return None
        rule = self._text.cancelled(text, stage)
        if rule is not None:
            return f"rule {rule} cancelled by context"
        if self._classifier is None or not self._reads(stage):
            return None
        (scores,) = self._scores([text], stage)
        for label in _SEMANTIC_LABELS:
            p, limit = scores.labels.get(label, 0.0), self._classifier.thresholds[label]
            if UNSURE_RATIO * limit <= p < limit:
                return f"classifier {label} {p:.2f} near {limit:.2f}"
        return None

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
        scores = self._scores(split.texts, Stage.TOOL_ARGS)
        for k, text in enumerate(split.texts):
            norm, text_findings, _ = self._findings(
                text, Stage.TOOL_ARGS, facts, (), scores[k] if scores else None
            )
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
        age = age_in(profile, year)
        bmr = (
            bmr_mifflin(
                sex=profile.sex, weight_kg=profile.weight_kg, height_cm=profile.height_cm, age=age
            )
            if profile.weight_kg is not None and profile.height_cm is not None and age is not None
            else None
        )
        return Facts(
            profile.weight_kg,
            female,
            age,
            tdee(profile, year),
            today=today,
            height_cm=profile.height_cm,
            tdee_high=tdee(profile, year, unknown=ActivityLevel.MODERATE),
            tdee_athlete=tdee(profile, year, unknown=ActivityLevel.VERY_ACTIVE),
            bmr=bmr,
        )

    @staticmethod
    def _key(
        text: str,
        stage: Stage,
        profile: PolicyProfile | None,
        facts: Facts,
        context: tuple[str, ...],
    ) -> tuple[Any, ...]:
        # Everything the decision depends on: the text, the stage, the facts (the clock enters
        # only through the age in them), the timezone (the referral region) and earlier turns.
        return (
            text,
            stage,
            facts.weight_kg,
            facts.female,
            facts.age,
            facts.height_cm,
            facts.tdee,
            facts.tdee_high,
            facts.tdee_athlete,
            facts.athlete,
            facts.today,
            profile.timezone if profile else None,
            context,
        )

    def _reads(self, stage: Stage) -> bool:
        """Whether the learned layer reads texts of ``stage`` (``PolicySettings.classifier``):
        users' messages with "input", every text (tool arguments and replies too) with
        "all"."""
        return self.settings.classifier == "all" or stage is Stage.INPUT

    def _scores(
        self,
        texts: Sequence[str],
        stage: Stage,
        context: tuple[str, ...] = (),
        *,
        screen: bool = False,
    ) -> list[Scores]:
        """The classifier's scores for ``texts`` in one batched run (none when it is off);
        earlier user turns are read with each text. Reply sentences always pass the
        classifier's gate first, other texts with ``screen``."""
        if self._classifier is None or not texts or not self._reads(stage):
            return []
        output = stage is Stage.OUTPUT
        return self._classifier.classify(
            texts, output=output, screen=output or screen, context=context
        )

    def _check_text(
        self,
        text: str,
        stage: Stage,
        profile: PolicyProfile | None,
        context: tuple[str, ...] = (),
        scores: Scores | None = None,
    ) -> Decision:
        facts = self._facts(profile)
        if len(text) + sum(map(len, context)) > _MEMO_MAX_CHARS:
            return self._decide_text(text, stage, profile, facts, context, scores)
        key = self._key(text, stage, profile, facts, context)
        cached = self._memo.get(key)
        if cached is not None:
            return cached  # decisions are frozen: sharing one is safe
        decision = self._decide_text(text, stage, profile, facts, context, scores)
        if len(self._memo) >= _MEMO_SIZE:
            self._memo.clear()  # bounded; a cold memo only costs the checks again
        self._memo[key] = decision
        return decision

    def _findings(
        self,
        text: str,
        stage: Stage,
        facts: Facts,
        context: tuple[str, ...],
        scores: Scores | None,
    ) -> tuple[Normalized, list[Finding], str | None]:
        """The rules' findings, combined with the classifier's (see ``classifier.layer``);
        the last item is the topic of supportive resources for an allowed mention."""
        norm, findings = self._text.findings(text, stage, facts, context)
        if self._learned is None or not self._reads(stage):
            support = None if findings else self._text.support_topic(norm, stage)
            return norm, findings, support
        if scores is None:
            # Without rule findings the layer can only add one, and the gate knows the texts
            # it would not flag: they skip the encoder. With findings it always reads (it
            # may confirm or veto them).
            scores = self._scores([text], stage, context, screen=not findings)[0]
        reader = self._text.numeric.reader
        assert self._classifier is not None  # the layer comes with its classifier
        outcome = self._learned.combine(
            norm.text,
            stage,
            findings,
            scores,
            lambda: read_types(reader.quantities(norm.text), norm.text),
            # (rule findings stand unconfirmed in another language, and the layer's self-harm
            # reading is gated on English words only in English: measured when either is so)
            readable=self._classifier.readable_share(text)
            if findings or scores.labels["self_harm"] >= self._classifier.thresholds["self_harm"]
            else 1.0,
            earlier=bool(context) and stage is not Stage.OUTPUT,
        )
        support = outcome.support
        if support is None and not outcome.findings:
            support = self._text.support_topic(norm, stage)
        return norm, outcome.findings, support

    def _decide_text(
        self,
        text: str,
        stage: Stage,
        profile: PolicyProfile | None,
        facts: Facts,
        context: tuple[str, ...] = (),
        scores: Scores | None = None,
    ) -> Decision:
        norm, findings, support = self._findings(text, stage, facts, context, scores)
        region = region_for_timezone(profile.timezone if profile else None)
        if not findings:
            message = supportive_information(support, region) if support else None
            return Decision(action=Action.ALLOW, stage=stage, message=message)
        violations = [self._violation(f, stage, norm) for f in findings]
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
        if f.note:
            evidence = f"{evidence} ({f.note})"
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
