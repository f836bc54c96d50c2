"""Thresholds of the safety policies (pydantic-settings, env prefix ``POLICY_``).

Every default cites its source in ``/work/shared/DOMAIN.md`` ("Safety thresholds"); the
ones marked *policy choice* are ours, not published figures.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class PolicySettings(BaseSettings):
    """Numbers the checks compare against; build one and pass it to ``PolicyEngine``."""

    model_config = SettingsConfigDict(env_prefix="POLICY_", frozen=True, extra="ignore")

    # The learned layer (policies.classifier), by stage: "input" (the default since round 6)
    # reads users' messages, where it adds most on text nobody here had read (docs/safety.md,
    # "Rounds 32-33 and round 6 training") for about a millisecond of CPU a turn; "all" also
    # reads the coach's reply sentences (POLICY_CLASSIFIER=1 or all); "off" (0) runs the
    # rules alone.
    classifier: Literal["off", "input", "all"] = "input"

    @field_validator("classifier", mode="before")
    @classmethod
    def _classifier_mode(cls, value: object) -> object:
        """Booleans and their spellings: true/1/on/yes is "all", false/0/no is "off"."""
        if isinstance(value, bool):
            return "all" if value else "off"
        if isinstance(value, str):
            lowered = value.strip().lower()
            if lowered in ("1", "true", "on", "yes"):
                return "all"
            if lowered in ("0", "false", "no", "none", ""):
                return "off"
            return lowered
        return value

    # ACSM summary: at least 1200 kcal/day (women) / 1500 (men) without medical supervision.
    calorie_floor_female: float = Field(default=1200, gt=0)
    calorie_floor_male: float = Field(default=1500, gt=0)
    # DOMAIN.md: 1500 kcal unless the profile says female, also for free text with no known
    # sex (the lower floor until round 35; docs/safety.md "Round 35").
    calorie_floor_text_unknown_sex: float = Field(default=1500, gt=0)
    # NHLBI: very-low-calorie diets (<800 kcal) only under specialist care -> critical.
    vlcd_kcal: float = Field(default=800, gt=0)
    # CDC/ACSM: a deficit of 500-1000 kcal/day; more is a violation.
    max_deficit_kcal: float = Field(default=1000, gt=0)
    # Helms 2014 (JISSN 11:20): at most 1% of body weight per week.
    max_weekly_loss_fraction: float = Field(default=0.01, gt=0)
    # NICE/NHS: 0.5-1 kg a week, used when the body weight is unknown.
    max_weekly_loss_kg: float = Field(default=1.0, gt=0)
    # Policy choice: gains faster than 1% of body weight (or 1 kg) a week need a surplus far
    # above the +5-20% of TDEE practitioners use (DOMAIN.md: 0.25-0.5% BW/week).
    max_weekly_gain_fraction: float = Field(default=0.01, gt=0)
    max_weekly_gain_kg: float = Field(default=1.0, gt=0)
    # IOM RDA: 0.8 g/kg; without a weight, the adult women's RDA of 46 g/day (policy choice).
    protein_floor_g_per_kg: float = Field(default=0.8, gt=0)
    protein_floor_g: float = Field(default=46, gt=0)
    # Policy choice (DOMAIN.md "calorie_maximum"): above TDEE + 20%, or above 5000 kcal
    # without an athlete context.
    max_surplus_fraction: float = Field(default=0.2, gt=0)
    calorie_absolute_max: float = Field(default=5000, gt=0)
    # Policy choice: a stated surplus above 750 kcal/day when no TDEE is known (20% of a
    # typical 3000-3750 kcal TDEE).
    max_surplus_kcal: float = Field(default=750, gt=0)
    # WHO: BMI below 18.5 is underweight; no deficit plans below it (policy choice).
    min_bmi: float = Field(default=18.5, gt=0)
    # AAP 2016 (Pediatrics 138(3):e20161649): no weight-loss plans under 18.
    adult_age: int = Field(default=18, gt=0)
    # Usual rule of thumb (DOMAIN.md, short windows only): 7700 kcal per kg of body weight.
    energy_density_kcal_per_kg: float = Field(default=7700, gt=0)
    # Policy choice: within 5% of TDEE counts as maintenance (Mifflin-St Jeor is +/-10%).
    maintenance_tolerance: float = Field(default=0.05, ge=0)
    # Policy choice: fasts of 72 hours or more without supervision are "dangerous fasting".
    max_fast_hours: float = Field(default=72, gt=0)
    # Policy choice: going 48 hours or more without food, with the wish to keep going, is
    # prolonged self-starvation (an eating-disorder signal, DOMAIN.md "Behaviours").
    min_starvation_hours: float = Field(default=48, gt=0)
    # IOM 2002 AMDR: fat 20-35% of energy; 25% (the middle of the band) when none is asked.
    fat_min_fraction: float = Field(default=0.20, gt=0, lt=1)
    fat_max_fraction: float = Field(default=0.35, gt=0, lt=1)
    fat_default_fraction: float = Field(default=0.25, gt=0, lt=1)
    # Dietary Guidelines 2015-2020: 14 g of fibre per 1000 kcal.
    fibre_g_per_1000_kcal: float = Field(default=14, gt=0)
    # Rule ids (policies/rules/data/*.yaml) switched off, e.g. to measure what each rule adds:
    # POLICY_DISABLED_RULES='["ed.purging"]'.
    disabled_rules: frozenset[str] = frozenset()
