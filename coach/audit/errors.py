"""Errors of the audit queries.

::

    AuditError
    └── InvalidAuditInput   a filter or window is malformed (names the field and why)

Unknown users and sessions raise ``persistence.errors.NotFound``.
"""

from __future__ import annotations


class AuditError(Exception):
    """Base of every audit error."""


class InvalidAuditInput(AuditError):
    """A filter value the caller typed is malformed; ``field`` is its neutral name (``since``)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
