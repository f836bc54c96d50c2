"""Shared fixtures for the policy tests: one policy (compiling its patterns takes a moment)."""

from __future__ import annotations

import datetime as dt

import pytest

from policies import PolicyEngine, PolicySettings

TODAY = dt.date(2026, 6, 1)


@pytest.fixture(scope="session")
def policy() -> PolicyEngine:
    """An policy with default thresholds and a fixed date (ages are year-based)."""
    return PolicyEngine(PolicySettings(), today=lambda: TODAY)


@pytest.fixture(scope="session")
def settings() -> PolicySettings:
    """The default thresholds (DOMAIN.md)."""
    return PolicySettings()
