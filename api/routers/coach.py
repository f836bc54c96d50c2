"""The AI coach over HTTP: chat turns streamed as SSE, replay, and the user's sessions.

- ``POST /coach/chat`` runs one turn: ``text/event-stream`` by default, or the whole turn as
  one JSON object when the client sends ``Accept: application/json``;
- ``GET /coach/sessions/{id}/stream`` replays the rest of the last turn after
  ``Last-Event-ID`` (header) or ``?last_event_id=``, without running the model again;
- ``POST /coach/sessions``, ``POST /coach/sessions/{id}/complete``, ``GET /coach/sessions``
  (paginated), ``GET /coach/sessions/{id}`` (with readable history) and ``DELETE``.

Another user's session is indistinguishable from a missing one: 404 everywhere. Refusals
the engine raises before a turn starts map to problem+json (404, 409 closed with a hint,
409 turn in progress, 503 model unavailable); once the stream has started, failures arrive
as a terminal ``error`` event instead.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Literal

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlmodel import col

from api.deps import DbSession, State, TokenUserId
from api.errors import ApiError
from api.routers.coach_history import HistoryItem, render_history
from api.sse import Primed, event_stream_response, prime
from api.state import AppState
from coach.engine import CoachEngine
from coach.errors import ModelUnavailable, SessionClosed, TurnInProgress, UserInactive
from coach.events import ChatEvent
from coach.sessions import FOLDED_KEY, TURN_KEY
from persistence.enums import SessionStatus
from persistence.errors import NotFound
from persistence.models import AISession, User
from persistence.repositories import ai_logs, ai_sessions

router = APIRouter(tags=["coach"])

_INTERNAL_METADATA = frozenset({TURN_KEY, FOLDED_KEY})
#: A hard cap before the engine's own (configurable) limit, ``COACH_MAX_MESSAGE_CHARS``.
MAX_MESSAGE_CHARS = 20_000


# ---------------------------------------------------------------------------- schemas


class ChatRequest(BaseModel):
    """One user message; without ``session_id`` a new session is started."""

    model_config = ConfigDict(extra="forbid")

    message: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS)
    session_id: uuid.UUID | None = None

    @field_validator("message")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must contain text")
        return value


class EventOut(BaseModel):
    """One event of a turn, as in the SSE stream."""

    event: str
    id: int
    data: dict[str, Any]


class ChatTurn(BaseModel):
    """A whole turn (``Accept: application/json``)."""

    session_id: uuid.UUID | None
    reply: str = Field(description="the text deltas joined")
    events: list[EventOut]
    usage: dict[str, Any] | None = None
    message_count: int | None = None
    tokens_used: int | None = None
    error: dict[str, Any] | None = None


class CreateSession(BaseModel):
    """Options of a new session."""

    model_config = ConfigDict(extra="forbid")

    model_tier: Literal["free", "standard", "premium"] | None = None


class SessionOut(BaseModel):
    """A session without its history."""

    id: uuid.UUID
    status: SessionStatus
    started_at: dt.datetime | None
    last_message_at: dt.datetime | None
    message_count: int
    tokens_used: int
    model_tier: str


class SessionDetail(SessionOut):
    """A session with its summary and readable history."""

    context_summary: str | None
    metadata: dict[str, Any] | None
    history: list[HistoryItem]


class SessionPage(BaseModel):
    """A page of sessions, most recent activity first."""

    items: list[SessionOut]
    total: int
    limit: int
    offset: int
    next_offset: int | None


# ---------------------------------------------------------------------------- helpers


def _engine(state: AppState) -> CoachEngine:
    if state.coach_engine is None:
        raise ApiError(503, "the coach is not available on this server")
    return state.coach_engine


async def _active_user_id(user_id: TokenUserId, state: State) -> uuid.UUID:
    """The token's user, checked active on a connection that is returned at once.

    Chat routes must not hold a request-scoped database session while a turn streams; a
    Core query (no ORM session) keeps this check cheap on every turn.
    """
    async with state.engine.connect() as conn:
        active = (
            await conn.execute(sa.select(col(User.is_active)).where(col(User.id) == user_id))
        ).scalar_one_or_none()
    if active is None:
        raise ApiError(401, "invalid or expired token", headers={"WWW-Authenticate": "Bearer"})
    if not active:
        raise ApiError(403, "this account is inactive")
    return user_id


ActiveUserId = Annotated[uuid.UUID, Depends(_active_user_id)]


@contextmanager
def _coach_errors() -> Iterator[None]:
    """Map the engine's refusals to HTTP (``NotFound`` is mapped app-wide to 404)."""
    try:
        yield
    except SessionClosed as exc:
        raise ApiError(409, exc.message, hint=exc.hint, session_status=exc.status) from exc
    except TurnInProgress as exc:
        raise ApiError(409, "turn in progress", headers={"Retry-After": "1"}) from exc
    except UserInactive as exc:
        raise ApiError(403, "this account is inactive") from exc
    except NotFound as exc:
        if exc.entity != "user":
            raise
        # The token's user is gone: the same answer as the token check gives.
        raise ApiError(
            401, "invalid or expired token", headers={"WWW-Authenticate": "Bearer"}
        ) from exc
    except ModelUnavailable as exc:
        raise ApiError(503, "the coach model is unavailable; try again shortly") from exc
    except ValueError as exc:
        # The engine names the field first ("message: at most 4000 characters").
        field, _, reason = str(exc).partition(": ")
        path = f"body.{field}" if reason and field.isidentifier() else "body"
        message = reason or str(exc)
        raise ApiError(
            422,
            f"{path}: {message}",
            title="Validation failed",
            errors=[{"field": path, "message": message}],
        ) from exc


