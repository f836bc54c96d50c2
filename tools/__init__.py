"""Tools over user data: typed inputs/outputs, caching, audit logging.

Public API::

    ToolDeps, CallRecord, Clock, SystemClock, FixedClock     per-turn deps and call records
    build_coach_toolset, CoachToolset                        the pydantic-ai toolset
    ToolCache, MemoryToolCache, RedisToolCache, CacheResult  result cache backends
    bump_user_version                                        call after every user-data write
    create_cache                                             a backend from ToolSettings
    get_registry, ToolSpec                                   the tools' descriptions
    execute_call, CallOutcome, flush_audit                   calling a tool without an agent
    pending_batch, forget_audit, write_violations,           a caller writing the audit rows
    forget_violations, flush_violations                      and violations itself
                                                             (ToolDeps.audit_deferred)
    ToolSettings                                             environment settings
    progress_overview, ProgressOverview, ProgressDay         recent days for charts (read-only)
    ToolError, ToolArgsError, ToolBlocked, ToolDataMissing   errors
"""

from tools.audit import flush_audit, forget_audit, pending_batch
from tools.cache import (
    CacheResult,
    MemoryToolCache,
    RedisToolCache,
    ToolCache,
    bump_user_version,
)
from tools.deps import CallRecord, Clock, FixedClock, SystemClock, ToolDeps
from tools.errors import ToolArgsError, ToolBlocked, ToolDataMissing, ToolError
from tools.execution import CallOutcome, execute_call
from tools.factory import create_cache
from tools.policy_gate import flush_violations, forget_violations, write_violations
from tools.progress import ProgressDay, ProgressOverview, progress_overview
from tools.registry import ToolSpec, get_registry
from tools.settings import ToolSettings
from tools.toolset import CoachToolset, build_coach_toolset

__all__ = [
    "CacheResult",
    "CallOutcome",
    "CallRecord",
    "Clock",
    "CoachToolset",
    "FixedClock",
    "MemoryToolCache",
    "ProgressDay",
    "ProgressOverview",
    "RedisToolCache",
    "SystemClock",
    "ToolArgsError",
    "ToolBlocked",
    "ToolCache",
    "ToolDataMissing",
    "ToolDeps",
    "ToolError",
    "ToolSettings",
    "ToolSpec",
    "build_coach_toolset",
    "bump_user_version",
    "create_cache",
    "execute_call",
    "flush_audit",
    "flush_violations",
    "forget_audit",
    "forget_violations",
    "get_registry",
    "pending_batch",
    "progress_overview",
    "write_violations",
]
