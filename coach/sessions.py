"""Session rows for turns: claim, load, persist and release, each in one short transaction.

One turn at a time per session
------------------------------
A turn *claims* its session with one ``UPDATE ... WHERE`` that sets a lease
``metadata.turn = {id, at, owner, until}`` only when no live lease is there, and appends the
user's message to the history in the same statement: the message is committed before the
model runs, so a crash cannot lose it. The claim and the session's state (status, idle
expiry, counters, the unsummarized history tail before the message, the user's recent safety
flags and profile facts) come back from that statement (the ``UPDATE`` is a CTE joined to
the user's profile rows), run outside an explicit transaction: one round trip. A new session
is created the same way, its ``INSERT`` a CTE of the statement that loads the user's
context. A concurrent turn finds the lease and gets ``TurnInProgress``; the lease is removed
by the statement that appends the rest of the turn (or by :func:`release`). No connection is
held while the model works, and it works across processes and with or without Redis.

Leases
------
``owner`` names the process (host, pid and a random tag), ``until`` is when the lease lapses
unless renewed. A running turn renews it (:func:`renew`) every third of its length, only
once the turn has lasted that long, so a short turn pays nothing for it. A process that dies
stops renewing: within one lease length the session is free again. The claim that then
takes it over records the dead turn as ``metadata.interrupted_turn`` (as does
:func:`release_expired`, run by every process at startup), and a replay of that turn ends
with ``turn_interrupted``. A marker without ``until`` (written before leases) lapses one
lease length after ``at``.

The append does not go through ``ai_sessions.append_turn`` on purpose: that function
refreshes the whole row, which reloads the entire ``conversation_history`` on every turn.
The statement here appends the same way (``||`` in SQL, never rewriting the history from a
stale copy) and returns only the counters.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from dataclasses import dataclass
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from coach.errors import SessionClosed, TurnInProgress, UserInactive
from persistence.enums import SessionStatus
from persistence.errors import NotFound
from persistence.models import (
    AIPolicyViolationLog,
    AISession,
    AIToolCallLog,
    DietPreferences,
    User,
    UserGoal,
    UserProfile,
    table_of,
)
from persistence.text import scrub_json

TURN_KEY: Final = "turn"
#: Metadata key: the last turn found dead (its lease lapsed) and taken over.
INTERRUPTED_KEY: Final = "interrupted_turn"
#: Metadata key: how many stored messages have been folded into ``context_summary``.
FOLDED_KEY: Final = "folded_messages"
PLAN_KEY: Final = "current_plan"
FLAGS_KEY: Final = "flags"
#: Violations of the user's last this-many days become safety flags in the instructions.
FLAG_WINDOW_DAYS: Final = 30

_S = table_of(AISession)
_V = table_of(AIPolicyViolationLog)
_TL = table_of(AIToolCallLog)
_META = _S.c["metadata"]


def _history_tail() -> sa.ColumnElement[Any]:
    """``conversation_history[folded:]`` without its last message (the prompt the claim just
    appended): only the messages not folded into the summary."""
    return sa.func.jsonb_path_query_array(
        sa.func.coalesce(_S.c.conversation_history, sa.text("'[]'::jsonb")).op("-")(
            sa.literal_column("-1")
        ),
        sa.text("'$[$n to last]'::jsonpath"),
        sa.func.jsonb_build_object(
            "n", sa.func.coalesce(sa.cast(_META[FOLDED_KEY].astext, sa.Integer), 0)
        ),
    )


@dataclass(frozen=True)
class ClaimedTurn:
    """A session claimed for one turn, with what the turn needs from the database.

    ``history_json`` is the unsummarized history tail as JSON text (validated straight from
    JSON by :func:`coach.history.load_messages_json`); ``user`` holds the user's profile
    facts by :data:`USER_FACTS` name (``None`` when the user has no row).
    """

    session_id: uuid.UUID
    created: bool
    status: str
    model_tier: str
    message_count: int
    tokens_used: int
    context_summary: str | None
    metadata: dict[str, Any]
    history_json: str
    user: dict[str, Any] | None
    recent_flags: tuple[str, ...]

    @property
    def folded(self) -> int:
        """Stored messages already folded into the summary."""
        return int(self.metadata.get(FOLDED_KEY) or 0)


def marker(
    turn_id: uuid.UUID, now: dt.datetime, *, owner: str = "", lease: dt.timedelta | None = None
) -> dict[str, str]:
    """The lease of a turn: its id, start, owning process and expiry."""
    mark = {"id": str(turn_id), "at": now.isoformat()}
    if lease is not None:
        mark |= {"owner": owner, "until": (now + lease).isoformat()}
    return mark


def _as_time(value: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    return sa.cast(value.astext, sa.DateTime(timezone=True))


def _lease_lapsed() -> sa.ColumnElement[bool]:
    """The session's lease (if any) lapsed before ``:now`` (legacy markers: ``:legacy_cutoff``)."""
    lease = _META[TURN_KEY]
    return sa.or_(
        _as_time(lease["until"]) < sa.bindparam("now", type_=sa.DateTime(timezone=True)),
        sa.and_(lease["until"].is_(None), _as_time(lease["at"]) < sa.bindparam("legacy_cutoff")),
    )