def _session_out(session: AISession) -> SessionOut:
    return SessionOut(
        id=session.id,
        status=session.status,
        started_at=session.started_at,
        last_message_at=session.last_message_at,
        message_count=session.message_count,
        tokens_used=session.tokens_used,
        model_tier=session.model_tier,
    )


def _public_metadata(metadata: dict[str, Any] | None) -> dict[str, Any] | None:
    # The engine's bookkeeping (the running turn's claim, the fold counter) is not for clients.
    if metadata is None:
        return None
    return {k: v for k, v in metadata.items() if k not in _INTERNAL_METADATA}


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "").lower()
    return "application/json" in accept and "text/event-stream" not in accept


async def _collect(primed: Primed[ChatEvent]) -> ChatTurn:
    events: list[EventOut] = []
    text: list[str] = []
    found: dict[str, Any] = {}
    async for event in primed.events():
        events.append(EventOut(event=event.event, id=event.id, data=dict(event.data)))
        data = event.data
        if event.event == "session":
            found["session_id"] = uuid.UUID(str(data["session_id"]))
        elif event.event == "text":
            text.append(str(data.get("delta", "")))
        elif event.event == "usage":
            found["usage"] = dict(data)
        elif event.event == "done":
            found["message_count"] = data.get("message_count")
            found["tokens_used"] = data.get("tokens_used")
        elif event.event == "error":
            found["error"] = dict(data)
    return ChatTurn(
        session_id=found.pop("session_id", None), reply="".join(text), events=events, **found
    )


_SSE_EXAMPLE = (
    'id: 1\nevent: session\ndata: {"session_id":"…","status":"active"}\n\n'
    'id: 2\nevent: tool_call\ndata: {"tool":"get_weight_trend","call_id":"call_…",'
    '"args_summary":"{}"}\n\n'
    'id: 5\nevent: text\ndata: {"delta":"Over the last 28 days your trend weight …"}\n\n'
    'id: 9\nevent: done\ndata: {"session_id":"…","message_count":2,"tokens_used":177}\n\n'
)
_SSE_DOC = {
    "description": "the turn as Server-Sent Events (default), or as one JSON object "
    "(ChatTurn) with Accept: application/json",
    "content": {"text/event-stream": {"schema": {"type": "string"}, "example": _SSE_EXAMPLE}},
}


# ---------------------------------------------------------------------------- chat


@router.post(
    "/coach/chat",
    response_model=ChatTurn,
    responses={
        200: _SSE_DOC,
        404: {"description": "unknown session"},
        409: {"description": "session closed, or a turn in progress"},
    },
)
async def chat(body: ChatRequest, request: Request, user_id: TokenUserId, state: State) -> Response:
    """Send a message to the coach and stream its turn.

    The account is checked by the engine's claim statement (403 inactive, 401 gone), not by
    a query of its own: one database round trip less on every turn. A stream that starts a
    new session gets its ``session`` event before the claim (no wait for a database
    connection under load); for it, an account deactivated since its token was issued ends
    the stream with an ``error`` event ``account_inactive`` instead, and nothing is stored.
    """
    client = {
        "user_agent": request.headers.get("user-agent", "")[:200],
        "request_id": getattr(request.state, "request_id", None),
    }
    wants_json = _wants_json(request)
    stream = _engine(state).run_turn(
        user_id=user_id,
        message=body.message,
        session_id=body.session_id,
        client=client,
        announce_new=not wants_json,
    )
    with _coach_errors():
        primed = await prime(stream)
    if wants_json:
        turn = await _collect(primed)
        return JSONResponse(turn.model_dump(mode="json"))
    return event_stream_response(primed)


