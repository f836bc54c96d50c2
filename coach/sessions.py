"""Session rows for turns: claim, load, persist and release, each in one short transaction.

One turn at a time per session
------------------------------
A turn *claims* its session with one ``UPDATE ... WHERE`` that sets a marker
``metadata.turn = {id, at}`` only when no live marker is there; the claim and the session's
state (status, idle expiry, counters, the unsummarized history tail) come back from the same
statement. A concurrent turn finds the marker and gets ``TurnInProgress``; the marker is
removed by the statement that appends the turn (or by :func:`release`). No connection is held
while the model works, and it works across processes and with or without Redis. A marker
older than the turn timeout (a crashed process) is treated as free.

The append does not go through ``ai_sessions.append_turn`` on purpose: that function
refreshes the whole row, which reloads the entire ``conversation_history`` on every turn.
The statement here appends the same way (``||`` in SQL, never rewriting the history from a
stale copy) and returns only the counters.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from coach.errors import SessionClosed, TurnInProgress
from persistence.enums import SessionStatus
from persistence.errors import NotFound
from persistence.models import AIPolicyViolationLog, AISession, table_of
from persistence.repositories import profiles
from persistence.repositories.profiles import UserContext

TURN_KEY: Final = "turn"
#: Metadata key: how many stored messages have been folded into ``context_summary``.
FOLDED_KEY: Final = "folded_messages"
PLAN_KEY: Final = "current_plan"
FLAGS_KEY: Final = "flags"
#: Violations of the user's last this-many days become safety flags in the instructions.
FLAG_WINDOW_DAYS: Final = 30

_S = table_of(AISession)
_V = table_of(AIPolicyViolationLog)
_META = _S.c["metadata"]


def _history_tail() -> sa.ColumnElement[Any]:
    """``conversation_history[folded:]``: only the messages not folded into the summary."""
    return sa.func.jsonb_path_query_array(
        sa.func.coalesce(_S.c.conversation_history, sa.text("'[]'::jsonb")),
        sa.text("'$[$n to last]'::jsonpath"),
        sa.func.jsonb_build_object(
            "n", sa.func.coalesce(sa.cast(_META[FOLDED_KEY].astext, sa.Integer), 0)
        ),
    )


@dataclass(frozen=True)
class ClaimedTurn:
    """A session claimed for one turn, with what the turn needs from the database."""

    session_id: uuid.UUID
    created: bool
    status: str
    model_tier: str
    message_count: int
    tokens_used: int
    context_summary: str | None
    metadata: dict[str, Any]
    history: list[Any]
    user: UserContext | None
    recent_flags: tuple[str, ...]

    @property
    def folded(self) -> int:
        """Stored messages already folded into the summary."""
        return int(self.metadata.get(FOLDED_KEY) or 0)


def marker(turn_id: uuid.UUID, now: dt.datetime) -> dict[str, str]:
    """The claim marker of a turn."""
    return {"id": str(turn_id), "at": now.isoformat()}


def _flags_since() -> sa.ScalarSelect[Any]:
    """The user's (``:uid``) distinct violation types since ``:since``, as a text array."""
    return (
        sa.select(sa.func.array_agg(sa.distinct(sa.cast(_V.c.violation_type, sa.Text))))
        .where(_V.c.user_id == sa.bindparam("uid"), _V.c.created_at >= sa.bindparam("since"))
        .scalar_subquery()
    )


# The statements of a turn are built once (on first use) with bind parameters: building
# these expressions costs more than running them on a warm connection.


@functools.cache
def _flags_stmt() -> sa.Select[Any]:
    return sa.select(_flags_since())


