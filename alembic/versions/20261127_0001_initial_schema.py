"""Initial schema: the eleven tables of database.md, enum types and updated_at triggers.

Indexes are exactly those of the spec, plus one on every foreign key (the spec says every
foreign key is indexed) and the unique per-user indexes that keep one profile, goal and
preferences row per user.

Revision ID: 0001
Revises:
Create Date: 2026-11-27 03:42:51.606425+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# Frozen here: a migration must not change when the models do.
TABLES_WITH_UPDATED_AT = (
    "user",
    "user_profile",
    "user_goal",
    "diet_preferences",
    "check_in",
    "nutrition_day",
)

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "user",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("email", sa.String(length=255), nullable=False),
        sa.Column("hashed_password", sa.String(length=255), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("is_verified", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user")),
    )
    op.create_index(op.f("ix_user_email"), "user", ["email"], unique=True)
    op.create_table(
        "ai_session",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("active", "completed", "expired", name="session_status"),
            server_default="active",
            nullable=False,
        ),
        sa.Column(
            "started_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "last_message_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("message_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("tokens_used", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("model_tier", sa.String(length=20), server_default="standard", nullable=False),
        sa.Column("context_summary", sa.Text(), nullable=True),
        sa.Column("conversation_history", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("metadata", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_ai_session_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ai_session")),
    )
    op.create_index(op.f("ix_ai_session_user_id"), "ai_session", ["user_id"], unique=False)
    op.create_table(
        "check_in",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("weight_kg", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("energy_level", sa.SmallInteger(), nullable=True),
        sa.Column("sleep_quality", sa.SmallInteger(), nullable=True),
        sa.Column("mood", sa.SmallInteger(), nullable=True),
        sa.Column("adherence_score", sa.Numeric(precision=3, scale=2), nullable=True),
        sa.Column("client_updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "adherence_score >= 0 AND adherence_score <= 1",
            name=op.f("ck_check_in_adherence_score_range"),
        ),
        sa.CheckConstraint(
            "energy_level >= 1 AND energy_level <= 10", name=op.f("ck_check_in_energy_level_range")
        ),
        sa.CheckConstraint("mood >= 1 AND mood <= 10", name=op.f("ck_check_in_mood_range")),
        sa.CheckConstraint(
            "sleep_quality >= 1 AND sleep_quality <= 10",
            name=op.f("ck_check_in_sleep_quality_range"),
        ),
        sa.CheckConstraint(
            "weight_kg >= 20 AND weight_kg <= 500", name=op.f("ck_check_in_weight_kg_range")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_check_in_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_in")),
    )
    op.create_index("ix_check_in_user_date", "check_in", ["user_id", "date"], unique=True)
    op.create_index(op.f("ix_check_in_user_id"), "check_in", ["user_id"], unique=False)
    op.create_table(
        "diet_preferences",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column(
            "diet_type",
            sa.Enum(
                "none",
                "vegetarian",
                "vegan",
                "pescatarian",
                "keto",
                "paleo",
                "halal",
                "kosher",
                name="diet_type",
            ),
            server_default="none",
            nullable=False,
        ),
        sa.Column("allergies", sa.JSON(), server_default=sa.text("'[]'::json"), nullable=False),
        sa.Column(
            "disliked_foods", sa.JSON(), server_default=sa.text("'[]'::json"), nullable=False
        ),
        sa.Column("meals_per_day", sa.Integer(), server_default=sa.text("3"), nullable=False),
        sa.Column("macro_targets", sa.JSON(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "meals_per_day >= 1 AND meals_per_day <= 10",
            name=op.f("ck_diet_preferences_meals_per_day_range"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_diet_preferences_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_diet_preferences")),
    )
    op.create_index(
        op.f("ix_diet_preferences_user_id"), "diet_preferences", ["user_id"], unique=True
    )
    op.create_table(
        "nutrition_day",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("calories", sa.Integer(), nullable=True),
        sa.Column("protein_g", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("carbs_g", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("fat_g", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("fiber_g", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("source", sa.String(length=20), server_default="manual", nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "source IN ('manual', 'mfp_import')", name=op.f("ck_nutrition_day_source_valid")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_nutrition_day_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nutrition_day")),
    )
    op.create_index("ix_nutrition_day_user_date", "nutrition_day", ["user_id", "date"], unique=True)
    op.create_index(op.f("ix_nutrition_day_user_id"), "nutrition_day", ["user_id"], unique=False)
    op.create_table(
        "progress_photo",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("s3_key", sa.String(length=500), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column(
            "visibility",
            sa.Enum("private", "coach_only", name="photo_visibility"),
            server_default="private",
            nullable=False,
        ),
        sa.Column("photo_metadata", sa.JSON(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_progress_photo_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_photo")),
    )
    op.create_index("ix_progress_photo_s3_key", "progress_photo", ["s3_key"], unique=True)
    op.create_index(
        "ix_progress_photo_user_date", "progress_photo", ["user_id", "date"], unique=False
    )
    op.create_index(op.f("ix_progress_photo_user_id"), "progress_photo", ["user_id"], unique=False)
    op.create_table(
        "refresh_token",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=255), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("user_agent", sa.String(length=500), nullable=True),
        sa.Column("ip_address", sa.String(length=45), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_refresh_token_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refresh_token")),
    )
    op.create_index(
        op.f("ix_refresh_token_token_hash"), "refresh_token", ["token_hash"], unique=False
    )
    op.create_index(op.f("ix_refresh_token_user_id"), "refresh_token", ["user_id"], unique=False)
    op.create_table(
        "user_goal",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column(
            "goal_type",
            sa.Enum(
                "fat_loss", "muscle_gain", "recomp", "maintenance", "performance", name="goal_type"
            ),
            server_default="maintenance",
            nullable=False,
        ),
        sa.Column("target_weight_kg", sa.Numeric(), nullable=True),
        sa.Column(
            "pace_preference",
            sa.Enum("slow", "moderate", "aggressive", name="pace_preference"),
            server_default="moderate",
            nullable=False,
        ),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "target_weight_kg >= 20 AND target_weight_kg <= 500",
            name=op.f("ck_user_goal_target_weight_kg_range"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_user_goal_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_goal")),
    )
    op.create_index(op.f("ix_user_goal_user_id"), "user_goal", ["user_id"], unique=True)
    op.create_table(
        "user_profile",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=True),
        sa.Column("height_cm", sa.Numeric(), nullable=True),
        sa.Column(
            "sex",
            sa.Enum("male", "female", "other", "prefer_not_to_say", name="sex"),
            nullable=True,
        ),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column(
            "activity_level",
            sa.Enum(
                "sedentary", "light", "moderate", "active", "very_active", name="activity_level"
            ),
            nullable=True,
        ),
        sa.Column("timezone", sa.String(length=50), server_default="UTC", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "birth_year >= 1900 AND birth_year <= 2100",
            name=op.f("ck_user_profile_birth_year_range"),
        ),
        sa.CheckConstraint(
            "height_cm >= 50 AND height_cm <= 300", name=op.f("ck_user_profile_height_cm_range")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_user_profile_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_profile")),
    )
    op.create_index(op.f("ix_user_profile_user_id"), "user_profile", ["user_id"], unique=True)
    op.create_table(
        "ai_policy_violation_log",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column(
            "violation_type",
            sa.Enum(
                "calorie_minimum",
                "calorie_maximum",
                "protein_minimum",
                "weight_loss_rate",
                "eating_disorder_signal",
                "medical_claim",
                "unsafe_content",
                name="policy_violation_type",
            ),
            nullable=False,
        ),
        sa.Column("severity", sa.String(length=20), nullable=False),
        sa.Column("trigger_content", sa.Text(), nullable=True),
        sa.Column("action_taken", sa.String(length=100), nullable=False),
        sa.Column("details", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["ai_session.id"],
            name=op.f("fk_ai_policy_violation_log_session_id_ai_session"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_ai_policy_violation_log_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ai_policy_violation_log")),
    )
    op.create_index(
        op.f("ix_ai_policy_violation_log_session_id"),
        "ai_policy_violation_log",
        ["session_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_ai_policy_violation_log_user_id"),
        "ai_policy_violation_log",
        ["user_id"],
        unique=False,
    )
    op.create_table(
        "ai_tool_call_log",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("tool_name", sa.String(length=100), nullable=False),
        sa.Column("tool_category", sa.String(length=50), nullable=False),
        sa.Column("input_hash", sa.String(length=64), nullable=False),
        sa.Column("input_summary", sa.String(length=500), nullable=True),
        sa.Column("output_summary", sa.Text(), nullable=True),
        sa.Column(
            "status",
            sa.Enum("success", "failed", "blocked", name="tool_call_status"),
            server_default="success",
            nullable=False,
        ),
        sa.Column("error_message", sa.String(length=500), nullable=True),
        sa.Column("latency_ms", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("cached", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["ai_session.id"],
            name=op.f("fk_ai_tool_call_log_session_id_ai_session"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_ai_tool_call_log_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ai_tool_call_log")),
    )
    op.create_index(
        op.f("ix_ai_tool_call_log_session_id"), "ai_tool_call_log", ["session_id"], unique=False
    )
    op.create_index(
        op.f("ix_ai_tool_call_log_user_id"), "ai_tool_call_log", ["user_id"], unique=False
    )

    # updated_at follows every UPDATE, including those that bypass the ORM. statement_timestamp()
    # (not now()) so that two statements in one transaction get distinct times.
    op.execute(
        """
        CREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.updated_at := statement_timestamp();
            RETURN NEW;
        END;
        $$
        """
    )
    for table in TABLES_WITH_UPDATED_AT:
        op.execute(
            f'CREATE TRIGGER trg_{table}_updated_at BEFORE UPDATE ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION set_updated_at()"
        )


def downgrade() -> None:
    for table in TABLES_WITH_UPDATED_AT:
        op.execute(f'DROP TRIGGER IF EXISTS trg_{table}_updated_at ON "{table}"')
    op.execute("DROP FUNCTION IF EXISTS set_updated_at()")
    op.drop_index(op.f("ix_ai_tool_call_log_user_id"), table_name="ai_tool_call_log")
    op.drop_index(op.f("ix_ai_tool_call_log_session_id"), table_name="ai_tool_call_log")
    op.drop_table("ai_tool_call_log")
    op.drop_index(op.f("ix_ai_policy_violation_log_user_id"), table_name="ai_policy_violation_log")
    op.drop_index(
        op.f("ix_ai_policy_violation_log_session_id"), table_name="ai_policy_violation_log"
    )
    op.drop_table("ai_policy_violation_log")
    op.drop_index(op.f("ix_user_profile_user_id"), table_name="user_profile")
    op.drop_table("user_profile")
    op.drop_index(op.f("ix_user_goal_user_id"), table_name="user_goal")
    op.drop_table("user_goal")
    op.drop_index(op.f("ix_refresh_token_user_id"), table_name="refresh_token")
    op.drop_index(op.f("ix_refresh_token_token_hash"), table_name="refresh_token")
    op.drop_table("refresh_token")
    op.drop_index(op.f("ix_progress_photo_user_id"), table_name="progress_photo")
    op.drop_index("ix_progress_photo_user_date", table_name="progress_photo")
    op.drop_index("ix_progress_photo_s3_key", table_name="progress_photo")
    op.drop_table("progress_photo")
    op.drop_index(op.f("ix_nutrition_day_user_id"), table_name="nutrition_day")
    op.drop_index("ix_nutrition_day_user_date", table_name="nutrition_day")
    op.drop_table("nutrition_day")
    op.drop_index(op.f("ix_diet_preferences_user_id"), table_name="diet_preferences")
    op.drop_table("diet_preferences")
    op.drop_index(op.f("ix_check_in_user_id"), table_name="check_in")
    op.drop_index("ix_check_in_user_date", table_name="check_in")
    op.drop_table("check_in")
    op.drop_index(op.f("ix_ai_session_user_id"), table_name="ai_session")
    op.drop_table("ai_session")
    op.drop_index(op.f("ix_user_email"), table_name="user")
    op.drop_table("user")
    sa.Enum(name="tool_call_status").drop(op.get_bind(), checkfirst=True)
    sa.Enum(name="policy_violation_type").drop(op.get_bind(), checkfirst=True)
    sa.Enum(name="session_status").drop(op.get_bind(), checkfirst=True)
    sa.Enum(name="photo_visibility").drop(op.get_bind(), checkfirst=True)
    sa.Enum(name="diet_type").drop(op.get_bind(), checkfirst=True)
    sa.Enum(name="pace_preference").drop(op.get_bind(), checkfirst=True)
    sa.Enum(name="goal_type").drop(op.get_bind(), checkfirst=True)
    sa.Enum(name="activity_level").drop(op.get_bind(), checkfirst=True)
    sa.Enum(name="sex").drop(op.get_bind(), checkfirst=True)
