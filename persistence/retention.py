"""Data retention (``database.md``, "Data Retention"), applied by ``coach retention run``.

=========================  ============================================================
refresh_token              deleted 30 days after expiry or revocation
ai_session                 90 days after ``last_message_at``: archived as gzipped JSONL
                           (with its tool-call logs) to object storage, then deleted
ai_tool_call_log           90 days after ``created_at`` (and with their session)
ai_policy_violation_log    1 year after ``created_at`` (``session_id`` is SET NULL when
                           the session goes)
user (soft-deleted)        30 days after the deletion request: hard delete (every owned
                           row cascades) and the user's photo objects are removed
=========================  ============================================================

Soft deletion: ``DELETE /v1/me`` sets ``is_active = false`` and replaces
``hashed_password`` by :func:`deletion_marker` (``!deleted:<UTC time>``). The marker is
the deletion time the schema has no column for; it is not a valid password hash, so the
account can never log in again, and it tells a deleted account apart from one an operator
merely deactivated (which the job never touches). ``updated_at`` is not used: any later
update of the row would move it.

Sessions of soft-deleted accounts are deleted without being archived (the owner asked for
erasure). Every step deletes in batches of ``batch_size`` ids, one transaction per batch,
so a large backlog never holds long locks; a rerun finds nothing left (idempotent).
``dry_run`` only counts.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from persistence.models import (
    AIPolicyViolationLog,
    AISession,
    AIToolCallLog,
    RefreshToken,
    User,
    table_of,
)
from persistence.repositories._common import rowcount
from persistence.serialize import row_dict
from persistence.storage import ObjectStorage

log = logging.getLogger(__name__)

DELETED_PREFIX = "!deleted:"
_MARKER_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # fixed width, so text order is time order
ARCHIVE_PREFIX = "archives/ai_sessions/"


def deletion_marker(at: dt.datetime) -> str:
    """The ``hashed_password`` of an account deleted at ``at``."""
    return DELETED_PREFIX + at.astimezone(dt.UTC).strftime(_MARKER_FORMAT)


def deleted_at(hashed_password: str) -> dt.datetime | None:
    """When the account was soft-deleted, or ``None`` when it was not."""
    if not hashed_password.startswith(DELETED_PREFIX):
        return None
    try:
        parsed = dt.datetime.fromisoformat(hashed_password[len(DELETED_PREFIX) :])
    except ValueError:
        return None
    return parsed.astimezone(dt.UTC) if parsed.tzinfo is not None else None


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    """How long each kind of row is kept (the spec's table) and the batch size."""

    refresh_token_days: int = 30
    session_days: int = 90
    tool_log_days: int = 90
    violation_days: int = 365
    deleted_account_days: int = 30
    batch_size: int = 1000


TABLES: tuple[str, ...] = (
    "user",
    "ai_session",
    "ai_tool_call_log",
    "ai_policy_violation_log",
    "refresh_token",
)


@dataclass(slots=True)
class RetentionReport:
    """Rows deleted (or, in a dry run, that would be) per table, and the archives written."""

    dry_run: bool
    now: dt.datetime
    deleted: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 0))
    archived_sessions: int = 0
    archives: list[str] = field(default_factory=list)
    photo_objects_removed: int = 0

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (for ``--format json``)."""
        return {
            "dry_run": self.dry_run,
            "now": self.now.isoformat(),
            "deleted": dict(self.deleted),
            "archived_sessions": self.archived_sessions,
            "archives": list(self.archives),
            "photo_objects_removed": self.photo_objects_removed,
        }


class _Cutoffs:
    def __init__(self, now: dt.datetime, policy: RetentionPolicy) -> None:
        days = dt.timedelta(days=1)
        self.token = now - policy.refresh_token_days * days
        self.session = now - policy.session_days * days
        self.tool_log = now - policy.tool_log_days * days
        self.violation = now - policy.violation_days * days
        self.account = deletion_marker(now - policy.deleted_account_days * days)


def _predicates(cut: _Cutoffs) -> dict[str, sa.ColumnElement[bool]]:
    user, session = table_of(User), table_of(AISession)
    tool, violation, token = (
        table_of(AIToolCallLog),
        table_of(AIPolicyViolationLog),
        table_of(RefreshToken),
    )
    return {
        "user": sa.and_(
            user.c.is_active.is_(False),
            user.c.hashed_password.startswith(DELETED_PREFIX, autoescape=True),
            # Fixed-width UTC markers compare like the times they hold.
            user.c.hashed_password < cut.account,
        ),
        "ai_session": session.c.last_message_at < cut.session,
        "ai_tool_call_log": tool.c.created_at < cut.tool_log,
        "ai_policy_violation_log": violation.c.created_at < cut.violation,
        "refresh_token": sa.or_(token.c.expires_at < cut.token, token.c.revoked_at < cut.token),
    }


async def run_retention(
    session_factory: async_sessionmaker[AsyncSession],
    *,
    storage: ObjectStorage,
    now: dt.datetime,
    policy: RetentionPolicy | None = None,
    dry_run: bool = False,
    progress: Callable[[str], None] | None = None,
) -> RetentionReport:
    """Apply the retention table once; see the module docstring."""
    policy = policy or RetentionPolicy()
    if policy.batch_size < 1:
        raise ValueError("batch_size: must be >= 1")
    report = RetentionReport(dry_run=dry_run, now=now)
    predicates = _predicates(_Cutoffs(now, policy))
    if dry_run:
        await _count_all(session_factory, predicates, report)
        return report
    say = progress or (lambda _message: None)
    await _delete_accounts(session_factory, storage, predicates["user"], policy, report)
    say(f"user: {report.deleted['user']}")
    await _archive_sessions(session_factory, storage, predicates["ai_session"], policy, report)
    say(f"ai_session: {report.deleted['ai_session']} ({report.archived_sessions} archived)")
    for name, model in (
        ("ai_tool_call_log", AIToolCallLog),
        ("ai_policy_violation_log", AIPolicyViolationLog),
        ("refresh_token", RefreshToken),
    ):
        report.deleted[name] += await _delete_batches(
            session_factory, table_of(model), predicates[name], policy.batch_size
        )
        say(f"{name}: {report.deleted[name]}")
    return report


async def _count_all(
    session_factory: async_sessionmaker[AsyncSession],
    predicates: dict[str, sa.ColumnElement[bool]],
    report: RetentionReport,
) -> None:
    user, session, tool = table_of(User), table_of(AISession), table_of(AIToolCallLog)
    doomed_sessions = sa.select(session.c.id).where(predicates["ai_session"])
    async with session_factory() as db:
        for name, model in (
            ("user", User),
            ("ai_session", AISession),
            ("ai_policy_violation_log", AIPolicyViolationLog),
            ("refresh_token", RefreshToken),
        ):
            table = table_of(model)
            stmt = sa.select(sa.func.count()).select_from(table).where(predicates[name])
            report.deleted[name] = int((await db.execute(stmt)).scalar_one())
        # Tool-call logs go when old, or with their old session: count each row once.
        tool_stmt = (
            sa.select(sa.func.count())
            .select_from(tool)
            .where(sa.or_(predicates["ai_tool_call_log"], tool.c.session_id.in_(doomed_sessions)))
        )
        report.deleted["ai_tool_call_log"] = int((await db.execute(tool_stmt)).scalar_one())
        archivable = (
            sa.select(sa.func.count())
            .select_from(session.join(user, user.c.id == session.c.user_id))
            .where(
                predicates["ai_session"],
                sa.not_(user.c.hashed_password.startswith(DELETED_PREFIX, autoescape=True)),
            )
        )
        report.archived_sessions = int((await db.execute(archivable)).scalar_one())


async def _delete_batches(
    session_factory: async_sessionmaker[AsyncSession],
    table: sa.Table,
    predicate: sa.ColumnElement[bool],
    batch_size: int,
) -> int:
    """``DELETE ... WHERE id IN (SELECT id ... LIMIT batch)`` until nothing matches."""
    total = 0
    while True:
        ids = sa.select(table.c.id).where(predicate).limit(batch_size).scalar_subquery()
        async with session_factory() as db:
            deleted = await rowcount(db, sa.delete(table).where(table.c.id.in_(ids)))
            await db.commit()
        total += deleted
        if deleted < batch_size:
            return total


async def _delete_accounts(
    session_factory: async_sessionmaker[AsyncSession],
    storage: ObjectStorage,
    predicate: sa.ColumnElement[bool],
    policy: RetentionPolicy,
    report: RetentionReport,
) -> None:
    user = table_of(User)
    while True:
        async with session_factory() as db:
            ids = list(
                (
                    await db.scalars(sa.select(user.c.id).where(predicate).limit(policy.batch_size))
                ).all()
            )
            if not ids:
                return
            # Objects first: a failure leaves the rows for the next run to retry.
            for user_id in ids:
                report.photo_objects_removed += await storage.delete_prefix(f"photos/{user_id}/")
            report.deleted["user"] += await rowcount(db, sa.delete(user).where(user.c.id.in_(ids)))
            await db.commit()
        if len(ids) < policy.batch_size:
            return


async def _archive_sessions(
    session_factory: async_sessionmaker[AsyncSession],
    storage: ObjectStorage,
    predicate: sa.ColumnElement[bool],
    policy: RetentionPolicy,
    report: RetentionReport,
) -> None:
    session, tool, user = table_of(AISession), table_of(AIToolCallLog), table_of(User)
    stamp = report.now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    batch_no = 0
    while True:
        async with session_factory() as db:
            rows = (
                await db.execute(
                    sa.select(AISession, user.c.hashed_password)
                    .join(user, user.c.id == session.c.user_id)
                    .where(predicate)
                    .order_by(session.c.last_message_at, session.c.id)
                    .limit(policy.batch_size)
                )
            ).all()
            if not rows:
                return
            ids = [row[0].id for row in rows]
            keep = [row[0] for row in rows if deleted_at(row[1]) is None]
            logs = await _tool_logs(db, [s.id for s in keep])
            if keep:
                batch_no += 1
                key = f"{ARCHIVE_PREFIX}{stamp}-{uuid.uuid4().hex[:8]}-{batch_no:04d}.jsonl.gz"
                await storage.put(key, _archive(keep, logs), content_type="application/gzip")
                report.archives.append(key)
                report.archived_sessions += len(keep)
            tool_count = await rowcount(db, sa.delete(tool).where(tool.c.session_id.in_(ids)))
            report.deleted["ai_tool_call_log"] += tool_count
            report.deleted["ai_session"] += await rowcount(
                db, sa.delete(session).where(session.c.id.in_(ids))
            )
            await db.commit()
        if len(rows) < policy.batch_size:
            return


async def _tool_logs(
    db: AsyncSession, session_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[AIToolCallLog]]:
    if not session_ids:
        return {}
    tool = table_of(AIToolCallLog)
    found: dict[uuid.UUID, list[AIToolCallLog]] = {}
    for row in (
        await db.scalars(
            sa.select(AIToolCallLog)
            .where(tool.c.session_id.in_(session_ids))
            .order_by(tool.c.created_at, tool.c.id)
        )
    ).all():
        found.setdefault(row.session_id, []).append(row)
    return found


def _archive(sessions: list[AISession], logs: dict[uuid.UUID, list[AIToolCallLog]]) -> bytes:
    """One JSON line per session: the row, and its tool-call logs, gzipped."""
    lines = (
        json.dumps(
            {
                "session": row_dict(s),
                "tool_calls": [row_dict(call) for call in logs.get(s.id, [])],
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )
        for s in sessions
    )
    return gzip.compress(("\n".join(lines) + "\n").encode(), mtime=0)
