"""Database and storage settings, read from the environment."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    """Where embedded servers, secrets and local files live when nothing else is configured.

    ``$XDG_DATA_HOME/sleek-coach`` (``~/.local/share/sleek-coach`` by default).
    """
    import os

    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "sleek-coach"


class DatabaseSettings(BaseSettings):
    """Connection settings. With no ``DATABASE_URL`` an embedded PostgreSQL is started."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    database_url: str | None = Field(
        default=None,
        description="postgresql+asyncpg://user:password@host:port/db; unset: embedded PostgreSQL",
    )
    db_pool_size: int = Field(
        default=30,
        ge=1,
        description="connections kept open per process, enough for a burst of turns starting "
        "or ending together; `coach serve` opens them at startup (connections above it, up to "
        "the overflow, are opened and closed each time)",
    )
    db_max_overflow: int = Field(default=0, ge=0)
    db_pool_recycle: int = Field(default=1800, ge=-1, description="seconds")
    db_pool_pre_ping: bool = Field(
        default=True, description="ping pooled connections that sat idle before reuse"
    )
    db_pool_ping_idle_s: float = Field(
        default=5.0, ge=0, description="idle seconds after which a pooled connection is pinged"
    )
    db_pool_timeout: float = Field(default=30.0, gt=0, description="seconds")
    db_echo: bool = False
    coach_data_dir: Path = Field(default_factory=default_data_dir)

    @property
    def embedded(self) -> bool:
        """True when no database URL is configured and an embedded server is used."""
        return not self.database_url
