"""``coach db`` and what every data-printing command shares: ``--format`` and the database.

Light to import: the migrations and the database drivers are imported by the commands.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from persistence.db import ResolvedDatabase


class _StderrConsole:
    """A rich console on stderr, built on first use (rich takes a while to import)."""

    _console: Console | None = None

    def print(self, *objects: Any, **kwargs: Any) -> None:
        """``Console.print`` on stderr."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=True, soft_wrap=True)
        self._console.print(*objects, **kwargs)


err = _StderrConsole()


class OutputFormat(StrEnum):
    """How data-printing commands print."""

    TABLE = "table"
    JSON = "json"


FormatOption = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="table for people, json for scripts")
]


def echo_json(value: Any, *, indent: int | None = None) -> None:
    """Print ``value`` as JSON on stdout."""
    typer.echo(json.dumps(value, indent=indent, default=str, ensure_ascii=False))


def database_for_cli() -> ResolvedDatabase:
    """The configured database (starting the embedded one if needed), announced on stderr."""
    from persistence.db import describe_url, resolve_database
    from persistence.errors import PersistenceError
    from persistence.settings import DatabaseSettings

    try:
        db = resolve_database(DatabaseSettings())
    except PersistenceError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from exc
    where = "embedded PostgreSQL" if db.embedded else "PostgreSQL"
    err.print(f"[dim]database: {where} {describe_url(db.url)}[/dim]")
    return db


db_app = typer.Typer(help="Database migrations and status.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="target revision")] = "head",
) -> None:
    """Migrate the configured database up to REVISION (default: head)."""
    from persistence import migrations

    db = database_for_cli()
    migrations.upgrade(db.url, revision)
    err.print(f"database at revision {migrations.current_revision(db.url)}")


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[str, typer.Argument(help="target revision, or 'base' for nothing")],
) -> None:
    """Migrate the configured database down to REVISION."""
    from persistence import migrations

    db = database_for_cli()
    migrations.downgrade(db.url, revision)
    err.print(f"database at revision {migrations.current_revision(db.url) or 'base'}")


@db_app.command("current")
def db_current(fmt: FormatOption = OutputFormat.TABLE) -> None:
    """Print the database's current revision."""
    from persistence import migrations

    db = database_for_cli()
    revision = migrations.current_revision(db.url)
    if fmt is OutputFormat.JSON:
        echo_json({"revision": revision, "head": migrations.head_revision()})
        return
    typer.echo(revision or "base")


@db_app.command("history")
def db_history(fmt: FormatOption = OutputFormat.TABLE) -> None:
    """List the migrations, newest first."""
    from persistence import migrations

    rows = migrations.history()
    if fmt is OutputFormat.JSON:
        echo_json([{"revision": r, "down_revision": d, "message": m} for r, d, m in rows])
        return
    for rev, down, message in rows:
        typer.echo(f"{down or '<base>'} -> {rev}: {message}")


@db_app.command("info")
def db_info(fmt: FormatOption = OutputFormat.TABLE) -> None:
    """Which database, which revision, and row counts per table."""
    from rich.console import Console
    from rich.table import Table

    from persistence import migrations
    from persistence.db import describe_url

    db = database_for_cli()
    info = migrations.info(db.url)
    payload = {
        "database": describe_url(db.url),
        "embedded": db.embedded,
        "server_version": info.server_version,
        "revision": info.revision,
        "head": info.head,
        "up_to_date": info.revision == info.head,
        "row_counts": info.row_counts,
    }
    if fmt is OutputFormat.JSON:
        echo_json(payload)
        return
    console = Console()
    console.print(f"database  {payload['database']}{' (embedded)' if db.embedded else ''}")
    console.print(f"server    PostgreSQL {info.server_version}")
    state = (
        "up to date" if payload["up_to_date"] else f"head is {info.head}: run `coach db upgrade`"
    )
    console.print(f"revision  {info.revision or 'base'} ({state})")
    table = Table("table", "rows")
    for name, count in info.row_counts.items():
        table.add_row(name, "missing" if count is None else str(count))
    console.print(table)


__all__ = [
    "FormatOption",
    "OutputFormat",
    "database_for_cli",
    "db_app",
    "echo_json",
    "err",
]
