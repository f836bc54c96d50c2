"""``coach policy check``: run the policy engine on text or plans, offline, one JSON per line.

Contract (kept exactly; independent corpora are scored through it)::

    coach policy check --stage input|plan|output (--text TEXT | --jsonl FILE)
                       [--profile JSON] [--plan JSON] [--context JSON] [--format json|table]

prints ``{"id", "decision", "violations": [{"type", "severity", "action"}], "message"}`` per
input (``--format json``, the default; ``table`` is for people). ``--text`` gives
``"id": null``. ``--jsonl`` lines are ``{"id", "text"}`` (input and output stages) or
``{"id", "profile", "plan"}`` (plan stage); extra keys are ignored and a line's own
``profile`` overrides ``--profile``. An input line may carry ``"context": [earlier user
messages, oldest first]`` (``--context JSON`` for ``--text``) so that a follow-up is judged
with what it refers to. For the plan stage, ``--plan JSON`` (or ``--text JSON``)
checks one plan. Bad input (invalid JSON, unknown stage, missing
``--text``/``--jsonl``, invalid fields) prints an error naming the problem and exits with
code 2. Nothing touches a database.

``coach.main`` mounts ``policy_app`` as ``coach policy``.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import BaseModel, ValidationError

from persistence.cli import OutputFormat

from .engine import PolicyEngine
from .models import Decision, PlanProposal, PolicyProfile
from .settings import PolicySettings

policy_app = typer.Typer(
    help="Safety-policy checks (offline, no database).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class CliStage(StrEnum):
    """Stages the CLI can check."""

    INPUT = "input"
    PLAN = "plan"
    OUTPUT = "output"


M = TypeVar("M", bound=BaseModel)


@policy_app.callback()
def _group() -> None:
    """Safety-policy checks (offline, no database)."""


def _fail(message: str) -> typer.BadParameter:
    # Typer vendors click: its BadParameter is what exits with code 2 and a clean message.
    return typer.BadParameter(message)


def _parse_json(raw: str, what: str) -> Any:
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        msg = f"{what} is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        raise _fail(msg) from None


def _model(cls: type[M], value: Any, what: str) -> M:
    if value is None:
        return cls()
    if not isinstance(value, dict):
        raise _fail(f"{what} must be a JSON object, got {type(value).__name__}")
    try:
        return cls.model_validate(value)
    except ValidationError as exc:
        problems = "; ".join(
            f"{what}.{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise _fail(problems) from None


def _context(value: Any, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(f"{what} must be a JSON list of strings (earlier user messages)")
    return tuple(value)


def _row(item_id: Any, decision: Decision) -> dict[str, Any]:
    return {
        "id": item_id,
        "decision": decision.action.value,
        "violations": [
            {"type": v.type.value, "severity": v.severity.value, "action": v.action.value}
            for v in decision.violations
        ],
        "message": decision.message,
    }


def _print_table(rows: list[dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("id", "decision", "violations", "message")
    for row in rows:
        violations = ", ".join(f"{v['type']} ({v['action']})" for v in row["violations"])
        table.add_row(
            "" if row["id"] is None else str(row["id"]),
            row["decision"],
            violations or "-",
            row["message"] or "",
        )
    Console().print(table)


def _read_lines(path: Path) -> list[tuple[int, dict[str, Any]]]:
    try:
        raw = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise _fail(f"--jsonl {path}: cannot read ({exc.strerror})") from None
    items: list[tuple[int, dict[str, Any]]] = []
    for n, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        value = _parse_json(line, f"--jsonl line {n}")
        if not isinstance(value, dict):
            raise _fail(f"--jsonl line {n} must be a JSON object")
        items.append((n, value))
    return items


@policy_app.command("check")
def check(
    stage: Annotated[
        CliStage, typer.Option("--stage", case_sensitive=False, help="input, plan or output.")
    ],
    text: Annotated[str | None, typer.Option("--text", help="One text to check.")] = None,
    jsonl: Annotated[
        Path | None, typer.Option("--jsonl", help="JSONL file of items ('-' for stdin).")
    ] = None,
    profile: Annotated[str | None, typer.Option("--profile", help="Profile as JSON.")] = None,
    plan: Annotated[str | None, typer.Option("--plan", help="Plan as JSON (plan stage).")] = None,
    context: Annotated[
        str | None,
        typer.Option("--context", help="Earlier user messages as a JSON list (input stage)."),
    ] = None,
    fmt: Annotated[
        OutputFormat,
        typer.Option("--format", "-f", help="json: one object a line (the contract); table"),
    ] = OutputFormat.JSON,
) -> None:
    """Check texts or plans and print one JSON decision per line."""
    base_profile = (
        _model(PolicyProfile, _parse_json(profile, "--profile"), "profile") if profile else None
    )
    base_context = _context(_parse_json(context, "--context"), "--context") if context else ()
    jobs: list[tuple[Any, str | PlanProposal, PolicyProfile | None, tuple[str, ...]]] = []
    if jsonl is not None and (text is not None or plan is not None):
        raise _fail("give either --jsonl or --text/--plan, not both")
    if jsonl is not None:
        for n, item in _read_lines(jsonl):
            where = f"--jsonl line {n}"
            own = (
                _model(PolicyProfile, item["profile"], f"{where} profile")
                if item.get("profile")
                else None
            )
            if stage is CliStage.PLAN:
                if "plan" not in item:
                    raise _fail(
                        f"{where}: missing 'plan' (plan-stage lines are {{id, profile, plan}})"
                    )
                jobs.append((item.get("id"), _model(PlanProposal, item["plan"], f"{where} plan"),
                             own or base_profile, ()))  # fmt: skip
            else:
                if not isinstance(item.get("text"), str):
                    raise _fail(
                        f"{where}: 'text' must be a string ({stage.value} lines are {{id, text}})"
                    )
                turns = _context(item.get("context"), f"{where} context")
                jobs.append((item.get("id"), item["text"], own or base_profile, turns))
    elif stage is CliStage.PLAN:
        if plan is None and text is None:
            raise _fail("the plan stage needs --plan JSON (or --jsonl FILE)")
        # The option the plan came from is the one named in errors.
        raw, option = (plan, "--plan") if plan is not None else (text or "", "--text")
        what = option if option == "--plan" else "--text (the plan stage reads a plan as JSON)"
        jobs.append((None, _model(PlanProposal, _parse_json(raw, what), "plan"), base_profile, ()))
    else:
        if text is None:
            raise _fail("give --text TEXT or --jsonl FILE")
        jobs.append((None, text, base_profile, base_context))

    engine = PolicyEngine(PolicySettings())
    rows = []
    for item_id, payload, item_profile, turns in jobs:
        if isinstance(payload, PlanProposal):
            decision = engine.check_plan(payload, item_profile)
        elif stage is CliStage.INPUT:
            decision = engine.check_input(payload, item_profile, context=turns)
        else:
            decision = engine.check_output(payload, item_profile)
        if fmt is OutputFormat.JSON:
            typer.echo(json.dumps(_row(item_id, decision), ensure_ascii=False))
        else:
            rows.append(_row(item_id, decision))
    if fmt is OutputFormat.TABLE:
        _print_table(rows)