@router.get(
    "/coach/sessions/{session_id}/stream",
    response_class=Response,
    responses={
        200: {"description": "the rest of the last turn", "content": {"text/event-stream": {}}},
        204: {"description": "nothing left to replay"},
        404: {"description": "unknown session"},
    },
)
async def replay(
    session_id: uuid.UUID,
    user_id: ActiveUserId,
    state: State,
    last_event_id_header: Annotated[
        int | None, Header(alias="Last-Event-ID", ge=0, description="last event received")
    ] = None,
    last_event_id: Annotated[int | None, Query(ge=0, description="or as a query")] = None,
) -> Response:
    """Replay the events of the session's last turn after the given event id."""
    after = last_event_id_header if last_event_id_header is not None else (last_event_id or 0)
    stream = _engine(state).replay(user_id=user_id, session_id=session_id, after_id=after)
    with _coach_errors():
        primed = await prime(stream)
    if primed.first is None:
        # 204 tells an EventSource client to stop reconnecting: the turn is fully delivered.
        return Response(status_code=204)
    return event_stream_response(primed)


# ---------------------------------------------------------------------------- sessions


@router.post("/coach/sessions", status_code=201, response_model=SessionOut)
async def create_session(
    user_id: ActiveUserId, state: State, request: Request, body: CreateSession | None = None
) -> SessionOut:
    """Start an empty session (the first chat message can also start one)."""
    client = {"user_agent": request.headers.get("user-agent", "")[:200]}
    tier = body.model_tier if body else None
    with _coach_errors():
        session = await _engine(state).create_session(
            user_id=user_id, model_tier=tier, client=client
        )
    return _session_out(session)


@router.post("/coach/sessions/{session_id}/complete", response_model=SessionOut)
async def complete_session(
    session_id: uuid.UUID, user_id: ActiveUserId, state: State
) -> SessionOut:
    """Mark a session completed; later messages to it get 409."""
    with _coach_errors():
        session = await _engine(state).complete_session(user_id=user_id, session_id=session_id)
    return _session_out(session)


@router.get("/coach/sessions", response_model=SessionPage)
async def list_sessions(
    user_id: TokenUserId,
    db: DbSession,
    state: State,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
    status: SessionStatus | None = None,
) -> SessionPage:
    """The user's sessions, most recent activity first, with the total count."""
    rows, total = await ai_sessions.list_for_user(
        db, user_id=user_id, limit=limit, offset=offset, status=status
    )
    # Expiry is stored on access; a listing shows it without writing.
    idle = dt.timedelta(minutes=_engine(state).settings.coach_session_idle_minutes)
    cutoff = state.clock() - idle
    items = []
    for row in rows:
        item = _session_out(row)
        if (
            item.status is SessionStatus.ACTIVE
            and row.last_message_at
            and row.last_message_at < cutoff
        ):
            item.status = SessionStatus.EXPIRED
        items.append(item)
    following = offset + len(rows)
    return SessionPage(
        items=items,
        total=total,
        limit=limit,
        offset=offset,
        next_offset=following if following < total else None,
    )


@router.get("/coach/sessions/{session_id}", response_model=SessionDetail)
async def get_session(session_id: uuid.UUID, user_id: ActiveUserId, state: State) -> SessionDetail:
    """One session with its history: role, text and tool calls per message."""
    session = await _engine(state).get_session(user_id=user_id, session_id=session_id)
    return SessionDetail(
        **_session_out(session).model_dump(),
        context_summary=session.context_summary,
        metadata=_public_metadata(session.session_metadata),
        history=render_history(session.conversation_history or []),
    )


@router.delete("/coach/sessions/{session_id}", status_code=204)
async def delete_session(session_id: uuid.UUID, user_id: TokenUserId, db: DbSession) -> Response:
    """Delete a session with its tool-call and policy-violation logs."""
    await ai_sessions.get(db, user_id=user_id, session_id=session_id)  # 404 unless it is theirs
    # Violations first: their foreign key is SET NULL, so afterwards they could not be found.
    await ai_logs.delete_violations_for_session(db, session_id=session_id)
    await ai_sessions.delete(db, user_id=user_id, session_id=session_id)
    await db.commit()
    return Response(status_code=204)
