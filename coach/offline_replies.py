"""Replies the offline model writes from tool results, with the user's actual numbers.

Each writer takes a tool's result as JSON-like data (the tool's result model dumped) and the
arguments the call was made with (what the user asked for), and returns a few short
sentences: the user's numbers, where they come from, and a next step. Figures that belong
together are written so they agree at the precision shown (a trend's start, end and change;
a plan's requested and proposed rate). Failed calls are turned into plain questions by
:mod:`coach.offline_questions`. Every sentence ends with punctuation so the output guard can
release it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, Final

from coach.offline_questions import (
    CHECKIN_HELP,
    GREETING,
    OUT_OF_SCOPE,
    conversational,
    failure,
    failures,
    missing_in_words,
)

Result = Mapping[str, Any]
Asked = Mapping[str, Any]

__all__ = [
    "CHECKIN_HELP",
    "GREETING",
    "OUT_OF_SCOPE",
    "WRITERS",
    "conversational",
    "failure",
    "failures",
]

#: Under this many days between the first and last weigh-in a rate is called rough.
SHORT_SPAN_DAYS: Final = 14


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _kg(value: Any) -> str:
    number = _num(value)
    return "?" if number is None else f"{number:.1f} kg"


def _pct(value: Any) -> str:
    number = _num(value)
    return "?" if number is None else f"{round(number * 100)}%"


def _day(value: Any) -> str:
    try:
        day = dt.date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return f"{day.day} {day:%b}"


def _days_between(result: Result) -> int | None:
    try:
        start = dt.date.fromisoformat(str(result["start"]))
        end = dt.date.fromisoformat(str(result["end"]))
    except (KeyError, ValueError):
        return None
    return (end - start).days + 1


def _window(result: Result) -> str:
    days = _days_between(result)
    return "this period" if days is None else f"the last {days} days"


def _rate(kg_per_week: float) -> str:
    """A weekly change in words: "losing about 0.45 kg a week"."""
    if abs(kg_per_week) < 0.005:
        return "holding steady"
    verb = "losing" if kg_per_week < 0 else "gaining"
    return f"{verb} about {abs(kg_per_week):.2f} kg a week"


def _expenditure_name(basis: Any, days: int | None = 28) -> str:
    if basis == "adaptive":
        return f"measured from your last {days} days of food logs and weigh-ins"
    return "a formula estimate from your height, weight, age and activity level"


def weight_trend(r: Result, asked: Asked) -> str:
    """get_weight_trend: the period the weigh-ins cover, and start, end and change that agree."""
    count = int(r.get("weigh_ins") or 0)
    if count == 0:
        return (
            f"I don't see any weigh-ins in {_window(r)}. Log your weight a few mornings a "
            "week and I can show you your trend."
        )
    if count == 1 or _num(r.get("fit_change_kg")) is None:
        return (
            f"You have one weigh-in in {_window(r)} ({_day(r.get('last_weigh_in'))}), so there's "
            "no trend yet. Weigh in a few more mornings and ask me again."
        )
    start = round(float(r["fit_start_kg"]), 1)
    change = round(float(r["fit_change_kg"]), 1)
    end = round(start + change, 1)
    span = int(r.get("period_days") or 0)
    rate = float(r.get("weekly_rate_kg") or 0.0)
    text = (
        f"Your trend weight (smoothed, it lags the scale by about a week) is "
        f"{_kg(r.get('trend_end_kg'))} today. Your {count} weigh-ins in {_window(r)} run from "
        f"{_day(r.get('first_weigh_in'))} to {_day(r.get('last_weigh_in'))} ({span} days); "
        f"along their trend line your weight went from about {start:.1f} kg to {end:.1f} kg "
        f"({change:+.1f} kg)."
    )
    # Its own sentence: a change and "per week" in one sentence read as a requested rate.
    if abs(rate) < 0.005:
        text += " That is holding steady (0.00 kg per week)."
    else:
        direction = "falling" if rate < 0 else "rising"
        text += f" That line is {direction} by about {abs(rate):.2f} kg per week."
    if span < SHORT_SPAN_DAYS:
        text += f" With only {span} days of weigh-ins that rate is rough; give it another week."
    gaps = r.get("gaps") or []
    if gaps:
        longest = max(int(g.get("days", 0)) for g in gaps)
        text += f" There were {len(gaps)} gaps without weigh-ins, the longest {longest} days."
    return text


def nutrition_summary(r: Result, asked: Asked) -> str:
    """get_nutrition_summary."""
    logged = int(r.get("days_logged") or 0)
    if logged == 0:
        return (
            f"You haven't logged any food in the last {r.get('days', '?')} days, so I can't "
            "summarise your intake yet. Log a few typical days and ask me again."
        )
    avg = r.get("averages") or {}
    text = (
        f"You logged food on {logged} of the last {r.get('days')} days "
        f"({_pct(r.get('logging_rate'))})."
    )
    parts = []
    if _num(avg.get("calories")) is not None:
        parts.append(f"{float(avg['calories']):.0f} kcal")
    for key, label in (("protein_g", "protein"), ("carbs_g", "carbs"), ("fat_g", "fat")):
        if _num(avg.get(key)) is not None:
            parts.append(f"{float(avg[key]):.0f} g {label}")
    if parts:
        text += " On logged days you averaged " + ", ".join(parts) + "."
    for row in r.get("comparison") or []:
        if row.get("nutrient") in ("calories", "protein_g") and _num(row.get("target")):
            unit = "kcal" if row["nutrient"] == "calories" else "g protein"
            diff = _num(row.get("difference"))
            if diff is None:
                continue
            text += (
                f" That's {diff:+.0f} {unit} against your target of "
                f"{float(row['target']):.0f} ({_num(row.get('percent_of_target')) or 0:.0f}%)."
            )
    return text


def _of_days(rate: Any, days: int) -> str:
    share = _num(rate)
    if share is None:
        return "?"
    return f"{round(share * days)} of {days} days ({round(share * 100)}%)"


def adherence(r: Result, asked: Asked) -> str:
    """get_adherence: counts and shares of days."""
    days = int(r.get("days") or 0)
    text = (
        f"Over the last {days} days you checked in on {_of_days(r.get('checkin_rate'), days)}, "
        f"weighed in on {_of_days(r.get('weigh_in_rate'), days)} and logged food on "
        f"{_of_days(r.get('logging_rate'), days)}."
    )
    text += (
        f" Your current streak is {r.get('current_streak_days', 0)} days "
        f"(longest {r.get('longest_streak_days', 0)})."
    )
    score = _num(r.get("mean_adherence_score"))
    if score is not None:
        text += f" You rated your adherence {score * 10:.1f} out of 10 on average."
    return text


def _targets_reason(r: Result, weekly: float) -> str:
    adjustments = [str(a) for a in r.get("adjustments") or []]
    if any("capped" in a for a in adjustments):
        return "the daily deficit is capped at 1,000 kcal"
    if any("floor" in a for a in adjustments):
        return f"your calories can't go below {r.get('calorie_floor_kcal')} kcal a day"
    return f"the safe maximum for you is {abs(weekly):.2f} kg a week"


def targets(r: Result, asked: Asked) -> str:
    """calculate_targets: the expenditure named for what it is, calories, macros."""
    macros = r.get("macros") or {}
    goal = str(r.get("goal_type", "")).replace("_", " ")
    weekly = float(r.get("expected_weekly_change_kg") or 0.0)
    text = (
        f"Your BMR is about {r.get('bmr_kcal')} kcal and your TDEE about {r.get('tdee_kcal')} "
        f"kcal a day ({_expenditure_name(r.get('tdee_basis'))})."
    )
    asked_rate = _num(asked.get("weekly_change_kg"))
    if asked_rate is not None and abs(asked_rate - weekly) <= 0.015:
        verb = "lose" if weekly < 0 else "gain"
        text += (
            f" To {verb} about {abs(weekly):.2f} kg a week I'd aim for {r.get('calories_kcal')} "
            f"kcal a day ({int(r.get('delta_kcal') or 0):+d} kcal)."
        )
    else:
        text += (
            f" For {goal} at a {r.get('pace')} pace I'd aim for {r.get('calories_kcal')} kcal a "
            f"day ({int(r.get('delta_kcal') or 0):+d} kcal), {_rate(weekly)}."
        )
    asked_rate = _num(asked.get("weekly_change_kg"))
    if asked_rate is not None and abs(asked_rate - weekly) > 0.015:
        text += " " + _request_sentence(
            {
                "field": "weekly_change_kg",
                "requested": asked_rate,
                "proposed": weekly,
                "reason": _targets_reason(r, weekly),
            }
        )
    if macros:
        text += (
            f" That's roughly {float(macros.get('protein_g', 0)):.0f} g protein, "
            f"{float(macros.get('carbs_g', 0)):.0f} g carbs, {float(macros.get('fat_g', 0)):.0f} "
            f"g fat and {float(macros.get('fibre_g', 0)):.0f} g fibre."
        )
    elif r.get("adjustments"):
        text += f" Note: {str(r['adjustments'][0]).rstrip('.')}."
    text += " Want me to turn that into a plan?"
    return text


def expenditure(r: Result, asked: Asked) -> str:
    """estimate_expenditure: measured or formula, said plainly, with what is missing."""
    tdee = r.get("tdee_kcal")
    days = _days_between(r) or 28
    if tdee is None:
        return (
            "I can't estimate your expenditure yet: I need your height and birth year and a "
            "recent weigh-in for the formula. Could you add them to your profile and log your "
            "weight?"
        )
    if r.get("tdee_basis") == "adaptive":
        slope = _num(r.get("weight_slope_kg_per_week"))
        text = (
            f"Your expenditure (TDEE) is about {tdee} kcal a day, "
            f"{_expenditure_name('adaptive', days)}: {r.get('logged_days')} logged days "
            f"averaging {r.get('mean_logged_intake_kcal')} kcal"
            + (f" while your weight moved {slope:+.2f} kg a week" if slope is not None else "")
            + f" (likely {r.get('low_kcal')}-{r.get('high_kcal')} kcal, {r.get('confidence')} "
            "confidence)."
        )
        return text + " Targets and plans use this same figure."
    logged = int(r.get("logged_days") or 0)
    weigh_ins = int(r.get("weigh_ins") or 0)
    text = (
        f"Your expenditure (TDEE) is about {tdee} kcal a day: {_expenditure_name('formula')} "
        "(Mifflin-St Jeor), which targets and plans use too."
    )
    if logged * 7 < 4 * days:
        text += (
            f" To measure it from your own data I need food logged on at least 4 days a week; "
            f"you logged {logged} of the last {days} days."
        )
    else:
        text += (
            f" To measure it from your own data I need at least 6 weigh-ins over 10 days or "
            f"more; you have {weigh_ins} in the last {days} days."
        )
    return text + " Keep logging and it will update from your data."


def goal_progress(r: Result, asked: Asked) -> str:
    """get_goal_progress."""
    current, target = _num(r.get("current_weight_kg")), _num(r.get("target_weight_kg"))
    # The distance from the figures as shown, so that the three agree at 0.1 kg.
    distance = (
        round(target, 1) - round(current, 1)
        if current is not None and target is not None
        else _num(r.get("distance_kg")) or 0.0
    )
    text = (
        f"You're at {_kg(current)} with a target of {_kg(target)}, {abs(distance):.1f} kg to "
        f"{r.get('direction', 'go')}."
    )
    rate = _num(r.get("weekly_rate_kg"))
    if rate is not None and r.get("moving_toward_target") and r.get("projected_date"):
        text += (
            f" At your current rate of {rate:+.2f} kg per week you'd reach it around "
            f"{r['projected_date']}."
        )
    elif rate is not None:
        text += f" At your current rate of {rate:+.2f} kg per week you're not moving toward it."
    if r.get("target_date") and r.get("target_date_reachable_safely") is False:
        text += (
            f" Reaching it by {r['target_date']} would need more than the safe maximum of "
            f"{float(r.get('safe_max_weekly_kg') or 0):.2f} kg per week, so a later date is wiser."
        )
    return text


def photos(r: Result, asked: Asked) -> str:
    """list_progress_photos."""
    items = r.get("photos") or []
    if not items:
        return "You haven't shared any progress photos with me yet."
    return (
        f"You've shared {r.get('count', len(items))} progress photos with me, the most recent "
        f"on {items[0].get('date')} and the earliest listed on {items[-1].get('date')}."
    )


def profile(r: Result, asked: Asked) -> str:
    """get_user_profile."""
    goal = r.get("goal") or {}
    prefs = r.get("preferences") or {}
    facts = []
    if r.get("age"):
        facts.append(f"{r['age']} years old")
    if r.get("height_cm"):
        facts.append(f"{float(r['height_cm']):.0f} cm")
    if r.get("current_weight_kg"):
        facts.append(_kg(r["current_weight_kg"]))
    text = "Here's what I know about you: " + (", ".join(facts) or "not much yet") + "."
    if r.get("bmi"):
        text += f" Your BMI is {r['bmi']} ({r.get('bmi_category')})."
    text += f" Your goal is {str(goal.get('goal_type', 'maintenance')).replace('_', ' ')}"
    text += f" at a {goal.get('pace', 'moderate')} pace"
    if goal.get("target_weight_kg"):
        text += f", aiming for {_kg(goal['target_weight_kg'])}"
    text += "."
    allergies = prefs.get("allergies") or []
    text += f" Diet: {prefs.get('diet_type', 'none')}" + (
        f", allergies: {', '.join(allergies)}." if allergies else "."
    )
    missing = r.get("missing_fields") or []
    if missing:
        text += f" I don't have {missing_in_words(missing)} yet."
    return text


def _mean(values: list[Any]) -> float | None:
    numbers = [float(v) for v in values if _num(v) is not None]
    return sum(numbers) / len(numbers) if numbers else None


def checkins(r: Result, asked: Asked) -> str:
    """get_recent_checkins."""
    items = r.get("checkins") or []
    if not items:
        return f"You haven't checked in during {_window(r)}."
    text = (
        f"You checked in {r.get('count', len(items))} times in {_window(r)}, "
        f"{r.get('weigh_ins', 0)} of them with a weight."
    )
    means = []
    for key, label in (("energy_level", "energy"), ("sleep_quality", "sleep"), ("mood", "mood")):
        value = _mean([c.get(key) for c in items])
        if value is not None:
            means.append(f"{label} {value:.1f}/10")
    if means:
        text += " Your averages: " + ", ".join(means) + "."
    text += f" The latest check-in was on {items[-1].get('date')}."
    return text


def _figure(name: str, value: Any) -> str:
    number = _num(value)
    if number is None:
        return str(value)
    if name == "weekly_change_kg":
        return f"{abs(number):.2f} kg a week"
    if name == "calories_kcal":
        return f"{number:,.0f} kcal a day"
    return f"{number:.0f} g protein"


def _request_sentence(change: Mapping[str, Any]) -> str:
    """One sentence: what was asked, what is proposed, why.

    Worded as a warning ("too fast", "too low"): the asked figure is quoted, not advised.
    """
    name = str(change.get("field"))
    reason = str(change.get("reason") or "it keeps the plan safe").rstrip(".")
    if name == "target_date":
        return (
            f"You asked to get there by {change.get('requested')}, which is too fast for you, "
            f"so I've planned {change.get('proposed')}: {reason}."
        )
    requested, proposed = _num(change.get("requested")), _num(change.get("proposed"))
    if name == "weekly_change_kg" and requested is not None:
        verb = "lose" if requested < 0 else "gain"
        return (
            f"You asked to {verb} {_figure(name, requested)}, which is too fast for you, so "
            f"I've proposed {_figure(name, proposed)}: {reason}."
        )
    too = (
        "too low"
        if requested is not None and proposed is not None and requested < proposed
        else "too high"
    )
    return (
        f"You asked for {_figure(name, requested)}, which is {too} for you, so I've "
        f"proposed {_figure(name, proposed)}: {reason}."
    )


def plan(r: Result, asked: Asked) -> str:
    """propose_plan: the plan, what changed of the request and why, the expenditure used."""
    p = r.get("plan") or {}
    weekly = float(p.get("weekly_change_kg") or 0.0)
    text = (
        f"Here's a plan: {p.get('calories_kcal')} kcal a day with about "
        f"{float(p.get('protein_g', 0)):.0f} g protein, {float(p.get('carbs_g', 0)):.0f} g "
        f"carbs, {float(p.get('fat_g', 0)):.0f} g fat and {float(p.get('fiber_g', 0)):.0f} g "
        f"fibre, for {weekly:+.2f} kg a week over {p.get('duration_weeks')} weeks."
    )
    requests = r.get("request_changes") or []
    for change in requests[:2]:
        text += " " + _request_sentence(change)
    target = _num(asked.get("target_weight_kg"))
    if asked.get("target_date") and not requests:
        goal = f"{target:.1f} kg" if target is not None else "your target"
        text += f" That gets you to {goal} by {_day(asked['target_date'])}."
    if r.get("status") == "adjusted" and not requests:
        reasons = [str(c.get("reason", "")).rstrip(".") for c in r.get("changes") or []]
        text += " I adjusted it to keep it safe" + (f": {reasons[0]}." if reasons else ".")
    text += (
        f" It's built on your expenditure of about {r.get('tdee_kcal')} kcal a day "
        f"({_expenditure_name(r.get('tdee_basis'))})."
    )
    text += " Log your food and weigh in a few times a week and I'll check it's working."
    return text


WRITERS: Final[dict[str, Callable[[Result, Asked], str]]] = {
    "get_weight_trend": weight_trend,
    "get_nutrition_summary": nutrition_summary,
    "get_adherence": adherence,
    "calculate_targets": targets,
    "estimate_expenditure": expenditure,
    "get_goal_progress": goal_progress,
    "list_progress_photos": photos,
    "get_user_profile": profile,
    "get_recent_checkins": checkins,
    "propose_plan": plan,
}
