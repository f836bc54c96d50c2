"""Shared fixtures for the policy tests: one policy (compiling its patterns takes a moment)."""

from __future__ import annotations

import datetime as dt

import pytest

from policies import PolicyEngine, PolicySettings

TODAY = dt.date(2026, 6, 1)


@pytest.fixture(scope="session")
def policy() -> PolicyEngine:
    """The rules with default thresholds and a fixed date (ages are year-based). The rules'
    tests run them alone; the learned layer has tests of its own (``test_classifier.py``,
    ``test_default_layer.py``)."""
    return PolicyEngine(PolicySettings(classifier="off"), today=lambda: TODAY)


@pytest.fixture(scope="session")
def default_policy() -> PolicyEngine:
    """The engine as it runs by default: the rules, and the learned layer on users'
    messages."""
    return PolicyEngine(PolicySettings(), today=lambda: TODAY)


@pytest.fixture(scope="session")
def settings() -> PolicySettings:
    """The default thresholds (DOMAIN.md)."""
    return PolicySettings()
