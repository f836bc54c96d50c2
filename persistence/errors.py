"""Errors raised by the persistence layer.

::

    PersistenceError
    ├── NotFound      the row does not exist (or is not the caller's)
    ├── Conflict      a unique or state constraint would be violated
    └── DatabaseUnavailable   no database could be reached or started
"""

from __future__ import annotations


class PersistenceError(Exception):
    """Base of every persistence error."""


class NotFound(PersistenceError):
    """The requested row does not exist or does not belong to the caller."""

    def __init__(self, entity: str, key: object) -> None:
        super().__init__(f"{entity} {key} not found")
        self.entity = entity
        self.key = key


class Conflict(PersistenceError):
    """A unique or state constraint would be violated."""


class DatabaseUnavailable(PersistenceError):
    """No database could be reached or started."""
