"""Settings of the conversation engine (pydantic-settings, read from the environment).

Model specs: ``offline`` (the built-in deterministic coach), ``openai-chat:<model>`` (Chat
Completions) or ``openai:<model>`` (Responses API), the OpenAI ones against
``OPENAI_BASE_URL`` when set (any OpenAI-compatible server: vLLM, Ollama, llama.cpp).
``COACH_MODEL`` defaults to ``offline`` when ``OPENAI_API_KEY`` is unset; each tier
(``COACH_MODEL_FREE`` / ``_STANDARD`` / ``_PREMIUM``) defaults to ``COACH_MODEL``.
"""

from __future__ import annotations

from typing import Final, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ModelTier = Literal["free", "standard", "premium"]
MODEL_TIERS: Final[tuple[ModelTier, ...]] = ("free", "standard", "premium")
#: The spec used when an API key is set but ``COACH_MODEL`` is not.
DEFAULT_OPENAI_SPEC: Final = "openai-chat:gpt-4o-mini"
OFFLINE_SPEC: Final = "offline"
SPEC_PREFIXES: Final = ("openai-chat:", "openai:")


def validate_spec(spec: str, *, field: str = "model") -> str:
    """``spec`` stripped, or ``ValueError`` naming ``field`` and the accepted forms."""
    value = spec.strip()
    if value == OFFLINE_SPEC:
        return value
    for prefix in SPEC_PREFIXES:
        if value.startswith(prefix) and len(value) > len(prefix):
            return value
    raise ValueError(
        f"{field}: {spec!r} is not a model spec; use 'offline', 'openai-chat:<model>' "
        "or 'openai:<model>'"
    )


