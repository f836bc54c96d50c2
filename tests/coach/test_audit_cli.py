"""``coach audit`` end to end against committed rows of the run's database."""

from __future__ import annotations

import csv
import io
import json
import uuid

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from coach.main import build_app
from persistence.enums import ToolCallStatus
from tests.coach.test_audit_support import Seeded, group_by, seed, tool_stats


@pytest.fixture
async def seeded(
    session_factory: async_sessionmaker[AsyncSession],
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> Seeded:
    monkeypatch.setenv("DATABASE_URL", database_url)
    async with session_factory() as db:
        rows = await seed(db, seed_value=101, calls=150, violations=40)
        await db.commit()
    return rows


def window_args(seeded: Seeded) -> list[str]:
    return ["--from", seeded.start.isoformat(), "--to", seeded.end.isoformat()]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(build_app(), ["audit", *args])
    return result.exit_code, result.stdout, result.stderr


def test_audit_tools_json_matches_python_aggregates(seeded: Seeded) -> None:
    code, out, err = run("tools", *window_args(seeded), "--by", "tool", "--format", "json")
    assert code == 0, err
    assert "database:" in err
    report = json.loads(out)
    expected = tool_stats(seeded.calls)
    assert report["total"]["calls"] == expected["calls"]
    assert report["total"]["p95_ms"] == pytest.approx(expected["p95_ms"])
    per_tool = group_by(seeded.calls, lambda r: r["tool_name"])
    assert {g["key"]: g["calls"] for g in report["groups"]} == {
        k: len(v) for k, v in per_tool.items()
    }


def test_audit_tools_csv_prints_the_groups(seeded: Seeded) -> None:
    code, out, _ = run("tools", *window_args(seeded), "--by", "status", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    expected = group_by(seeded.calls, lambda r: r["status"].value)
    assert {r["key"]: int(r["calls"]) for r in rows} == {k: len(v) for k, v in expected.items()}
    failed = next(r for r in rows if r["key"] == ToolCallStatus.FAILED.value)
    assert float(failed["error_rate"]) == pytest.approx(1.0)


def test_audit_tools_table_names_the_tools(seeded: Seeded) -> None:
    user = seeded.users[0]
    code, out, _ = run("tools", *window_args(seeded), "--user", user.email, "--by", "tool")
    assert code == 0
    for tool in {r["tool_name"] for r in seeded.calls if r["user_id"] == user.id}:
        assert tool in out
    assert "top errors" in out


def test_audit_session_user_violations_and_slow_run(seeded: Seeded) -> None:
    session = seeded.sessions[0]
    code, out, _ = run("session", str(session), "--format", "json")
    assert code == 0
    timeline = json.loads(out)
    assert timeline["totals"]["tool_calls"] == sum(r["session_id"] == session for r in seeded.calls)
    code, out, _ = run("user", seeded.users[1].email, "--format", "json")
    assert code == 0 and json.loads(out)["user"]["id"] == str(seeded.users[1].id)
    code, out, _ = run("violations", *window_args(seeded), "--by", "day", "--format", "json")
    assert code == 0 and json.loads(out)["total"]["count"] == len(seeded.violations)
    code, out, _ = run("slow", *window_args(seeded), "--over", "3500", "--format", "csv")
    assert code == 0
    latencies = [int(r["latency_ms"]) for r in csv.DictReader(io.StringIO(out))]
    assert latencies == sorted(
        (r["latency_ms"] for r in seeded.calls if r["latency_ms"] >= 3500), reverse=True
    )


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["tools", "--since", "7x"], "--since"),
        (["tools", "--since", "0d"], "--since"),
        (["violations", "--from", "yesterday"], "--from"),
        (["tools", "--from", "2030-01-02", "--to", "2030-01-01"], "--to"),
        (["slow", "--since", "1d", "--from", "2030-01-01"], "--since"),
    ],
)
def test_audit_bad_window_exits_2_naming_the_option(args: list[str], field: str) -> None:
    code, out, err = run(*args)
    assert code == 2
    assert field in err and "Traceback" not in err + out


def test_audit_bad_session_id_exits_2() -> None:
    code, _, err = run("session", "not-a-uuid")
    assert code == 2 and "Traceback" not in err


def test_audit_unknown_user_or_session_exits_1(seeded: Seeded) -> None:
    code, _, err = run("user", f"nobody-{uuid.uuid4().hex}@example.com")
    assert code == 1 and "user" in err and "not found" in err and "Traceback" not in err
    code, _, err = run("tools", "--user", str(uuid.uuid4()))
    assert code == 1 and "not found" in err
    code, _, err = run("session", str(uuid.uuid4()))
    assert code == 1 and "session" in err and "not found" in err


def test_audit_table_format_prints_every_report(seeded: Seeded) -> None:
    user = seeded.users[0]
    for args, heading in [
        (["session", str(seeded.sessions[0])], "timeline"),
        (["user", str(user.id)], "recent sessions"),
        (["violations", *window_args(seeded), "--by", "user"], "violations by user"),
        (["slow", *window_args(seeded), "--over", "0", "--limit", "3"], "slowest calls"),
    ]:
        code, out, err = run(*args)
        assert code == 0, err
        assert heading in out
    code, out, _ = run("violations", *window_args(seeded), "--by", "user")
    assert all(u.email in out for u in seeded.users)