def _taken_over(meta: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    """``{interrupted_turn: {id, at}}`` for a lease being taken over, else ``{}``."""
    return sa.case(
        (
            _META[TURN_KEY].is_not(None),
            sa.func.jsonb_build_object(
                INTERRUPTED_KEY,
                sa.func.jsonb_build_object(
                    "id", meta[TURN_KEY]["id"], "at", sa.bindparam("now_text", type_=sa.Text)
                ),
            ),
        ),
        else_=sa.text("'{}'::jsonb"),
    )


def _flags_since() -> sa.ScalarSelect[Any]:
    """The user's (``:uid``) distinct violation types since ``:since``, as a text array."""
    return (
        sa.select(sa.func.array_agg(sa.distinct(sa.cast(_V.c.violation_type, sa.Text))))
        .where(_V.c.user_id == sa.bindparam("uid"), _V.c.created_at >= sa.bindparam("since"))
        .scalar_subquery()
    )


# The statements of a turn are built once (on first use) with bind parameters: building
# these expressions costs more than running them on a warm connection.

_P, _G, _D, _U = (table_of(m) for m in (UserProfile, UserGoal, DietPreferences, User))
#: The user's facts the turn needs (pinned facts, policy profile), by name.
USER_FACTS: Final[dict[str, sa.ColumnElement[Any]]] = {
    "user_id": _U.c.id,
    "display_name": _P.c.display_name,
    "sex": _P.c.sex,
    "birth_year": _P.c.birth_year,
    "height_cm": _P.c.height_cm,
    "activity_level": _P.c.activity_level,
    "timezone": _P.c.timezone,
    "goal_type": _G.c.goal_type,
    "pace": _G.c.pace_preference,
    "target_weight_kg": _G.c.target_weight_kg,
    "target_date": _G.c.target_date,
    "diet_type": _D.c.diet_type,
    "allergies": _D.c.allergies,
    "disliked_foods": _D.c.disliked_foods,
}
#: Labels of the session columns in front of :data:`USER_FACTS` in a claim's row.
_SESSION_COLUMNS: Final = (
    "id",
    "status",
    "model_tier",
    "message_count",
    "tokens_used",
    "context_summary",
    "metadata",
    "history",
    "flags",
)


def _with_user_facts(source: sa.CTE) -> sa.Select[Any]:
    """The claimed (or created) session row with the user's facts, in one statement."""
    facts = [column.label(f"u_{name}") for name, column in USER_FACTS.items()]
    return (
        sa.select(*(source.c[name] for name in _SESSION_COLUMNS), *facts)
        .select_from(source)
        .outerjoin(_U, _U.c.id == source.c.user_id)
        .outerjoin(_P, _P.c.user_id == source.c.user_id)
        .outerjoin(_G, _G.c.user_id == source.c.user_id)
        .outerjoin(_D, _D.c.user_id == source.c.user_id)
    )


def _returning_state(history: sa.ColumnElement[Any]) -> tuple[sa.ColumnElement[Any], ...]:
    return (
        _S.c.id,
        _S.c.user_id,
        _S.c.status,
        _S.c.model_tier,
        _S.c.message_count,
        _S.c.tokens_used,
        _S.c.context_summary,
        _META.label("metadata"),
        # As text: the turn validates it straight from JSON (no json.loads, no dict copy).
        sa.cast(history, sa.Text).label("history"),
        _flags_since().label("flags"),
    )


@functools.cache
def _create_stmt() -> sa.Select[Any]:
    # Inserted only for an active user: the claim checks the account in the same round trip.
    row = sa.select(
        sa.bindparam("sid", type_=_S.c.id.type),
        _U.c.id,
        sa.bindparam("tier", type_=_S.c.model_tier.type),
        sa.bindparam("meta", type_=JSONB),
        sa.cast(sa.bindparam("prompt", type_=sa.Text), JSONB),
        sa.literal_column("1"),
        sa.bindparam("now", type_=_S.c.started_at.type),
        sa.bindparam("now", type_=_S.c.last_message_at.type),
    ).where(_U.c.id == sa.bindparam("uid"), _U.c.is_active.is_(True))
    columns = ("id", "user_id", "model_tier", "metadata", "conversation_history", "message_count")
    created = (
        sa.insert(_S)
        .from_select([*columns, "started_at", "last_message_at"], row)
        .returning(*_returning_state(sa.literal_column("'[]'::jsonb")))
        .cte("created")
    )
    return _with_user_facts(created)


@functools.cache
def _claim_stmt() -> sa.Select[Any]:
    meta = sa.func.coalesce(_META, sa.text("'{}'::jsonb"))
    claimed = (
        sa.update(_S)
        .where(
            _S.c.id == sa.bindparam("sid"),
            _S.c.user_id == sa.bindparam("uid"),
            # The account is checked in the claim itself (no separate round trip).
            sa.exists().where(_U.c.id == sa.bindparam("uid"), _U.c.is_active.is_(True)),
            _S.c.status == SessionStatus.ACTIVE,
            _S.c.last_message_at >= sa.bindparam("idle_cutoff"),
            sa.or_(_META[TURN_KEY].is_(None), _lease_lapsed()),
        )
        .values(
            metadata=meta.op("||")(_taken_over(meta)).op("||")(
                sa.func.jsonb_build_object(TURN_KEY, sa.bindparam("mark", type_=JSONB))
            ),
            last_message_at=sa.bindparam("now"),
            # The user's message is stored (committed) before the model runs.
            conversation_history=sa.func.coalesce(
                _S.c.conversation_history, sa.text("'[]'::jsonb")
            ).op("||")(sa.cast(sa.bindparam("prompt", type_=sa.Text), JSONB)),
            message_count=_S.c.message_count + 1,
        )
        .returning(*_returning_state(_history_tail()))
        .cte("claimed")
    )
    return _with_user_facts(claimed)


def _flag_tuple(values: Any) -> tuple[str, ...]:
    return tuple(sorted(str(v) for v in values or ()))


def _claimed(row: sa.Row[Any], *, created: bool) -> ClaimedTurn:
    values = row._mapping
    user = (
        {name: values[f"u_{name}"] for name in USER_FACTS}
        if values["u_user_id"] is not None
        else None
    )
    return ClaimedTurn(
        session_id=values["id"],
        created=created,
        status=str(getattr(values["status"], "value", values["status"])),
        model_tier=values["model_tier"],
        message_count=values["message_count"],
        tokens_used=values["tokens_used"],
        context_summary=values["context_summary"],
        metadata=dict(values["metadata"] or {}),
        history_json=values["history"] or "[]",
        user=user,
        recent_flags=_flag_tuple(values["flags"]),
    )


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
    lease: dt.timedelta,
    owner: str,
    prompt_json: str,
    new_tier: str,
    new_metadata: dict[str, Any],
    new_session_id: uuid.UUID | None = None,
) -> ClaimedTurn:
    """Claim (or create) the session for a turn, store the user's message (``prompt_json``:
    a JSON array of the stored messages to append) and load the context, in one statement.

    The statement runs on its own (autocommit: a single statement needs no transaction, and
    none is left open). Raises ``NotFound``, ``SessionClosed`` (completed, or expired now by
    idleness) or ``TurnInProgress`` without claiming or storing anything. A new session gets
    ``new_session_id`` when given (the engine announces it before claiming). A lapsed lease
    (its process died) is taken over, the dead turn recorded as interrupted.
    """
    mark = marker(turn_id, now, owner=owner, lease=lease)
    params: dict[str, Any] = {
        "uid": user_id,
        "now": now,
        "since": now - dt.timedelta(days=FLAG_WINDOW_DAYS),
        "prompt": prompt_json,
    }
    conn = await db.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    if session_id is None:
        params |= {
            "sid": new_session_id or uuid.uuid4(),
            "tier": new_tier,
            "meta": {**new_metadata, TURN_KEY: mark},
        }
        try:
            row = (await conn.execute(_create_stmt(), params)).one_or_none()
        except IntegrityError:
            # The only constraint a new session can break is its user's foreign key.
            raise NotFound("user", user_id) from None
        if row is None:  # no active user: say which (a rare path, so a second query)
            await _check_user(db, user_id=user_id)
            raise NotFound("user", user_id)  # activated meanwhile: rare enough to refuse
        return _claimed(row, created=True)
    params |= {
        "sid": session_id,
        "idle_cutoff": now - idle,
        "legacy_cutoff": now - lease,
        "now_text": now.isoformat(),
        "mark": mark,
    }
    got = (await conn.execute(_claim_stmt(), params)).one_or_none()
    if got is None:
        await _refuse(db, user_id=user_id, session_id=session_id, now=now, idle=idle)
        raise AssertionError("unreachable")  # _refuse always raises
    return _claimed(got, created=False)


