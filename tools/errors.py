"""Errors raised by tools.

::

    ToolError                 base of every error a tool raises on purpose
    ├── ToolArgsError         the arguments are invalid (the model should fix and retry)
    ├── ToolBlocked           a safety policy refused the call or its arguments
    └── ToolDataMissing       the user's data cannot answer; typed by ``code``:
                              missing_profile_fields, not_enough_data, no_target_weight,
                              unknown_user (``fields`` names what is missing)

The toolset wrapper turns ``ToolArgsError`` into ``pydantic_ai.ModelRetry`` and the others
into ``pydantic_ai.ToolFailed``; every message is written for the model to act on. A typed
error's message starts with its code and fields (``missing_profile_fields (height_cm,
birth_year): ...``), so any model, and :func:`parse_tool_error`, can tell what to ask for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final


class DataErrorCode(StrEnum):
    """Why the user's data cannot answer a tool call."""

    MISSING_PROFILE_FIELDS = "missing_profile_fields"
    NOT_ENOUGH_DATA = "not_enough_data"
    NO_TARGET_WEIGHT = "no_target_weight"
    UNKNOWN_USER = "unknown_user"


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
    """The user's data is insufficient: ``code`` says how, ``fields`` names what is missing
    (profile fields such as ``height_cm``, or data such as ``weigh_ins``)."""

    def __init__(self, code: DataErrorCode, detail: str, *, fields: tuple[str, ...] = ()) -> None:
        named = f" ({', '.join(fields)})" if fields else ""
        super().__init__(f"{code.value}{named}: {detail}")
        self.code = code
        self.fields = fields
        self.detail = detail


@dataclass(frozen=True, slots=True)
class ParsedToolError:
    """A typed tool error read back from its message."""

    code: DataErrorCode
    fields: tuple[str, ...]
    detail: str


_TYPED: Final = re.compile(
    r"^(?P<code>" + "|".join(c.value for c in DataErrorCode) + r")(?: \((?P<fields>[^)]*)\))?: "
    r"(?P<detail>.*)$",
    re.DOTALL,
)


def parse_tool_error(message: str) -> ParsedToolError | None:
    """The code, fields and detail of a :class:`ToolDataMissing` message; ``None`` for any
    other message."""
    match = _TYPED.match(message.strip())
    if match is None:
        return None
    fields = tuple(f.strip() for f in (match.group("fields") or "").split(",") if f.strip())
    return ParsedToolError(DataErrorCode(match.group("code")), fields, match.group("detail"))
