"""``coach serve``: the HTTP API under uvicorn, with the demo account's ready-made chat command.

Logging is configured by the ``coach`` command before this runs (``LOG_LEVEL``,
``LOG_FORMAT``); uvicorn is told not to configure its own, so its error and access lines go
through the same setup, and each worker process sets it up again when it builds its app.
"""

from __future__ import annotations

import os
import shlex
import shutil
import socket
import sys
from pathlib import Path
from typing import Annotated

import typer

from persistence.cli import err
from persistence.observability.metrics import MULTIPROC_ENV


def chat_command_prefix() -> list[str]:
    """How to run ``coach`` from another terminal, as this process was run.

    ``uv run coach`` under ``uv run`` (with ``--project`` when the current directory is not
    the project's: ``uv run`` puts the project's ``.venv/bin`` on this process's PATH only,
    not on the user's); ``coach`` when the ``coach`` on PATH is this very script; otherwise
    this interpreter with ``-m coach``.
    """
    if os.environ.get("UV") and os.environ.get("VIRTUAL_ENV"):
        project = Path(os.environ["VIRTUAL_ENV"]).resolve().parent
        if (project / "pyproject.toml").exists():
            if project == Path.cwd().resolve():
                return ["uv", "run", "coach"]
            return ["uv", "run", "--project", str(project), "coach"]
    argv0 = Path(sys.argv[0]).resolve() if sys.argv and sys.argv[0] else None
    on_path = shutil.which("coach")
    if on_path and argv0 is not None and Path(on_path).resolve() == argv0:
        return ["coach"]
    return [sys.executable, "-m", "coach"]


def _announce_demo_account(host: str, port: int) -> None:
    """Seed the demo user when due and print a ready-to-run ``coach chat`` command."""
    from coach.demo import prepare_demo_account, should_seed_demo
    from persistence.settings import DatabaseSettings

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
    command = [
        *chat_command_prefix(),
        "chat",
        "--url",
        f"http://{client_host}:{port}",
        "--email",
        account.email,
        "--password",
        account.password,
    ]
    err.print(f"  {shlex.join(command)}", markup=False, soft_wrap=True)


def _check_multi_worker() -> None:
    """Several workers share state only through PostgreSQL and Redis: refuse otherwise.

    Each worker is its own process: an embedded database would be started by each, and
    the in-process rate limits, tool cache and replay log would be per worker (a replay
    could land on a worker that never saw the turn).
    """
    missing = [name for name in ("DATABASE_URL", "REDIS_URL") if not os.environ.get(name)]
    if missing:
        err.print(
            f"[red]error:[/red] several server processes need {' and '.join(missing)}: they "
            "share the database, rate limits, tool cache and replay log only through "
            "PostgreSQL and Redis"
        )
        raise typer.Exit(2)


def _check_configuration() -> None:
    """Refuse to start, with one line instead of a traceback, on settings the app rejects.

    Invalid settings (a malformed ``DATABASE_URL``, a number that is not one) and, with a
    configured database, a missing or weak ``JWT_SECRET`` would otherwise fail inside the
    server's startup.
    """
    import pydantic

    from api.security import InsecureSecret, resolve_secret
    from api.state import AppConfig

    try:
        config = AppConfig()
        if not config.database.embedded:
            resolve_secret(
                config.api.jwt_secret, embedded=False, data_dir=config.database.coach_data_dir
            )
    except (pydantic.ValidationError, InsecureSecret) as exc:
        err.print(f"[red]error:[/red] {exc}", markup=True, highlight=False)
        raise typer.Exit(2) from None


def _metrics_directory() -> Path:
    """A clean multiprocess metrics directory for ``--workers``: ``PROMETHEUS_MULTIPROC_DIR``
    when set (its old files are removed: they are a previous run's), else a new temporary
    one, removed at exit. Set in the environment, so every worker finds it."""
    import atexit
    import tempfile

    configured = os.environ.get(MULTIPROC_ENV)
    if configured:
        path = Path(configured)
        path.mkdir(parents=True, exist_ok=True)
        for old in path.glob("*.db"):
            old.unlink()
        return path
    path = Path(tempfile.mkdtemp(prefix="coach-metrics-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    os.environ[MULTIPROC_ENV] = str(path)
    return path


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


def _url_host(host: str) -> str:
    """``host`` as it goes in a URL: a wildcard bind is reached on loopback, IPv6 in brackets."""
    if host in ("0.0.0.0", "::", ""):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def serve(
    host: Annotated[str, typer.Option(help="interface to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, help="worker processes (above 1: DATABASE_URL and REDIS_URL)")
    ] = 1,
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

    ``--workers N`` runs N worker processes on one shared socket (uvicorn's supervisor);
    their metrics are gathered in ``PROMETHEUS_MULTIPROC_DIR`` (a temporary directory when
    unset). ``--reuse-port`` instead lets N separate ``coach serve`` processes (started by
    systemd or another supervisor) bind the same port; the kernel then spreads connections
    evenly, which keeps bursts of new connections balanced (give them one
    ``PROMETHEUS_MULTIPROC_DIR``, emptied before they start). Both need ``DATABASE_URL``
    and ``REDIS_URL``: processes share state only through them.
    """
    import signal
    import threading

    import uvicorn

    if workers > 1 or reuse_port:
        _check_multi_worker()
    if workers > 1 and reuse_port:
        err.print("[red]error:[/red] use either --workers or --reuse-port, not both")
        raise typer.Exit(2)
    _check_configuration()
    if workers > 1:
        _metrics_directory()
    # uvicorn re-raises SIGTERM after its graceful shutdown; leaving through SystemExit lets
    # the atexit hooks run, which stop the embedded PostgreSQL instead of orphaning it.
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    # Emailed links point at this server unless the operator names its public address.
    os.environ.setdefault("PUBLIC_BASE_URL", f"http://{_url_host(host)}:{port}")
    _announce_demo_account(host, port)
    err.print(f"serving on http://{host}:{port} (docs at /docs, probes at /healthz and /readyz)")
    # log_config=None, log_level=None: the `coach` command configured logging already.
    if reuse_port:
        config = uvicorn.Config(
            "api.app:create_served_app",
            factory=True,
            log_config=None,
            log_level=None,
            proxy_headers=False,  # the app honours X-Forwarded-* from FORWARDED_ALLOW_IPS only
        )
        uvicorn.Server(config).run(sockets=[reuse_port_socket(host, port)])
        return
    uvicorn.run(
        "api.app:create_served_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        log_level=None,
        # X-Forwarded-* are honoured by the app, from FORWARDED_ALLOW_IPS only (uvicorn's
        # own handling would trust any process on loopback).
        proxy_headers=False,
    )


__all__ = ["chat_command_prefix", "reuse_port_socket", "serve"]
