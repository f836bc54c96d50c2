"""The coach's pydantic-ai toolset: the registry's tools behind one wrapper.

:class:`CoachToolset` wraps a ``FunctionToolset`` built from the registry and routes every
call through :func:`tools.execution.execute_call` (argument validation, tool-args policy,
cache, audit and ``ToolDeps.call_records``). Engine usage::

    toolset = build_coach_toolset()                      # once, at startup
    agent = Agent(model, deps_type=ToolDeps, toolsets=[toolset])
    deps = ToolDeps(user_id=..., session_id=..., session_factory=..., cache=..., policy=...)
    result = await agent.run(prompt, deps=deps)
    deps.call_records["<tool_call_id>"]                  # -> CallRecord for the SSE event

With another deps type, pass ``get_deps`` (e.g. ``lambda d: d.tools``).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import pydantic_core
from pydantic_ai import ModelRetry, RunContext, Tool, ToolFailed
from pydantic_ai.toolsets import AbstractToolset, FunctionToolset, WrapperToolset
from pydantic_ai.toolsets.abstract import ToolsetTool

from persistence.enums import ToolCallStatus
from tools.audit import flush_audit
from tools.deps import ToolDeps
from tools.execution import INVALID_JSON_KEY, execute_call
from tools.registry import ToolSpec, get_registry


def _identity(deps: Any) -> ToolDeps:
    if not isinstance(deps, ToolDeps):
        raise TypeError(
            f"the coach toolset needs ToolDeps as the run's deps (got {type(deps).__name__}); "
            "pass get_deps= to build_coach_toolset"
        )
    return deps


class LenientArgsValidator:
    """Accepts any arguments so that the wrapper, not pydantic-ai, validates them.

    pydantic-ai validates arguments before ``call_tool`` runs; a failure there would never
    reach the wrapper's audit. This validator only parses JSON (keeping unparseable text
    under ``__invalid_json__``); the wrapper validates against the tool's model and logs.
    """

    def validate_json(
        self,
        input: str | bytes | bytearray,
        *,
        allow_partial: bool | Literal["off", "on", "trailing-strings"] = False,
        **kwargs: Any,
    ) -> Any:
        """Parse JSON; never raise."""
        try:
            return pydantic_core.from_json(input or b"{}")
        except ValueError:
            text = input.decode(errors="replace") if isinstance(input, bytes | bytearray) else input
            return {INVALID_JSON_KEY: text[:200]}

    def validate_python(
        self,
        input: Any,
        *,
        allow_partial: bool | Literal["off", "on", "trailing-strings"] = False,
        **kwargs: Any,
    ) -> Any:
        """Pass through; never raise."""
        return {} if input is None else input


_LENIENT = LenientArgsValidator()


def _static_definitions(toolset: AbstractToolset[Any]) -> bool:
    """True when ``toolset``'s tool definitions cannot change within a run: plain
    functions without a ``prepare`` hook."""
    return isinstance(toolset, FunctionToolset) and all(
        tool.prepare is None for tool in toolset.tools.values()
    )


@dataclass
class CoachToolset(WrapperToolset[Any]):
    """Validates, gates, caches, audits and records every call of the wrapped tools."""

    specs: Mapping[str, ToolSpec] = field(default_factory=dict)
    get_deps: Callable[[Any], ToolDeps] = _identity
    _run_deps: ToolDeps | None = None
    #: Shared by the per-run copies: the tool definitions, listed once per process when no
    #: tool prepares its own definition per step (pydantic-ai asks before every model
    #: request), by the run's default retries (the listed tools hold nothing of the run).
    _listed: dict[int, tuple[AbstractToolset[Any], dict[str, ToolsetTool[Any]]]] = field(
        default_factory=dict, repr=False
    )

    @property
    def id(self) -> str | None:
        """A stable id (durable execution needs one)."""
        return "coach-tools"

    async def for_run(self, ctx: RunContext[Any]) -> AbstractToolset[Any]:
        """A per-run copy that knows the run's deps, so the run's end can flush the audit."""
        inner = await self.wrapped.for_run(ctx)
        return replace(self, wrapped=inner, _run_deps=self.get_deps(ctx.deps))

    async def for_run_step(self, ctx: RunContext[Any]) -> AbstractToolset[Any]:
        """Flush the previous step's audit rows before the next model request."""
        await flush_audit(self.get_deps(ctx.deps))
        return await super().for_run_step(ctx)

    async def __aexit__(self, *args: Any) -> bool | None:
        """Flush the last step's rows, also when the run failed."""
        try:
            if self._run_deps is not None:
                await flush_audit(self._run_deps)
        finally:
            result = await super().__aexit__(*args)
        return result

    async def get_tools(self, ctx: RunContext[Any]) -> dict[str, ToolsetTool[Any]]:
        """The wrapped tools, with argument validation deferred to :meth:`call_tool`."""
        static = self._run_deps is not None and _static_definitions(self.wrapped)
        listed = self._listed.get(ctx.max_retries) if static else None
        if listed is not None and listed[0] is self.wrapped:
            return listed[1]
        tools = await self.wrapped.get_tools(ctx)
        lenient = {
            name: (replace(tool, args_validator=_LENIENT) if name in self.specs else tool)
            for name, tool in tools.items()
        }
        if static:
            self._listed[ctx.max_retries] = (self.wrapped, lenient)
        return lenient

    async def call_tool(
        self, name: str, tool_args: dict[str, Any], ctx: RunContext[Any], tool: ToolsetTool[Any]
    ) -> Any:
        """Run the call through :func:`execute_call`; failures become model-facing messages.

        Bad arguments raise ``ModelRetry`` while the tool has retries left and ``ToolFailed``
        on the last one, so a model that keeps sending bad arguments never ends the turn
        with an exception. Blocked and failed calls raise ``ToolFailed``.
        """
        spec = self.specs.get(name)
        if spec is None:
            return await self.wrapped.call_tool(name, tool_args, ctx, tool)
        deps = self.get_deps(ctx.deps)
        call_id = ctx.tool_call_id or f"call_{uuid.uuid4().hex[:16]}"

        async def invoke(args: Any) -> Any:
            return await self.wrapped.call_tool(name, args.model_dump(), ctx, tool)

        outcome = await execute_call(deps, spec, tool_args, call_id=call_id, invoke=invoke)
        if outcome.record.status is ToolCallStatus.SUCCESS:
            return outcome.result
        message = outcome.message or f"{name} failed"
        if outcome.retry and ctx.retry < ctx.max_retries:
            raise ModelRetry(message)
        raise ToolFailed(message)


