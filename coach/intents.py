"""What the user is asking about, recognised from their message by the offline model.

:func:`recognise` maps a message to :class:`Intent` values (several when the message asks
several things) and :func:`tool_calls_for` maps those to the tool calls that answer them,
with arguments read from the message ("last 2 weeks", "1,800 calories", "slow pace").
Matching is keyword based on a normalised message; it is deterministic by design. Numbers
are read after :func:`coach.text_numbers.normalise_numbers` has rewritten them as digits
("1,800", "1 800", "1.8k", "eighteen hundred" and "twenty-eight" all become digits).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final

from coach.text_numbers import ENERGY_UNIT, normalise_numbers


class Intent(StrEnum):
    """A topic the offline coach can answer from the user's data."""

    OVERVIEW = "overview"
    WEIGHT = "weight"
    NUTRITION = "nutrition"
    ADHERENCE = "adherence"
    TARGETS = "targets"
    PLAN = "plan"
    EXPENDITURE = "expenditure"
    GOAL = "goal"
    PHOTOS = "photos"
    PROFILE = "profile"
    CHECKINS = "checkins"
    GREETING = "greeting"
    OTHER = "other"


# Order matters twice: it is the order tool calls are made and replies are written, and a
# more specific pattern listed earlier can claim words ("fat loss" is a goal, not a macro).
_PATTERNS: Final[tuple[tuple[Intent, str], ...]] = (
    (
        Intent.OVERVIEW,
        r"how am i doing|how('?s| is) (it|my progress|everything) going|how am i getting on"
        r"|overall progress|my progress(?! (photo|pic))|progress (so far|update|report)"
        r"|status update|am i on track|how did i do|how have i been doing|weekly review"
        r"|check on me",
    ),
    (
        Intent.PLAN,
        r"\bplan\b|meal plan|\bprogram(me)?\b|set me up|new targets|design .*diet"
        r"|what should (my|i) (eat|set)|give me .*(targets|calories)",
    ),
    (
        Intent.EXPENDITURE,
        r"\btdee\b|expenditure|metabolism|maintenance calories|how many calories (do )?i burn"
        r"|\bburn(ing)?\b|energy expenditure",
    ),
    (
        Intent.TARGETS,
        r"\btargets?\b(?! weight)|how (many|much) (calories|protein|carbs|fat)"
        r" (should|do) i|\bbmr\b|calorie goal|macro (goal|split|targets?)|daily calories"
        r"|i want to (lose|gain|build|drop)|help me (lose|gain|build)",
    ),
    (
        Intent.GOAL,
        r"\bgoal\b|target weight|when will i (reach|hit|get)|how long (until|till|to)"
        r"|goal weight|on pace|projected|projection|reach my",
    ),
    (
        Intent.WEIGHT,
        r"\bweigh(t|ts|ed|ing|-?ins?)?\b|\btrend\b|\bscale\b|losing|gaining|lost|gained"
        r"|\bkg\b|\blbs?\b|heavier|lighter",
    ),
    (
        Intent.NUTRITION,
        r"\beat(en|ing)?\b|\bate\b|\bcalories\b|\bkcal\b|\bprotein\b|\bmacros?\b|nutrition"
        r"|\bfood\b|\bintake\b|\bcarbs?\b|(?<!lose )\bfats?\b(?! loss)|\bfib(re|er)\b|\bmeals?\b",
    ),
    (
        Intent.ADHERENCE,
        r"adheren|consisten|\bstreaks?\b|\bhabits?\b|\bdiscipline|how often do i"
        r"|missed days|logging rate",
    ),
    (Intent.PHOTOS, r"\bphotos?\b|\bpictures?\b|\bpics?\b|\bselfies?\b"),
    (
        Intent.PROFILE,
        r"\bprofile\b|about me|my (details|stats|info)|\bbmi\b|allerg|diet type|my diet\b"
        r"|what do you know about me|\bmy age\b|my height",
    ),
    (
        Intent.CHECKINS,
        r"check-?ins?|\bcheck(ed|ing)? in\b|\bsleep\b|\bmood\b|\benergy (level|levels)?\b"
        r"|how (have )?i (been )?feel",
    ),
    (
        Intent.GREETING,
        r"^(hi|hello|hey|hiya|yo|good (morning|afternoon|evening)|thanks|thank you|cheers)\b",
    ),
)
_COMPILED: Final = tuple((intent, re.compile(pattern)) for intent, pattern in _PATTERNS)

#: Tools each intent calls, in order.
INTENT_TOOLS: Final[dict[Intent, tuple[str, ...]]] = {
    Intent.OVERVIEW: ("get_weight_trend", "get_adherence"),
    Intent.WEIGHT: ("get_weight_trend",),
    Intent.NUTRITION: ("get_nutrition_summary",),
    Intent.ADHERENCE: ("get_adherence",),
    Intent.TARGETS: ("calculate_targets",),
    Intent.PLAN: ("propose_plan",),
    Intent.EXPENDITURE: ("estimate_expenditure",),
    Intent.GOAL: ("get_goal_progress",),
    Intent.PHOTOS: ("list_progress_photos",),
    Intent.PROFILE: ("get_user_profile",),
    Intent.CHECKINS: ("get_recent_checkins",),
    Intent.GREETING: (),
    Intent.OTHER: (),
}
#: At most this many tool calls in one step (a long message must not fan out to everything).
MAX_CALLS: Final = 4

