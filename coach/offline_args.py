"""Tool arguments the offline coach reads from a message.

Windows ("last 2 weeks" -> 14 days), and what a plan or target request asks for: a daily
energy ("1,800 calories", "7500 kJ"), protein ("150 g of protein"), a weekly change ("0.5 kg
a week", "a pound a week", "4 kg in 8 weeks"), a target weight ("to be 75 kg") and a
deadline ("by the end of August", "by 2025-09-20"), a length ("12-week", "three months"),
a pace word and a goal. Quantities and time spans are read by the policies' number reader
(:class:`policies.quantities.NumberReader`), the same reading the safety checks use; dates
are resolved against the turn's "today".
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from typing import Any, Final

from coach.text_numbers import normalise_numbers
from policies.quantities import NumberReader, Quantity, Unit

_UNIT_DAYS: Final = {"day": 1, "week": 7, "fortnight": 14, "month": 30, "year": 365}
#: Counts still in words after :func:`normalise_numbers` (which leaves a lone "a" alone).
_WORD_NUMBERS: Final = {"a": 1, "an": 1, "couple": 2, "few": 3, "several": 3}
_PERIOD = re.compile(
    r"(?:last|past|previous|over the|in the)\s+(?:(\d{1,3}|[a-z]+)\s+)?(?:of\s+)?"
    r"(day|week|fortnight|month|year)s?\b"
)
_THIS = re.compile(r"this (week|month|year)")
_WEEKS = re.compile(r"(?<![\d.])(\d{1,3})[\s-]*weeks?\b(?! ago)")
_MONTHS = re.compile(r"(?<![\d.])(\d{1,2})[\s-]*months?\b(?! ago)")
WEEKS_PER_MONTH: Final = 52 / 12

_MONTH_NAMES: Final = {name.lower(): i for i, name in enumerate(calendar.month_name) if name} | {
    name.lower(): i for i, name in enumerate(calendar.month_abbr) if name
}
_MONTH = "|".join(sorted(_MONTH_NAMES, key=len, reverse=True))
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_DEADLINE = re.compile(
    rf"\b(?:by|before|until|till|for|on)\s+(?:the\s+)?(?P<end>end\s+of\s+)?(?:(?P<d1>\d{{1,2}})"
    rf"(?:st|nd|rd|th)?\s+(?:of\s+)?)?(?P<month>{_MONTH})\b\.?(?:\s+(?P<d2>\d{{1,2}})"
    r"(?:st|nd|rd|th)?\b)?(?:,?\s+(?P<year>\d{4}))?"
)
#: Words before a mass that make it a target weight ("to be 75 kg"), not an amount.
_TARGET_LEAD = re.compile(
    r"(?:\bbe|\breach|\bget(?:ting)?(?:\s+(?:down|up))?\s+to|\bhit|\bweigh|\bdown\s+to|\bat"
    r"|\bunder|\bto)\s*$"
)
_DIRECTION = re.compile(
    r"\b(?P<gain>gain|put on|bulk|add|increase|up by)\b|\b(?P<loss>lose|losing|drop|cut|shed"
    r"|down|loss|lighter)\b"
)
_PROTEIN = re.compile(r"\bprotein\b")

#: A mass under this is a change, never a body weight ("get down 3 kg" vs "get to 75 kg").
MIN_BODY_WEIGHT_KG: Final = 30.0
#: Largest weekly change passed on (kg); the tools' schema allows no more.
MAX_RATE_KG: Final = 3.0


@functools.cache
def number_reader() -> NumberReader:
    """One compiled reader per process (built on first use)."""
    return NumberReader()


def normalise(message: str) -> str:
    """Lowercase, straight quotes, single spaces."""
    text = message.lower().replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", text).strip()


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


def _quantities(message: str) -> tuple[str, list[Quantity]]:
    text = normalise(message)
    return text, number_reader().quantities(text)


def requested_kcal(message: str) -> int | None:
    """The daily energy the message asks for in kcal ("1,800 calories", "7500 kJ" -> 1793)."""
    _, found = _quantities(message)
    for q in found:
        kcal = q.kcal
        if kcal is not None:
            return round(kcal)
    return None


def requested_protein(message: str) -> float | None:
    """Daily protein in grams when the message names it ("150 g of protein")."""
    text, found = _quantities(message)
    for q in found:
        if q.unit is Unit.GRAM and _PROTEIN.search(text[max(0, q.start - 25) : q.end + 25]):
            return q.value
    return None


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


def requested_deadline(message: str, today: dt.date | None) -> dt.date | None:
    """A date the message sets as a deadline ("by the end of August", "by 2025-09-20")."""
    text = normalise(message)
    iso = _ISO_DATE.search(text)
    if iso:
        try:
            return dt.date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        except ValueError:
            return None
    match = _DEADLINE.search(text)
    if match is None or today is None:
        return None
    month = _MONTH_NAMES[match.group("month")]
    year = int(match.group("year")) if match.group("year") else today.year
    last = calendar.monthrange(year, month)[1]
    if match.group("end"):
        day = last
    else:
        day = int(match.group("d1") or match.group("d2") or 1)
    try:
        date = dt.date(year, month, min(day, last))
    except ValueError:
        return None
    if date <= today and not match.group("year"):
        date = date.replace(year=year + 1)
    return date


def _weight_request(text: str, found: list[Quantity], today: dt.date | None) -> dict[str, Any]:
    """Rate, target weight, deadline and length from the masses and spans in ``text``."""
    out: dict[str, Any] = {}
    periods = number_reader().periods(text)
    deadline = requested_deadline(text, today)
    for q in found:
        kg = q.kg
        if kg is None:
            continue
        after = [p for p in periods if p.start >= q.end - 1 and p.start - q.end <= 12]
        per_period = bool(after) and after[0].per
        if not per_period and kg >= MIN_BODY_WEIGHT_KG and _TARGET_LEAD.search(text[: q.start]):
            out["target_weight_kg"] = round(kg, 1)
            continue
        verbs = list(_DIRECTION.finditer(text[max(0, q.start - 40) : q.start]))
        sign = 1.0 if verbs and verbs[-1].group("gain") else -1.0
        if per_period:
            out["weekly_change_kg"] = round(sign * kg / after[0].weeks, 2)
        elif after:
            out["weekly_change_kg"] = round(sign * kg / after[0].weeks, 2)
            out["duration_weeks"] = max(1, round(after[0].weeks))
        elif deadline is not None and today is not None and deadline > today:
            weeks = (deadline - today).days / 7.0
            out["weekly_change_kg"] = round(sign * kg / weeks, 2)
            out["duration_weeks"] = max(1, round(weeks))
        break
    if deadline is not None and "weekly_change_kg" not in out:
        out["target_date"] = deadline.isoformat()
    rate = out.get("weekly_change_kg")
    if rate is not None and not -MAX_RATE_KG <= rate <= MAX_RATE_KG:
        out["weekly_change_kg"] = max(-MAX_RATE_KG, min(MAX_RATE_KG, rate))
    return out


def _goal_and_pace(text: str) -> dict[str, Any]:
    args: dict[str, Any] = {}
    for pace in ("slow", "moderate", "aggressive"):
        if re.search(rf"\b{pace}(ly)?\b", text):
            args["pace"] = pace
            break
    if re.search(r"lose|fat loss|cut(ting)?\b|lean(er)?|drop|shed", text):
        args["goal_type"] = "fat_loss"
    elif re.search(r"build muscle|bulk|gain muscle|muscle gain|gain", text):
        args["goal_type"] = "muscle_gain"
    elif re.search(r"\bmaintain|maintenance", text):
        args["goal_type"] = "maintenance"
    return args


def plan_args(message: str, today: dt.date | None) -> dict[str, Any]:
    """``propose_plan`` arguments from a plan request."""
    text, found = _quantities(message)
    args = _goal_and_pace(text)
    kcal = requested_kcal(message)
    if kcal is not None and 500 <= kcal <= 8000:
        args["calories_kcal"] = kcal
    protein = requested_protein(message)
    if protein is not None and 20 <= protein <= 400:
        args["protein_g"] = protein
    weeks = requested_weeks(message)
    if weeks is not None and 1 <= weeks <= 104:
        args["duration_weeks"] = weeks
    args.update(_weight_request(text, found, today))
    if "weekly_change_kg" in args or "target_date" in args:
        args.pop("pace", None)  # a named rate or deadline says more than a pace word
    if "target_date" in args and args.get("duration_weeks") == weeks:
        args.pop("duration_weeks", None)
    return args


def targets_args(message: str, today: dt.date | None) -> dict[str, Any]:
    """``calculate_targets`` arguments: a requested weekly change, goal and pace words."""
    text, found = _quantities(message)
    args = _goal_and_pace(text)
    request = _weight_request(text, found, today)
    if "weekly_change_kg" in request:
        args["weekly_change_kg"] = request["weekly_change_kg"]
        args.pop("pace", None)
    return args
