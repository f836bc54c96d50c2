"""Observability settings, read from the environment."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")


class ObservabilitySettings(BaseSettings):
    """Logging, tracing and metrics of a process."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    log_level: str = Field(default="INFO", description="CRITICAL, ERROR, WARNING, INFO or DEBUG")
    log_format: Literal["text", "json"] = Field(
        default="text", description="text for people, json for log collectors (one object a line)"
    )
    otel_exporter_otlp_endpoint: str | None = Field(
        default=None,
        description="OTLP/HTTP collector base URL (spans go to <url>/v1/traces); unset: no tracing",
    )
    otel_service_name: str = Field(default="sleek-coach", description="service.name of the spans")
    otel_include_content: bool = Field(
        default=False,
        description="put prompts, replies and tool arguments on the model spans (personal data)",
    )
    metrics_enabled: bool = Field(
        default=True, description="Prometheus metrics at /metrics (behind ADMIN_API_KEY)"
    )

    @field_validator("log_level", mode="before")
    @classmethod
    def _level(cls, value: object) -> str:
        level = str(value).strip().upper()
        if level == "WARN":
            level = "WARNING"
        if level not in LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
        return level


__all__ = ["LOG_LEVELS", "ObservabilitySettings"]
