"""Errors the conversation engine raises before a turn starts.

::

    CoachError                 base of every engine error
    ├── SessionClosed          the session is completed or expired (HTTP 409, with a hint)
    ├── TurnInProgress         another turn of the session is running (HTTP 409)
    ├── UserInactive           the user's account is deactivated (HTTP 403)
    └── ModelUnavailable       the configured model spec cannot be built (HTTP 503)

A missing session (or another user's) raises ``persistence.errors.NotFound`` (HTTP 404).
Failures after a turn has started are not raised: they end the stream with an ``error``
event (see :mod:`coach.events`).
"""

from __future__ import annotations

import uuid


class CoachError(Exception):
    """Base of every engine error; ``message`` is safe to show to the client."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SessionClosed(CoachError):
    """Messages to a completed or expired session are refused."""

    hint = "start a new session (send the message without a session_id)"

    def __init__(self, session_id: uuid.UUID, status: str) -> None:
        super().__init__(f"session {session_id} is {status}; {self.hint}")
        self.session_id = session_id
        self.status = status


class TurnInProgress(CoachError):
    """A turn of this session is already running; retry when it has finished."""

    def __init__(self, session_id: uuid.UUID) -> None:
        super().__init__(
            f"a turn of session {session_id} is in progress; retry when it has finished"
        )
        self.session_id = session_id


class ModelUnavailable(CoachError):
    """The model spec is invalid or cannot be used with the current settings."""

    def __init__(self, spec: str, reason: str) -> None:
        super().__init__(f"model {spec!r} is unavailable: {reason}")
        self.spec = spec
        self.reason = reason


class UserInactive(CoachError):
    """The user's account is deactivated: no turn is claimed for it."""

    def __init__(self, user_id: uuid.UUID) -> None:
        super().__init__("this account is inactive")
        self.user_id = user_id
