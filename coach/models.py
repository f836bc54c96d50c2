"""Model specs to pydantic-ai models: offline, OpenAI Chat Completions / Responses, fallback.

- ``offline``: :func:`coach.offline_model.build_offline_model`;
- ``openai-chat:<model>``: :class:`coach.lean_chat.LeanChatModel` (Chat Completions: request
  JSON built once per message, SSE parsed straight into pydantic-ai's events; anything it does
  not cover goes through ``OpenAIChatModel``), or ``OpenAIChatModel`` alone with
  ``COACH_OPENAI_CLIENT=sdk``;
- ``openai:<model>``: ``OpenAIResponsesModel`` (Responses API);
- both against ``OPENAI_BASE_URL`` when set, through one shared ``httpx2`` client whose
  transport retries 429 / 5xx / timeouts with tenacity (exponential backoff with full
  jitter, honouring ``Retry-After``, bounded by attempts and total time; see
  :mod:`coach.transport` for why a final error status is handed to the SDK). The SDK's own
  retries are off (``max_retries=0`` on the one ``AsyncOpenAI`` client, so no request
  copies the client) so there is exactly one retry policy, and each attempt has
  ``COACH_REQUEST_TIMEOUT_S``. The client is :class:`coach.openai_client.CoachOpenAI`
  (messages and tools sent without the SDK's per-request re-walk);
- the OpenAI models adapt each tool's JSON schema to the provider once per process
  (pydantic-ai walks and deep-copies every schema on every request otherwise);
- with ``COACH_FALLBACK_MODEL`` the model is a ``FallbackModel`` that moves to the fallback
  when the first model fails with a model API error (including exhausted retries).

Specs registered in ``models=`` (tests, evals: scripted ``FunctionModel`` s) win over all.
"""

from __future__ import annotations

import dataclasses
import logging
import urllib.request
from collections.abc import Mapping
from typing import Any, Final

import httpx2
from pydantic_ai.exceptions import UserError
from pydantic_ai.models import Model, ModelRequestParameters, create_async_httpx2_client
from pydantic_ai.models.fallback import FallbackModel
from pydantic_ai.models.function import FunctionModel
from pydantic_ai.models.openai import OpenAIChatModel, OpenAIResponsesModel
from pydantic_ai.providers.openai import OpenAIProvider
from pydantic_ai.retries import RetryConfig, wait_retry_after
from pydantic_ai.settings import ModelSettings
from pydantic_ai.tools import ToolDefinition
from tenacity import (
    retry_if_exception,
    stop_after_attempt,
    stop_after_delay,
    wait_random_exponential,
)

from coach.errors import ModelUnavailable
from coach.lean_chat import LeanChatModel
from coach.lean_http import LeanTransport
from coach.offline_model import build_offline_model
from coach.openai_client import CoachOpenAI
from coach.settings import OFFLINE_SPEC, CoachSettings, validate_spec
from coach.transport import RetryingTransport

log = logging.getLogger(__name__)

RETRY_STATUSES: Final = frozenset({408, 409, 425, 429})
DEFAULT_LIMITS: Final = httpx2.Limits(max_connections=1000, max_keepalive_connections=100)


def is_retryable_status(status: int) -> bool:
    """429 (rate limit), 5xx and a few transient 4xx are retried."""
    return status in RETRY_STATUSES or status >= 500


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, httpx2.HTTPStatusError):
        return is_retryable_status(exc.response.status_code)
    # Timeouts and connection failures (refused, reset, protocol errors) are transient.
    return isinstance(
        exc, httpx2.TimeoutException | httpx2.NetworkError | httpx2.RemoteProtocolError
    )


def retry_config(settings: CoachSettings) -> RetryConfig:
    """Tenacity settings of the transport (see the module docstring)."""
    backoff = wait_random_exponential(
        multiplier=settings.coach_retry_base_s, max=settings.coach_retry_max_wait_s
    )
    return RetryConfig(
        retry=retry_if_exception(_retryable),
        wait=wait_retry_after(fallback_strategy=backoff, max_wait=settings.coach_retry_max_wait_s),
        stop=stop_after_attempt(settings.coach_retry_attempts)
        | stop_after_delay(settings.coach_retry_total_s),
        reraise=True,
    )


