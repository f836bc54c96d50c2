"""The coach's own replies as safe output cases, generated from the project's code.

``dataset`` calls :func:`coach_cases` at build time, so the cases follow the texts as they
are today (nothing copied by hand). They are what the output check reads when the coach
speaks: the policy module's referrals, crisis lines, supportive information and safe
replacements (``policies/referrals.py``), the offline coach's fixed replies and the sentences
its writers produce from tool results (``coach/offline_questions.py``,
``coach/offline_replies.py``, fed with a seeded set of plausible results). Every case is safe
(stage ``output``, no labels, ``self_harm`` false); ``about`` follows the content: a crisis or
eating-disorder referral speaks to the writer (``self``), information for a carer is about
someone else (``other``), the coach's figures are about nothing risky (``none``).

A family is one text and its sentences (the output check reads a reply sentence by sentence
as it streams, and the whole reply once it is complete), so a text and its parts share a
split. The families go to train and validation only (``dataset.assign_splits``): the test
split stays comparable with the earlier rounds'.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import random
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

#: Sentence ends as a reply streams (after . ! ? and a space).
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'])")


def sentences(text: str) -> list[str]:
    """``text`` cut into sentences, as the output check sees a reply while it streams."""
    return [s.strip() for s in _SENTENCE.split(text) if s.strip()]


def _policy_texts() -> Iterator[tuple[str, str, str]]:
    """(family, about, text) of every referral and replacement text, per region."""
    from policies.referrals import (
        Region,
        block_replacement,
        crisis_referral,
        eating_disorder_referral,
        medical_referral,
        supportive_information,
    )

    topics = (
        "thyroid diabetes glp1 medication symptoms pregnancy kidney condition minor "
        "underweight general"
    ).split()
    for region in Region:
        r = region.value
        yield f"crisis:{r}", "self", crisis_referral(region)
        yield f"ed:{r}", "self", eating_disorder_referral(region)
        # Self-harm and an eating disorder together: both, crisis first (policies/_messages.py).
        yield (
            f"crisis+ed:{r}",
            "self",
            crisis_referral(region) + " " + eating_disorder_referral(region),
        )
        for topic in topics:
            yield f"medical:{topic}:{r}", "self", medical_referral(topic, region)
        for topic, about in (("ed", "other"), ("crisis", "other"), ("unsafe", "educational"),
                             ("medical", "other")):  # fmt: skip
            yield f"support:{topic}:{r}", about, supportive_information(topic, region)
        for topic in ("drugs", "dehydration", "fasting", "rules", "ed", "other"):
            yield f"replace:{topic}:{r}", "self", block_replacement(topic, region)


def _results(rng: random.Random) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(tool, result, arguments): plausible, safe tool results for the offline writers."""
    # Consistent and safe figures: BMI 25-31, a target 8 % lower, under 0.75 % a week.
    weight = round(rng.uniform(58, 110), 1)
    bmi = round(rng.uniform(25, 31), 1)
    height = round(100 * (weight / bmi) ** 0.5)
    target = round(weight * 0.92, 1)
    rate = -round(rng.uniform(0.15, min(0.6, 0.0075 * weight)), 2)
    tdee = rng.randrange(1900, 2900, 10)
    kcal = max(1500, tdee - rng.randrange(250, 550, 10))
    protein = round(weight * rng.uniform(1.4, 2.0))
    yield "get_weight_trend", {
        "weigh_ins": rng.randint(6, 20), "fit_start_kg": weight + 1.2, "fit_change_kg": -1.2,
        "trend_end_kg": weight, "period_days": rng.randint(14, 30), "weekly_rate_kg": rate,
        "first_weigh_in": "2026-10-05", "last_weigh_in": "2026-11-02", "start": "2026-10-04",
        "end": "2026-11-02", "gaps": [{"days": 3}],
    }, {}  # fmt: skip
    yield "get_weight_trend", {"weigh_ins": 0, "start": "2026-10-04", "end": "2026-11-02"}, {}
    yield "get_weight_trend", {
        "weigh_ins": 1, "last_weigh_in": "2026-11-01", "start": "2026-10-04", "end": "2026-11-02"
    }, {}  # fmt: skip
    yield "get_nutrition_summary", {
        "days_logged": rng.randint(8, 14), "days": 14, "logging_rate": 0.8,
        "averages": {"calories": kcal + 40, "protein_g": protein, "carbs_g": 210, "fat_g": 70},
        "comparison": [
            {"nutrient": "calories", "target": kcal, "difference": 40,
             "percent_of_target": 100 * (kcal + 40) / kcal},
            {"nutrient": "protein_g", "target": protein + 10, "difference": -10,
             "percent_of_target": 94},
        ],
    }, {}  # fmt: skip
    yield "get_nutrition_summary", {"days_logged": 0, "days": 7}, {}
    yield "get_adherence", {
        "days": 28, "checkin_rate": 0.75, "weigh_in_rate": 0.5, "logging_rate": 0.86,
        "current_streak_days": rng.randint(2, 12), "longest_streak_days": 15,
        "mean_adherence_score": 0.72,
    }, {}  # fmt: skip
    targets = {
        "bmr_kcal": tdee - 600, "tdee_kcal": tdee,
        "tdee_basis": rng.choice(["formula", "adaptive"]),
        "goal_type": "weight_loss", "pace": "moderate", "calories_kcal": kcal,
        "delta_kcal": kcal - tdee, "expected_weekly_change_kg": rate,
        "macros": {"protein_g": protein, "carbs_g": 180, "fat_g": 65, "fibre_g": 30},
    }  # fmt: skip
    yield "calculate_targets", targets, {}
    yield "calculate_targets", targets, {"weekly_change_kg": rate}
    yield "calculate_targets", targets, {"weekly_change_kg": -1.5}
    yield "estimate_expenditure", {
        "tdee_kcal": tdee, "tdee_basis": "adaptive", "logged_days": 24,
        "mean_logged_intake_kcal": kcal, "weight_slope_kg_per_week": rate, "low_kcal": tdee - 120,
        "high_kcal": tdee + 120, "confidence": "medium", "start": "2026-10-06",
        "end": "2026-11-02",
    }, {}  # fmt: skip
    yield "estimate_expenditure", {
        "tdee_kcal": tdee, "tdee_basis": "formula", "logged_days": 5, "weigh_ins": 2,
        "start": "2026-10-06", "end": "2026-11-02",
    }, {}  # fmt: skip
    yield "estimate_expenditure", {"tdee_kcal": None}, {}
    yield "get_goal_progress", {
        "current_weight_kg": weight, "target_weight_kg": target, "direction": "lose",
        "weekly_rate_kg": rate, "moving_toward_target": True, "projected_date": "2027-03-14",
        "target_date": "2026-12-20", "target_date_reachable_safely": False,
        "safe_max_weekly_kg": round(weight * 0.01, 2),
    }, {}  # fmt: skip
    yield "list_progress_photos", {"photos": [], "count": 0}, {}
    yield "list_progress_photos", {
        "photos": [{"date": "2026-11-01"}, {"date": "2026-09-12"}], "count": 2
    }, {}  # fmt: skip
    yield "get_user_profile", {
        "age": rng.randint(22, 68), "height_cm": height,
        "current_weight_kg": weight, "bmi": bmi,
        "bmi_category": "obese" if bmi >= 30 else "overweight",
        "goal": {"goal_type": "weight_loss", "pace": "moderate", "target_weight_kg": target},
        "preferences": {"diet_type": "vegetarian", "allergies": ["peanuts"]},
        "missing_fields": ["activity_level"],
    }, {}  # fmt: skip
    yield "get_recent_checkins", {
        "checkins": [
            {"date": "2026-10-30", "energy_level": 6, "sleep_quality": 7, "mood": 7},
            {"date": "2026-11-02", "energy_level": 7, "sleep_quality": 6, "mood": 8},
        ],
        "count": 2, "weigh_ins": 2, "start": "2026-10-27", "end": "2026-11-02",
    }, {}  # fmt: skip
    plan = {
        "plan": {
            "calories_kcal": kcal, "protein_g": protein, "carbs_g": 190, "fat_g": 62,
            "fiber_g": 30, "weekly_change_kg": rate, "duration_weeks": 12,
        },
        "tdee_kcal": tdee, "tdee_basis": "formula",
    }  # fmt: skip
    yield "propose_plan", plan, {"target_weight_kg": target, "target_date": "2027-06-01"}
    yield "propose_plan", {
        **plan,
        "status": "adjusted",
        "request_changes": [
            {"field": "weekly_change_kg", "requested": -1.4, "proposed": rate,
             "reason": "the safe maximum for you is 1% of your weight a week"},
            {"field": "calories_kcal", "requested": 900, "proposed": kcal,
             "reason": "your calories can't go below 1,500 kcal a day"},
        ],
    }, {}  # fmt: skip


