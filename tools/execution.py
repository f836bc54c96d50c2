"""One tool call from raw arguments to an outcome: validate, gate, cache, run, record, audit.

This is the single place where cross-cutting behaviour lives; the pydantic-ai toolset
(:mod:`tools.toolset`) and the CLI both go through :func:`execute_call`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from persistence.enums import ToolCallStatus
from tools import policy_gate
from tools.audit import audit_row, flush_audit, input_hash, summarize_args
from tools.deps import CallRecord, ToolDeps
from tools.errors import ToolArgsError, ToolBlocked, ToolError
from tools.handlers._common import ToolArgs, ToolResult
from tools.registry import ToolSpec

log = logging.getLogger(__name__)

Invoke = Callable[[ToolArgs], Awaitable[ToolResult]]


@dataclass(frozen=True, slots=True)
class CallOutcome:
    """What happened to one call.

    ``message`` is for the model when the call did not succeed; ``retry`` says whether the
    model should correct its arguments and call again (``ModelRetry``) rather than adapt
    (``ToolFailed``).
    """

    record: CallRecord
    result: ToolResult | None
    message: str | None
    retry: bool


def format_validation_error(tool: str, exc: ValidationError) -> str:
    """A message naming each bad field, why, and the value received."""
    parts = []
    for err in exc.errors(include_url=False):
        field = ".".join(str(p) for p in err["loc"]) or "arguments"
        got = err.get("input")
        shown = "" if isinstance(got, dict) else f" (got {got!r})"
        parts.append(f"{field}: {err['msg']}{shown}")
    return f"Invalid arguments for {tool}: " + "; ".join(parts) + ". Fix them and call again."


#: Key under which the toolset's lenient validator keeps arguments that were not JSON.
INVALID_JSON_KEY = "__invalid_json__"


def _as_args_dict(raw: object) -> dict[str, Any] | str:
    """The arguments as a dict, or a description of what was received instead."""
    if raw is None:
        return {}
    if isinstance(raw, dict):
        if INVALID_JSON_KEY in raw:
            return f"text that is not valid JSON ({str(raw[INVALID_JSON_KEY])[:60]!r})"
        return raw
    return f"a JSON {type(raw).__name__}"


async def execute_call(
    deps: ToolDeps,
    spec: ToolSpec,
    raw_args: object,
    *,
    call_id: str,
    invoke: Invoke | None = None,
) -> CallOutcome:
    """Run one call of ``spec`` and record it; never raises for tool or backend errors.

    ``invoke`` runs the validated call (the toolset passes the wrapped toolset's
    ``call_tool``); by default ``spec.func(deps, args)`` is awaited directly.
    """
    started = time.perf_counter()
    raw = _as_args_dict(raw_args)
    status = ToolCallStatus.SUCCESS
    cached = False
    result: ToolResult | None = None
    message: str | None = None
    retry = False
    args_for_log: Any = raw
    hash_: str | None = None  # of the arguments the call ran with
    try:
        if isinstance(raw, str):
            raise ToolArgsError(
                f"Arguments for {spec.name} must be a JSON object, got {raw}. "
                "Send an object with the fields of the tool's schema."
            )
        try:
            args = spec.args_model.model_validate(raw)
        except ValidationError as exc:
            raise ToolArgsError(format_validation_error(spec.name, exc)) from None
        args_for_log = args.model_dump(mode="json")
        gate = await policy_gate.check_tool_args(deps, spec, args)
        args = gate.args
        args_for_log = args.model_dump(mode="json")
        run = invoke or (lambda a: spec.func(deps, a))
        hash_ = input_hash(spec.name, args_for_log)
        result, cached = await _cached_or_run(deps, spec, args, hash_, run)
        if gate.notes:
            result = result.model_copy(update={"policy_notes": gate.notes})
    except ToolArgsError as exc:
        status, message, retry = ToolCallStatus.FAILED, exc.message, True
    except ToolBlocked as exc:
        status, message = ToolCallStatus.BLOCKED, exc.message
    except ToolError as exc:
        status, message = ToolCallStatus.FAILED, exc.message
    except Exception as exc:
        # Operators get the traceback in the logs; the model and the audit row get one line.
        log.exception("tool %s failed (call %s)", spec.name, call_id)
        status = ToolCallStatus.FAILED
        message = f"{spec.name} is temporarily unavailable ({type(exc).__name__}); try later."
    latency_ms = (time.perf_counter() - started) * 1000.0
    summary = summarize_args(args_for_log)
    record = CallRecord(
        call_id=call_id,
        tool=spec.name,
        status=status,
        cached=cached,
        latency_ms=latency_ms,
        error=message,
        args_summary=summary,
    )
    deps.call_records[call_id] = record
    deps.pending_audit_rows.append(
        audit_row(
            deps,
            tool=spec.name,
            category=spec.category,
            hash_=hash_ if hash_ is not None else input_hash(spec.name, args_for_log),
            args_summary=summary,
            output_summary=result.audit_summary() if result is not None else None,
            status=status,
            error=message,
            latency_ms=latency_ms,
            cached=cached,
        )
    )
    if not deps.settings.tool_audit_buffered:
        await flush_audit(deps)
    if deps.telemetry is not None:
        deps.telemetry.tool_called(spec.name, status.value, cached)
    return CallOutcome(record=record, result=result, message=message, retry=retry)


async def _cached_or_run(
    deps: ToolDeps,
    spec: ToolSpec,
    args: ToolArgs,
    args_hash: str,
    run: Invoke,
) -> tuple[ToolResult, bool]:
    ttl = spec.ttl_s * deps.settings.tool_ttl_scale
    if ttl <= 0:
        return await run(args), False
    holder: list[ToolResult] = []

    async def compute() -> str:
        value = await run(args)
        holder.append(value)
        return value.model_dump_json()

    # Results depend on "today" (windows end today), so the date is part of the key.
    key = f"{spec.name}:{deps.today().isoformat()}:{args_hash}"
    traced = deps.telemetry.cache_span(spec.name) if deps.telemetry is not None else nullcontext()
    with traced as span:
        got = await deps.cache.get_or_compute(
            user_id=deps.user_id, key=key, ttl_s=ttl, compute=compute
        )
        if span is not None:
            span.set_attribute("coach.cache.hit", got.hit)
    if holder:
        return holder[0], False
    return spec.result_model.model_validate_json(got.value), got.hit
