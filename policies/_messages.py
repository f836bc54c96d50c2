"""The user-facing text of a decision: referral, safe replacement, amendment or explanation.

Order, strongest first: a crisis line (self-harm), an eating-disorder helpline, who to ask for
medical questions, safe replacements for blocked topics, then the explanation of each number
that was adjusted (or the list of plan changes).
"""

from __future__ import annotations

import re

from .models import Action, PlanChange, Stage, Violation, strongest
from .referrals import (
    Region,
    block_replacement,
    crisis_referral,
    eating_disorder_referral,
    medical_referral,
    professional_for,
)

MEDICAL_TOPICS = frozenset(
    "thyroid diabetes glp1 medication symptoms pregnancy kidney condition diagnosis".split()
)
PLAN_BLOCK_TOPICS = frozenset({"minor", "underweight"})
BLOCK_TOPICS = frozenset({"drugs", "dehydration", "fasting", "rules", "ed"})


#: The low end of a range just before a figure: "3-", "1,100 to ", "2.5 kg – ".
_RANGE_LOW = re.compile(r"(?<![\d.,])\d[\d,.]*\s*(?:kg|lbs?|kcal|cal|g)?\s*(?:-|–|to)\s*$")
_FIRST_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def compose(
    stage: Stage,
    violations: list[Violation],
    region: Region,
    original: str | None,
    changes: tuple[PlanChange, ...],
) -> str | None:
    """The message for ``violations`` found at ``stage`` (None when nothing was found)."""
    action = strongest([v.action for v in violations])
    if action is Action.ALLOW:
        return None
    if stage is Stage.OUTPUT and action is Action.ADJUST and original is not None:
        return amend(original, violations)
    strong = [v for v in violations if v.action in (Action.REFER, Action.BLOCK)]
    topics = list(dict.fromkeys(v.topic or "" for v in strong))
    parts: list[str] = []
    if "crisis" in topics:
        parts.append(crisis_referral(region))
    ed_referral = any(v.topic == "ed" and v.action is Action.REFER for v in violations)
    if ed_referral:
        parts.append(eating_disorder_referral(region))
    for topic in [t for t in topics if t in PLAN_BLOCK_TOPICS]:
        if stage in (Stage.PLAN, Stage.TOOL_ARGS):
            reasons = dict.fromkeys(v.explanation for v in strong if v.topic == topic)
            who = professional_for("minor" if topic == "minor" else "condition", region)
            parts.append(" ".join(reasons) + f" The right people to talk to are {who}.")
        else:
            parts.append(medical_referral(topic, region))
    parts.extend(
        medical_referral(t, region) for t in [t for t in topics if t in MEDICAL_TOPICS][:2]
    )
    # With an eating-disorder referral, the fasting replacement (which offers a "moderate
    # pattern such as time-restricted eating") would coach the restriction it refers.
    covered = {"ed", "fasting"} if ed_referral else set()
    for topic in topics:
        if topic in BLOCK_TOPICS and topic not in covered:
            parts.append(block_replacement(topic, region))
    if changes:
        summary = "; ".join(
            f"{c.field} {_num(c.original)} -> {_num(c.adjusted)} ({c.reason})" for c in changes
        )
        parts.append("I adjusted the plan to keep it safe: " + summary + ".")
    else:
        handled = BLOCK_TOPICS | MEDICAL_TOPICS | PLAN_BLOCK_TOPICS | {"crisis"}
        explained = [v for v in violations if v.topic not in handled]
        parts.extend(dict.fromkeys(v.explanation for v in explained))
        if any(v.action is Action.BLOCK for v in explained):
            parts.append("I'm glad to help you set a safe target instead.")
    return " ".join(parts) if parts else None


def amend(original: str, violations: list[Violation]) -> str:
    """Replace unsafe numbers in a reply with their safe values and say what changed."""
    # one replacement a span (a deficit is found as two types over the same figure)
    by_span = {v.span: v for v in violations if v.span is not None and v.suggestion is not None}
    spans = sorted(by_span.values(), key=lambda v: v.span[0] if v.span else 0, reverse=True)
    notes = " ".join(dict.fromkeys(v.explanation for v in violations))
    if any(v.span is None or v.suggestion is None for v in violations):
        return f"(Adjusted for safety.) {notes}"
    text = original
    for v in spans:
        if v.span is not None and v.suggestion is not None:
            start = v.span[0]
            # "drop 3-4 kg": the whole range gives way, not its high end alone ("3-0.85 kg")
            low = _RANGE_LOW.search(text, max(0, start - 24), start)
            if low is not None and _is_low_end(low.group(), text[start : v.span[1]]):
                start = low.start()
            text = text[:start] + v.suggestion + text[v.span[1] :]
    return f"{text.rstrip()} (Adjusted for safety: {notes})"


def _is_low_end(low: str, figure: str) -> bool:
    """``low`` ("3-") is the low end of a range whose high end is ``figure`` ("4 kg"), not a
    number before it ("Day 1 - 1,100 kcal")."""
    lo, hi = _FIRST_NUMBER.search(low), _FIRST_NUMBER.search(figure)
    if lo is None or hi is None:
        return False
    a, b = (float(m.group().replace(",", "")) for m in (lo, hi))
    return 0.3 * b <= a < b


def _num(x: float | None) -> str:
    return "-" if x is None else f"{x:,.2f}".rstrip("0").rstrip(".")
