"""Request, turn and session ids in context variables, so every log record can carry them.

The request middleware binds the request id for the duration of a request; a chat turn's
task binds its turn and session ids (a task copies its creator's context, so the turn's
records carry the request id as well). Log formatters read them with :func:`log_ids`.
"""

from __future__ import annotations

import uuid
from contextvars import ContextVar, Token

_request_id: ContextVar[str | None] = ContextVar("coach_request_id", default=None)
_turn_id: ContextVar[str | None] = ContextVar("coach_turn_id", default=None)
_session_id: ContextVar[str | None] = ContextVar("coach_session_id", default=None)


def bind_request(request_id: str) -> Token[str | None]:
    """Set the current request id; pass the token to :func:`reset_request` afterwards."""
    return _request_id.set(request_id)


def reset_request(token: Token[str | None]) -> None:
    """Restore the request id that was current before :func:`bind_request`."""
    _request_id.reset(token)


def bind_turn(turn_id: uuid.UUID | str, session_id: uuid.UUID | str) -> None:
    """Set the current turn and session ids (call inside the turn's own task)."""
    _turn_id.set(str(turn_id))
    _session_id.set(str(session_id))


def log_ids() -> tuple[str | None, str | None, str | None]:
    """The current (request id, turn id, session id); ``None`` where unset."""
    return _request_id.get(), _turn_id.get(), _session_id.get()


__all__ = ["bind_request", "bind_turn", "log_ids", "reset_request"]
