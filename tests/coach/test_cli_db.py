"""``coach db`` against a real database."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from typer.testing import CliRunner

from coach.main import build_app
from persistence.models import ALL_MODELS, table_of


@pytest.fixture
def fresh_url(create_database: Callable[[], str], monkeypatch: pytest.MonkeyPatch) -> str:
    url = create_database()
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def test_db_upgrade_then_info_reports_head_and_counts(fresh_url: str) -> None:
    runner = CliRunner()
    app = build_app()
    before = runner.invoke(app, ["db", "info", "--format", "json"])
    assert before.exit_code == 0, before.output
    payload = json.loads(before.stdout)
    assert payload["revision"] is None and payload["up_to_date"] is False

    upgraded = runner.invoke(app, ["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    info = json.loads(runner.invoke(app, ["db", "info", "--format", "json"]).stdout)
    assert info["up_to_date"] is True and info["embedded"] is False
    assert info["row_counts"] == {table_of(m).name: 0 for m in ALL_MODELS}
    assert runner.invoke(app, ["db", "current"]).stdout.strip() == info["head"]

    down = runner.invoke(app, ["db", "downgrade", "base"])
    assert down.exit_code == 0, down.output
    assert runner.invoke(app, ["db", "current"]).stdout.strip() == "base"


def test_db_history_prints_json(fresh_url: str) -> None:
    result = CliRunner().invoke(build_app(), ["db", "history", "--format", "json"])
    assert result.exit_code == 0
    history = json.loads(result.stdout)
    assert history[-1]["down_revision"] is None
