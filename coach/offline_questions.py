"""What the offline coach says when no tool answers: missing data as a plain question,
refusals in the user's terms, small talk, check-in help and questions out of its scope.

A failed tool call's message is read with :func:`tools.errors.parse_tool_error`: a typed
error (``missing_profile_fields``, ``not_enough_data``, ``no_target_weight``) becomes one
question naming exactly what is missing, merged across the calls of a turn; the raw
message never reaches the user.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

from coach.intents import Intent
from tools.errors import DataErrorCode, parse_tool_error

GREETING: Final = (
    "Hi! I'm your coach. Ask me how you're doing, about your weight trend, what you've been "
    "eating, what your calories should be, or ask me for a plan (a pace or a date is fine)."
)
OUT_OF_SCOPE: Final = (
    "That's outside what I can help with. I can look at your weight trend, nutrition, "
    "adherence, targets, expenditure, goal progress, photos and check-ins, or propose a "
    "plan. What would you like to know?"
)
CHECKIN_HELP: Final = (
    "To check in, log today's weight (and, if you like, energy, sleep and mood) with a "
    "check-in: in the app, or PUT /v1/check-ins/<date> with your weight. Food goes in with "
    "PUT /v1/nutrition/<date>, or import it from MyFitnessPal; your height, birth year and "
    "goal go in your profile (PATCH /v1/me/profile and /v1/me/goal). I can't save entries "
    "from the chat. Weigh in first thing in the morning a few times a week: your trend "
    "matters more than any single day."
)

#: Each missing field as the user would be asked for it.
_ASK: Final = {
    "height_cm": "your height (in cm)",
    "birth_year": "the year you were born",
    "weight_kg": "a recent weigh-in",
    "weigh_ins": "a recent weigh-in",
    "recent weigh-in": "a recent weigh-in",
    "target_weight_kg": "your target weight",
    "activity_level": "your activity level",
    "sex": "your sex",
}
#: The profile's gaps, named short for "add your height and birth year to your profile".
_SHORT: Final = {
    _ASK["height_cm"]: "height",
    _ASK["birth_year"]: "birth year",
    _ASK["target_weight_kg"]: "target weight",
}
#: What each tool gives, for the sentence "To work out your ...".
_NOUNS: Final = {
    "calculate_targets": "targets",
    "estimate_expenditure": "expenditure",
    "propose_plan": "plan",
    "get_goal_progress": "goal progress",
    "list_progress_photos": "photos",
    "get_user_profile": "profile",
    "get_recent_checkins": "check-ins",
    "get_weight_trend": "weight trend",
    "get_nutrition_summary": "nutrition summary",
    "get_adherence": "adherence",
}
_BLOCKED_SUFFIX: Final = " Do not retry with the same values."


def conversational(intents: Sequence[Intent]) -> str:
    """The reply to a message that needs no tool."""
    if Intent.CHECKIN_HELP in intents:
        return CHECKIN_HELP
    if Intent.SMALL_TALK in intents:
        return GREETING
    return OUT_OF_SCOPE


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _asked(field: str) -> str:
    """One missing field as the user would be asked for it."""
    return _ASK.get(field, field.replace("_", " "))


def missing_in_words(fields: Iterable[str]) -> str:
    """Profile fields as the user would name them: "your height (in cm) and your sex"."""
    return _join([_asked(name) for name in fields])


def _noun(tool: str) -> str:
    return _NOUNS.get(tool) or tool.removeprefix("get_").replace("_", " ")


def failure(tool: str, message: str) -> str:
    """One failed or blocked call, in the user's terms (never the raw message)."""
    return " ".join(failures([(tool, message)]))


def failures(calls: Iterable[tuple[str, str]]) -> list[str]:
    """Paragraphs for the failed calls of a turn: one question for all missing data."""
    missing: list[str] = []
    needing: list[str] = []
    out: list[str] = []
    for tool, message in calls:
        typed = parse_tool_error(message)
        if typed is not None and typed.code is not DataErrorCode.UNKNOWN_USER:
            for name in typed.fields or ("weigh_ins",):
                if _asked(name) not in missing:
                    missing.append(_asked(name))
            if _noun(tool) not in needing:
                needing.append(_noun(tool))
            continue
        blocked = f"{tool} was blocked by a safety policy: "
        if message.startswith(blocked):
            reason = message.removeprefix(blocked).removesuffix(_BLOCKED_SUFFIX).rstrip(". ")
            out.append(f"I can't do that {_noun(tool)}: {reason}.")
        elif message == "the request was not valid":
            out.append(f"I couldn't work out your {_noun(tool)} from that; could you rephrase?")
        else:
            out.append(f"I couldn't get your {_noun(tool)} just now; please try again shortly.")
    if missing:
        profile = [_SHORT[m] for m in missing if m in _SHORT]
        it = "them" if len(missing) > 1 else "it"
        if profile and len(profile) < len(missing):
            where = (
                f" Could you add your {_join(profile)} to your profile and log today's weight "
                "with a check-in? Then ask me again."
            )
        elif profile:
            where = f" Could you add {it} to your profile? Then ask me again."
        else:
            where = " Could you log today's weight with a check-in? Then ask me again."
        out.insert(0, f"To work out your {_join(needing)} I need {_join(missing)}." + where)
    return out