async def _check_user(db: AsyncSession, *, user_id: uuid.UUID) -> None:
    """``NotFound`` when the user has no row, ``UserInactive`` when it is deactivated."""
    active = (
        await db.execute(sa.select(_U.c.is_active).where(_U.c.id == user_id))
    ).scalar_one_or_none()
    if active is None:
        raise NotFound("user", user_id)
    if not active:
        raise UserInactive(user_id)


async def _refuse(
    db: AsyncSession,
    *,
    user_id: uuid.UUID,
    session_id: uuid.UUID,
    now: dt.datetime,
    idle: dt.timedelta,
) -> None:
    """Raise why a claim failed; an idle active session is marked expired first."""
    await _check_user(db, user_id=user_id)
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


#: Columns of the turn's ``ai_tool_call_log`` rows, written by the append statement.
AUDIT_COLUMNS: Final = (
    "id",
    "session_id",
    "user_id",
    "tool_name",
    "tool_category",
    "input_hash",
    "input_summary",
    "output_summary",
    "status",
    "error_message",
    "latency_ms",
    "cached",
    "created_at",
)


def _audit_insert() -> sa.CTE:
    """``INSERT INTO ai_tool_call_log`` of the rows in ``:audit`` (a JSON array of objects
    keyed by :data:`AUDIT_COLUMNS`), as a CTE of the append statement."""
    rows = (
        sa.func.jsonb_to_recordset(sa.cast(sa.bindparam("audit", type_=sa.Text), JSONB))
        .table_valued(*(sa.column(name, _TL.c[name].type) for name in AUDIT_COLUMNS))
        .render_derived(with_types=True)
    )
    select = sa.select(*(rows.c[name] for name in AUDIT_COLUMNS))
    return sa.insert(_TL).from_select(list(AUDIT_COLUMNS), select).cte("audit")