def uses_lean_client(settings: CoachSettings) -> bool:
    """Whether ``openai-chat:`` requests go through the lean client: when it is chosen and
    no HTTP proxy is configured in the environment (the lean transport speaks to the
    server directly; the SDK's client honours ``HTTPS_PROXY`` and the like)."""
    if settings.coach_openai_client != "lean":
        return False
    if {"http", "https", "all"} & set(urllib.request.getproxies()):
        log.warning("an HTTP proxy is configured: Chat Completions go through the openai SDK")
        return False
    return True


def build_transport(settings: CoachSettings, *, lean: bool) -> RetryingTransport:
    """The OpenAI models' transport: retries around :class:`coach.lean_http.LeanTransport`
    for the lean client, else around ``httpx2``'s own."""
    wrapped: httpx2.AsyncBaseTransport
    if lean:
        wrapped = LeanTransport()
    else:
        # The OpenAI SDK's own pool limits (pydantic-ai's defaults for the clients it builds).
        wrapped = httpx2.AsyncHTTPTransport(limits=DEFAULT_LIMITS)
    return RetryingTransport(
        retry_config(settings), retry_status=is_retryable_status, wrapped=wrapped
    )


def build_http_client(
    settings: CoachSettings, transport: httpx2.AsyncBaseTransport | None = None
) -> httpx2.AsyncClient:
    """The HTTP client of the OpenAI models: ``transport`` (:func:`build_transport` when
    none), per-attempt timeouts."""
    timeout = httpx2.Timeout(
        settings.coach_request_timeout_s, connect=settings.coach_connect_timeout_s
    )
    transport = transport or build_transport(settings, lean=uses_lean_client(settings))
    return create_async_httpx2_client(timeout=timeout, transport=transport)


def request_settings(settings: CoachSettings) -> ModelSettings:
    """Settings of every request: the per-attempt timeout. The transport owns retries (the
    client is built with ``max_retries=0``: a ``max_retries`` setting here would make the
    SDK copy the client for every request)."""
    return ModelSettings(timeout=settings.coach_request_timeout_s)


#: Distinct tool schemas kept adapted per model; a toolset that built new schema objects for
#: every run would otherwise grow the cache without bound.
SCHEMA_CACHE_SIZE: Final = 256


class _AdaptedSchemas:
    """``customize_request_parameters`` memoised per tool schema (a documented override
    point of pydantic-ai models): the registry's tools hand the same schema object to every
    request, so each is adapted to the provider once."""

    def __init__(self) -> None:
        # id(schema), strict -> (schema kept alive so its id stays unique, adapted, strict)
        self._done: dict[tuple[int, bool | None], tuple[Any, Any, bool | None]] = {}
        # id(definition) -> (definition kept alive, its adapted copy): the toolset lists the
        # same definitions for every request, so most requests reuse whole copies
        self._defs: dict[int, tuple[ToolDefinition, ToolDefinition]] = {}

    def customize(
        self, model: Model, params: ModelRequestParameters, base: Any
    ) -> ModelRequestParameters:
        """``base(params)`` (the model's own adaptation), memoised per tool definition."""
        if params.output_object is not None or not params.function_tools:
            result: ModelRequestParameters = base(params)
            return result
        tools = [self._tool(model, tool, base) for tool in params.function_tools]
        output = [self._tool(model, tool, base) for tool in params.output_tools]
        return dataclasses.replace(params, function_tools=tools, output_tools=output)

    def _tool(self, model: Model, tool: ToolDefinition, base: Any) -> ToolDefinition:
        same = self._defs.get(id(tool))
        if same is not None and same[0] is tool:
            return same[1]
        key = (id(tool.parameters_json_schema), tool.strict)
        known = self._done.get(key)
        if known is None or known[0] is not tool.parameters_json_schema:
            adapted = base(ModelRequestParameters(function_tools=[tool])).function_tools[0]
            if len(self._done) >= SCHEMA_CACHE_SIZE:
                self._done.clear()
            known = (tool.parameters_json_schema, adapted.parameters_json_schema, adapted.strict)
            self._done[key] = known
        adapted_tool = dataclasses.replace(tool, parameters_json_schema=known[1], strict=known[2])
        if len(self._defs) >= SCHEMA_CACHE_SIZE:
            self._defs.clear()
        self._defs[id(tool)] = (tool, adapted_tool)
        return adapted_tool


