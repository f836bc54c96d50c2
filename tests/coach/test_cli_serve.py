"""``coach serve`` options for several processes, and the served app's GC tuning."""

from __future__ import annotations

import gc
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.app import GC_GEN0_THRESHOLD, tune_gc
from coach.main import build_app
from coach.serve_cli import reuse_port_socket


def _serve(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(build_app(), ["serve", *args])
    return result.exit_code, result.stderr


@pytest.mark.parametrize("args", [["--workers", "2"], ["--reuse-port"]])
def test_several_processes_need_database_and_redis_urls(
    args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    code, err = _serve(args)
    assert code == 2
    assert "DATABASE_URL and REDIS_URL" in err
    monkeypatch.setenv("DATABASE_URL", "postgresql://db.invalid/x")
    code, err = _serve(args)
    assert code == 2
    assert "REDIS_URL" in err and "DATABASE_URL" not in err


def test_workers_and_reuse_port_are_exclusive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://db.invalid/x")
    monkeypatch.setenv("REDIS_URL", "redis://redis.invalid:6379/0")
    code, err = _serve(["--workers", "2", "--reuse-port"])
    assert code == 2
    assert "either --workers or --reuse-port" in err


def test_reuse_port_sockets_share_a_port_and_both_accept() -> None:
    first = reuse_port_socket("127.0.0.1", 0)
    port = first.getsockname()[1]
    second = reuse_port_socket("127.0.0.1", port)
    try:
        assert second.getsockname()[1] == port
        # Without SO_REUSEPORT a second bind to a listening port fails.
        plain = socket.socket()
        with pytest.raises(OSError):
            plain.bind(("127.0.0.1", port))
        plain.close()
        accepted = 0
        for sock in (first, second):
            sock.setblocking(False)
        clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(32)]
        for sock in (first, second):
            while True:
                try:
                    conn, _ = sock.accept()
                except BlockingIOError:
                    break
                conn.close()
                accepted += 1
        for client in clients:
            client.close()
        assert accepted == 32
    finally:
        first.close()
        second.close()


@pytest.fixture
def gc_state() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_tune_gc_freezes_startup_objects_and_raises_the_young_threshold(
    gc_state: None,
) -> None:
    gc.unfreeze()
    tune_gc()
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold()[0] == GC_GEN0_THRESHOLD
    # Cycles made afterwards are still collected.
    cycle: list[object] = []
    cycle.append(cycle)
    del cycle
    assert gc.collect() >= 1


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "http://127.0.0.1:8765"),
        ("0.0.0.0", "http://127.0.0.1:8765"),
        ("::1", "http://[::1]:8765"),
    ],
)
def test_emailed_links_point_at_the_served_address_unless_configured(
    host: str, expected: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import uvicorn

    seen: list[str | None] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: seen.append(os.environ.get(_URL)))
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv(_URL, raising=False)
    code, err = _serve(["--host", host, "--port", "8765"])
    assert code == 0, err
    monkeypatch.setenv(_URL, "https://coach.example.com")
    code, err = _serve(["--host", host, "--port", "8765"])
    assert code == 0, err
    assert seen == [expected, "https://coach.example.com"]


_URL = "PUBLIC_BASE_URL"


@pytest.mark.parametrize(
    ("env", "reason"),
    [
        ({"JWT_SECRET": ""}, "JWT_SECRET is missing"),
        ({"JWT_SECRET": "too-short"}, "at least 32 characters"),
        ({"JWT_SECRET": "x" * 40, "MAX_JSON_BODY_BYTES": "lots"}, "max_json_body_bytes"),
    ],
)
def test_serve_refuses_bad_configuration_in_one_line(
    env: dict[str, str], reason: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    started: list[object] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: started.append(a))
    monkeypatch.setenv("DATABASE_URL", "postgresql://db.invalid/x")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code, err = _serve(["--port", "8765"])
    assert code == 2
    assert reason in err and "Traceback" not in err
    assert started == []


def test_chat_command_is_spelled_as_the_server_was_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from coach.serve_cli import chat_command_prefix

    project = tmp_path / "project"
    (project / ".venv" / "bin").mkdir(parents=True)
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    script = project / ".venv" / "bin" / "coach"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    # under `uv run`, the venv's bin is on this process's PATH but not on the user's
    monkeypatch.setenv("PATH", f"{script.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr("sys.argv", [str(script), "serve"])
    monkeypatch.setenv("UV", "/usr/bin/uv")
    monkeypatch.setenv("VIRTUAL_ENV", str(project / ".venv"))
    monkeypatch.chdir(project)
    assert chat_command_prefix() == ["uv", "run", "coach"]
    monkeypatch.chdir(tmp_path)
    assert chat_command_prefix() == ["uv", "run", "--project", str(project), "coach"]
    monkeypatch.delenv("UV")
    assert chat_command_prefix() == ["coach"]
