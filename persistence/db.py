"""Engine and session factory, built by the app or the CLI (never at import)."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine

from persistence.errors import DatabaseUnavailable
from persistence.settings import DatabaseSettings

log = logging.getLogger(__name__)


def normalize_url(url: str) -> str:
    """Use the asyncpg driver for plain ``postgresql://`` / ``postgres://`` URLs."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


def describe_url(url: str) -> str:
    """The URL without its password, for logs and ``coach db info``."""
    return make_url(url).render_as_string(hide_password=True)


@dataclass(frozen=True, slots=True)
class ResolvedDatabase:
    """The database in use: its URL and whether it is the embedded server."""

    url: str
    embedded: bool


def resolve_database(settings: DatabaseSettings) -> ResolvedDatabase:
    """The configured database, starting the embedded server when none is configured."""
    if settings.database_url:
        return ResolvedDatabase(url=normalize_url(settings.database_url), embedded=False)
    from persistence.embedded import start_embedded_postgres

    return ResolvedDatabase(url=start_embedded_postgres(settings.coach_data_dir), embedded=True)


def create_engine(settings: DatabaseSettings, url: str | None = None) -> AsyncEngine:
    """An async engine with the configured pool."""
    target = normalize_url(url or settings.database_url or "")
    if not target:
        raise ValueError("no database URL: call resolve_database() first")
    engine = _create_async_engine(
        target,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_recycle=settings.db_pool_recycle,
        pool_timeout=settings.db_pool_timeout,
        # The most recently used connection first: a light load keeps reusing a few warm
        # connections (their prepared statements), a burst reaches for the rest.
        pool_use_lifo=True,
        echo=settings.db_echo,
    )
    if settings.db_pool_pre_ping:
        _ping_idle_connections(engine, idle_s=settings.db_pool_ping_idle_s)
    _name_socket_failures(engine)
    _learn_enum_types(engine)
    return engine


async def fill_pool(engine: AsyncEngine, count: int) -> int:
    """Open ``count`` connections at once and hand them back to the pool; how many opened.

    A pool fills as it is used, so the first burst after a start (a deploy, a restart)
    would otherwise open its connections while it waits for them, each a new server
    process, a handshake and the type lookups. ``count`` should not exceed the pool size
    (connections above it are closed when handed back). A database that cannot be reached
    now is logged, not raised: the pool opens connections when they are needed anyway.
    """
    connections = await asyncio.gather(
        *(engine.connect() for _ in range(count)), return_exceptions=True
    )
    opened = [c for c in connections if isinstance(c, AsyncConnection)]
    for connection in opened:
        await connection.close()
    failures = [c for c in connections if isinstance(c, BaseException)]
    if failures:
        log.warning(
            "opened %d of %d pooled connections at startup: %s",
            len(opened),
            count,
            failures[0],
        )
    return len(opened)


def _enum_type_names() -> list[str]:
    """The schema's PostgreSQL ENUM types, by name."""
    from persistence.models import metadata

    return sorted(
        {
            column.type.name
            for table in metadata.tables.values()
            for column in table.columns
            if isinstance(column.type, sa.Enum) and column.type.name
        }
    )


def _learn_enum_types(engine: AsyncEngine) -> None:
    """Every new connection learns the schema's ENUM types at once.

    asyncpg looks up a type it has no codec for (an ENUM: a column, a parameter) the first
    time a statement of the connection uses it, with a catalogue query of several
    milliseconds of server CPU, once per statement that brings new ones. Under a burst many
    connections are new or run the hot statements for the first time, and those lookups
    queue with the burst's own queries. One statement naming every ENUM of the schema, run
    when the connection opens, makes it one lookup per connection, before any request uses
    it. Types missing from the database (not migrated yet) are skipped.
    """
    names = _enum_type_names()
    if not names:
        return

    async def learn(connection: Any) -> None:
        present = await connection.fetch(
            "SELECT n FROM unnest($1::text[]) AS n WHERE to_regtype(n) IS NOT NULL", names
        )
        if present:
            columns = ", ".join(f'NULL::"{row[0]}"' for row in present)
            await connection.fetchrow(f"SELECT {columns}")

    @event.listens_for(engine.sync_engine, "connect")
    def _connected(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.run_async(learn)


def _name_socket_failures(engine: AsyncEngine) -> None:
    """A driver error that is a bare ``OSError`` (asyncpg raises them unwrapped: a refused
    connection, a missing Unix socket, a broken pipe) becomes ``DatabaseUnavailable``,
    whether it happens while connecting or on an open connection."""

    @event.listens_for(engine.sync_engine, "do_connect")
    def _connect(dialect: Any, record: Any, cargs: Any, cparams: Any) -> Any:
        try:
            return dialect.connect(*cargs, **cparams)
        except OSError as exc:
            raise DatabaseUnavailable(f"cannot connect: {type(exc).__name__}: {exc}") from exc

    @event.listens_for(engine.sync_engine, "handle_error")
    def _unreachable(context: ExceptionContext) -> None:
        original = context.original_exception
        if context.sqlalchemy_exception is None and isinstance(original, OSError):
            raise DatabaseUnavailable(f"{type(original).__name__}: {original}")


def _ping_idle_connections(engine: AsyncEngine, *, idle_s: float) -> None:
    """Pre-ping, but only connections that sat idle in the pool for more than ``idle_s``.

    SQLAlchemy's own pre-ping costs three round trips on asyncpg at every checkout. A
    connection handed back a moment ago is as alive as a ping would show, while one idle for
    a while may have been dropped by the server or a proxy: only those are pinged, and a dead
    one is replaced before the caller sees it (``DisconnectionError`` makes the pool retry).
    """
    pool = engine.sync_engine.pool

    @event.listens_for(pool, "checkin")
    def _checked_in(dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(pool, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        idle_since = record.info.pop("idle_since", None)
        if idle_since is None or time.monotonic() - idle_since <= idle_s:
            return  # new (just connected) or recently used
        try:
            dbapi_connection.ping()
        except Exception as exc:
            raise DisconnectionError(f"pooled connection failed its ping: {exc}") from exc


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
