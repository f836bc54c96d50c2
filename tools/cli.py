"""``coach tools``: list the tools and run one for a user without the agent.

``run`` goes through the same path as the agent (validation, tool-args policy, cache,
audit). ``ai_tool_call_log.session_id`` is NOT NULL, so every ``run`` opens an
``ai_session`` of its own with ``metadata = {"client": "cli", "tool": NAME}`` and closes it
as ``completed``; the call is audited under that session like any coach call.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Annotated, Any

import typer

from persistence.cli import OutputFormat, echo_json
from persistence.db import create_engine, create_session_factory, resolve_database
from persistence.enums import SessionStatus, ToolCallStatus
from persistence.errors import NotFound, PersistenceError
from persistence.repositories import ai_sessions, users
from persistence.settings import DatabaseSettings
from policies import PolicyEngine
from tools.audit import flush_audit
from tools.deps import ToolDeps
from tools.execution import execute_call
from tools.factory import create_cache
from tools.registry import get_registry
from tools.settings import ToolSettings

tools_app = typer.Typer(help="The coach's tools over user data.", no_args_is_help=True)

JsonFormatOption = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="json for scripts (default), table")
]


@tools_app.command("list")
def list_tools(fmt: JsonFormatOption = OutputFormat.JSON) -> None:
    """Print every tool: name, category, cache TTL, description (and, as JSON, its schema)."""
    specs = list(get_registry().values())
    if fmt is OutputFormat.JSON:
        echo_json(
            [
                {
                    "name": spec.name,
                    "category": spec.category.value,
                    "cache_ttl_s": spec.ttl_s,
                    "description": spec.description,
                    "args_schema": spec.json_schema(),
                }
                for spec in specs
            ],
            indent=2,
        )
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("name", "category", "cache TTL s", "description")
    for spec in specs:
        table.add_row(spec.name, spec.category.value, f"{spec.ttl_s:g}", spec.description)
    Console().print(table)


def _parse_args(raw: str) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise typer.BadParameter(f"not valid JSON: {exc.msg}", param_hint="--args") from exc
    if not isinstance(value, dict):
        raise typer.BadParameter("must be a JSON object", param_hint="--args")
    return value


async def _run(name: str, user_key: str, args: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    spec = get_registry()[name]
    db_settings = DatabaseSettings()
    database = resolve_database(db_settings)
    engine = create_engine(db_settings, database.url)
    settings = ToolSettings()
    cache = create_cache(settings)
    try:
        factory = create_session_factory(engine)
        async with factory() as session:
            user = await users.get_by_id_or_email(session, key=user_key)
            ai_session = await ai_sessions.create(
                session, user_id=user.id, session_metadata={"client": "cli", "tool": name}
            )
            await session.commit()
        deps = ToolDeps(
            user_id=user.id,
            session_id=ai_session.id,
            session_factory=factory,
            cache=cache,
            policy=PolicyEngine(),
            settings=settings,
        )
        try:
            outcome = await execute_call(deps, spec, args, call_id="cli")
        finally:
            await flush_audit(deps)
            async with factory() as session:
                row = await ai_sessions.get(session, user_id=user.id, session_id=ai_session.id)
                await ai_sessions.set_status(session, session=row, status=SessionStatus.COMPLETED)
                await session.commit()
    finally:
        await cache.aclose()
        await engine.dispose()
    record = outcome.record
    return (
        {
            "tool": name,
            "status": record.status.value,
            "cached": record.cached,
            "latency_ms": round(record.latency_ms, 2),
            "session_id": str(ai_session.id),
            "result": outcome.result.model_dump(mode="json") if outcome.result else None,
            "error": outcome.message,
        },
        record.status is ToolCallStatus.SUCCESS,
    )


@tools_app.command("run")
def run_tool(
    name: Annotated[str, typer.Argument(help="tool name (see `coach tools list`)")],
    user: Annotated[str, typer.Option("--user", "-u", help="user email or id")],
    args: Annotated[str, typer.Option("--args", "-a", help="arguments as a JSON object")] = "{}",
    fmt: JsonFormatOption = OutputFormat.JSON,
) -> None:
    """Run tool NAME for a user and print the JSON result; exit 1 when the call fails."""
    if name not in get_registry():
        raise typer.BadParameter(
            f"unknown tool {name!r}; one of: {', '.join(get_registry())}", param_hint="NAME"
        )
    parsed = _parse_args(args)
    try:
        payload, ok = asyncio.run(_run(name, user, parsed))
    except NotFound as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    except PersistenceError as exc:
        typer.echo(f"error: database: {exc}", err=True)
        raise typer.Exit(2) from exc
    if fmt is OutputFormat.JSON:
        echo_json(payload, indent=2)
    else:
        state = "cached" if payload["cached"] else f"{payload['latency_ms']} ms"
        typer.echo(f"{name}: {payload['status']} ({state}), session {payload['session_id']}")
        typer.echo(payload["error"] or json.dumps(payload["result"], indent=2, default=str))
    sys.stdout.flush()
    if not ok:
        raise typer.Exit(1)
