"""The coach's instructions: its rules, the user's pinned facts, safety flags, the plan.

Pinned facts (goal, pace, diet type, allergies, ...), the policies' flags and the current
plan are rebuilt into the instructions on every turn, so summarization never drops them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from persistence.repositories.profiles import UserContext

RULES: Final = (
    "You are Sleek Coach, a supportive, evidence-based nutrition and fitness coach.\n"
    "- Look the user's data up with the tools before answering questions about it; quote "
    "the numbers the tools return and never invent numbers.\n"
    "- Propose plans only through the propose_plan tool and present the numbers it returns, "
    "including any safety adjustment.\n"
    "- Respect the user's diet type, allergies and dislikes.\n"
    "- You are not a doctor: for medical questions, symptoms or medication, refer the user "
    "to a healthcare professional.\n"
    "- Keep replies short and concrete (under 150 words), in plain sentences."
)

#: What the coach must keep in mind after a policy flagged the conversation.
FLAG_GUIDANCE: Final = {
    "eating_disorder_signal": (
        "the user showed signs of disordered eating: do not give calorie-restriction or "
        "weight-loss numbers; be supportive and encourage professional help"
    ),
    "medical_claim": "the user raised a medical topic: refer medical questions to a clinician",
    "calorie_minimum": "the user asked for intake below the safe minimum: never go below it",
    "calorie_maximum": "the user asked for an extreme surplus: keep surpluses moderate",
    "protein_minimum": "protein was below requirements: keep protein at or above the minimum",
    "weight_loss_rate": "the user wanted an unsafe loss rate: keep loss at most 1% a week",
    "unsafe_content": "unsafe content came up: stay within safe, general guidance",
}


@dataclass(frozen=True)
class PinnedFacts:
    """Facts that always stay in the model's context."""

    display_name: str | None = None
    goal_type: str | None = None
    pace: str | None = None
    target_weight_kg: float | None = None
    target_date: dt.date | None = None
    diet_type: str | None = None
    allergies: tuple[str, ...] = ()
    disliked_foods: tuple[str, ...] = ()
    sex: str | None = None
    birth_year: int | None = None
    height_cm: float | None = None
    activity_level: str | None = None
    timezone: str | None = None
    flags: tuple[str, ...] = field(default_factory=tuple)
    plan: dict[str, Any] | None = None

    @classmethod
    def from_context(
        cls,
        ctx: UserContext | None,
        *,
        flags: tuple[str, ...] = (),
        plan: dict[str, Any] | None = None,
    ) -> PinnedFacts:
        """From the user's profile rows (missing rows give missing facts)."""
        p = ctx.profile if ctx else None
        g = ctx.goal if ctx else None
        d = ctx.preferences if ctx else None
        return cls(
            display_name=p.display_name if p else None,
            goal_type=g.goal_type.value if g else None,
            pace=g.pace_preference.value if g else None,
            target_weight_kg=float(g.target_weight_kg) if g and g.target_weight_kg else None,
            target_date=g.target_date if g else None,
            diet_type=d.diet_type.value if d else None,
            allergies=tuple(d.allergies) if d else (),
            disliked_foods=tuple(d.disliked_foods) if d else (),
            sex=p.sex.value if p and p.sex else None,
            birth_year=p.birth_year if p else None,
            height_cm=float(p.height_cm) if p and p.height_cm else None,
            activity_level=p.activity_level.value if p and p.activity_level else None,
            timezone=p.timezone if p else None,
            flags=flags,
            plan=plan,
        )

    @classmethod
    def from_values(
        cls,
        values: Mapping[str, Any] | None,
        *,
        flags: tuple[str, ...] = (),
        plan: dict[str, Any] | None = None,
    ) -> PinnedFacts:
        """From the user's facts by field name (``coach.sessions.USER_FACTS``; the goal's
        pace as ``pace``); missing values give missing facts."""
        v = values or {}
        return cls(
            display_name=v.get("display_name"),
            goal_type=_text(v.get("goal_type")),
            pace=_text(v.get("pace")),
            target_weight_kg=_number(v.get("target_weight_kg")),
            target_date=v.get("target_date"),
            diet_type=_text(v.get("diet_type")),
            allergies=tuple(v.get("allergies") or ()),
            disliked_foods=tuple(v.get("disliked_foods") or ()),
            sex=_text(v.get("sex")),
            birth_year=v.get("birth_year"),
            height_cm=_number(v.get("height_cm")),
            activity_level=_text(v.get("activity_level")),
            timezone=v.get("timezone"),
            flags=flags,
            plan=plan,
        )


def _text(value: Any) -> str | None:
    """An enum's value (or a string) as text; ``None`` stays ``None``."""
    if value is None:
        return None
    return str(getattr(value, "value", value))


def _number(value: Any) -> float | None:
    """A positive number as a float (zero and ``None`` are missing, as in the rows)."""
    return float(value) if value else None


def _goal_line(f: PinnedFacts) -> str:
    goal = (f.goal_type or "not set").replace("_", " ")
    line = f"- Goal: {goal}, {f.pace or 'moderate'} pace"
    if f.target_weight_kg:
        line += f", target {f.target_weight_kg:.1f} kg"
    if f.target_date:
        line += f" by {f.target_date.isoformat()}"
    return line


def _plan_line(plan: dict[str, Any]) -> str:
    p = plan.get("plan", plan)
    text = (
        f"- Current plan: {p.get('calories_kcal')} kcal/day, protein {p.get('protein_g')} g, "
        f"carbs {p.get('carbs_g')} g, fat {p.get('fat_g')} g, fibre {p.get('fiber_g')} g, "
        f"{p.get('weekly_change_kg')} kg/week for {p.get('duration_weeks')} weeks"
    )
    if plan.get("adjusted"):
        text += " (adjusted by the safety policy)"
    if plan.get("proposed_on"):
        text += f", proposed {plan['proposed_on']}"
    return text


def build_instructions(facts: PinnedFacts, *, today: dt.date) -> str:
    """The instructions of one turn."""
    lines = [RULES, "", f"Today is {today.isoformat()}.", "Pinned facts about the user:"]
    if facts.display_name:
        lines.append(f"- Name: {facts.display_name}")
    lines.append(_goal_line(facts))
    diet = f"- Diet: {facts.diet_type or 'no restriction'}"
    if facts.allergies:
        diet += f"; allergies: {', '.join(facts.allergies)}"
    if facts.disliked_foods:
        diet += f"; dislikes: {', '.join(facts.disliked_foods)}"
    lines.append(diet)
    body = [
        f"sex {facts.sex}" if facts.sex else "",
        f"born {facts.birth_year}" if facts.birth_year else "",
        f"{facts.height_cm:.0f} cm" if facts.height_cm else "",
        f"activity {facts.activity_level}" if facts.activity_level else "",
    ]
    if any(body):
        lines.append("- Body: " + ", ".join(b for b in body if b))
    for flag in facts.flags:
        lines.append(f"- Safety flag ({flag}): {FLAG_GUIDANCE.get(flag, 'be careful')}")
    if facts.plan:
        lines.append(_plan_line(facts.plan))
    return "\n".join(lines)
