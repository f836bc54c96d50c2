"""Fixtures of the engine tests: seeded synthetic users and engines on the run's database.

Engine code opens its own sessions (``session_factory``), so users are committed for real;
every test creates its own users.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from typing import Any

import pydantic_ai.models
import pytest
from pydantic_ai.models import Model
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.engine import CoachEngine
from coach.event_log import EventLog, MemoryEventLog
from persistence.synthetic import SyntheticConfig, SyntheticUser, generate_user, seed_synthetic_user
from tests.coach.helpers import DATA_END, Clock, EngineFactory, build_policy, offline_settings
from tests.fakes.openai_server import FakeOpenAI, running
from tools.cache import MemoryToolCache


@pytest.fixture(scope="module")
def server() -> Iterator[FakeOpenAI]:
    """One fake OpenAI server per module; each test scripts its own model names."""
    yield from running()


@pytest.fixture
def loopback_model_requests() -> Iterator[None]:
    """Model requests allowed, for tests that talk only to the fake server on 127.0.0.1.

    tests/conftest.py forbids model requests so that no test can reach a real provider;
    a module that only uses :func:`server` lifts the guard with
    ``pytestmark = pytest.mark.usefixtures("loopback_model_requests")``.
    """
    with pydantic_ai.models.override_allow_model_requests(True):
        yield


@pytest.fixture
def clock() -> Clock:
    """Noon on the last day of the synthetic data."""
    return Clock()


@pytest.fixture
def seed_user(
    session_factory: async_sessionmaker[AsyncSession],
) -> Callable[..., Awaitable[tuple[uuid.UUID, SyntheticUser]]]:
    """Seed (and commit) a synthetic user with ``days`` of data ending on ``DATA_END``."""

    async def seed(seed: int = 7, days: int = 60, **config: Any) -> tuple[uuid.UUID, SyntheticUser]:
        data = generate_user(SyntheticConfig(days=days, end=DATA_END, **config), seed=seed)
        async with session_factory() as db:
            user_id = await seed_synthetic_user(
                db, data, email=f"coach-{uuid.uuid4().hex[:12]}@example.test"
            )
            await db.commit()
        return user_id, data

    return seed


@pytest.fixture
async def make_engine(
    session_factory: async_sessionmaker[AsyncSession], clock: Clock
) -> AsyncIterator[EngineFactory]:
    """Build engines (closed after the test); keyword arguments override settings."""
    engines: list[CoachEngine] = []

    def make(
        *,
        models: Mapping[str, Model] | None = None,
        event_log: EventLog | None = None,
        policy: Any = "real",
        **settings: Any,
    ) -> CoachEngine:
        engine = CoachEngine(
            session_factory=session_factory,
            cache=MemoryToolCache(),
            policy=build_policy() if policy == "real" else policy,
            settings=offline_settings(**settings),
            event_log=event_log or MemoryEventLog(ttl_s=60),
            clock=clock,
            models=models,
        )
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        await engine.aclose()
