"""get_recent_checkins, get_nutrition_summary and get_adherence."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from tools.data import (
    CheckInRow,
    NutritionRow,
    ProfileData,
    load_checkins,
    load_nutrition,
    load_profile,
)
from tools.deps import ToolDeps
from tools.errors import ToolDataMissing
from tools.formulas import rate, streaks
from tools.handlers._basis import EnergyBasis, load_energy_basis
from tools.handlers._common import (
    ToolArgs,
    ToolResult,
    compute_targets,
    window,
)


class RecentCheckinsArgs(ToolArgs):
    """Window of check-ins."""

    days: int = Field(default=14, ge=1, le=365, description="Days back from today (1-365).")


class CheckinInfo(BaseModel):
    """One daily check-in (ratings 1-10, adherence 0-1)."""

    date: dt.date
    weight_kg: float | None
    energy_level: int | None
    sleep_quality: int | None
    mood: int | None
    adherence_score: float | None
    notes: str | None


class RecentCheckinsResult(ToolResult):
    """Check-ins of the window, oldest first."""

    start: dt.date
    end: dt.date
    checkins: list[CheckinInfo]
    count: int
    weigh_ins: int

    def audit_summary(self) -> str:
        """Counts only (notes are the user's free text)."""
        return f"{self.count} check-ins, {self.weigh_ins} weigh-ins, {self.start}..{self.end}"


async def get_recent_checkins(deps: ToolDeps, args: RecentCheckinsArgs) -> RecentCheckinsResult:
    """Get the user's daily check-ins of the last `days` days, oldest first: weight, energy,
    sleep quality and mood (1-10), adherence score (0-1) and notes. Days without a check-in
    are absent."""
    start, end = window(deps.today(), args.days)
    async with deps.session_factory() as session:
        rows = await load_checkins(session, deps.user_id, start, end)
    items = [
        CheckinInfo(
            date=r.date,
            weight_kg=r.weight_kg,
            energy_level=r.energy_level,
            sleep_quality=r.sleep_quality,
            mood=r.mood,
            adherence_score=r.adherence_score,
            notes=r.notes[:300] if r.notes else None,
        )
        for r in rows
    ]
    return RecentCheckinsResult(
        start=start,
        end=end,
        checkins=items,
        count=len(items),
        weigh_ins=sum(1 for r in rows if r.weight_kg is not None),
    )


class NutritionSummaryArgs(ToolArgs):
    """Window of nutrition days."""

    days: int = Field(default=7, ge=1, le=365, description="Days back from today (1-365).")


class NutrientComparison(BaseModel):
    """A nutrient's daily average over logged days against its target."""

    nutrient: str
    average: float | None
    target: float | None
    difference: float | None = Field(description="average - target")
    percent_of_target: float | None


class NutritionSummaryResult(ToolResult):
    """Averages over logged days only (unlogged days are excluded, not counted as zero)."""

    start: dt.date
    end: dt.date
    days: int
    days_logged: int
    logging_rate: float = Field(description="Fraction of days with logged calories (0-1).")
    averages: dict[str, float | None]
    comparison: list[NutrientComparison]
    targets_source: str | None
    note: str | None

    def audit_summary(self) -> str:
        """Numbers only."""
        return (
            f"{self.days_logged}/{self.days} days logged, avg "
            f"{self.averages.get('calories')} kcal vs target source {self.targets_source}"
        )


_NUTRIENTS = ("calories", "protein_g", "carbs_g", "fat_g", "fiber_g")
_TARGET_ALIASES = {
    "calories": ("calories", "calories_kcal", "kcal"),
    "protein_g": ("protein_g", "protein"),
    "carbs_g": ("carbs_g", "carbs", "carbohydrates_g"),
    "fat_g": ("fat_g", "fat"),
    "fiber_g": ("fiber_g", "fibre_g", "fiber", "fibre"),
}


def _user_targets(macro_targets: dict[str, Any] | None) -> dict[str, float]:
    found: dict[str, float] = {}
    for nutrient, names in _TARGET_ALIASES.items():
        for name in names:
            value = (macro_targets or {}).get(name)
            if isinstance(value, int | float) and not isinstance(value, bool):
                found[nutrient] = float(value)
                break
    return found


@dataclass(frozen=True, slots=True)
class NutrientTargets:
    """Daily targets by nutrient, where they came from, and why some are missing."""

    targets: dict[str, float]
    source: str | None  # "computed", "user", "user+computed" or None
    note: str | None


def nutrient_targets(profile: ProfileData, basis: EnergyBasis, today: dt.date) -> NutrientTargets:
    """The user's own macro targets where set, the computed ones for the rest: computed on the
    session's one expenditure basis (adaptive when the logs allow, the formula otherwise), so
    they are the targets ``calculate_targets`` gives."""
    targets: dict[str, float] = {}
    source: str | None = None
    note: str | None = None
    try:
        computed = compute_targets(
            profile,
            weight_kg=basis.weight_kg,
            today=today,
            tdee_kcal=basis.tdee_kcal if basis.kind == "adaptive" else None,
            tdee_source=basis.source,
            tdee_basis=basis.kind,
        )
        m = computed.macros
        targets = {
            "calories": computed.calories_kcal,
            "protein_g": m.protein_g,
            "carbs_g": m.carbs_g,
            "fat_g": m.fat_g,
            "fiber_g": m.fibre_g,
        }
        source = "computed"
    except ToolDataMissing as exc:
        note = exc.message
    own = _user_targets(profile.macro_targets)
    if own:
        targets.update(own)
        source = "user" if len(own) == len(_NUTRIENTS) or source is None else "user+computed"
    return NutrientTargets(targets=targets, source=source, note=note)


async def get_nutrition_summary(
    deps: ToolDeps, args: NutritionSummaryArgs
) -> NutritionSummaryResult:
    """Summarise the user's logged nutrition over the last `days` days: average calories,
    protein, carbs, fat and fibre per logged day, how many days were logged and the logging
    rate, compared with the user's targets (their own macro targets when set, otherwise the
    computed ones). Unlogged days are excluded from the averages."""
    today = deps.today()
    start, end = window(today, args.days)
    async with deps.session_factory() as session:
        profile = await load_profile(session, deps.user_id)
        basis, _ = await load_energy_basis(session, deps, profile)
        rows = await load_nutrition(session, deps.user_id, start, end)
    logged = [r for r in rows if r.calories is not None]
    averages: dict[str, float | None] = {}
    for nutrient in _NUTRIENTS:
        values = [v for r in logged if (v := getattr(r, nutrient)) is not None]
        averages[nutrient] = round(statistics.fmean(values), 1) if values else None
    found = nutrient_targets(profile, basis, today)
    targets, source, note = found.targets, found.source, found.note
    comparison = []
    for nutrient in _NUTRIENTS:
        avg, target = averages[nutrient], targets.get(nutrient)
        difference = percent = None
        if avg is not None and target:
            difference, percent = round(avg - target, 1), round(100 * avg / target, 1)
        comparison.append(
            NutrientComparison(
                nutrient=nutrient,
                average=avg,
                target=round(target, 1) if target is not None else None,
                difference=difference,
                percent_of_target=percent,
            )
        )
    return NutritionSummaryResult(
        start=start,
        end=end,
        days=args.days,
        days_logged=len(logged),
        logging_rate=round(rate(len(logged), args.days), 3),
        averages=averages,
        comparison=comparison,
        targets_source=source,
        note=note,
    )


class AdherenceArgs(ToolArgs):
    """Window for adherence."""

    days: int = Field(default=28, ge=1, le=365, description="Days back from today (1-365).")


class AdherenceResult(ToolResult):
    """How consistently the user checks in and logs."""

    start: dt.date
    end: dt.date
    days: int
    checkin_rate: float
    weigh_in_rate: float
    logging_rate: float
    current_streak_days: int = Field(
        description="Consecutive days with a check-in or a food log, ending today (or "
        "yesterday when today has nothing yet)."
    )
    longest_streak_days: int
    mean_adherence_score: float | None = Field(description="Mean self-rated adherence (0-1).")

    def audit_summary(self) -> str:
        """Numbers only."""
        return (
            f"{self.days}d: checkin {self.checkin_rate:.2f}, logging {self.logging_rate:.2f}, "
            f"streak {self.current_streak_days}/{self.longest_streak_days}"
        )


async def get_adherence(deps: ToolDeps, args: AdherenceArgs) -> AdherenceResult:
    """Measure the user's consistency over the last `days` days: check-in rate, weigh-in rate,
    food-logging rate, current and longest streak of active days (a check-in or a food log),
    and the mean self-rated adherence score."""
    start, end = window(deps.today(), args.days)
    async with deps.session_factory() as session:
        checkins = await load_checkins(session, deps.user_id, start, end)
        nutrition = await load_nutrition(session, deps.user_id, start, end)
    return adherence_of(checkins, nutrition, start=start, end=end)


def adherence_of(
    checkins: list[CheckInRow], nutrition: list[NutritionRow], *, start: dt.date, end: dt.date
) -> AdherenceResult:
    """Rates, streaks and the mean adherence score of the rows of ``start..end``."""
    days = (end - start).days + 1
    logged_days = {r.date for r in nutrition if r.calories is not None}
    active = {r.date for r in checkins} | logged_days
    runs = streaks(active, start=start, end=end)
    scores = [r.adherence_score for r in checkins if r.adherence_score is not None]
    return AdherenceResult(
        start=start,
        end=end,
        days=days,
        checkin_rate=round(rate(len(checkins), days), 3),
        weigh_in_rate=round(rate(sum(1 for r in checkins if r.weight_kg is not None), days), 3),
        logging_rate=round(rate(len(logged_days), days), 3),
        current_streak_days=runs.current,
        longest_streak_days=runs.longest,
        mean_adherence_score=round(statistics.fmean(scores), 3) if scores else None,
    )