@functools.cache
def _append_stmt(with_summary: bool, with_audit: bool) -> sa.Update:
    values: dict[str, Any] = {
        # The messages arrive as JSON text (serialized once, by pydantic-core).
        "conversation_history": sa.func.coalesce(
            _S.c.conversation_history, sa.text("'[]'::jsonb")
        ).op("||")(sa.cast(sa.bindparam("messages", type_=sa.Text), JSONB)),
        "message_count": _S.c.message_count + sa.bindparam("added"),
        "tokens_used": _S.c.tokens_used + sa.bindparam("tokens"),
        "last_message_at": sa.func.greatest(_S.c.last_message_at, sa.bindparam("now")),
        "metadata": _meta_without_turn().op("||")(sa.bindparam("patch", type_=JSONB)),
    }
    if with_summary:
        values["context_summary"] = sa.bindparam("summary")
    stmt = (
        sa.update(_S)
        .where(_S.c.id == sa.bindparam("sid"))
        .values(**values)
        .returning(_S.c.message_count, _S.c.tokens_used)
    )
    # A data-modifying CTE runs whether or not the statement refers to it.
    return stmt.add_cte(_audit_insert()) if with_audit else stmt


@functools.cache
def _release_stmt(drop_prompt: bool) -> sa.Update:
    stmt = sa.update(_S).where(_S.c.id == sa.bindparam("sid"))
    if not drop_prompt:
        return stmt.values(metadata=_meta_without_turn())
    # Only while the turn still holds its lease: its prompt is then the last message.
    return stmt.where(_META[TURN_KEY]["id"].astext == sa.bindparam("turn_id")).values(
        metadata=_meta_without_turn(),
        conversation_history=_S.c.conversation_history.op("-")(sa.literal_column("-1")),
        message_count=_S.c.message_count - 1,
    )


