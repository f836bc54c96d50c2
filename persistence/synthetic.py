"""Deterministic synthetic users with a known truth, for tests, benchmarks, demos and evals.

A synthetic user's body weight follows an energy balance against a *true* expenditure the
generator knows, so estimators can be scored against it::

    data = generate_user(SyntheticConfig(days=28, end=dt.date(2025, 3, 31)), seed=7)
    data.true_tdee_between(start, end)          # the answer an estimator should find
    user_id = await seed_synthetic_user(db, data, email="u7@example.test")

Model, per day ``d`` (all randomness from one ``random.Random(seed)``):

- true TDEE_d = Mifflin-St Jeor(true mass_d) x activity multiplier x (1 + ``tdee_deviation``),
  or the fixed ``true_tdee_kcal`` when given;
- actual intake_d = TDEE_d + planned balance (``daily_balance_kcal`` until the target weight
  is reached, then 0) + N(0, ``intake_sd_kcal``);
- true mass_{d+1} = mass_d + (intake_d - TDEE_d) / 7700;
- weigh-in_d = mass_d + N(0, ``weight_noise_sd_kg``) (water and gut content), missing with
  probability ``missed_weigh_in_rate``; stored rounded to 0.01 kg as the column is;
- logged intake_d = intake_d + N(0, ``logging_sd_kcal``), except on ``unlogged_days_per_week``
  random days of each week, which have no nutrition row at all.

Nothing here imports from above ``persistence``; the Mifflin equation is restated (one line)
so the generator stays independent of the estimators it is used to test.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from persistence.enums import (
    ActivityLevel,
    DietType,
    GoalType,
    NutritionSource,
    PacePreference,
    PhotoVisibility,
    Sex,
)
from persistence.models import (
    CheckIn,
    DietPreferences,
    NutritionDay,
    ProgressPhoto,
    User,
    UserGoal,
    UserProfile,
)

__all__ = [
    "SyntheticCheckIn",
    "SyntheticConfig",
    "SyntheticGoal",
    "SyntheticNutritionDay",
    "SyntheticPhoto",
    "SyntheticProfile",
    "SyntheticUser",
    "generate_user",
    "seed_synthetic_user",
]

_KCAL_PER_KG = 7700.0  # energy density of weight change (Hall 2008, Int J Obes 32:573)
_ACTIVITY = {
    ActivityLevel.SEDENTARY: 1.2,
    ActivityLevel.LIGHT: 1.375,
    ActivityLevel.MODERATE: 1.55,
    ActivityLevel.ACTIVE: 1.725,
    ActivityLevel.VERY_ACTIVE: 1.9,
}
#: Not a valid Argon2 hash, so a synthetic account can never log in.
UNUSABLE_PASSWORD_HASH = "!synthetic-no-login"


@dataclass(frozen=True, slots=True)
class SyntheticConfig:
    """Knobs of the generator; every default is a plausible adult on a moderate cut."""

    days: int = 28
    end: dt.date = dt.date(2025, 6, 30)
    sex: Sex | None = None  # None: drawn from the seed (male or female)
    birth_year: int | None = None
    height_cm: float | None = None
    activity_level: ActivityLevel | None = None
    start_weight_kg: float | None = None
    goal_type: GoalType = GoalType.FAT_LOSS
    pace: PacePreference = PacePreference.MODERATE
    target_weight_kg: float | None = None  # None: start weight -10 % (fat loss) / +5 %
    target_date_weeks: int | None = 26
    true_tdee_kcal: float | None = None  # None: Mifflin x activity x (1 + tdee_deviation)
    tdee_deviation: float = 0.0
    daily_balance_kcal: float = -500.0
    intake_sd_kcal: float = 300.0
    logging_sd_kcal: float = 100.0
    unlogged_days_per_week: int = 2
    weight_noise_sd_kg: float = 0.5
    missed_weigh_in_rate: float = 0.1
    photo_every_days: int = 14

    def __post_init__(self) -> None:
        if not 1 <= self.days <= 3660:
            raise ValueError(f"days: must be 1-3660, got {self.days}")
        if not 0 <= self.unlogged_days_per_week <= 7:
            raise ValueError(
                f"unlogged_days_per_week: must be 0-7, got {self.unlogged_days_per_week}"
            )
        if not 0.0 <= self.missed_weigh_in_rate <= 1.0:
            raise ValueError(f"missed_weigh_in_rate: must be 0-1, got {self.missed_weigh_in_rate}")
        if self.weight_noise_sd_kg < 0 or self.intake_sd_kcal < 0 or self.logging_sd_kcal < 0:
            raise ValueError(
                "noise SDs (weight_noise_sd_kg, intake_sd_kcal, logging_sd_kcal) must be >= 0"
            )

    @property
    def start(self) -> dt.date:
        """First generated day."""
        return self.end - dt.timedelta(days=self.days - 1)


@dataclass(frozen=True, slots=True)
class SyntheticProfile:
    """Profile columns of the user."""

    display_name: str
    sex: Sex
    birth_year: int
    height_cm: float
    activity_level: ActivityLevel
    timezone: str = "UTC"


@dataclass(frozen=True, slots=True)
class SyntheticGoal:
    """Goal columns of the user."""

    goal_type: GoalType
    pace: PacePreference
    target_weight_kg: float | None
    target_date: dt.date | None


@dataclass(frozen=True, slots=True)
class SyntheticCheckIn:
    """One check-in row; ``weight_kg`` is ``None`` on a missed weigh-in."""

    date: dt.date
    weight_kg: float | None
    energy_level: int
    sleep_quality: int
    mood: int
    adherence_score: float


@dataclass(frozen=True, slots=True)
class SyntheticNutritionDay:
    """One logged nutrition day (unlogged days have no row)."""

    date: dt.date
    calories: int
    protein_g: float
    carbs_g: float
    fat_g: float
    fiber_g: float


@dataclass(frozen=True, slots=True)
class SyntheticPhoto:
    """A progress photo's metadata (no bytes)."""

    date: dt.date
    visibility: PhotoVisibility
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class SyntheticUser:
    """A generated user with the hidden truth kept alongside the observable rows."""

    seed: int
    config: SyntheticConfig
    profile: SyntheticProfile
    goal: SyntheticGoal
    checkins: tuple[SyntheticCheckIn, ...]
    nutrition: tuple[SyntheticNutritionDay, ...]
    photos: tuple[SyntheticPhoto, ...]
    true_mass_kg: tuple[float, ...] = field(repr=False)
    true_tdee_kcal: tuple[float, ...] = field(repr=False)
    true_intake_kcal: tuple[float, ...] = field(repr=False)

    @property
    def start(self) -> dt.date:
        """First generated day."""
        return self.config.start

    @property
    def end(self) -> dt.date:
        """Last generated day."""
        return self.config.end

    def _index(self, day: dt.date) -> int:
        index = (day - self.start).days
        if not 0 <= index < len(self.true_tdee_kcal):
            raise ValueError(f"day: {day} is outside {self.start}..{self.end}")
        return index

    def true_tdee_between(self, start: dt.date, end: dt.date) -> float:
        """Mean true expenditure over ``start..end`` inclusive: what an estimator should find."""
        lo, hi = self._index(start), self._index(end)
        values = self.true_tdee_kcal[lo : hi + 1]
        return sum(values) / len(values)

    def true_mass_on(self, day: dt.date) -> float:
        """True (noise-free) body mass on ``day``, before that day's intake."""
        return self.true_mass_kg[self._index(day)]


