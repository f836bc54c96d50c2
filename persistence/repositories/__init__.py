"""Repositories: async, keyword-only functions per aggregate. They flush, never commit.

Import the modules: ``from persistence.repositories import checkins``.
"""

from persistence.repositories import (
    ai_logs,
    ai_sessions,
    checkins,
    nutrition,
    photos,
    profiles,
    tokens,
    users,
)

__all__ = [
    "ai_logs",
    "ai_sessions",
    "checkins",
    "nutrition",
    "photos",
    "profiles",
    "tokens",
    "users",
]
