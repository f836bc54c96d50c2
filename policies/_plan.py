"""Numeric checks of a proposed plan against the user's profile (DOMAIN.md thresholds).

Rules, each with its policy id:

- ``plan.minor_restriction``: under 18, no deficit at all (block).
- ``plan.underweight_deficit`` / ``plan.underweight_target``: no deficit when the current or
  target BMI is below 18.5 (block).
- ``plan.calorie_floor``: at least 1200 kcal (women) / 1500 kcal (everyone else).
- ``plan.max_deficit``: at most 1000 kcal below TDEE.
- ``plan.calorie_ceiling``: at most TDEE + 20% (and 5000 kcal unless very active).
- ``plan.loss_rate`` / ``plan.gain_rate``: at most 1% of body weight a week (1 kg unknown).
- ``plan.protein_floor``: at least 0.8 g/kg (46 g when the weight is unknown).

A deficit is a plan below maintenance by more than ``maintenance_tolerance`` (5%), or a
negative ``weekly_change_kg``. A positive ``weekly_change_kg`` on a fat-loss goal (or below
maintenance with no goal) is read as a loss: people write "lose 1.5 kg/week" as ``1.5``.
Adjustments move each field to its nearest safe value; when the calories (or protein) move,
the macros and fibre are rebuilt around them (``policies._macros``): protein at least at its
floor, fat at 20-35% of energy, carbs the rest, fibre at least 14 g per 1000 kcal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from persistence.enums import ActivityLevel, GoalType, Severity, Sex
from persistence.enums import PolicyViolationType as T

from ._energy import age_in, bmi, tdee
from ._findings import Finding
from ._macros import rebuild_macros
from .models import Action, PlanChange, PlanProposal, PolicyProfile
from .settings import PolicySettings


@dataclass(slots=True)
class PlanOutcome:
    """Findings, the adjusted plan (None when blocked or unchanged) and the changes made."""

    findings: list[Finding] = field(default_factory=list)
    adjusted: PlanProposal | None = None
    changes: list[PlanChange] = field(default_factory=list)
    blocked: bool = False


def _f(x: float) -> str:
    return f"{x:,.2f}".rstrip("0").rstrip(".")


class PlanChecker:
    """Applies the plan rules; holds only the settings."""

    def __init__(self, settings: PolicySettings) -> None:
        self.s = settings

    def check(self, plan: PlanProposal, profile: PolicyProfile, year: int) -> PlanOutcome:
        """Check ``plan`` for ``profile`` in calendar ``year`` (for the age)."""
        s = self.s
        out = PlanOutcome()
        age = age_in(profile, year)
        maintenance = tdee(profile, year)
        weight = profile.weight_kg
        cal, rate = plan.calories_kcal, plan.weekly_change_kg
        goal_loss = profile.goal_type is GoalType.FAT_LOSS
        low_cal = (
            cal is not None
            and maintenance is not None
            and cal < maintenance * (1 - s.maintenance_tolerance)
        )
        by_cal = cal is not None and (low_cal or (maintenance is None and goal_loss))
        by_rate = rate is not None and (
            rate < 0 or (rate > 0 and (goal_loss or (profile.goal_type is None and low_cal)))
        )
        deficit = by_cal or by_rate

        if deficit and age is not None and age < s.adult_age:
            self._block(
                out, "plan.minor_restriction", by_cal, by_rate,
                evidence=f"age {age} < {s.adult_age} with a deficit plan",
                threshold=float(s.adult_age), measured=float(age),
                reason="Weight-loss plans and calorie restriction aren't appropriate under 18 "
                "(AAP 2016); a maintenance plan, with a doctor's input, is the safe option.",
            )  # fmt: skip
        now_bmi = bmi(weight, profile.height_cm)
        if deficit and now_bmi is not None and now_bmi < s.min_bmi:
            self._block(
                out, "plan.underweight_deficit", by_cal, by_rate,
                evidence=f"BMI {now_bmi:.1f} < {s.min_bmi} with a deficit plan",
                threshold=s.min_bmi, measured=now_bmi,
                reason=f"A BMI of {now_bmi:.1f} is below 18.5 (underweight), so I can't plan any "
                "deficit; a maintenance or gain plan with a doctor's input is the safe option.",
            )  # fmt: skip
        target_bmi = bmi(profile.target_weight_kg, profile.height_cm)
        losing_to_target = (
            deficit
            or goal_loss
            or (
                weight is not None
                and profile.target_weight_kg is not None
                and profile.target_weight_kg < weight
            )
        )
        if target_bmi is not None and target_bmi < s.min_bmi and losing_to_target:
            self._block(
                out, "plan.underweight_target", by_cal, by_rate or not by_cal,
                evidence=f"target BMI {target_bmi:.1f} < {s.min_bmi}",
                threshold=s.min_bmi, measured=target_bmi,
                reason=f"The target weight gives a BMI of {target_bmi:.1f}, below 18.5 "
                "(underweight), so I can't plan weight loss towards it.",
            )  # fmt: skip
        if out.blocked:
            return out

        new = plan.model_dump()
        if cal is not None:
            new["calories_kcal"] = self._calories(out, cal, profile, maintenance)
        if rate is not None:
            new["weekly_change_kg"] = self._rate(out, rate, by_rate, weight)
        floor = weight * s.protein_floor_g_per_kg if weight else s.protein_floor_g
        if plan.protein_g is not None and plan.protein_g < floor:
            safe = float(math.ceil(floor))
            reason = (f"{_f(plan.protein_g)} g of protein is below the {_f(floor)} g minimum "
                      "(0.8 g/kg, IOM RDA); in a deficit 1.6-2.2 g/kg is better.")  # fmt: skip
            out.findings.append(Finding(
                "plan.protein_floor", T.PROTEIN_MINIMUM, Severity.WARNING, Action.ADJUST,
                f"protein {plan.protein_g:.0f} g < floor {floor:.1f} g", reason, "protein",
                threshold=floor, measured=plan.protein_g,
            ))  # fmt: skip
            out.changes.append(PlanChange(field="protein_g", original=plan.protein_g,
                                          adjusted=safe, reason=reason))  # fmt: skip
            new["protein_g"] = safe
        if out.changes:
            out.changes.extend(rebuild_macros(plan, new, floor, s))
            out.adjusted = PlanProposal.model_validate(new)
        return out

    def _block(
        self,
        out: PlanOutcome,
        policy_id: str,
        by_cal: bool,
        by_rate: bool,
        *,
        evidence: str,
        threshold: float,
        measured: float,
        reason: str,
    ) -> None:
        out.blocked = True
        types = ([T.CALORIE_MINIMUM] if by_cal else []) + ([T.WEIGHT_LOSS_RATE] if by_rate else [])
        for vtype in types or [T.WEIGHT_LOSS_RATE]:
            out.findings.append(Finding(
                policy_id, vtype, Severity.CRITICAL, Action.BLOCK, evidence, reason,
                "minor" if "minor" in policy_id else "underweight",
                threshold=threshold, measured=measured,
            ))  # fmt: skip

    def _calories(
        self, out: PlanOutcome, cal: float, profile: PolicyProfile, maintenance: float | None
    ) -> float:
        s = self.s
        floor = s.calorie_floor_female if profile.sex is Sex.FEMALE else s.calorie_floor_male
        very_active = profile.activity_level is ActivityLevel.VERY_ACTIVE
        lower, lower_reason = floor, "the floor that is safe without medical supervision"
        if maintenance is not None and maintenance - s.max_deficit_kcal > lower:
            lower = maintenance - s.max_deficit_kcal
            lower_reason = f"a deficit of at most {_f(s.max_deficit_kcal)} kcal below TDEE"
        cap: float | None = None
        if maintenance is not None:
            cap = maintenance * (1 + s.max_surplus_fraction)
            if not very_active:
                cap = min(cap, s.calorie_absolute_max)
        elif not very_active:
            cap = s.calorie_absolute_max
        if cal < floor:
            critical = cal < s.vlcd_kcal
            out.findings.append(Finding(
                "plan.calorie_floor", T.CALORIE_MINIMUM,
                Severity.CRITICAL if critical else Severity.WARNING, Action.ADJUST,
                f"{cal:.0f} kcal < floor {floor:.0f} kcal",
                f"{_f(cal)} kcal a day is below the {_f(floor)} kcal floor that is safe "
                "without medical supervision.", "calories", threshold=floor, measured=cal,
            ))  # fmt: skip
        if maintenance is not None and maintenance - cal > s.max_deficit_kcal:
            deficit = maintenance - cal
            out.findings.append(Finding(
                "plan.max_deficit", T.CALORIE_MINIMUM, Severity.WARNING, Action.ADJUST,
                f"deficit {deficit:.0f} kcal > max {s.max_deficit_kcal:.0f} kcal (TDEE "
                f"{maintenance:.0f})",
                f"A deficit of {_f(deficit)} kcal a day (estimated TDEE {_f(maintenance)} "
                f"kcal) is more than the {_f(s.max_deficit_kcal)} kcal a day that is safe.",
                "calories",
                threshold=s.max_deficit_kcal, measured=deficit,
            ))  # fmt: skip
        if cap is not None and cal > cap:
            out.findings.append(Finding(
                "plan.calorie_ceiling", T.CALORIE_MAXIMUM, Severity.WARNING, Action.ADJUST,
                f"{cal:.0f} kcal > ceiling {cap:.0f} kcal",
                f"{_f(cal)} kcal a day is above the {_f(cap)} kcal ceiling (TDEE + 20%, or "
                "5,000 kcal without an athlete's training load).", "calories", threshold=cap,
                measured=cal,
            ))  # fmt: skip
        safe, reason = cal, ""
        if cal < lower:
            safe = float(math.ceil(lower))
            reason = f"raised to {_f(safe)} kcal: {lower_reason}"
        elif cap is not None and cal > cap:
            safe = float(max(math.floor(cap), math.ceil(lower)))
            reason = (
                f"lowered to {_f(safe)} kcal: at most TDEE + 20% (5,000 kcal unless very active)"
            )
        if safe != cal:
            out.changes.append(PlanChange(field="calories_kcal", original=cal, adjusted=safe,
                                          reason=reason))  # fmt: skip
        return safe

    def _rate(self, out: PlanOutcome, rate: float, loss: bool, weight: float | None) -> float:
        s = self.s
        if loss:
            limit = weight * s.max_weekly_loss_fraction if weight else s.max_weekly_loss_kg
            if abs(rate) <= limit:
                return rate
            safe = math.copysign(math.floor(limit * 100) / 100, rate)
            reason = (f"losing {_f(abs(rate))} kg a week is faster than the {_f(limit)} kg a week "
                      "maximum (1% of body weight); set to the fastest safe pace.")  # fmt: skip
            vtype, policy, critical = T.WEIGHT_LOSS_RATE, "plan.loss_rate", abs(rate) > 2 * limit
        else:
            limit = weight * s.max_weekly_gain_fraction if weight else s.max_weekly_gain_kg
            if rate <= limit:
                return rate
            safe = math.floor(limit * 100) / 100
            reason = (f"gaining {_f(rate)} kg a week needs a surplus far above TDEE + 20%; set to "
                      f"{_f(safe)} kg a week.")  # fmt: skip
            vtype, policy, critical = T.CALORIE_MAXIMUM, "plan.gain_rate", False
        out.findings.append(Finding(
            policy, vtype, Severity.CRITICAL if critical else Severity.WARNING, Action.ADJUST,
            f"{abs(rate):.2f} kg/week > max {limit:.2f} kg/week", reason, "rate",
            threshold=limit, measured=abs(rate),
        ))  # fmt: skip
        out.changes.append(PlanChange(field="weekly_change_kg", original=rate, adjusted=safe,
                                      reason=reason))  # fmt: skip
        return safe
