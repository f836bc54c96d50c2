"""``coach sessions expire``: mark coach sessions idle for too long as expired."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated

import typer
from sqlalchemy.exc import DBAPIError

from coach.engine import CoachEngine
from coach.event_log import MemoryEventLog
from coach.settings import CoachSettings
from persistence.cli import FormatOption, OutputFormat, database_for_cli, err
from persistence.db import create_engine, create_session_factory
from persistence.errors import PersistenceError
from persistence.settings import DatabaseSettings
from tools.cache import MemoryToolCache

sessions_app = typer.Typer(help="Coach sessions: lifecycle maintenance.", no_args_is_help=True)


async def _expire(idle_minutes: int | None) -> tuple[int, int]:
    resolved = database_for_cli()
    settings = CoachSettings()
    if idle_minutes is not None:
        settings = settings.model_copy(update={"coach_session_idle_minutes": idle_minutes})
    db_engine = create_engine(DatabaseSettings(), resolved.url)
    # Only the session lifecycle is used: no model, tools or policy are needed.
    engine = CoachEngine(
        session_factory=create_session_factory(db_engine),
        cache=MemoryToolCache(max_entries=1),
        policy=None,
        settings=settings,
        event_log=MemoryEventLog(),
    )
    try:
        return await engine.expire_idle(), settings.coach_session_idle_minutes
    finally:
        await engine.aclose()
        await db_engine.dispose()


@sessions_app.command("expire")
def expire(
    idle_minutes: Annotated[
        int | None,
        typer.Option(
            "--idle-minutes", min=1, help="idle time before expiry (default: the setting)"
        ),
    ] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """Expire active sessions without a message for COACH_SESSION_IDLE_MINUTES (default 30)."""
    try:
        count, minutes = asyncio.run(_expire(idle_minutes))
    except (DBAPIError, OSError, PersistenceError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        err.print(f"[red]error:[/red] database: {reason}")
        raise typer.Exit(1) from None
    if fmt is OutputFormat.JSON:
        typer.echo(json.dumps({"expired": count, "idle_minutes": minutes}))
        return
    typer.echo(f"expired {count} session(s) idle for more than {minutes} minutes")
