"""Violation rows: one per violation, redacted excerpts, flushed in the caller's transaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from persistence.models import AIPolicyViolationLog
from policies import PlanProposal, PolicyEngine, PolicyProfile, record_violations


async def _count(db: AsyncSession, user_id: Any) -> int:
    stmt = (
        sa.select(sa.func.count())
        .select_from(AIPolicyViolationLog)
        .where(
            AIPolicyViolationLog.user_id == user_id  # type: ignore[arg-type]
        )
    )
    return int((await db.execute(stmt)).scalar_one())


async def test_one_row_per_violation_with_details(
    db: AsyncSession, make_user: Callable[..., Awaitable[Any]], policy: PolicyEngine
) -> None:
    user = await make_user()
    text = "I want to eat 700 calories a day and take laxatives after meals"
    decision = policy.check_input(text)
    rows = await record_violations(
        db, user_id=user.id, session_id=None, decision_or_violations=decision, trigger_text=text
    )
    assert len(rows) == len(decision.violations) == 2
    assert await _count(db, user.id) == 2
    for row, violation in zip(rows, decision.violations, strict=True):
        assert row.violation_type == violation.type
        assert row.severity == violation.severity.value
        assert row.action_taken == violation.action.value
        assert row.session_id is None
        assert row.details is not None
        assert set(row.details) == {"stage", "policy_id", "policy_version", "evidence", "threshold",
                                    "measured"}  # fmt: skip
        assert row.details["stage"] == "input"
        assert row.trigger_content and len(row.trigger_content) <= 200


async def test_disclosure_stored_as_minimal_excerpt(
    db: AsyncSession, make_user: Callable[..., Awaitable[Any]], policy: PolicyEngine
) -> None:
    user = await make_user()
    text = (
        "It started last year after my breakup, and my mum doesn't know any of this. "
        "Most nights I make myself sick after dinner, then I lie awake. Please don't tell anyone, "
        "my email is jane.doe@example.com and my number is +44 7700 900123 if you need it."
    )
    decision = policy.check_input(text)
    rows = await record_violations(
        db, user_id=user.id, session_id=None, decision_or_violations=decision, trigger_text=text
    )
    row = next(r for r in rows if r.violation_type == "eating_disorder_signal")
    assert row.trigger_content is not None
    assert "make myself sick" in row.trigger_content
    assert len(row.trigger_content) < 80
    assert "breakup" not in row.trigger_content and "mum" not in row.trigger_content


async def test_contact_details_masked(
    db: AsyncSession, make_user: Callable[..., Awaitable[Any]], policy: PolicyEngine
) -> None:
    user = await make_user()
    text = "email me at bob@example.com or call 555-123-4567, I want to eat 600 calories a day"
    decision = policy.check_input(text)
    [row] = await record_violations(
        db, user_id=user.id, session_id=None, decision_or_violations=decision, trigger_text=text
    )
    assert row.trigger_content is not None
    assert "bob@example.com" not in row.trigger_content
    assert "555-123-4567" not in row.trigger_content


async def test_plan_violation_stores_numbers_only(
    db: AsyncSession, make_user: Callable[..., Awaitable[Any]], policy: PolicyEngine
) -> None:
    user = await make_user()
    decision = policy.check_plan(PlanProposal(calories_kcal=900), PolicyProfile(sex="female"))
    [row] = await record_violations(
        db,
        user_id=user.id,
        session_id=None,
        decision_or_violations=decision.violations,
        trigger_text=None,
    )
    assert row.details is not None
    assert row.details["measured"] == 900 and row.details["threshold"] == 1200
    assert row.details["stage"] == "plan" and row.details["policy_id"] == "plan.calorie_floor"


async def test_rows_flushed_not_committed(
    db: AsyncSession, make_user: Callable[..., Awaitable[Any]], policy: PolicyEngine
) -> None:
    user_id = (await make_user()).id
    await db.commit()  # keep the user; then roll back only what record_violations did
    decision = policy.check_input("I want to kill myself")
    await record_violations(
        db, user_id=user_id, session_id=None, decision_or_violations=decision, trigger_text="x"
    )
    assert await _count(db, user_id) == 1
    await db.rollback()
    assert await _count(db, user_id) == 0
