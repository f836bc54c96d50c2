"""SQLModel tables: the eleven tables of ``database.md``.

Conventions that hold for every table:

- primary keys are UUID v4, generated in Python and by the server (``gen_random_uuid()``),
  so a raw SQL insert gets one too;
- timestamps are ``timestamptz`` in UTC with ``now()`` server defaults; ``updated_at`` is
  kept current by a database trigger (see the initial migration), so updates that bypass
  the ORM move it as well;
- every default is a server default; a column with a default is NOT NULL;
- CHECK ranges are named database constraints (``ck_<table>_<name>``) through the naming
  convention of :data:`metadata`;
- enums are PostgreSQL ENUM types that store the lowercase values.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from persistence.enums import (
    ActivityLevel,
    DietType,
    GoalType,
    PacePreference,
    PhotoVisibility,
    PolicyViolationType,
    SessionStatus,
    Sex,
    ToolCallStatus,
)

NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

#: Tables with an ``updated_at`` column, kept current by the ``set_updated_at`` trigger.
TABLES_WITH_UPDATED_AT: tuple[str, ...] = (
    "user",
    "user_profile",
    "user_goal",
    "diet_preferences",
    "check_in",
    "nutrition_day",
)


class Base(SQLModel, registry=registry(metadata=metadata)):
    """Declarative base carrying the project's MetaData and naming convention."""


