"""Safety policies: deterministic checks of every message, tool call, plan and reply.

Build one :class:`PolicyEngine` (optionally with :class:`PolicySettings`) and call
``check_input``, ``check_tool_args``, ``check_plan`` or ``check_output``; each returns a
:class:`Decision` (``allow``/``adjust``/``block``/``refer``) with its :class:`Violation`
list. Stream replies through :class:`OutputGuard`; log violations with
:func:`record_violations`. The CLI lives in ``policies.cli`` (``policy_app``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .engine import POLICY_VERSION, PolicyEngine
    from .models import (
        Action,
        Decision,
        PlanChange,
        PlanProposal,
        PolicyProfile,
        Stage,
        Violation,
        strongest,
    )
    from .referrals import (
        Region,
        crisis_referral,
        eating_disorder_referral,
        medical_referral,
        region_for_timezone,
    )
    from .settings import PolicySettings
    from .stream import GuardedText, OutputGuard
    from .violation_log import record_violations

# Imported on first use: `coach policy check` needs the engine, not the database layer that
# the violation log brings in.
_EXPORTS = {
    **dict.fromkeys(("POLICY_VERSION", "PolicyEngine"), "engine"),
    **dict.fromkeys(
        ("Action", "Decision", "PlanChange", "PlanProposal", "PolicyProfile", "Stage",
         "Violation", "strongest"),
        "models",
    ),
    **dict.fromkeys(
        ("Region", "crisis_referral", "eating_disorder_referral", "medical_referral",
         "region_for_timezone"),
        "referrals",
    ),
    "PolicySettings": "settings",
    "GuardedText": "stream",
    "OutputGuard": "stream",
    "record_violations": "violation_log",
}  # fmt: skip


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)


__all__ = [
    "POLICY_VERSION",
    "Action",
    "Decision",
    "GuardedText",
    "OutputGuard",
    "PlanChange",
    "PlanProposal",
    "PolicyEngine",
    "PolicyProfile",
    "PolicySettings",
    "Region",
    "Stage",
    "Violation",
    "crisis_referral",
    "eating_disorder_referral",
    "medical_referral",
    "record_violations",
    "region_for_timezone",
    "strongest",
]
