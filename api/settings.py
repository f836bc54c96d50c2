"""HTTP API settings, read from the environment."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

#: Values that must never be used as a signing secret outside the embedded mode.
PLACEHOLDER_SECRETS = frozenset(
    {"", "changeme", "change-me", "secret", "dev", "development", "placeholder", "xxx"}
)


class ApiSettings(BaseSettings):
    """Auth, limits, CORS and storage of the HTTP API."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    jwt_secret: str | None = Field(
        default=None,
        description="HS256 signing secret (>= 32 chars). Embedded mode: generated in the data dir",
    )
    jwt_issuer: str = "sleek-coach"
    jwt_audience: str = "sleek-coach-app"
    access_token_minutes: int = Field(default=15, ge=1, le=60)
    refresh_token_days: int = Field(default=30, ge=1, le=365)
    verify_token_hours: int = Field(default=24, ge=1)
    public_base_url: str = Field(default="http://127.0.0.1:8000", description="for emailed links")
    cors_origins: list[str] = Field(default_factory=list, description="JSON list of origins")
    redis_url: str | None = Field(default=None, description="redis://host:port/db (shared limits)")
    rate_limit_enabled: bool = True
    rate_limit_backend: Literal["auto", "redis", "memory"] = Field(
        default="auto", description="auto: Redis when REDIS_URL is set, else in-process"
    )
    rate_limit_auth_per_15min: int = Field(default=5, ge=1)
    rate_limit_user_per_minute: int = Field(default=120, ge=1)
    max_json_body_bytes: int = Field(
        default=1024 * 1024, ge=1024, description="largest JSON (non-multipart) request body"
    )
    forwarded_allow_ips: str | None = Field(
        default=None,
        description="proxies whose X-Forwarded-For / -Proto are honoured (comma-separated "
        "addresses or networks, '*' for any); unset: none, the peer address is the client",
    )
    photo_max_bytes: int = Field(default=15 * 1024 * 1024, ge=1)
    photo_bucket: str | None = Field(default=None, description="S3 bucket; unset: local files")
    s3_endpoint_url: str | None = Field(default=None, description="S3-compatible endpoint")
    s3_region: str = "us-east-1"
    admin_api_key: str | None = Field(default=None, description="unset: admin API disabled")
    gc_tuning: bool = Field(
        default=True, description="freeze startup objects, fewer GC pauses (coach serve)"
    )
