"""Replies the offline model writes from tool results, with the user's actual numbers.

Each writer takes a tool's result as JSON-like data (the tool's result model dumped) and
returns a few sentences. Failed calls get :func:`failure`, which passes on what the tool
said is missing. Every sentence ends with punctuation so the output guard can release it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, Final

Result = Mapping[str, Any]


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _kg(value: Any) -> str:
    number = _num(value)
    return "?" if number is None else f"{number:.1f} kg"


def _signed_kg(value: Any, digits: int = 2) -> str:
    number = _num(value)
    return "?" if number is None else f"{number:+.{digits}f} kg"


def _pct(value: Any) -> str:
    number = _num(value)
    return "?" if number is None else f"{round(number * 100)}%"


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


def weight_trend(r: Result) -> str:
    """get_weight_trend."""
    if not r.get("weigh_ins"):
        return (
            f"I don't see any weigh-ins in {_window(r)}. Log your weight a few mornings a "
            "week and I can show you your trend."
        )
    text = (
        f"Over {_window(r)} your trend weight went from {_kg(r.get('trend_start_kg'))} to "
        f"{_kg(r.get('trend_end_kg'))} ({_signed_kg(r.get('total_change_kg'), 1)}), "
        f"based on {r['weigh_ins']} weigh-ins."
    )
    rate = _num(r.get("weekly_rate_kg"))
    if rate is not None:
        # Worded as a measurement: "losing N kg per week" reads like advice to a policy.
        if rate == 0:
            text += " Your trend weight is holding steady (0.00 kg per week)."
        else:
            direction = "falling" if rate < 0 else "rising"
            text += f" Your trend weight is {direction} by about {abs(rate):.2f} kg per week."
    gaps = r.get("gaps") or []
    if gaps:
        longest = max(int(g.get("days", 0)) for g in gaps)
        text += f" There were {len(gaps)} gaps without weigh-ins, the longest {longest} days."
    return text


def nutrition_summary(r: Result) -> str:
    """get_nutrition_summary."""
    logged = int(r.get("days_logged") or 0)
    if logged == 0:
        return (
            f"You haven't logged any food in the last {r.get('days', '?')} days, so I can't "
            "summarise your intake yet."
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


def adherence(r: Result) -> str:
    """get_adherence."""
    text = (
        f"Over the last {r.get('days')} days you checked in on {_pct(r.get('checkin_rate'))} "
        f"of days, weighed in on {_pct(r.get('weigh_in_rate'))} and logged food on "
        f"{_pct(r.get('logging_rate'))}."
    )
    text += (
        f" Your current streak is {r.get('current_streak_days', 0)} days "
        f"(longest {r.get('longest_streak_days', 0)})."
    )
    score = _num(r.get("mean_adherence_score"))
    if score is not None:
        text += f" You rated your adherence {score * 10:.1f} out of 10 on average."
    return text


def targets(r: Result) -> str:
    """calculate_targets."""
    macros = r.get("macros") or {}
    goal = str(r.get("goal_type", "")).replace("_", " ")
    text = (
        f"Your BMR is about {r.get('bmr_kcal')} kcal and your TDEE about {r.get('tdee_kcal')} "
        f"kcal a day. For {goal} at a {r.get('pace')} pace I'd aim for "
        f"{r.get('calories_kcal')} kcal a day ({int(r.get('delta_kcal') or 0):+d} kcal)."
    )
    if macros:
        text += (
            f" That's roughly {float(macros.get('protein_g', 0)):.0f} g protein, "
            f"{float(macros.get('carbs_g', 0)):.0f} g carbs, {float(macros.get('fat_g', 0)):.0f} "
            f"g fat and {float(macros.get('fibre_g', 0)):.0f} g fibre."
        )
    for note in (r.get("adjustments") or [])[:2]:
        text += f" Note: {str(note).rstrip('.')}."
    return text


def expenditure(r: Result) -> str:
    """estimate_expenditure."""
    tdee = r.get("tdee_kcal")
    if tdee is None:
        reason = str(r.get("reason") or "there isn't enough data").rstrip(".")
        return f"I can't estimate your expenditure yet: {reason}."
    text = (
        f"Your estimated expenditure is about {tdee} kcal a day (likely between "
        f"{r.get('low_kcal')} and {r.get('high_kcal')}, {r.get('confidence')} confidence)."
    )
    if r.get("updated_from_data"):
        slope = _num(r.get("weight_slope_kg_per_week"))
        text += (
            f" It comes from {r.get('logged_days')} logged days averaging "
            f"{r.get('mean_logged_intake_kcal')} kcal"
            + (f" and a weight change of {slope:+.2f} kg per week." if slope is not None else ".")
        )
    else:
        reason = str(r.get("reason") or "there isn't enough logged data").rstrip(".")
        text += f" It is based on the formula estimate because {reason}."
    return text


def goal_progress(r: Result) -> str:
    """get_goal_progress."""
    distance = _num(r.get("distance_kg")) or 0.0
    text = (
        f"You're at {_kg(r.get('current_weight_kg'))} with a target of "
        f"{_kg(r.get('target_weight_kg'))}, {abs(distance):.1f} kg to {r.get('direction', 'go')}."
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


def photos(r: Result) -> str:
    """list_progress_photos."""
    items = r.get("photos") or []
    if not items:
        return "You haven't shared any progress photos with me yet."
    return (
        f"You've shared {r.get('count', len(items))} progress photos with me, the most recent "
        f"on {items[0].get('date')} and the earliest listed on {items[-1].get('date')}."
    )


def profile(r: Result) -> str:
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
        text += f" Still missing: {', '.join(missing)}."
    return text


def _mean(values: list[Any]) -> float | None:
    numbers = [float(v) for v in values if _num(v) is not None]
    return sum(numbers) / len(numbers) if numbers else None


def checkins(r: Result) -> str:
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


def plan(r: Result) -> str:
    """propose_plan."""
    p = r.get("plan") or {}
    text = (
        f"Here's a plan: {p.get('calories_kcal')} kcal a day with about "
        f"{float(p.get('protein_g', 0)):.0f} g protein, {float(p.get('carbs_g', 0)):.0f} g "
        f"carbs, {float(p.get('fat_g', 0)):.0f} g fat and {float(p.get('fiber_g', 0)):.0f} g "
        f"fibre, for {_signed_kg(p.get('weekly_change_kg'))} a week over "
        f"{p.get('duration_weeks')} weeks."
    )
    if r.get("status") == "adjusted":
        reasons = [str(c.get("reason", "")).rstrip(".") for c in r.get("changes") or []]
        text += " I adjusted it to keep it safe" + (f": {reasons[0]}." if reasons else ".")
    rationale = r.get("rationale") or []
    if rationale:
        text += f" It's built on {str(rationale[0]).rstrip('.')}."
    return text


WRITERS: Final[dict[str, Callable[[Result], str]]] = {
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


#: What each tool gets, for failure messages.
_NOUNS: Final = {
    "calculate_targets": "targets",
    "estimate_expenditure": "expenditure estimate",
    "propose_plan": "plan",
    "list_progress_photos": "photos",
    "get_user_profile": "profile",
    "get_recent_checkins": "check-ins",
}


def failure(tool: str, message: str) -> str:
    """A failed or blocked call, in the user's terms."""
    what = _NOUNS.get(tool) or tool.removeprefix("get_").replace("_", " ")
    reason = message.strip().rstrip(".") or "it failed"
    return f"I couldn't get your {what}: {reason}."


GREETING: Final = (
    "Hi! I'm your coach. Ask me how you're doing, about your weight trend, nutrition, "
    "adherence, targets or expenditure, or ask me for a plan."
)
OTHER: Final = (
    "I can look at your weight trend, nutrition, adherence, targets, expenditure, goal "
    "progress, photos and check-ins, or propose a plan. What would you like to know?"
)