class CoachSettings(BaseSettings):
    """Models, retries, budgets, session expiry and the event log of the engine."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    coach_model: str | None = Field(
        default=None, description="model spec; unset: 'offline' without OPENAI_API_KEY"
    )
    coach_model_free: str | None = Field(default=None, description="spec of the free tier")
    coach_model_standard: str | None = Field(default=None, description="spec of standard")
    coach_model_premium: str | None = Field(default=None, description="spec of premium")
    coach_fallback_model: str | None = Field(
        default=None, description="spec tried when the tier's model fails (FallbackModel)"
    )
    coach_default_tier: ModelTier = "standard"
    openai_api_key: SecretStr | None = None
    openai_base_url: str | None = Field(
        default=None, description="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8001/v1"
    )

    # Transport: each attempt has its own timeout; tenacity retries 429 / 5xx / timeouts
    # with exponential backoff and full jitter, bounded in attempts and in total time.
    coach_openai_client: Literal["lean", "sdk"] = Field(
        default="lean",
        description="Chat Completions client: 'lean' (coach.lean_chat) or 'sdk' (the openai SDK)",
    )
    coach_request_timeout_s: float = Field(default=30.0, gt=0, description="per HTTP attempt")
    coach_connect_timeout_s: float = Field(default=5.0, gt=0)
    coach_retry_attempts: int = Field(default=3, ge=1, le=10, description="attempts per request")
    coach_retry_base_s: float = Field(default=0.5, ge=0, description="first backoff (jittered)")
    coach_retry_max_wait_s: float = Field(default=8.0, ge=0, description="longest single wait")
    coach_retry_total_s: float = Field(
        default=45.0, gt=0, description="stop retrying once this much time has passed"
    )

    # Per-turn limits (pydantic-ai UsageLimits) and the turn's wall-clock bound.
    coach_max_requests_per_turn: int = Field(default=8, ge=1)
    coach_max_tool_calls_per_turn: int = Field(default=16, ge=0)
    coach_max_tokens_per_turn: int = Field(default=60_000, ge=100, description="input+output")
    coach_turn_timeout_s: float = Field(default=120.0, gt=0)
    coach_turn_lease_s: float = Field(
        default=6.0,
        ge=0.5,
        description="a running turn's lease on its session, renewed every third of it; a "
        "crashed process's session is free again this long after it died",
    )
    coach_start_concurrency: int = Field(
        default=3,
        ge=1,
        description="turns a process starts at once (claim to first model request); the "
        "rest wait for a slot, so a burst's first events are not held up by start-ups and "
        "start-ups finish in turn instead of together (raise it with a slow database)",
    )
    coach_first_event_priority_ms: int = Field(
        default=100,
        ge=0,
        description="a turn's start-up waits up to this long while other turns of the process "
        "are still before their first event (their claims), so a burst's first events go "
        "first (0: no wait)",
    )
    coach_max_message_chars: int = Field(default=4000, ge=1)

    # The LLM guard (coach.guard): a second opinion from a model, beside the offline checks.
    coach_guard_model: str | None = Field(
        default=None,
        description="model spec of the LLM guard; unset: off (always off for offline turns)",
    )
    coach_guard_timeout_s: float = Field(
        default=4.0, gt=0, description="a guard call taking longer gives no verdict"
    )
    coach_guard_reply_checks: int = Field(
        default=2, ge=0, description="reply sentences a turn may send to the guard"
    )

    # History: every model request is kept under this many (estimated) tokens.
    coach_context_tokens: int = Field(default=6000, ge=1500)
    coach_summarizer: Literal["auto", "llm", "extractive"] = Field(
        default="auto",
        description="a turn folds older turns extractively; llm (auto: with a real model) "
        "has the model rewrite that summary after the turn, extractive keeps it",
    )
    coach_session_idle_minutes: int = Field(default=30, ge=1)

    # Short-lived log of each turn's events for replay (Redis stream or in-process).
    redis_url: str | None = Field(default=None, description="redis://host:port/db")
    coach_event_log_backend: Literal["auto", "redis", "memory"] = "auto"
    coach_event_log_ttl_s: int = Field(default=900, ge=10)
    coach_event_log_prefix: str = Field(default="coach:events", min_length=1)
    coach_replay_wait_s: float = Field(
        default=30.0, ge=0, description="how long a replay waits for a running turn's events"
    )
    coach_event_log_flush_s: float = Field(
        default=0.05,
        ge=0,
        le=5,
        description="how long a turn's events may wait to be logged together (0: each is "
        "written when it comes, batched only behind a write in flight); a replay sees them "
        "that much later; a terminal event is always logged before the client gets it",
    )

    @field_validator(
        "coach_model",
        "coach_model_free",
        "coach_model_standard",
        "coach_model_premium",
        "coach_fallback_model",
        "coach_guard_model",
    )
    @classmethod
    def _spec(cls, value: str | None, info: object) -> str | None:
        if value is None or not value.strip():
            return None
        name = getattr(info, "field_name", "model")
        return validate_spec(value, field=str(name))

    @property
    def default_spec(self) -> str:
        """``COACH_MODEL``, else ``offline`` without an API key, else the default OpenAI model."""
        if self.coach_model:
            return self.coach_model
        return DEFAULT_OPENAI_SPEC if self.openai_api_key else OFFLINE_SPEC

    def spec_for_tier(self, tier: str | None) -> str:
        """The model spec of ``tier`` (``None``: the default tier); unknown tiers are errors."""
        name = tier or self.coach_default_tier
        if name not in MODEL_TIERS:
            raise ValueError(f"model_tier: {name!r} is not one of {', '.join(MODEL_TIERS)}")
        by_tier = {
            "free": self.coach_model_free,
            "standard": self.coach_model_standard,
            "premium": self.coach_model_premium,
        }
        return by_tier[name] or self.default_spec

    @property
    def event_log_uses_redis(self) -> bool:
        """Whether the replay log lives in Redis."""
        if self.coach_event_log_backend == "redis" and not self.redis_url:
            raise ValueError("coach_event_log_backend: 'redis' needs REDIS_URL to be set")
        return self.coach_event_log_backend == "redis" or (
            self.coach_event_log_backend == "auto" and bool(self.redis_url)
        )
