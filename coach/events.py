"""The events a chat turn yields, in order, and their payloads.

A turn yields ``session`` first, then ``tool_call`` / ``tool_result`` / ``text`` /
``policy`` / ``plan`` as they happen, then ``usage`` and ``done`` (or a terminal ``error``).
``id`` increases by one within the turn, starting at 1, so a client can resume with
``replay(after_id=<last id seen>)``.

Payloads (``data``)::

    session      {session_id, status}
    text         {delta}
    tool_call    {tool, call_id, args_summary}
    tool_result  {tool, call_id, status, cached, latency_ms}
    policy       {stage, type, severity, action, message}
    plan         {plan, adjusted, changes}
    usage        {input_tokens, output_tokens}
    done         {session_id, message_count, tokens_used}
    error        {code, message}          (no internals)
"""

from __future__ import annotations

import uuid
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict

EventName = Literal[
    "session", "text", "tool_call", "tool_result", "policy", "plan", "usage", "done", "error"
]

#: Events after which a turn yields nothing more.
TERMINAL_EVENTS: Final = frozenset({"done", "error"})

#: ``error.code`` values: what the client can do about each.
ERROR_CODES: Final = {
    "model_unavailable": "the model could not be reached; try again later",
    "usage_limit": "the turn hit its usage limit; ask a narrower question",
    "timeout": "the turn took too long; try again",
    "cancelled": "the turn was interrupted; what was said so far is saved",
    "internal": "something went wrong; try again",
    "account_inactive": "this account is inactive",
    "unavailable": "the service is briefly unavailable; what was said so far is saved; try again",
    "turn_interrupted": "the turn was cut off by a server restart; your message is saved; "
    "send it again",
}


class ChatEvent(BaseModel):
    """One event of a turn (see the module docstring for each payload)."""

    model_config = ConfigDict(frozen=True)

    event: EventName
    id: int
    data: dict[str, Any]

    @property
    def terminal(self) -> bool:
        """True for ``done`` and ``error``."""
        return self.event in TERMINAL_EVENTS


class EventCounter:
    """Builds a turn's events with increasing ids (1, 2, 3, ...)."""

    def __init__(self) -> None:
        self._last = 0

    @property
    def last_id(self) -> int:
        """The id of the last event built (0 before any)."""
        return self._last

    def make(self, event: EventName, data: dict[str, Any]) -> ChatEvent:
        """The next event."""
        self._last += 1
        return ChatEvent(event=event, id=self._last, data=data)

    def session(self, session_id: uuid.UUID, status: str) -> ChatEvent:
        """``session`` {session_id, status}."""
        return self.make("session", {"session_id": str(session_id), "status": status})

    def text(self, delta: str) -> ChatEvent:
        """``text`` {delta}."""
        return self.make("text", {"delta": delta})

    def error(self, code: str) -> ChatEvent:
        """``error`` {code, message}, with the client-facing message of ``code``."""
        return self.make("error", {"code": code, "message": ERROR_CODES.get(code, code)})
