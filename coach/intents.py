"""What the user is asking about, and the tool calls that answer it.

:func:`recognise` splits a message into clauses and lets the learned router
(:mod:`coach.offline_router`) say what each clause asks (several intents when the message
asks several things). A clause that only refers back ("what about the last 3 months?",
"make it half a kilo a week instead") takes the intents of the previous message.
:func:`tool_calls_for` maps intents to tool calls with arguments read from the message
(:mod:`coach.offline_args`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final

from coach.offline_args import plan_args, requested_days, targets_args
from coach.offline_router import Router, clauses, load_router


class Intent(StrEnum):
    """What a message (or one clause of it) asks; the router's labels."""

    PROGRESS = "progress"
    TREND = "trend"
    INTAKE = "intake"
    ADHERENCE = "adherence"
    TARGETS = "targets"
    PLAN = "plan"
    EXPENDITURE = "expenditure"
    GOAL = "goal"
    PHOTOS = "photos"
    PROFILE = "profile"
    CHECKINS = "checkins"
    CHECKIN_HELP = "checkin_help"
    FOLLOW_UP = "follow_up"
    SMALL_TALK = "small_talk"
    OUT_OF_SCOPE = "out_of_scope"


#: Tools each intent calls, in order (answer order too).
INTENT_TOOLS: Final[dict[Intent, tuple[str, ...]]] = {
    Intent.PROGRESS: ("get_weight_trend", "get_adherence"),
    Intent.TREND: ("get_weight_trend",),
    Intent.INTAKE: ("get_nutrition_summary",),
    Intent.ADHERENCE: ("get_adherence",),
    Intent.TARGETS: ("calculate_targets",),
    Intent.PLAN: ("propose_plan",),
    Intent.EXPENDITURE: ("estimate_expenditure",),
    Intent.GOAL: ("get_goal_progress",),
    Intent.PHOTOS: ("list_progress_photos",),
    Intent.PROFILE: ("get_user_profile",),
    Intent.CHECKINS: ("get_recent_checkins",),
    Intent.CHECKIN_HELP: (),
    Intent.FOLLOW_UP: (),
    Intent.SMALL_TALK: (),
    Intent.OUT_OF_SCOPE: (),
}
#: Intents that ask nothing of the user's data.
CONVERSATIONAL: Final = frozenset({Intent.SMALL_TALK, Intent.OUT_OF_SCOPE, Intent.FOLLOW_UP})
#: At most this many tool calls in one step (a long message must not fan out to everything).
MAX_CALLS: Final = 4
#: Under this probability a clause's label is not trusted: the clause counts as out of scope.
MIN_CONFIDENCE: Final = 0.2

# Windows of the windowed tools: (argument, lowest, highest).
_DAY_LIMITS: Final = {
    "get_weight_trend": (7, 365),
    "get_nutrition_summary": (1, 365),
    "get_adherence": (1, 365),
    "get_recent_checkins": (1, 365),
    "estimate_expenditure": (14, 90),
    "list_progress_photos": (1, 3650),
}


@dataclass(frozen=True, slots=True)
class PlannedCall:
    """A tool call the offline model will make."""

    tool: str
    args: dict[str, Any] = field(default_factory=dict)


def classify(
    message: str, router: Router | None = None, *, follow_ups: bool = True
) -> list[Intent]:
    """The router's label for each clause of ``message``, in order (repeats kept).

    With ``follow_ups`` off (no earlier message to refer to) a clause that reads as a
    follow-up gets its next most likely label.
    """
    model = router or load_router()
    out: list[Intent] = []
    for probs in model.scores(clauses(message)):
        ranked = sorted(range(len(probs)), key=probs.__getitem__, reverse=True)
        if not follow_ups and model.labels[ranked[0]] == Intent.FOLLOW_UP:
            ranked.pop(0)
        best = ranked[0]
        confident = probs[best] >= MIN_CONFIDENCE
        out.append(Intent(model.labels[best]) if confident else Intent.OUT_OF_SCOPE)
    return out


def _combine(found: list[Intent]) -> list[Intent]:
    unique = list(dict.fromkeys(found))
    # A greeting or an aside next to a real question: answer the question.
    unique = [i for i in unique if i not in CONVERSATIONAL] or unique
    if Intent.PROGRESS in unique:
        # "how am I doing" already covers the weight trend and adherence.
        unique = [i for i in unique if i not in (Intent.TREND, Intent.ADHERENCE)]
    return unique or [Intent.OUT_OF_SCOPE]


def recognise(
    message: str, previous: str | None = None, router: Router | None = None
) -> list[Intent]:
    """The intents of ``message`` in answer order.

    ``previous`` is the user's message before this one: a clause that refers back to it
    (:attr:`Intent.FOLLOW_UP`) takes its intents.
    """
    found = classify(message, router, follow_ups=previous is not None)
    if Intent.FOLLOW_UP in found:
        earlier = (
            [i for i in recognise(previous, None, router) if i not in CONVERSATIONAL]
            if previous
            else []
        )
        at = found.index(Intent.FOLLOW_UP)
        found = [i for i in found if i is not Intent.FOLLOW_UP]
        found[at:at] = earlier or [Intent.SMALL_TALK]
    return _combine(found)


def tool_calls_for(
    message: str,
    intents: list[Intent] | None = None,
    *,
    today: dt.date | None = None,
    previous: str | None = None,
) -> list[PlannedCall]:
    """The tool calls answering ``message`` (no duplicates, at most :data:`MAX_CALLS`).

    ``today`` resolves deadlines ("by August"); ``previous`` resolves follow-ups.
    """
    chosen = intents if intents is not None else recognise(message, previous)
    days = requested_days(message)
    calls: list[PlannedCall] = []
    seen: set[str] = set()
    for intent in chosen:
        for tool in INTENT_TOOLS[intent]:
            if tool in seen or len(calls) >= MAX_CALLS:
                continue
            seen.add(tool)
            args: dict[str, Any] = {}
            if tool in _DAY_LIMITS and days is not None:
                low, high = _DAY_LIMITS[tool]
                args["days"] = min(high, max(low, days))
            if tool == "propose_plan":
                args = plan_args(message, today)
            elif tool == "calculate_targets":
                args = targets_args(message, today)
            calls.append(PlannedCall(tool=tool, args=args))
    return calls
