"""``coach audit``: read-only reports on tool calls, sessions and policy violations.

Exit codes: 0 done, 1 nothing found (unknown user or session) or database error, 2 bad
input (a malformed duration, date, id or option), reported without a traceback.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from coach.audit.errors import InvalidAuditInput
from coach.audit.models import ToolFilters, ToolGroupBy, ViolationFilters, ViolationGroupBy
from coach.audit.queries import (
    MAX_LIMIT,
    read_only_session,
    resolve_user,
    slow_calls,
    tool_report,
    user_report,
    violation_report,
)
from coach.audit.render import OutputFormat, Report, render
from coach.audit.timeline import session_timeline
from coach.audit.window import TimeWindow, resolve_window
from persistence.db import create_engine, create_session_factory
from persistence.enums import PolicyViolationType, Severity
from persistence.errors import NotFound, PersistenceError
from persistence.settings import DatabaseSettings

err = Console(stderr=True)

audit_app = typer.Typer(
    help="Read-only audit of tool calls, sessions and policy violations.",
    no_args_is_help=True,
)

SinceOption = Annotated[
    str | None,
    typer.Option("--since", help="window ending now: 90m, 24h, 7d, 2w, 1d12h [default: 7d]"),
]
FromOption = Annotated[
    str | None, typer.Option("--from", help="window start: ISO date or date-time (UTC)")
]
ToOption = Annotated[
    str | None, typer.Option("--to", help="window end (exclusive; a bare date includes that day)")
]
UserOption = Annotated[str | None, typer.Option("--user", help="user id or email")]
ToolOption = Annotated[str | None, typer.Option("--tool", help="tool name")]
LimitOption = Annotated[
    int, typer.Option("--limit", min=1, max=MAX_LIMIT, help="maximum groups or rows")
]
FormatOption = Annotated[
    OutputFormat,
    typer.Option(
        "--format", "-f", help="table for people, json for everything, csv for the main table"
    ),
]

_CLI_FIELDS = {"since": "--since", "from": "--from", "to": "--to"}


def _bad_input(exc: InvalidAuditInput) -> NoReturn:
    err.print(f"[red]error:[/red] {_CLI_FIELDS.get(exc.field, exc.field)}: {exc.reason}")
    raise typer.Exit(2)


def _window(
    since: str | None, from_: str | None, to: str | None, *, default: str | None = "7d"
) -> TimeWindow:
    try:
        return resolve_window(
            since=since, from_=from_, to=to, now=dt.datetime.now(dt.UTC), default_since=default
        )
    except InvalidAuditInput as exc:
        _bad_input(exc)


async def _user_id(db: AsyncSession, key: str | None) -> uuid.UUID | None:
    return None if key is None else (await resolve_user(db, key=key)).id


def _run(query: Callable[[AsyncSession], Awaitable[Report]], fmt: OutputFormat) -> None:
    """Run ``query`` in a read-only session on the configured database and print it."""
    from persistence.cli import database_for_cli

    resolved = database_for_cli()

    async def go() -> Report:
        engine = create_engine(DatabaseSettings(), resolved.url)
        try:
            async with read_only_session(create_session_factory(engine)) as session:
                return await query(session)
        finally:
            await engine.dispose()

    try:
        report = asyncio.run(go())
    except InvalidAuditInput as exc:
        _bad_input(exc)
    except NotFound as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None
    except (DBAPIError, OSError, PersistenceError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        err.print(f"[red]error:[/red] database: {reason}")
        raise typer.Exit(1) from None
    text = render(report, fmt)
    if text is not None:
        typer.echo(text, nl=not text.endswith("\n"))


@audit_app.command("tools")
def tools_command(
    since: SinceOption = None,
    from_: FromOption = None,
    to: ToOption = None,
    user: UserOption = None,
    tool: ToolOption = None,
    session: Annotated[uuid.UUID | None, typer.Option("--session", help="session id")] = None,
    by: Annotated[ToolGroupBy | None, typer.Option("--by", help="group the calls")] = None,
    limit: LimitOption = 50,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """Calls, outcomes, error and cache-hit rates, latency p50/p95/p99 and top errors."""
    window = _window(since, from_, to)

    async def query(db: AsyncSession) -> Report:
        filters = ToolFilters(user_id=await _user_id(db, user), tool=tool, session_id=session)
        return await tool_report(db, window=window, filters=filters, by=by, limit=limit)

    _run(query, fmt)


@audit_app.command("session")
def session_command(
    session_id: Annotated[uuid.UUID, typer.Argument(metavar="ID", help="session id")],
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """A session's timeline: messages, tool calls, policy decisions and tokens."""

    async def query(db: AsyncSession) -> Report:
        return await session_timeline(db, session_id=session_id)

    _run(query, fmt)


@audit_app.command("violations")
def violations_command(
    since: SinceOption = None,
    from_: FromOption = None,
    to: ToOption = None,
    user: UserOption = None,
    violation_type: Annotated[
        PolicyViolationType | None, typer.Option("--type", help="violation type")
    ] = None,
    severity: Annotated[Severity | None, typer.Option("--severity")] = None,
    by: Annotated[ViolationGroupBy | None, typer.Option("--by", help="group the counts")] = None,
    limit: LimitOption = 50,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """Policy violations: counts, the daily trend and the top redacted triggers."""
    window = _window(since, from_, to)

    async def query(db: AsyncSession) -> Report:
        filters = ViolationFilters(
            user_id=await _user_id(db, user), violation_type=violation_type, severity=severity
        )
        return await violation_report(db, window=window, filters=filters, by=by, limit=limit)

    _run(query, fmt)


@audit_app.command("user")
def user_command(
    key: Annotated[str, typer.Argument(metavar="ID|EMAIL", help="user id or email")],
    since: Annotated[
        str | None, typer.Option("--since", help="window ending now (default: all time)")
    ] = None,
    from_: FromOption = None,
    to: ToOption = None,
    limit: LimitOption = 50,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """One user's sessions, tool usage per tool and violations per type."""
    window = _window(since, from_, to, default=None)

    async def query(db: AsyncSession) -> Report:
        return await user_report(db, key=key, window=window, limit=limit)

    _run(query, fmt)


@audit_app.command("slow")
def slow_command(
    over: Annotated[int, typer.Option("--over", min=0, help="latency threshold in ms")] = 1000,
    since: SinceOption = None,
    from_: FromOption = None,
    to: ToOption = None,
    user: UserOption = None,
    tool: ToolOption = None,
    limit: LimitOption = 50,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """The slowest tool calls at or over --over milliseconds, slowest first."""
    window = _window(since, from_, to)

    async def query(db: AsyncSession) -> Report:
        filters = ToolFilters(user_id=await _user_id(db, user), tool=tool)
        return await slow_calls(db, window=window, over_ms=over, filters=filters, limit=limit)

    _run(query, fmt)
