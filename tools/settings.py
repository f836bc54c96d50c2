"""Settings of the tools package (cache backend, Redis, TTLs), read from the environment."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ToolSettings(BaseSettings):
    """``TOOL_CACHE_BACKEND``: ``auto`` uses Redis when ``REDIS_URL`` is set, else in-process."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    redis_url: str | None = Field(default=None, description="redis://host:port/db")
    tool_cache_backend: Literal["auto", "redis", "memory"] = "auto"
    tool_cache_prefix: str = Field(default="coach:tools", min_length=1)
    tool_cache_max_entries: int = Field(default=10_000, ge=1, description="in-process backend")
    tool_cache_redis_timeout_s: float = Field(
        default=0.25, gt=0, description="socket timeout; a slow Redis is treated as down"
    )
    tool_cache_redis_retry_after_s: float = Field(
        default=5.0, ge=0, description="after a Redis failure, skip Redis for this long"
    )
    tool_cache_lock_ttl_s: float = Field(
        default=10.0, gt=0, description="single-flight lock lifetime across processes"
    )
    tool_ttl_scale: float = Field(
        default=1.0, ge=0, description="multiplies every tool's TTL; 0 disables caching"
    )
    tool_audit_buffered: bool = Field(
        default=True,
        description="buffer ai_tool_call_log rows and insert them once per step/turn",
    )
