"""Errors raised by tools.

::

    ToolError                 base of every error a tool raises on purpose
    ├── ToolArgsError         the arguments are invalid (the model should fix and retry)
    ├── ToolBlocked           a safety policy refused the call or its arguments
    └── ToolDataMissing       the user's data cannot answer (missing profile field, no weigh-ins)

The toolset wrapper turns ``ToolArgsError`` into ``pydantic_ai.ModelRetry`` and the others
into ``pydantic_ai.ToolFailed``; every message is written for the model to act on.
"""

from __future__ import annotations


class ToolError(Exception):
    """Base of every deliberate tool error; ``message`` is shown to the model."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ToolArgsError(ToolError):
    """The arguments failed validation."""


class ToolBlocked(ToolError):
    """A safety policy refused the call."""


class ToolDataMissing(ToolError):
    """The user's data is insufficient; the message says what is missing."""
