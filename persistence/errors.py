"""Errors raised by the persistence layer, and how a backing service's outage is recognised.

::

    PersistenceError
    ├── NotFound              the row does not exist (or is not the caller's)
    ├── Conflict              a unique or state constraint would be violated
    └── ServiceUnavailable    a backing service cannot be reached now (retry shortly)
        ├── DatabaseUnavailable   no database could be reached or started
        └── RedisUnavailable      Redis is down (or its breaker is open)

:func:`outage_of` tells whether any exception (a driver's, SQLAlchemy's, redis-py's) means
that PostgreSQL or Redis is unreachable, as opposed to a bug or bad data: the API answers the
former with 503 and ``Retry-After``, the turn with an ``unavailable`` error event.
"""

from __future__ import annotations

import errno
import socket

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout


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


class ServiceUnavailable(PersistenceError):
    """A backing service (``service``: ``database`` or ``redis``) cannot be reached now."""

    service = "backing service"


class DatabaseUnavailable(ServiceUnavailable):
    """No database could be reached or started."""

    service = "database"


class RedisUnavailable(ServiceUnavailable):
    """Redis cannot be reached (or was unreachable a moment ago: its breaker is open)."""

    service = "redis"


# SQLSTATE classes and codes that mean "the server is not there right now": connection
# exceptions (08), operator intervention (57P01 admin shutdown, 57P02 crash shutdown, 57P03
# cannot connect now: starting up), and too many connections (53300).
_UNAVAILABLE_SQLSTATES = frozenset({"57P01", "57P02", "57P03", "53300"})
_SOCKET_ERRNOS = frozenset(
    {
        errno.ECONNREFUSED,
        errno.ECONNRESET,
        errno.ECONNABORTED,
        errno.EHOSTUNREACH,
        errno.ENETUNREACH,
        errno.ETIMEDOUT,
        errno.EPIPE,
    }
)


def _sqlstate(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    for candidate in (orig, getattr(orig, "__cause__", None)):
        code = getattr(candidate, "sqlstate", None)
        if isinstance(code, str):
            return code
    return ""


def _is_socket_failure(exc: BaseException) -> bool:
    if isinstance(exc, ConnectionError | TimeoutError | socket.gaierror):
        return True
    # asyncio reports several failed addresses (IPv4 and IPv6) as one plain OSError.
    return isinstance(exc, OSError) and (
        exc.errno in _SOCKET_ERRNOS or str(exc).startswith("Multiple exceptions")
    )


def outage_of(exc: BaseException) -> ServiceUnavailable | None:
    """The outage ``exc`` stands for, or ``None`` when it is not one."""
    if isinstance(exc, ServiceUnavailable):
        return exc
    if isinstance(exc, RedisConnectionError | RedisTimeoutError):
        return RedisUnavailable(str(exc))
    if isinstance(exc, PoolTimeout):
        return DatabaseUnavailable("no database connection became free in time")
    if isinstance(exc, DBAPIError):
        code = _sqlstate(exc)
        if exc.connection_invalidated or code.startswith("08") or code in _UNAVAILABLE_SQLSTATES:
            return DatabaseUnavailable(type(exc.orig).__name__)
        if type(exc.orig).__name__ == "InternalClientError":
            # asyncpg's protocol state broke (an operation cut off mid-way by a dropped
            # connection): the connection is unusable, not the data wrong.
            return DatabaseUnavailable(str(exc.orig))
        return None
    raw_code = getattr(exc, "sqlstate", None)  # asyncpg's own errors, unwrapped
    if isinstance(raw_code, str) and (
        raw_code.startswith("08") or raw_code in _UNAVAILABLE_SQLSTATES
    ):
        return DatabaseUnavailable(type(exc).__name__)
    if _is_socket_failure(exc):
        return DatabaseUnavailable(type(exc).__name__)
    return None
