"""Admin audit API: the ``coach audit`` reports as JSON under ``/v1/admin/audit``.

Guarded by the admin key (``ADMIN_API_KEY``) in the ``X-Admin-Key`` header, compared in
constant time. User access tokens are never looked at: a request carrying only
``Authorization: Bearer ...`` is refused. With no key configured (or a placeholder key
outside the embedded mode) the whole admin API answers 404, as if it did not exist.
Every query runs in a read-only transaction.
"""

from __future__ import annotations

import hmac
import logging
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, NoReturn

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.security import APIKeyHeader
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import State
from api.errors import ApiError
from api.settings import PLACEHOLDER_SECRETS
from coach.audit import (
    MAX_LIMIT,
    InvalidAuditInput,
    SessionTimeline,
    SlowReport,
    TimeWindow,
    ToolFilters,
    ToolGroupBy,
    ToolReport,
    UserReport,
    ViolationFilters,
    ViolationGroupBy,
    ViolationReport,
    read_only_session,
    resolve_user,
    resolve_window,
    session_timeline,
    slow_calls,
    tool_report,
    user_report,
    violation_report,
)
from persistence.enums import PolicyViolationType, Severity

log = logging.getLogger(__name__)

#: Shorter keys are refused outside the embedded mode (they can be guessed).
MIN_KEY_LENGTH = 16

_admin_key = APIKeyHeader(
    name="X-Admin-Key", auto_error=False, description="the ADMIN_API_KEY of the server"
)


def configured_admin_key(state: State) -> str | None:
    key = state.config.api.admin_api_key
    if not key:
        return None
    if not state.embedded and (key.lower() in PLACEHOLDER_SECRETS or len(key) < MIN_KEY_LENGTH):
        log.warning("ADMIN_API_KEY is a placeholder or too short: the admin API stays disabled")
        return None
    return key


def require_admin_key(
    request: Request, state: State, key: Annotated[str | None, Depends(_admin_key)]
) -> None:
    """Let the request through only with the configured admin key (404 when none is)."""
    expected = configured_admin_key(state)
    if expected is None:
        raise ApiError(404, "Not Found")
    if not key:
        if request.headers.get("authorization"):
            raise ApiError(403, "user tokens cannot use the admin API; send X-Admin-Key")
        raise ApiError(401, "missing X-Admin-Key header")
    if not hmac.compare_digest(key.encode(), expected.encode()):
        client = request.client.host if request.client else "-"
        log.warning("admin API: wrong key from %s for %s", client, request.url.path)
        raise ApiError(401, "invalid admin key")


router = APIRouter(
    prefix="/admin/audit",
    tags=["admin"],
    dependencies=[Depends(require_admin_key)],
    responses={
        401: {"description": "missing or wrong X-Admin-Key"},
        403: {"description": "a user token was sent instead of the admin key"},
        404: {"description": "admin API disabled (no ADMIN_API_KEY), or unknown user/session"},
    },
)


async def read_only_db(state: State) -> AsyncIterator[AsyncSession]:
    """A session in a read-only transaction for one request."""
    async with read_only_session(state.session_factory) as db:
        yield db


AuditDb = Annotated[AsyncSession, Depends(read_only_db)]
Since = Annotated[
    str | None, Query(max_length=32, description="window ending now: 90m, 24h, 7d, 2w, 1d12h")
]
From = Annotated[
    str | None, Query(alias="from", max_length=40, description="ISO date or date-time (UTC)")
]
To = Annotated[
    str | None, Query(max_length=40, description="exclusive end; a bare date includes the day")
]
UserKey = Annotated[str | None, Query(max_length=255, description="user id or email")]
Tool = Annotated[str | None, Query(max_length=100, description="tool name")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="maximum groups or rows")]


def _invalid(exc: InvalidAuditInput) -> NoReturn:
    raise ApiError(
        422,
        f"query.{exc.field}: {exc.reason}",
        title="Validation failed",
        errors=[{"field": f"query.{exc.field}", "message": exc.reason}],
    ) from exc


def _window(
    state: State, since: str | None, from_: str | None, to: str | None, *, default: str | None
) -> TimeWindow:
    try:
        return resolve_window(
            since=since, from_=from_, to=to, now=state.clock(), default_since=default
        )
    except InvalidAuditInput as exc:
        _invalid(exc)


async def _user_id(db: AsyncSession, key: str | None) -> uuid.UUID | None:
    return None if key is None else (await resolve_user(db, key=key)).id


@router.get("/tools", summary="Tool-call statistics")
async def audit_tools(
    state: State,
    db: AuditDb,
    since: Since = None,
    from_: From = None,
    to: To = None,
    user: UserKey = None,
    tool: Tool = None,
    session: Annotated[uuid.UUID | None, Query(description="session id")] = None,
    by: ToolGroupBy | None = None,
    limit: Limit = 50,
) -> ToolReport:
    """Calls, outcomes, error and cache-hit rates, latency p50/p95/p99 and top errors."""
    window = _window(state, since, from_, to, default="7d")
    filters = ToolFilters(user_id=await _user_id(db, user), tool=tool, session_id=session)
    return await tool_report(db, window=window, filters=filters, by=by, limit=limit)


@router.get("/session/{session_id}", summary="A session's timeline")
async def audit_session(db: AuditDb, session_id: Annotated[uuid.UUID, Path()]) -> SessionTimeline:
    """Messages, tool calls, policy decisions and tokens of one session, in time order."""
    return await session_timeline(db, session_id=session_id)


@router.get("/violations", summary="Policy-violation statistics")
async def audit_violations(
    state: State,
    db: AuditDb,
    since: Since = None,
    from_: From = None,
    to: To = None,
    user: UserKey = None,
    violation_type: Annotated[PolicyViolationType | None, Query(alias="type")] = None,
    severity: Severity | None = None,
    by: ViolationGroupBy | None = None,
    limit: Limit = 50,
) -> ViolationReport:
    """Counts, the daily trend and the top redacted triggers."""
    window = _window(state, since, from_, to, default="7d")
    filters = ViolationFilters(
        user_id=await _user_id(db, user), violation_type=violation_type, severity=severity
    )
    return await violation_report(db, window=window, filters=filters, by=by, limit=limit)


@router.get("/user/{id_or_email}", summary="One user's audit")
async def audit_user(
    state: State,
    db: AuditDb,
    id_or_email: Annotated[str, Path(max_length=255)],
    since: Since = None,
    from_: From = None,
    to: To = None,
    limit: Limit = 50,
) -> UserReport:
    """Sessions, tool usage per tool and violations per type (all time by default)."""
    window = _window(state, since, from_, to, default=None)
    return await user_report(db, key=id_or_email, window=window, limit=limit)


@router.get("/slow", summary="The slowest tool calls")
async def audit_slow(
    state: State,
    db: AuditDb,
    over: Annotated[int, Query(ge=0, le=86_400_000, description="threshold in ms")] = 1000,
    since: Since = None,
    from_: From = None,
    to: To = None,
    user: UserKey = None,
    tool: Tool = None,
    limit: Limit = 50,
) -> SlowReport:
    """Tool calls at or over ``over`` milliseconds, slowest first."""
    window = _window(state, since, from_, to, default="7d")
    filters = ToolFilters(user_id=await _user_id(db, user), tool=tool)
    return await slow_calls(db, window=window, over_ms=over, filters=filters, limit=limit)
