"""``coach retention run``: apply the data-retention table (see ``persistence.retention``)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import secrets
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from persistence.cli import FormatOption, OutputFormat, database_for_cli, err
from persistence.db import create_engine, create_session_factory
from persistence.retention import TABLES, RetentionPolicy, RetentionReport, run_retention
from persistence.settings import DatabaseSettings
from persistence.storage import StorageSettings, create_storage

retention_app = typer.Typer(
    help="Data retention: purge and archive old rows.", no_args_is_help=True
)


async def _run(*, dry_run: bool, batch_size: int) -> RetentionReport:
    settings = DatabaseSettings()
    db = database_for_cli()
    engine = create_engine(settings, db.url)
    store = StorageSettings()
    storage = create_storage(
        data_dir=settings.coach_data_dir,
        # The job never hands out download URLs; any key will do for local storage.
        signing_key=secrets.token_bytes(32),
        url_base="http://127.0.0.1/unused",
        bucket=store.photo_bucket,
        region=store.s3_region,
        endpoint_url=store.s3_endpoint_url,
    )
    try:
        return await run_retention(
            create_session_factory(engine),
            storage=storage,
            now=dt.datetime.now(dt.UTC),
            policy=RetentionPolicy(batch_size=batch_size),
            dry_run=dry_run,
            progress=lambda message: err.print(f"[dim]{message}[/dim]"),
        )
    finally:
        await storage.aclose()
        await engine.dispose()


@retention_app.command("run")
def run(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="count what would go; change nothing")
    ] = False,
    batch_size: Annotated[int, typer.Option(min=1, max=10_000, help="ids per DELETE")] = 1000,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """Delete expired refresh tokens, archive and delete old AI sessions, delete old logs and
    accounts soft-deleted more than 30 days ago. Safe to rerun."""
    report = asyncio.run(_run(dry_run=dry_run, batch_size=batch_size))
    if fmt is OutputFormat.JSON:
        typer.echo(json.dumps(report.as_dict()))
        return
    table = Table("table", "would delete" if dry_run else "deleted")
    for name in TABLES:
        table.add_row(name, str(report.deleted[name]))
    console = Console()
    console.print(table)
    verb = "would archive" if dry_run else "archived"
    console.print(f"{verb} {report.archived_sessions} session(s)")
    for key in report.archives:
        console.print(f"  {key}")
