"""The conversation engine: sessions, turns, history + summarization, models, CLI entry.

Public API::

    CoachEngine, build_engine                 the engine and its builder from settings
    CoachSettings                             environment settings (models, budgets, expiry)
    ChatEvent, TERMINAL_EVENTS, ERROR_CODES   the events a turn yields
    CoachError, SessionClosed, TurnInProgress, ModelUnavailable, UserInactive   errors
    EventLog, MemoryEventLog, RedisEventLog, create_event_log     replay logs
    build_offline_model                       the deterministic offline coach model
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from coach.engine import CoachEngine
    from coach.errors import (
        CoachError,
        ModelUnavailable,
        SessionClosed,
        TurnInProgress,
        UserInactive,
    )
    from coach.event_log import EventLog, MemoryEventLog, RedisEventLog, create_event_log
    from coach.events import ERROR_CODES, TERMINAL_EVENTS, ChatEvent
    from coach.factory import build_engine
    from coach.offline_model import build_offline_model
    from coach.settings import CoachSettings

# Imported on first use, so that `coach --help` (coach.main) does not load the engine.
_EXPORTS = {
    "CoachEngine": "coach.engine",
    "CoachError": "coach.errors",
    "ModelUnavailable": "coach.errors",
    "SessionClosed": "coach.errors",
    "TurnInProgress": "coach.errors",
    "UserInactive": "coach.errors",
    "EventLog": "coach.event_log",
    "MemoryEventLog": "coach.event_log",
    "RedisEventLog": "coach.event_log",
    "create_event_log": "coach.event_log",
    "ERROR_CODES": "coach.events",
    "TERMINAL_EVENTS": "coach.events",
    "ChatEvent": "coach.events",
    "build_engine": "coach.factory",
    "build_offline_model": "coach.offline_model",
    "CoachSettings": "coach.settings",
}


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)


__all__ = [
    "ERROR_CODES",
    "TERMINAL_EVENTS",
    "ChatEvent",
    "CoachEngine",
    "CoachError",
    "CoachSettings",
    "EventLog",
    "MemoryEventLog",
    "ModelUnavailable",
    "RedisEventLog",
    "SessionClosed",
    "TurnInProgress",
    "UserInactive",
    "build_engine",
    "build_offline_model",
    "create_event_log",
]
