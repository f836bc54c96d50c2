"""The ``coach`` command line.

Sub-commands are grouped by package; each builds what it needs (settings, engine, cache)
when it runs, never at import.
"""

from __future__ import annotations

import json
import logging
import sys
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from persistence import migrations
from persistence.db import ResolvedDatabase, describe_url, resolve_database
from persistence.errors import PersistenceError
from persistence.settings import DatabaseSettings

err = Console(stderr=True)


class OutputFormat(StrEnum):
    """How data-printing commands print."""

    TABLE = "table"
    JSON = "json"


FormatOption = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="table for people, json for scripts")
]


def database_for_cli() -> ResolvedDatabase:
    """The configured database (starting the embedded one if needed), announced on stderr."""
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
    db = database_for_cli()
    migrations.upgrade(db.url, revision)
    err.print(f"database at revision {migrations.current_revision(db.url)}")


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[str, typer.Argument(help="target revision, or 'base' for nothing")],
) -> None:
    """Migrate the configured database down to REVISION."""
    db = database_for_cli()
    migrations.downgrade(db.url, revision)
    err.print(f"database at revision {migrations.current_revision(db.url) or 'base'}")


@db_app.command("current")
def db_current() -> None:
    """Print the database's current revision."""
    db = database_for_cli()
    typer.echo(migrations.current_revision(db.url) or "base")


@db_app.command("history")
def db_history(fmt: FormatOption = OutputFormat.TABLE) -> None:
    """List the migrations, newest first."""
    rows = migrations.history()
    if fmt is OutputFormat.JSON:
        typer.echo(
            json.dumps([{"revision": r, "down_revision": d, "message": m} for r, d, m in rows])
        )
        return
    for rev, down, message in rows:
        typer.echo(f"{down or '<base>'} -> {rev}: {message}")


@db_app.command("info")
def db_info(fmt: FormatOption = OutputFormat.TABLE) -> None:
    """Which database, which revision, and row counts per table."""
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
        typer.echo(json.dumps(payload))
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


def serve(
    host: Annotated[str, typer.Option(help="interface to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="worker processes")] = 1,
    log_level: Annotated[str, typer.Option(help="uvicorn log level")] = "info",
) -> None:
    """Serve the HTTP API (configuration from the environment)."""
    import uvicorn

    err.print(f"serving on http://{host}:{port} (docs at /docs)")
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        proxy_headers=True,
    )


def build_app() -> typer.Typer:
    """The ``coach`` application with every sub-command group."""
    app = typer.Typer(
        name="coach",
        help="Sleek Coach: AI coach agent runtime.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
    )
    app.command("serve")(serve)
    app.add_typer(db_app, name="db")
    return app


def main() -> None:
    """Console-script entry point."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    build_app()(prog_name="coach")
    sys.exit(0)