def _mifflin(weight_kg: float, height_cm: float, age: int, sex: Sex) -> float:
    # Mifflin-St Jeor, Am J Clin Nutr 1990;51:241; the mean of both equations for other sexes.
    offset = {Sex.MALE: 5.0, Sex.FEMALE: -161.0}.get(sex, -78.0)
    return 10.0 * weight_kg + 6.25 * height_cm - 5.0 * age + offset


def _clamp_int(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def generate_user(config: SyntheticConfig | None = None, *, seed: int) -> SyntheticUser:
    """Generate a user deterministically from ``seed``: same inputs, same user."""
    cfg = config or SyntheticConfig()
    rng = random.Random(seed)
    sex = cfg.sex or rng.choice((Sex.MALE, Sex.FEMALE))
    height = cfg.height_cm or round(rng.gauss(178.0 if sex == Sex.MALE else 165.0, 7.0), 1)
    birth_year = cfg.birth_year or cfg.end.year - rng.randint(22, 60)
    activity = cfg.activity_level or rng.choice(
        (ActivityLevel.SEDENTARY, ActivityLevel.LIGHT, ActivityLevel.MODERATE, ActivityLevel.ACTIVE)
    )
    start_weight = cfg.start_weight_kg or round(rng.uniform(23.0, 31.0) * (height / 100.0) ** 2, 1)
    if cfg.target_weight_kg is not None:
        target = cfg.target_weight_kg
    elif cfg.goal_type == GoalType.FAT_LOSS:
        target = round(start_weight * 0.9, 1)
    elif cfg.goal_type == GoalType.MUSCLE_GAIN:
        target = round(start_weight * 1.05, 1)
    else:
        target = start_weight
    profile = SyntheticProfile(
        display_name=f"Synthetic {seed}",
        sex=sex,
        birth_year=birth_year,
        height_cm=height,
        activity_level=activity,
    )
    goal = SyntheticGoal(
        goal_type=cfg.goal_type,
        pace=cfg.pace,
        target_weight_kg=target,
        target_date=(
            cfg.end + dt.timedelta(weeks=cfg.target_date_weeks)
            if cfg.target_date_weeks is not None
            else None
        ),
    )

    start = cfg.start
    # Unlogged days: the same number in every calendar block of seven days, drawn per block.
    unlogged: set[int] = set()
    for block in range(0, cfg.days, 7):
        width = min(7, cfg.days - block)
        count = min(cfg.unlogged_days_per_week, width)
        unlogged.update(block + i for i in rng.sample(range(width), count))

    mass = start_weight
    masses: list[float] = []
    tdees: list[float] = []
    intakes: list[float] = []
    checkins: list[SyntheticCheckIn] = []
    nutrition: list[SyntheticNutritionDay] = []
    photos: list[SyntheticPhoto] = []
    losing = target < start_weight
    for index in range(cfg.days):
        day = start + dt.timedelta(days=index)
        age = day.year - birth_year
        if cfg.true_tdee_kcal is not None:
            tdee = cfg.true_tdee_kcal
        else:
            tdee = (
                _mifflin(mass, height, age, sex) * _ACTIVITY[activity] * (1.0 + cfg.tdee_deviation)
            )
        reached = mass <= target if losing else mass >= target
        balance = 0.0 if reached else cfg.daily_balance_kcal
        planned = tdee + balance
        intake = max(600.0, planned + rng.gauss(0.0, cfg.intake_sd_kcal))
        masses.append(mass)
        tdees.append(tdee)
        intakes.append(intake)

        weighed = rng.random() >= cfg.missed_weigh_in_rate
        weight = round(mass + rng.gauss(0.0, cfg.weight_noise_sd_kg), 2) if weighed else None
        checkins.append(
            SyntheticCheckIn(
                date=day,
                weight_kg=weight,
                energy_level=_clamp_int(rng.gauss(6.5, 1.5), 1, 10),
                sleep_quality=_clamp_int(rng.gauss(6.5, 1.5), 1, 10),
                mood=_clamp_int(rng.gauss(7.0, 1.5), 1, 10),
                adherence_score=round(max(0.0, 1.0 - abs(intake - planned) / planned), 2),
            )
        )
        if index not in unlogged:
            logged = max(300.0, intake + rng.gauss(0.0, cfg.logging_sd_kcal))
            protein_share = rng.uniform(0.22, 0.32)
            fat_share = rng.uniform(0.25, 0.35)
            nutrition.append(
                SyntheticNutritionDay(
                    date=day,
                    calories=round(logged),
                    protein_g=round(logged * protein_share / 4.0, 1),
                    carbs_g=round(logged * (1.0 - protein_share - fat_share) / 4.0, 1),
                    fat_g=round(logged * fat_share / 9.0, 1),
                    fiber_g=round(logged / 1000.0 * rng.uniform(9.0, 16.0), 1),
                )
            )
        if cfg.photo_every_days > 0 and index % cfg.photo_every_days == 0:
            photos.append(
                SyntheticPhoto(
                    date=day,
                    visibility=(
                        PhotoVisibility.PRIVATE
                        if rng.random() < 0.34
                        else PhotoVisibility.COACH_ONLY
                    ),
                    width=1080,
                    height=1440,
                )
            )
        mass += (intake - tdee) / _KCAL_PER_KG

    return SyntheticUser(
        seed=seed,
        config=cfg,
        profile=profile,
        goal=goal,
        checkins=tuple(checkins),
        nutrition=tuple(nutrition),
        photos=tuple(photos),
        true_mass_kg=tuple(masses),
        true_tdee_kcal=tuple(tdees),
        true_intake_kcal=tuple(intakes),
    )


def _dec(value: float | None, places: int) -> Decimal | None:
    return None if value is None else Decimal(f"{value:.{places}f}")


async def seed_synthetic_user(db: AsyncSession, data: SyntheticUser, *, email: str) -> uuid.UUID:
    """Insert the user, profile, goal, preferences and all daily rows; flush, never commit.

    Daily rows go in one multi-row INSERT per table, so two years of data take a few
    round trips. Photo keys are ``synthetic/<user id>/<date>-<n>.jpg`` (unique per user).
    """
    user_id = uuid.uuid4()
    db.add(User(id=user_id, email=email, hashed_password=UNUSABLE_PASSWORD_HASH))
    await db.flush()
    p, g = data.profile, data.goal
    db.add_all(
        [
            UserProfile(
                user_id=user_id,
                display_name=p.display_name,
                height_cm=_dec(p.height_cm, 1),
                sex=p.sex,
                birth_year=p.birth_year,
                activity_level=p.activity_level,
                timezone=p.timezone,
            ),
            UserGoal(
                user_id=user_id,
                goal_type=g.goal_type,
                target_weight_kg=_dec(g.target_weight_kg, 1),
                pace_preference=g.pace,
                target_date=g.target_date,
            ),
            DietPreferences(user_id=user_id, diet_type=DietType.NONE, meals_per_day=3),
        ]
    )
    await db.flush()
    checkin_rows: list[dict[str, Any]] = [
        {
            "id": uuid.uuid4(),
            "user_id": user_id,
            "date": c.date,
            "weight_kg": _dec(c.weight_kg, 2),
            "energy_level": c.energy_level,
            "sleep_quality": c.sleep_quality,
            "mood": c.mood,
            "adherence_score": _dec(c.adherence_score, 2),
        }
        for c in data.checkins
    ]
    nutrition_rows: list[dict[str, Any]] = [
        {
            "id": uuid.uuid4(),
            "user_id": user_id,
            "date": n.date,
            "calories": n.calories,
            "protein_g": _dec(n.protein_g, 2),
            "carbs_g": _dec(n.carbs_g, 2),
            "fat_g": _dec(n.fat_g, 2),
            "fiber_g": _dec(n.fiber_g, 2),
            "source": NutritionSource.MANUAL.value,
        }
        for n in data.nutrition
    ]
    photo_rows: list[dict[str, Any]] = [
        {
            "id": uuid.uuid4(),
            "user_id": user_id,
            "date": ph.date,
            "s3_key": f"synthetic/{user_id}/{ph.date.isoformat()}-{n}.jpg",
            "visibility": ph.visibility,
            "photo_metadata": {"width": ph.width, "height": ph.height, "synthetic": True},
        }
        for n, ph in enumerate(data.photos)
    ]
    # ORM bulk INSERT: one multi-row statement per batch (SQLAlchemy "insertmanyvalues").
    if checkin_rows:
        await db.execute(sa.insert(CheckIn), checkin_rows)
    if nutrition_rows:
        await db.execute(sa.insert(NutritionDay), nutrition_rows)
    if photo_rows:
        await db.execute(sa.insert(ProgressPhoto), photo_rows)
    return user_id
