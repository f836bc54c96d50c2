"""The ``coach`` command line.

Sub-commands are grouped by package; each builds what it needs (settings, engine, cache)
when it runs, never at import.
"""

from __future__ import annotations

import json
import logging
import socket
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

err = Console(stderr=True, soft_wrap=True)


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


def _announce_demo_account(host: str, port: int) -> None:
    """Seed the demo user when due and print a ready-to-run ``coach chat`` command."""
    from coach.demo import prepare_demo_account, should_seed_demo

    settings = DatabaseSettings()
    if not should_seed_demo(settings):
        return
    try:
        account = prepare_demo_account(settings)
    except Exception as exc:  # the server is still useful without the demo account
        err.print(f"[yellow]demo account not available:[/yellow] {exc}")
        return
    client_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    if ":" in client_host:
        client_host = f"[{client_host}]"
    seeded = " (created with 90 days of check-ins and nutrition)" if account.created else ""
    err.print(f"demo account{seeded}:")
    err.print(f"  email     {account.email}", markup=False)
    err.print(f"  password  {account.password}", markup=False)
    err.print("chat with the coach in another terminal:")
    err.print(
        f"  coach chat --url http://{client_host}:{port} "
        f"--email {account.email} --password {account.password}",
        markup=False,
        soft_wrap=True,
    )


def _check_multi_worker() -> None:
    """Several workers share state only through PostgreSQL and Redis: refuse otherwise.

    Each worker is its own process: an embedded database would be started by each, and
    the in-process rate limits, tool cache and replay log would be per worker (a replay
    could land on a worker that never saw the turn).
    """
    import os

    missing = [name for name in ("DATABASE_URL", "REDIS_URL") if not os.environ.get(name)]
    if missing:
        err.print(
            f"[red]error:[/red] several server processes need {' and '.join(missing)}: they "
            "share the database, rate limits, tool cache and replay log only through "
            "PostgreSQL and Redis"
        )
        raise typer.Exit(2)


def reuse_port_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket with ``SO_REUSEPORT``: several server processes can each bind
    ``host:port``, and the kernel spreads new connections evenly across them."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def serve(
    host: Annotated[str, typer.Option(help="interface to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, help="worker processes (above 1: DATABASE_URL and REDIS_URL)")
    ] = 1,
    log_level: Annotated[str, typer.Option(help="uvicorn log level")] = "info",
    reuse_port: Annotated[
        bool,
        typer.Option(
            help="bind with SO_REUSEPORT, so several `coach serve` processes share the port "
            "and the kernel balances connections between them (Linux)"
        ),
    ] = False,
) -> None:
    """Serve the HTTP API (configuration from the environment).

    On the embedded database (or with ``COACH_SEED_DEMO=1``) a demo user with 90 days of
    data is seeded on first run; its credentials are printed on every start.

    Proxy headers (``X-Forwarded-For``) are honoured only from the addresses in
    ``FORWARDED_ALLOW_IPS`` (unset: from nobody).

    ``--workers N`` runs N worker processes on one shared socket (uvicorn's supervisor).
    ``--reuse-port`` instead lets N separate ``coach serve`` processes (started by systemd
    or another supervisor) bind the same port; the kernel then spreads connections evenly,
    which keeps bursts of new connections balanced. Both need ``DATABASE_URL`` and
    ``REDIS_URL``: processes share state only through them.
    """
    import signal
    import threading

    import uvicorn

    if workers > 1 or reuse_port:
        _check_multi_worker()
    if workers > 1 and reuse_port:
        err.print("[red]error:[/red] use either --workers or --reuse-port, not both")
        raise typer.Exit(2)
    # uvicorn re-raises SIGTERM after its graceful shutdown; leaving through SystemExit lets
    # the atexit hooks run, which stop the embedded PostgreSQL instead of orphaning it.
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    _announce_demo_account(host, port)
    err.print(f"serving on http://{host}:{port} (docs at /docs)")
    if reuse_port:
        config = uvicorn.Config(
            "api.app:create_served_app", factory=True, log_level=log_level, proxy_headers=False
        )
        uvicorn.Server(config).run(sockets=[reuse_port_socket(host, port)])
        return
    uvicorn.run(
        "api.app:create_served_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        # X-Forwarded-* are honoured by the app, from FORWARDED_ALLOW_IPS only (uvicorn's
        # own handling would trust any process on loopback).
        proxy_headers=False,
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
    # Sub-apps are imported here, not at module import, so `coach --help` stays fast.
    from coach.audit.cli import audit_app
    from coach.chat_cli import chat
    from coach.retention_cli import retention_app
    from coach.sessions_cli import sessions_app
    from evals.cli import eval_app
    from policies.cli import policy_app
    from tools.cli import tools_app

    app.command("chat")(chat)
    app.add_typer(sessions_app, name="sessions")
    app.add_typer(tools_app, name="tools")
    app.add_typer(policy_app, name="policy")
    app.add_typer(eval_app, name="eval")
    app.add_typer(audit_app, name="audit")
    app.add_typer(retention_app, name="retention")
    return app


def main() -> None:
    """Console-script entry point."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    build_app()(prog_name="coach")
    sys.exit(0)
