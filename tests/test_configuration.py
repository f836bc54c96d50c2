"""``.env.example`` lists every setting the code reads from the environment."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic_settings import BaseSettings

from api.settings import ApiSettings
from coach.settings import CoachSettings
from persistence.observability.settings import ObservabilitySettings
from persistence.redis import RedisSettings
from persistence.settings import DatabaseSettings
from persistence.storage import StorageSettings
from policies.settings import PolicySettings
from tools.settings import ToolSettings

EXAMPLE = Path(__file__).resolve().parent.parent / ".env.example"
SETTINGS: tuple[type[BaseSettings], ...] = (
    DatabaseSettings,
    ApiSettings,
    StorageSettings,
    ToolSettings,
    CoachSettings,
    PolicySettings,
    ObservabilitySettings,
    RedisSettings,
)
#: Read with os.environ directly (not a settings class).
OTHERS = ("COACH_SEED_DEMO", "PROMETHEUS_MULTIPROC_DIR", "TEST_DATABASE_URL", "TEST_REDIS_URL")


def test_env_example_lists_every_setting() -> None:
    listed = set(re.findall(r"^# ([A-Z][A-Z0-9_]+)=", EXAMPLE.read_text(), re.M))
    expected = {
        (str(cls.model_config.get("env_prefix", "")) + name).upper()
        for cls in SETTINGS
        for name in cls.model_fields
    } | set(OTHERS)
    assert sorted(expected - listed) == []
    assert sorted(listed - expected) == []