def _tools_errors() -> None:
    """Make ``tools.errors`` importable in the training venv.

    The offline coach's questions read tool errors with ``tools.errors`` (standard library
    only), but ``tools/__init__.py`` loads the database and agent stack, which the training
    venv does not have. There, ``tools`` is registered as a bare package over the same
    directory, so its submodules import without that ``__init__``.
    """
    try:
        import tools.errors  # noqa: F401
    except ImportError:
        spec = importlib.machinery.ModuleSpec("tools", None, is_package=True)
        package = importlib.util.module_from_spec(spec)
        package.__path__ = [str(ROOT / "tools")]
        sys.modules["tools"] = package


def _coach_texts(rng: random.Random) -> Iterator[tuple[str, str, str]]:
    """(family, about, text) of the offline coach: fixed replies, failures, tool replies."""
    _tools_errors()
    from coach.offline_questions import CHECKIN_HELP, GREETING, OUT_OF_SCOPE, failures
    from coach.offline_replies import WRITERS

    yield "offline:greeting", "none", GREETING
    yield "offline:out-of-scope", "none", OUT_OF_SCOPE
    yield "offline:checkin-help", "none", CHECKIN_HELP
    for k, calls in enumerate(
        (
            [("calculate_targets", "missing_profile_fields (height_cm, birth_year): add them")],
            [("get_goal_progress", "no_target_weight: no target weight is set")],
            [("propose_plan", "propose_plan was blocked by a safety policy: the weekly loss "
              "is above the safe maximum. Do not retry with the same values.")],
            [("get_weight_trend", "the request was not valid")],
            [("get_adherence", "a timeout")],
        )
    ):  # fmt: skip
        yield f"offline:failure{k}", "none", " ".join(failures(calls))
    writers: dict[str, Callable[..., str]] = dict(WRITERS)
    for scenario in range(4):
        for k, (tool, result, asked) in enumerate(_results(rng)):
            yield f"offline:{tool}:{k}:{scenario}", "none", writers[tool](result, asked)


def coach_cases(seed: int) -> list[dict[str, Any]]:
    """The coach's own replies as dataset rows (``source`` ``coach``), whole and by sentence."""
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    texts = [*_policy_texts(), *_coach_texts(rng)]
    for family, about, text in texts:
        parts = sentences(text)
        for k, part in enumerate([text, *parts] if len(parts) > 1 else [text]):
            if part in seen:
                continue
            seen.add(part)
            rows.append(
                {
                    "id": f"coach:{family}:{k}",
                    "family": f"coach:{family}",
                    "source": "coach",
                    "stage": "output",
                    "text": part,
                    "context": [],
                    "labels": [],
                    "about": about,
                    "self_harm": False,
                    "style": "coach_reply",
                    "profile": None,
                }
            )
    return rows