# Windows of the windowed tools: (argument, lowest, highest).
_DAY_LIMITS: Final = {
    "get_weight_trend": (7, 365),
    "get_nutrition_summary": (1, 365),
    "get_adherence": (1, 365),
    "get_recent_checkins": (1, 365),
    "estimate_expenditure": (14, 90),
    "list_progress_photos": (1, 3650),
}
_UNIT_DAYS: Final = {"day": 1, "week": 7, "fortnight": 14, "month": 30, "year": 365}
#: Counts still in words after :func:`normalise_numbers` (which leaves a lone "a" alone).
_WORD_NUMBERS: Final = {"a": 1, "an": 1, "couple": 2, "few": 3, "several": 3}
_PERIOD = re.compile(
    r"(?:last|past|previous|over the|in the)\s+(?:(\d{1,3}|[a-z]+)\s+)?(?:of\s+)?"
    r"(day|week|fortnight|month|year)s?\b"
)
_THIS = re.compile(r"this (week|month|year)")
_GOAL_WEIGHT = re.compile(r"\b(goal|target) weight\b")
_KCAL = re.compile(rf"(?<![\d.])(\d{{3,5}})[\s-]*({ENERGY_UNIT})")
_WEEKS = re.compile(r"(?<![\d.])(\d{1,3})[\s-]*weeks?\b(?! ago)")
_MONTHS = re.compile(r"(?<![\d.])(\d{1,2})[\s-]*months?\b(?! ago)")
#: kJ per kcal (thermochemical calorie), for a plan asked for in kilojoules.
KJ_PER_KCAL: Final = 4.184
WEEKS_PER_MONTH: Final = 52 / 12


@dataclass(frozen=True, slots=True)
class PlannedCall:
    """A tool call the offline model will make."""

    tool: str
    args: dict[str, Any] = field(default_factory=dict)


def normalise(message: str) -> str:
    """Lowercase, straight quotes, single spaces."""
    text = message.lower().replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", text).strip()


def recognise(message: str) -> list[Intent]:
    """The intents of ``message`` in answer order; ``[OTHER]`` when nothing matches."""
    text = normalise(message)
    # "goal weight" names the goal, not the weight trend.
    plain = _GOAL_WEIGHT.sub("goal", text)
    found = [intent for intent, pattern in _COMPILED if pattern.search(plain)]
    if Intent.OVERVIEW in found:
        # "how am I doing" already covers the weight trend and adherence.
        found = [i for i in found if i not in (Intent.WEIGHT, Intent.ADHERENCE)]
    if Intent.PLAN in found:
        # A plan states its own calories and macros.
        found = [i for i in found if i not in (Intent.TARGETS, Intent.NUTRITION)]
    if Intent.TARGETS in found and re.search(r"\bshould\b", plain):
        # "what should I eat" asks for targets, not for a summary of what was eaten.
        found = [i for i in found if i is not Intent.NUTRITION]
    if len(found) > 1 and Intent.GREETING in found:
        found.remove(Intent.GREETING)
    return found or [Intent.OTHER]


def requested_days(message: str) -> int | None:
    """The window the message asks about ("last 2 weeks" -> 14), if any."""
    text = normalise_numbers(normalise(message))
    match = _PERIOD.search(text)
    if match:
        count_text, unit = match.group(1), match.group(2)
        if count_text is None:
            count = 1
        elif count_text.isdigit():
            count = int(count_text)
        else:
            count = _WORD_NUMBERS.get(count_text, 1)
        return max(1, count * _UNIT_DAYS[unit])
    match = _THIS.search(text)
    if match:
        return _UNIT_DAYS[match.group(1)]
    return None


def requested_kcal(message: str) -> int | None:
    """The daily energy the message asks for in kcal ("1,800 calories", "7500 kJ" -> 1793)."""
    match = _KCAL.search(normalise_numbers(normalise(message)))
    if match is None:
        return None
    value = int(match.group(1))
    if match.group(2).startswith(("kj", "kilojoule")):
        return round(value / KJ_PER_KCAL)
    return value


def requested_weeks(message: str) -> int | None:
    """A plan length the message asks for, in weeks ("12-week", "three months" -> 13)."""
    text = normalise_numbers(normalise(message))
    weeks = _WEEKS.search(text)
    if weeks:
        return int(weeks.group(1))
    months = _MONTHS.search(text)
    if months:
        return round(int(months.group(1)) * WEEKS_PER_MONTH)
    return None


def _plan_args(text: str) -> dict[str, Any]:
    args: dict[str, Any] = {}
    kcal = requested_kcal(text)
    if kcal is not None and 500 <= kcal <= 8000:
        args["calories_kcal"] = kcal
    for pace in ("slow", "moderate", "aggressive"):
        if re.search(rf"\b{pace}(ly)?\b", text):
            args["pace"] = pace
            break
    if re.search(r"lose|fat loss|cut(ting)?\b|lean(er)?", text):
        args["goal_type"] = "fat_loss"
    elif re.search(r"build muscle|bulk|gain muscle|muscle gain", text):
        args["goal_type"] = "muscle_gain"
    elif re.search(r"\bmaintain|maintenance", text):
        args["goal_type"] = "maintenance"
    weeks = requested_weeks(text)
    if weeks is not None and 1 <= weeks <= 104:
        args["duration_weeks"] = weeks
    return args


def tool_calls_for(message: str, intents: list[Intent] | None = None) -> list[PlannedCall]:
    """The tool calls answering ``message`` (no duplicates, at most :data:`MAX_CALLS`)."""
    chosen = intents if intents is not None else recognise(message)
    text = normalise(message)
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
                args = _plan_args(text)
            calls.append(PlannedCall(tool=tool, args=args))
    return calls
