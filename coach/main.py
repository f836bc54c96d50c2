"""The ``coach`` command: one thin entry that loads each sub-command only when it runs.

Nothing imports this module (the console script and ``python -m coach`` run it), so no
package depends on the command line. ``coach --help`` lists :data:`COMMANDS` without
importing any of them; ``coach policy check`` imports the policies only. Before a
sub-command runs, logging is set up from ``LOG_LEVEL`` and ``LOG_FORMAT``.
"""

from __future__ import annotations

import importlib
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

#: name -> (module, attribute: a Typer app (a group) or a function (one command), one-line
#: help for ``coach --help``)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "serve": (
        "coach.serve_cli",
        "serve",
        "Serve the HTTP API (configuration from the environment).",
    ),
    "chat": ("coach.chat_cli", "chat", "Chat with the coach on a running server."),
    "db": ("persistence.cli", "db_app", "Database migrations and status."),
    "sessions": ("coach.sessions_cli", "sessions_app", "Coach sessions: lifecycle maintenance."),
    "tools": ("tools.cli", "tools_app", "The coach's tools over user data."),
    "policy": ("policies.cli", "policy_app", "Safety-policy checks (offline, no database)."),
    "eval": (
        "evals.cli",
        "eval_app",
        "Run the offline eval suites against the real engine and gate on the results.",
    ),
    "audit": (
        "coach.audit.cli",
        "audit_app",
        "Read-only audit of tool calls, sessions and policy violations.",
    ),
    "retention": (
        "coach.retention_cli",
        "retention_app",
        "Data retention: purge and archive old rows.",
    ),
}


class LazyGroup(TyperGroup):
    """A group whose sub-commands are imported on first use."""

    def list_commands(self, ctx: Any) -> list[str]:
        """The sub-command names, in help order."""
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """Import and return one sub-command (``None`` when unknown)."""
        spec = COMMANDS.get(cmd_name)
        if spec is None:
            return None
        module, attribute, _ = spec
        target = getattr(importlib.import_module(module), attribute)
        if isinstance(target, typer.Typer):
            return typer.main.get_group(target)
        app = typer.Typer()
        app.command(cmd_name)(target)
        return typer.main.get_command(app)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The command list from :data:`COMMANDS`, importing nothing."""
        with formatter.section("Commands"):
            formatter.write_dl([(name, help_) for name, (_, _, help_) in COMMANDS.items()])


def _print_version(value: bool) -> None:
    if value:
        from coach.version import app_version

        typer.echo(f"coach {app_version()}")
        raise typer.Exit()


def build_app() -> typer.Typer:
    """The ``coach`` application."""
    app = typer.Typer(
        cls=LazyGroup,
        name="coach",
        help="Sleek Coach: AI coach agent runtime.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        # Plain help: the rich formatter would import every sub-command for its panels.
        rich_markup_mode=None,
    )

    @app.callback()
    def root(
        version: Annotated[
            bool,
            typer.Option(
                "--version", callback=_print_version, is_eager=True, help="print the version"
            ),
        ] = False,
    ) -> None:
        """Set up logging, then run the sub-command."""
        from persistence.observability import ObservabilitySettings, configure_logging

        settings = ObservabilitySettings()
        configure_logging(settings.log_level, settings.log_format)

    return app


def main() -> None:
    """Console-script entry point."""
    build_app()(prog_name="coach")


__all__ = ["COMMANDS", "LazyGroup", "build_app", "main"]