class _SchemasOnce(Model):
    """Adapts each tool schema once (:class:`_AdaptedSchemas`); mixed in before a model."""

    _schemas: _AdaptedSchemas | None = None

    def customize_request_parameters(
        self, model_request_parameters: ModelRequestParameters
    ) -> ModelRequestParameters:
        """The parameters with each tool's schema adapted once per process."""
        if self._schemas is None:
            self._schemas = _AdaptedSchemas()
        return self._schemas.customize(
            self, model_request_parameters, super().customize_request_parameters
        )


class CoachChatModel(_SchemasOnce, OpenAIChatModel):
    """``OpenAIChatModel`` adapting each tool schema once."""


class CoachLeanChatModel(_SchemasOnce, LeanChatModel):
    """:class:`LeanChatModel` adapting each tool schema once."""


class CoachResponsesModel(_SchemasOnce, OpenAIResponsesModel):
    """``OpenAIResponsesModel`` adapting each tool schema once."""


class ModelFactory:
    """Builds (once per spec) the model of a spec; owns the shared HTTP client."""

    def __init__(self, settings: CoachSettings, *, registry: Mapping[str, Model] | None = None):
        self._settings = settings
        self._registry = dict(registry or {})
        self._cache: dict[str, Model] = {}
        self._http: httpx2.AsyncClient | None = None
        self._transport: RetryingTransport | None = None
        self._lean = False
        self._client: CoachOpenAI | None = None

    def is_offline(self, spec: str) -> bool:
        """True when the spec runs locally (offline or a registered function model)."""
        if spec == OFFLINE_SPEC:
            return True
        return isinstance(self._registry.get(spec), FunctionModel)

    def model(self, spec: str) -> Model:
        """The model of ``spec``, wrapped with the fallback when one is configured."""
        fallback = self._settings.coach_fallback_model
        key = f"{spec}|{fallback or ''}"
        if key not in self._cache:
            primary = self.single(spec)
            # A local model cannot fail over the network: no fallback around it.
            if fallback and fallback != spec and not self.is_offline(spec):
                self._cache[key] = FallbackModel(primary, self.single(fallback))
            else:
                self._cache[key] = primary
        return self._cache[key]

    def single(self, spec: str) -> Model:
        """The model of ``spec`` alone; ``ModelUnavailable`` for an unusable spec."""
        if spec in self._registry:
            return self._registry[spec]
        if spec in self._cache:
            return self._cache[spec]
        try:
            spec = validate_spec(spec)
        except ValueError as exc:
            raise ModelUnavailable(spec, str(exc)) from None
        model: Model
        if spec == OFFLINE_SPEC:
            model = build_offline_model()
        else:
            kind, _, name = spec.partition(":")
            try:
                provider = self._provider()
            except UserError as exc:
                raise ModelUnavailable(spec, f"OpenAI provider: {exc}") from None
            if kind == "openai-chat":
                model = CoachChatModel(
                    name, provider=provider, settings=request_settings(self._settings)
                )
                if self._lean:
                    assert self._http is not None and self._transport is not None
                    assert self._client is not None
                    model = CoachLeanChatModel(
                        model,
                        transport=self._transport,
                        timeout=self._http.timeout,
                        base_url=str(self._client.base_url),
                        api_key=self._client.api_key,
                        settings=request_settings(self._settings),
                    )
            else:
                model = CoachResponsesModel(
                    name, provider=provider, settings=request_settings(self._settings)
                )
        self._cache[spec] = model
        return model

    def _provider(self) -> OpenAIProvider:
        settings = self._settings
        if settings.openai_api_key is None and not settings.openai_base_url:
            raise UserError("set OPENAI_API_KEY, or OPENAI_BASE_URL for a local server")
        if self._client is None:
            self._lean = uses_lean_client(settings)
            self._transport = build_transport(settings, lean=self._lean)
            self._http = build_http_client(settings, self._transport)
            key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
            self._client = CoachOpenAI(
                base_url=settings.openai_base_url,
                # Local OpenAI-compatible servers usually need no key, but the SDK wants one.
                api_key=key or "not-needed",
                http_client=self._http,
                max_retries=0,
            )
        return OpenAIProvider(openai_client=self._client)

    async def aclose(self) -> None:
        """Close the shared HTTP client."""
        if self._http is not None:
            await self._http.aclose()
            self._http = None
            self._transport = None
            self._client = None