@functools.cache
def _renew_stmt() -> sa.Update:
    return (
        sa.update(_S)
        .where(_S.c.id == sa.bindparam("sid"), _META[TURN_KEY]["id"].astext == sa.bindparam("tid"))
        .values(
            metadata=sa.func.jsonb_set(
                _META,
                sa.text("'{turn,until}'"),
                sa.func.to_jsonb(sa.cast(sa.bindparam("until"), sa.Text)),
            )
        )
    )


@functools.cache
def _release_expired_stmt() -> sa.Update:
    return (
        sa.update(_S)
        .where(_META[TURN_KEY].is_not(None), _lease_lapsed())
        .values(metadata=_META.op("-")(TURN_KEY).op("||")(_taken_over(_META)))
    )


async def replace_summary(
    db: AsyncSession,
    *,
    session_id: uuid.UUID,
    written: str,
    summary: str,
    tokens: int,
) -> bool:
    """Replace the summary a turn stored (``written``) by ``summary``, unless it has changed
    since (True when replaced); ``tokens`` (the model's, for writing it) count either way."""
    still = _S.c.context_summary == written
    row = (
        await db.execute(
            sa.update(_S)
            .where(_S.c.id == session_id)
            .values(
                context_summary=sa.case((still, summary), else_=_S.c.context_summary),
                tokens_used=_S.c.tokens_used + tokens,
            )
            .returning((_S.c.context_summary == summary).label("replaced"))  # the new row
        )
    ).one_or_none()
    return bool(row is not None and row.replaced)


async def append(
    db: AsyncSession,
    *,
    session_id: uuid.UUID,
    turn_id: uuid.UUID,
    messages_json: str,
    messages_added: int,
    tokens: int,
    now: dt.datetime,
    summary: str | None,
    metadata_patch: dict[str, Any],
    audit_json: str | None = None,
) -> Counters:
    """Append a turn (``messages_json``: a JSON array of stored messages), update counters
    and metadata, release the claim and insert the turn's tool-call rows (``audit_json``: a
    JSON array of rows keyed by :data:`AUDIT_COLUMNS`), all in one statement (no commit)."""
    params: dict[str, Any] = {
        "sid": session_id,
        "turn_id": str(turn_id),
        # A tool result may quote a value stored before NUL was refused at the edge.
        "messages": scrub_json(messages_json),
        "added": messages_added,
        "tokens": tokens,
        "now": now,
        "patch": metadata_patch,
    }
    if summary is not None:
        params["summary"] = summary
    if audit_json is not None:
        params["audit"] = scrub_json(audit_json)
    stmt = _append_stmt(summary is not None, audit_json is not None)
    row = (await db.execute(stmt, params)).one()
    return Counters(message_count=row[0], tokens_used=row[1])


async def release(
    db: AsyncSession, *, session_id: uuid.UUID, turn_id: uuid.UUID, drop_prompt: bool = False
) -> None:
    """Remove the turn's lease when nothing more is appended (commits); ``drop_prompt``
    also takes back the user's message the claim stored (a turn refused before it began)."""
    await db.execute(_release_stmt(drop_prompt), {"sid": session_id, "turn_id": str(turn_id)})
    await db.commit()


async def renew(
    db: AsyncSession, *, session_id: uuid.UUID, turn_id: uuid.UUID, until: dt.datetime
) -> bool:
    """Move the turn's lease expiry to ``until`` (commits); False when the turn no longer
    holds the lease (it lapsed and was taken over)."""
    result = await db.execute(
        _renew_stmt(), {"sid": session_id, "tid": str(turn_id), "until": until.isoformat()}
    )
    await db.commit()
    return bool(getattr(result, "rowcount", 0))


async def release_expired(db: AsyncSession, *, now: dt.datetime, lease: dt.timedelta) -> int:
    """Free every session whose lease lapsed (its process died), recording the dead turn as
    interrupted; returns how many (commits). Every process runs it at startup."""
    result = await db.execute(
        _release_expired_stmt(),
        {"now": now, "now_text": now.isoformat(), "legacy_cutoff": now - lease},
    )
    await db.commit()
    return int(getattr(result, "rowcount", 0) or 0)
