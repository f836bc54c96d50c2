"""The conversation engine: sessions, turns, history + summarization, models, CLI entry.

Public API::

    CoachEngine, build_engine                 the engine and its builder from settings
    CoachSettings                             environment settings (models, budgets, expiry)
    ChatEvent, TERMINAL_EVENTS, ERROR_CODES   the events a turn yields
    CoachError, SessionClosed, TurnInProgress, ModelUnavailable, UserInactive   errors
    EventLog, MemoryEventLog, RedisEventLog, create_event_log     replay logs
    build_offline_model                       the deterministic offline coach model
"""

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