def build_function_toolset(
    specs: Mapping[str, ToolSpec], get_deps: Callable[[Any], ToolDeps]
) -> FunctionToolset[Any]:
    """A plain ``FunctionToolset`` of the registry's tools (schemas from the args models)."""
    return FunctionToolset(
        [
            Tool.from_schema(
                _tool_function(spec, get_deps),
                name=spec.name,
                description=spec.description,
                json_schema=spec.json_schema(),
                takes_ctx=True,
            )
            for spec in specs.values()
        ]
    )


def _tool_function(
    spec: ToolSpec, get_deps: Callable[[Any], ToolDeps]
) -> Callable[..., Awaitable[Any]]:
    async def run(ctx: RunContext[Any], **kwargs: Any) -> Any:
        return await spec.func(get_deps(ctx.deps), spec.args_model.model_validate(kwargs))

    run.__name__ = spec.name
    return run


def build_coach_toolset(
    *,
    get_deps: Callable[[Any], ToolDeps] = _identity,
    include: frozenset[str] | None = None,
) -> CoachToolset:
    """The toolset to give the coach's ``Agent``; ``include`` limits it to some tools."""
    registry = get_registry()
    specs = {n: s for n, s in registry.items() if include is None or n in include}
    unknown = (include or frozenset()) - set(registry)
    if unknown:
        raise ValueError(f"include: unknown tool(s) {sorted(unknown)}")
    return CoachToolset(
        wrapped=build_function_toolset(specs, get_deps), specs=specs, get_deps=get_deps
    )
