"""``coach tools list`` and ``coach tools run`` (the Typer app ``tools_app``)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import uuid

import pytest
from sqlalchemy.ext.asyncio import create_async_engine
from typer.testing import CliRunner

from persistence.db import create_session_factory
from persistence.enums import ToolCallStatus
from persistence.repositories import ai_logs, ai_sessions
from persistence.synthetic import SyntheticConfig, generate_user, seed_synthetic_user
from tools.cli import tools_app


async def _seed(url: str, email: str) -> uuid.UUID:
    engine = create_async_engine(url)
    try:
        async with create_session_factory(engine)() as s:
            data = generate_user(SyntheticConfig(days=40, end=dt_today()), seed=12)
            user_id = await seed_synthetic_user(s, data, email=email)
            await s.commit()
        return user_id
    finally:
        await engine.dispose()


async def _audit(url: str, user_id: uuid.UUID) -> tuple[list[object], list[object]]:
    engine = create_async_engine(url)
    try:
        async with create_session_factory(engine)() as s:
            calls = await ai_logs.list_tool_calls(s, user_id=user_id)
            sessions, _ = await ai_sessions.list_for_user(s, user_id=user_id)
        return list(calls), list(sessions)
    finally:
        await engine.dispose()


def dt_today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def test_list_prints_every_tool_as_json() -> None:
    result = CliRunner().invoke(tools_app, ["list"])
    assert result.exit_code == 0
    tools = json.loads(result.stdout)
    assert len(tools) == 10
    assert {"name", "category", "cache_ttl_s", "description", "args_schema"} <= set(tools[0])


def test_run_prints_result_and_audits_under_a_cli_session(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    email = f"cli-{uuid.uuid4().hex[:8]}@example.test"
    user_id = asyncio.run(_seed(database_url, email))
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("TOOL_CACHE_BACKEND", "memory")
    runner = CliRunner()
    ok = runner.invoke(
        tools_app, ["run", "get_weight_trend", "--user", email, "--args", '{"days": 14}']
    )
    assert ok.exit_code == 0, ok.output
    payload = json.loads(ok.stdout)
    assert payload["status"] == "success" and payload["result"]["weigh_ins"] > 0
    bad = runner.invoke(
        tools_app, ["run", "get_weight_trend", "--user", str(user_id), "--args", '{"days": 0}']
    )
    assert bad.exit_code == 1
    assert "days" in json.loads(bad.stdout)["error"]
    unknown = runner.invoke(tools_app, ["run", "nope", "--user", email])
    assert unknown.exit_code != 0
    calls, sessions = asyncio.run(_audit(database_url, user_id))
    assert [c.status for c in calls] == [ToolCallStatus.SUCCESS, ToolCallStatus.FAILED]  # type: ignore[attr-defined]
    assert all(s.session_metadata["client"] == "cli" for s in sessions)  # type: ignore[attr-defined]
    assert {s.status.value for s in sessions} == {"completed"}  # type: ignore[attr-defined]