@functools.cache
def _claim_stmt() -> sa.Update:
    meta = sa.func.coalesce(_META, sa.text("'{}'::jsonb"))
    return (
        sa.update(_S)
        .where(
            _S.c.id == sa.bindparam("sid"),
            _S.c.user_id == sa.bindparam("uid"),
            _S.c.status == SessionStatus.ACTIVE,
            _S.c.last_message_at >= sa.bindparam("idle_cutoff"),
            sa.or_(
                _META[TURN_KEY].is_(None),
                sa.cast(_META[TURN_KEY]["at"].astext, sa.DateTime(timezone=True))
                < sa.bindparam("stale_cutoff"),
            ),
        )
        .values(
            metadata=meta.op("||")(
                sa.func.jsonb_build_object(TURN_KEY, sa.bindparam("mark", type_=JSONB))
            ),
            last_message_at=sa.bindparam("now"),
        )
        .returning(
            _S.c.status,
            _S.c.model_tier,
            _S.c.message_count,
            _S.c.tokens_used,
            _S.c.context_summary,
            _META,
            _history_tail(),
            _flags_since(),
        )
    )


def _flag_tuple(values: Any) -> tuple[str, ...]:
    return tuple(sorted(str(v) for v in values or ()))


async def create(
    db: AsyncSession,
    *,
    user_id: uuid.UUID,
    model_tier: str,
    metadata: dict[str, Any],
    now: dt.datetime,
) -> AISession:
    """A new active session started at ``now`` (flushed, not committed)."""
    session = AISession(
        id=uuid.uuid4(),
        user_id=user_id,
        model_tier=model_tier,
        session_metadata=metadata,
        conversation_history=[],
        started_at=now,
        last_message_at=now,
    )
    db.add(session)
    try:
        await db.flush()
    except IntegrityError:
        # The only constraint a new session can break is its user's foreign key.
        await db.rollback()
        raise NotFound("user", user_id) from None
    return session


async def claim(
    db: AsyncSession,
    *,
    user_id: uuid.UUID,
    session_id: uuid.UUID | None,
    turn_id: uuid.UUID,
    now: dt.datetime,
    idle: dt.timedelta,
    stale_after: dt.timedelta,
    new_tier: str,
    new_metadata: dict[str, Any],
) -> ClaimedTurn:
    """Claim (or create) the session for a turn and load its context; commits.

    Raises ``NotFound``, ``SessionClosed`` (completed, or expired now by idleness) or
    ``TurnInProgress`` without claiming anything.
    """
    mark = marker(turn_id, now)
    since = now - dt.timedelta(days=FLAG_WINDOW_DAYS)
    created = session_id is None
    if session_id is None:
        row = await create(
            db,
            user_id=user_id,
            model_tier=new_tier,
            metadata={**new_metadata, TURN_KEY: mark},
            now=now,
        )
        session_id = row.id
        flags = (await db.execute(_flags_stmt(), {"uid": user_id, "since": since})).scalar_one()
        values: dict[str, Any] = {
            "recent_flags": _flag_tuple(flags),
            "status": row.status.value,
            "model_tier": row.model_tier,
            "message_count": 0,
            "tokens_used": 0,
            "context_summary": None,
            "metadata": dict(row.session_metadata or {}),
            "history": [],
        }
    else:
        params = {
            "sid": session_id,
            "uid": user_id,
            "idle_cutoff": now - idle,
            "stale_cutoff": now - stale_after,
            "mark": mark,
            "now": now,
            "since": since,
        }
        got = (await db.execute(_claim_stmt(), params)).one_or_none()
        if got is None:
            await _refuse(db, user_id=user_id, session_id=session_id, now=now, idle=idle)
            raise AssertionError("unreachable")  # _refuse always raises
        values = {
            "status": str(getattr(got[0], "value", got[0])),
            "model_tier": got[1],
            "message_count": got[2],
            "tokens_used": got[3],
            "context_summary": got[4],
            "metadata": dict(got[5] or {}),
            "history": list(got[6] or []),
            "recent_flags": _flag_tuple(got[7]),
        }
    user = await profiles.load_context(db, user_id=user_id)
    await db.commit()
    return ClaimedTurn(session_id=session_id, created=created, user=user, **values)


