"""Enumerations of the schema.

Each is a ``StrEnum`` whose *values* are what PostgreSQL stores (lowercase), and each maps
to a PostgreSQL ENUM type named after the class in snake case (``goal_type``), except
``NutritionSource``, which the spec keeps as ``VARCHAR(20)`` with a CHECK constraint.
"""

from __future__ import annotations

from enum import StrEnum


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"
    OTHER = "other"
    PREFER_NOT_TO_SAY = "prefer_not_to_say"


class ActivityLevel(StrEnum):
    SEDENTARY = "sedentary"
    LIGHT = "light"
    MODERATE = "moderate"
    ACTIVE = "active"
    VERY_ACTIVE = "very_active"


class GoalType(StrEnum):
    FAT_LOSS = "fat_loss"
    MUSCLE_GAIN = "muscle_gain"
    RECOMP = "recomp"
    MAINTENANCE = "maintenance"
    PERFORMANCE = "performance"


class PacePreference(StrEnum):
    SLOW = "slow"
    MODERATE = "moderate"
    AGGRESSIVE = "aggressive"


class DietType(StrEnum):
    NONE = "none"
    VEGETARIAN = "vegetarian"
    VEGAN = "vegan"
    PESCATARIAN = "pescatarian"
    KETO = "keto"
    PALEO = "paleo"
    HALAL = "halal"
    KOSHER = "kosher"


class NutritionSource(StrEnum):
    MANUAL = "manual"
    MFP_IMPORT = "mfp_import"


class PhotoVisibility(StrEnum):
    PRIVATE = "private"
    COACH_ONLY = "coach_only"


class SessionStatus(StrEnum):
    ACTIVE = "active"
    COMPLETED = "completed"
    EXPIRED = "expired"


class ToolCallStatus(StrEnum):
    SUCCESS = "success"
    FAILED = "failed"
    BLOCKED = "blocked"


class PolicyViolationType(StrEnum):
    CALORIE_MINIMUM = "calorie_minimum"
    CALORIE_MAXIMUM = "calorie_maximum"
    PROTEIN_MINIMUM = "protein_minimum"
    WEIGHT_LOSS_RATE = "weight_loss_rate"
    EATING_DISORDER_SIGNAL = "eating_disorder_signal"
    MEDICAL_CLAIM = "medical_claim"
    UNSAFE_CONTENT = "unsafe_content"


class Severity(StrEnum):
    """``ai_policy_violation_log.severity`` (VARCHAR(20) in the spec)."""

    WARNING = "warning"
    CRITICAL = "critical"


class ToolCategory(StrEnum):
    """``ai_tool_call_log.tool_category`` (VARCHAR(50) in the spec)."""

    INTERNAL = "internal"
    EXTERNAL = "external"