def _enum(enum_cls: type[StrEnum], name: str) -> sa.Enum:
    """A PostgreSQL ENUM that stores the members' lowercase values."""
    return sa.Enum(
        enum_cls,
        name=name,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


SEX = _enum(Sex, "sex")
ACTIVITY_LEVEL = _enum(ActivityLevel, "activity_level")
GOAL_TYPE = _enum(GoalType, "goal_type")
PACE_PREFERENCE = _enum(PacePreference, "pace_preference")
DIET_TYPE = _enum(DietType, "diet_type")
PHOTO_VISIBILITY = _enum(PhotoVisibility, "photo_visibility")
SESSION_STATUS = _enum(SessionStatus, "session_status")
TOOL_CALL_STATUS = _enum(ToolCallStatus, "tool_call_status")
POLICY_VIOLATION_TYPE = _enum(PolicyViolationType, "policy_violation_type")

NOW = sa.text("now()")
TZ = sa.DateTime(timezone=True)


def _pk() -> Any:
    return Field(
        default_factory=uuid.uuid4,
        sa_column=sa.Column(
            sa.Uuid(), primary_key=True, server_default=sa.text("gen_random_uuid()")
        ),
    )


def _created_at() -> Any:
    return Field(default=None, sa_column=sa.Column(TZ, nullable=False, server_default=NOW))


def _updated_at() -> Any:
    # The trigger sets the value; FetchedValue tells the ORM to read it back after an UPDATE.
    return Field(
        default=None,
        sa_column=sa.Column(
            TZ, nullable=False, server_default=NOW, server_onupdate=sa.FetchedValue()
        ),
    )


def _user_fk(*, unique: bool = False) -> Any:
    return Field(
        sa_column=sa.Column(
            sa.Uuid(),
            sa.ForeignKey("user.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
            unique=unique,
        )
    )


def _check_range(column: str, low: int | float, high: int | float) -> sa.CheckConstraint:
    return sa.CheckConstraint(f"{column} >= {low} AND {column} <= {high}", name=f"{column}_range")


class User(Base, table=True):
    """An account. Soft deletion sets ``is_active`` to false."""

    __tablename__ = "user"

    id: uuid.UUID = _pk()
    email: str = Field(sa_column=sa.Column(sa.String(255), nullable=False, unique=True, index=True))
    hashed_password: str = Field(sa_column=sa.Column(sa.String(255), nullable=False))
    is_active: bool = Field(
        default=True, sa_column=sa.Column(sa.Boolean(), nullable=False, server_default=sa.true())
    )
    is_verified: bool = Field(
        default=False,
        sa_column=sa.Column(sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    created_at: dt.datetime | None = _created_at()
    updated_at: dt.datetime | None = _updated_at()


class UserProfile(Base, table=True):
    """Extended profile; at most one per user."""

    __tablename__ = "user_profile"
    __table_args__ = (
        _check_range("height_cm", 50, 300),
        _check_range("birth_year", 1900, 2100),
    )

    id: uuid.UUID = _pk()
    user_id: uuid.UUID = _user_fk(unique=True)
    display_name: str | None = Field(default=None, sa_column=sa.Column(sa.String(100)))
    height_cm: Decimal | None = Field(default=None, sa_column=sa.Column(sa.Numeric()))
    sex: Sex | None = Field(default=None, sa_column=sa.Column(SEX))
    birth_year: int | None = Field(default=None, sa_column=sa.Column(sa.Integer()))
    activity_level: ActivityLevel | None = Field(default=None, sa_column=sa.Column(ACTIVITY_LEVEL))
    timezone: str = Field(
        default="UTC",
        sa_column=sa.Column(sa.String(50), nullable=False, server_default="UTC"),
    )
    created_at: dt.datetime | None = _created_at()
    updated_at: dt.datetime | None = _updated_at()


class UserGoal(Base, table=True):
    """Fitness goal; at most one per user."""

    __tablename__ = "user_goal"
    __table_args__ = (_check_range("target_weight_kg", 20, 500),)

    id: uuid.UUID = _pk()
    user_id: uuid.UUID = _user_fk(unique=True)
    goal_type: GoalType = Field(
        default=GoalType.MAINTENANCE,
        sa_column=sa.Column(GOAL_TYPE, nullable=False, server_default=GoalType.MAINTENANCE.value),
    )
    target_weight_kg: Decimal | None = Field(default=None, sa_column=sa.Column(sa.Numeric()))
    pace_preference: PacePreference = Field(
        default=PacePreference.MODERATE,
        sa_column=sa.Column(
            PACE_PREFERENCE, nullable=False, server_default=PacePreference.MODERATE.value
        ),
    )
    target_date: dt.date | None = Field(default=None, sa_column=sa.Column(sa.Date()))
    created_at: dt.datetime | None = _created_at()
    updated_at: dt.datetime | None = _updated_at()


class DietPreferences(Base, table=True):
    """Dietary preferences; at most one per user."""

    __tablename__ = "diet_preferences"
    __table_args__ = (_check_range("meals_per_day", 1, 10),)

    id: uuid.UUID = _pk()
    user_id: uuid.UUID = _user_fk(unique=True)
    diet_type: DietType = Field(
        default=DietType.NONE,
        sa_column=sa.Column(DIET_TYPE, nullable=False, server_default=DietType.NONE.value),
    )
    allergies: list[str] = Field(
        default_factory=list,
        sa_column=sa.Column(sa.JSON(), nullable=False, server_default=sa.text("'[]'::json")),
    )
    disliked_foods: list[str] = Field(
        default_factory=list,
        sa_column=sa.Column(sa.JSON(), nullable=False, server_default=sa.text("'[]'::json")),
    )
    meals_per_day: int = Field(
        default=3,
        sa_column=sa.Column(sa.Integer(), nullable=False, server_default=sa.text("3")),
    )
    macro_targets: dict[str, Any] | None = Field(default=None, sa_column=sa.Column(sa.JSON()))
    created_at: dt.datetime | None = _created_at()
    updated_at: dt.datetime | None = _updated_at()


class CheckIn(Base, table=True):
    """A daily check-in; one per user and date."""

    __tablename__ = "check_in"
    __table_args__ = (
        _check_range("weight_kg", 20, 500),
        _check_range("energy_level", 1, 10),
        _check_range("sleep_quality", 1, 10),
        _check_range("mood", 1, 10),
        _check_range("adherence_score", 0, 1),
        sa.Index("ix_check_in_user_date", "user_id", "date", unique=True),
    )

    id: uuid.UUID = _pk()
    user_id: uuid.UUID = _user_fk()
    date: dt.date = Field(sa_column=sa.Column(sa.Date(), nullable=False))
    weight_kg: Decimal | None = Field(default=None, sa_column=sa.Column(sa.Numeric(5, 2)))
    notes: str | None = Field(default=None, sa_column=sa.Column(sa.Text()))
    energy_level: int | None = Field(default=None, sa_column=sa.Column(sa.SmallInteger()))
    sleep_quality: int | None = Field(default=None, sa_column=sa.Column(sa.SmallInteger()))
    mood: int | None = Field(default=None, sa_column=sa.Column(sa.SmallInteger()))
    adherence_score: Decimal | None = Field(default=None, sa_column=sa.Column(sa.Numeric(3, 2)))
    client_updated_at: dt.datetime | None = Field(default=None, sa_column=sa.Column(TZ))
    created_at: dt.datetime | None = _created_at()
    updated_at: dt.datetime | None = _updated_at()


class NutritionDay(Base, table=True):
    """A day's nutrition totals; one per user and date."""

    __tablename__ = "nutrition_day"
    __table_args__ = (
        sa.CheckConstraint("source IN ('manual', 'mfp_import')", name="source_valid"),
        sa.Index("ix_nutrition_day_user_date", "user_id", "date", unique=True),
    )

    id: uuid.UUID = _pk()
    user_id: uuid.UUID = _user_fk()
    date: dt.date = Field(sa_column=sa.Column(sa.Date(), nullable=False))
    calories: int | None = Field(default=None, sa_column=sa.Column(sa.Integer()))
    protein_g: Decimal | None = Field(default=None, sa_column=sa.Column(sa.Numeric(6, 2)))
    carbs_g: Decimal | None = Field(default=None, sa_column=sa.Column(sa.Numeric(6, 2)))
    fat_g: Decimal | None = Field(default=None, sa_column=sa.Column(sa.Numeric(6, 2)))
    fiber_g: Decimal | None = Field(default=None, sa_column=sa.Column(sa.Numeric(5, 2)))
    source: str = Field(
        default="manual",
        sa_column=sa.Column(sa.String(20), nullable=False, server_default="manual"),
    )
    notes: str | None = Field(default=None, sa_column=sa.Column(sa.Text()))
    created_at: dt.datetime | None = _created_at()
    updated_at: dt.datetime | None = _updated_at()


class ProgressPhoto(Base, table=True):
    """A progress photo's metadata; the bytes live in object storage under ``s3_key``."""

    __tablename__ = "progress_photo"
    __table_args__ = (
        sa.Index("ix_progress_photo_user_date", "user_id", "date"),
        sa.Index("ix_progress_photo_s3_key", "s3_key", unique=True),
    )

    id: uuid.UUID = _pk()
    user_id: uuid.UUID = _user_fk()
    date: dt.date = Field(sa_column=sa.Column(sa.Date(), nullable=False))
    s3_key: str = Field(sa_column=sa.Column(sa.String(500), nullable=False))
    content_hash: str | None = Field(default=None, sa_column=sa.Column(sa.String(64)))
    visibility: PhotoVisibility = Field(
        default=PhotoVisibility.PRIVATE,
        sa_column=sa.Column(
            PHOTO_VISIBILITY, nullable=False, server_default=PhotoVisibility.PRIVATE.value
        ),
    )
    photo_metadata: dict[str, Any] | None = Field(default=None, sa_column=sa.Column(sa.JSON()))
    created_at: dt.datetime | None = _created_at()


class RefreshToken(Base, table=True):
    """A refresh token, stored only as its SHA-256."""

    __tablename__ = "refresh_token"

    id: uuid.UUID = _pk()
    user_id: uuid.UUID = _user_fk()
    token_hash: str = Field(sa_column=sa.Column(sa.String(255), nullable=False, index=True))
    expires_at: dt.datetime = Field(sa_column=sa.Column(TZ, nullable=False))
    revoked_at: dt.datetime | None = Field(default=None, sa_column=sa.Column(TZ))
    created_at: dt.datetime | None = _created_at()
    user_agent: str | None = Field(default=None, sa_column=sa.Column(sa.String(500)))
    ip_address: str | None = Field(default=None, sa_column=sa.Column(sa.String(45)))


class AISession(Base, table=True):
    """A coach conversation. The ``metadata`` column is the attribute ``session_metadata``."""

    __tablename__ = "ai_session"

    id: uuid.UUID = _pk()
    user_id: uuid.UUID = _user_fk()
    status: SessionStatus = Field(
        default=SessionStatus.ACTIVE,
        sa_column=sa.Column(
            SESSION_STATUS, nullable=False, server_default=SessionStatus.ACTIVE.value
        ),
    )
    started_at: dt.datetime | None = Field(
        default=None, sa_column=sa.Column(TZ, nullable=False, server_default=NOW)
    )
    last_message_at: dt.datetime | None = Field(
        default=None, sa_column=sa.Column(TZ, nullable=False, server_default=NOW)
    )
    message_count: int = Field(
        default=0, sa_column=sa.Column(sa.Integer(), nullable=False, server_default=sa.text("0"))
    )
    tokens_used: int = Field(
        default=0, sa_column=sa.Column(sa.Integer(), nullable=False, server_default=sa.text("0"))
    )
    model_tier: str = Field(
        default="standard",
        sa_column=sa.Column(sa.String(20), nullable=False, server_default="standard"),
    )
    context_summary: str | None = Field(default=None, sa_column=sa.Column(sa.Text()))
    conversation_history: list[Any] | None = Field(default=None, sa_column=sa.Column(JSONB()))
    session_metadata: dict[str, Any] | None = Field(
        default=None, sa_column=sa.Column("metadata", JSONB())
    )
    created_at: dt.datetime | None = _created_at()


class AIToolCallLog(Base, table=True):
    """One row per tool call the coach made."""

    __tablename__ = "ai_tool_call_log"
    # Indexes of the audit queries (coach/audit); migrations 0002 and 0003 give the reasons.
    __table_args__ = (
        sa.Index(
            "ix_ai_tool_call_log_created_at_stats",
            "created_at",
            postgresql_include=["latency_ms", "status", "cached", "tool_name"],
        ),
        sa.Index("ix_ai_tool_call_log_latency_ms", "latency_ms"),
        sa.Index(
            "ix_ai_tool_call_log_failed_errors",
            "created_at",
            postgresql_include=["tool_name", "error_message"],
            postgresql_where=sa.text("status = 'failed'"),
        ),
    )

    id: uuid.UUID = _pk()
    session_id: uuid.UUID = Field(
        sa_column=sa.Column(
            sa.Uuid(),
            sa.ForeignKey("ai_session.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    user_id: uuid.UUID = _user_fk()
    tool_name: str = Field(sa_column=sa.Column(sa.String(100), nullable=False))
    tool_category: str = Field(sa_column=sa.Column(sa.String(50), nullable=False))
    input_hash: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    input_summary: str | None = Field(default=None, sa_column=sa.Column(sa.String(500)))
    output_summary: str | None = Field(default=None, sa_column=sa.Column(sa.Text()))
    status: ToolCallStatus = Field(
        default=ToolCallStatus.SUCCESS,
        sa_column=sa.Column(
            TOOL_CALL_STATUS, nullable=False, server_default=ToolCallStatus.SUCCESS.value
        ),
    )
    error_message: str | None = Field(default=None, sa_column=sa.Column(sa.String(500)))
    latency_ms: int = Field(
        default=0, sa_column=sa.Column(sa.Integer(), nullable=False, server_default=sa.text("0"))
    )
    cached: bool = Field(
        default=False,
        sa_column=sa.Column(sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    created_at: dt.datetime | None = _created_at()


class AIPolicyViolationLog(Base, table=True):
    """One row per safety-policy violation.

    ``session_id`` is SET NULL when its session is deleted: violation logs are kept for a
    year, sessions for 90 days.
    """

    __tablename__ = "ai_policy_violation_log"
    # Index of the audit queries (coach/audit); migration 0003 gives its reason.
    __table_args__ = (
        sa.Index(
            "ix_ai_policy_violation_log_created_at_stats",
            "created_at",
            postgresql_include=["violation_type", "user_id", "severity"],
        ),
    )

    id: uuid.UUID = _pk()
    session_id: uuid.UUID | None = Field(
        default=None,
        sa_column=sa.Column(
            sa.Uuid(), sa.ForeignKey("ai_session.id", ondelete="SET NULL"), index=True
        ),
    )
    user_id: uuid.UUID = _user_fk()
    violation_type: PolicyViolationType = Field(
        sa_column=sa.Column(POLICY_VIOLATION_TYPE, nullable=False)
    )
    severity: str = Field(sa_column=sa.Column(sa.String(20), nullable=False))
    trigger_content: str | None = Field(default=None, sa_column=sa.Column(sa.Text()))
    action_taken: str = Field(sa_column=sa.Column(sa.String(100), nullable=False))
    details: dict[str, Any] | None = Field(default=None, sa_column=sa.Column(JSONB()))
    created_at: dt.datetime | None = _created_at()


#: Every table, parents first.
ALL_MODELS: tuple[type[Base], ...] = (
    User,
    UserProfile,
    UserGoal,
    DietPreferences,
    CheckIn,
    NutritionDay,
    ProgressPhoto,
    RefreshToken,
    AISession,
    AIToolCallLog,
    AIPolicyViolationLog,
)


def table_of(model: type[Base]) -> sa.Table:
    """The ``Table`` behind a model class (typed, unlike ``Model.__table__``)."""
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, sa.Table)
    return table