async def _refuse(
    db: AsyncSession,
    *,
    user_id: uuid.UUID,
    session_id: uuid.UUID,
    now: dt.datetime,
    idle: dt.timedelta,
) -> None:
    """Raise why a claim failed; an idle active session is marked expired first."""
    row = (
        await db.execute(
            sa.select(_S.c.status, _S.c.last_message_at).where(
                _S.c.id == session_id, _S.c.user_id == user_id
            )
        )
    ).one_or_none()
    if row is None:
        raise NotFound("session", session_id)
    status = SessionStatus(row[0])
    if status is SessionStatus.ACTIVE and row[1] < now - idle:
        await db.execute(
            sa.update(_S)
            .where(_S.c.id == session_id, _S.c.status == SessionStatus.ACTIVE)
            .values(status=SessionStatus.EXPIRED)
        )
        await db.commit()
        raise SessionClosed(session_id, SessionStatus.EXPIRED.value)
    if status is not SessionStatus.ACTIVE:
        raise SessionClosed(session_id, status.value)
    raise TurnInProgress(session_id)


def _meta_without_turn() -> sa.ColumnElement[Any]:
    """The metadata without the claim of turn ``:turn_id`` (another turn's claim is kept)."""
    meta = sa.func.coalesce(_META, sa.text("'{}'::jsonb"))
    return sa.case(
        (_META[TURN_KEY]["id"].astext == sa.bindparam("turn_id"), meta.op("-")(TURN_KEY)),
        else_=meta,
    )


@dataclass(frozen=True)
class Counters:
    """The session's counters after a turn."""

    message_count: int
    tokens_used: int


@functools.cache
def _append_stmt(with_summary: bool) -> sa.Update:
    values: dict[str, Any] = {
        "conversation_history": sa.func.coalesce(
            _S.c.conversation_history, sa.text("'[]'::jsonb")
        ).op("||")(sa.bindparam("messages", type_=JSONB)),
        "message_count": _S.c.message_count + sa.bindparam("added"),
        "tokens_used": _S.c.tokens_used + sa.bindparam("tokens"),
        "last_message_at": sa.func.greatest(_S.c.last_message_at, sa.bindparam("now")),
        "metadata": _meta_without_turn().op("||")(sa.bindparam("patch", type_=JSONB)),
    }
    if with_summary:
        values["context_summary"] = sa.bindparam("summary")
    return (
        sa.update(_S)
        .where(_S.c.id == sa.bindparam("sid"))
        .values(**values)
        .returning(_S.c.message_count, _S.c.tokens_used)
    )


@functools.cache
def _release_stmt() -> sa.Update:
    return sa.update(_S).where(_S.c.id == sa.bindparam("sid")).values(metadata=_meta_without_turn())


async def append(
    db: AsyncSession,
    *,
    session_id: uuid.UUID,
    turn_id: uuid.UUID,
    messages: Sequence[dict[str, Any]],
    messages_added: int,
    tokens: int,
    now: dt.datetime,
    summary: str | None,
    metadata_patch: dict[str, Any],
) -> Counters:
    """Append a turn, update counters and metadata, release the claim (no commit)."""
    params: dict[str, Any] = {
        "sid": session_id,
        "turn_id": str(turn_id),
        "messages": list(messages),
        "added": messages_added,
        "tokens": tokens,
        "now": now,
        "patch": metadata_patch,
    }
    if summary is not None:
        params["summary"] = summary
    row = (await db.execute(_append_stmt(summary is not None), params)).one()
    return Counters(message_count=row[0], tokens_used=row[1])


async def release(db: AsyncSession, *, session_id: uuid.UUID, turn_id: uuid.UUID) -> None:
    """Remove the turn's claim when nothing is appended (commits)."""
    await db.execute(_release_stmt(), {"sid": session_id, "turn_id": str(turn_id)})
    await db.commit()
