"""A lean Chat Completions model: request JSON built here, SSE parsed straight into events.

:class:`LeanChatModel` is a pydantic-ai ``Model`` (the library's extension point for models)
for ``openai-chat:`` specs. For the requests a coach turn makes (text and tool-call
messages, function tools, the common sampling settings) it

- builds the request body itself, in the key order and JSON form of the ``openai`` SDK
  (``tests/coach/test_lean_chat.py`` compares the bodies the fake server received from both
  paths), each earlier history message, the instructions and each tool encoded once
  (:mod:`coach.lean_json`), so a request grows by its new messages only;
- sends it through the retrying transport of :mod:`coach.models` (429 / 5xx / timeouts
  retried honouring ``Retry-After``, see :mod:`coach.transport`; the transport is
  :class:`coach.lean_http.LeanTransport`), without ``httpx2``'s client around it, and maps
  a final error status to pydantic-ai's ``ModelHTTPError`` and a transport failure to its
  ``ModelConnectionError`` / ``ModelTimeoutError`` (so a ``FallbackModel`` falls back);
- parses the SSE stream in one loop over each read into pydantic-ai's parts manager
  (:mod:`coach.lean_stream`), so parts, tool calls, usage, finish reasons and provider
  details are the ones pydantic-ai's own model records.

Anything else (images and files, thinking in the history, structured output, forced tool
choice, native tools, provider-specific settings, profiles that rewrite messages) is sent
by ``sdk``, the stock ``OpenAIChatModel`` on the same transport: the lean path never
guesses.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncGenerator, Sequence
from contextlib import asynccontextmanager
from typing import Any, Final

import httpx2
from openai.types.chat import ChatCompletion
from pydantic_ai._run_context import RunContext
from pydantic_ai.exceptions import UnexpectedModelBehavior
from pydantic_ai.messages import (
    ModelMessage,
    ModelResponse,
    ModelResponsePart,
    TextPart,
    ToolCallPart,
)
from pydantic_ai.models import (
    Model,
    ModelRequestParameters,
    StreamedResponse,
    check_allow_model_requests,
    get_user_agent,
)
from pydantic_ai.models.openai import OpenAIChatModel
from pydantic_ai.profiles import DEFAULT_THINKING_TAGS, ModelProfile
from pydantic_ai.settings import ModelSettings
from pydantic_ai.usage import RequestUsage

from coach.lean_json import MessageJSON, ToolJSON, Unsupported, dumps
from coach.lean_stream import (
    FINISH_REASONS,
    LeanStreamedResponse,
    status_error,
    timestamp_of,
    transport_error,
    usage_of,
)

#: Settings the lean path sends; a request with any other setting goes through the SDK.
LEAN_SETTINGS: Final = frozenset(
    {
        "timeout",
        "temperature",
        "top_p",
        "max_tokens",
        "seed",
        "presence_penalty",
        "frequency_penalty",
        "stop_sequences",
        "parallel_tool_calls",
    }
)
#: Settings a reasoning model does not take (pydantic-ai drops them with a warning).
SAMPLING_SETTINGS: Final = frozenset(
    {"temperature", "top_p", "presence_penalty", "frequency_penalty", "logit_bias"}
)


class LeanChatModel(Model):
    """Chat Completions over a plain HTTP client (see the module docstring)."""

    def __init__(
        self,
        sdk: Model,
        *,
        transport: httpx2.AsyncBaseTransport,
        timeout: httpx2.Timeout,
        base_url: str,
        api_key: str | None,
        settings: ModelSettings | None = None,
    ) -> None:
        super().__init__(settings=settings, profile=sdk.profile)
        self._sdk = sdk
        self._transport = transport
        self._timeout = timeout
        self._base_url = base_url.rstrip("/") + "/"
        self._url = self._base_url + "chat/completions"
        self._headers = {
            "Accept": "application/json",
            "Content-Type": "application/json",
            "User-Agent": get_user_agent(),
        }
        if api_key:
            self._headers["Authorization"] = f"Bearer {api_key}"
        self._messages = MessageJSON()
        self._tools = ToolJSON()
        self._instructions: dict[str, str] = {}
        self._lean_profile = self._profile_is_lean(sdk.profile)

    @property
    def sdk(self) -> Model:
        """The stock model serving what the lean path does not."""
        return self._sdk

    def encoded_messages(self) -> int:
        """How many history messages are kept encoded (for tests and diagnostics)."""
        return len(self._messages)

    @property
    def model_name(self) -> str:
        """The model name."""
        return self._sdk.model_name

    @property
    def system(self) -> str:
        """The provider name recorded on responses (the SDK model's)."""
        return self._sdk.system

    @property
    def base_url(self) -> str:
        """The API base URL."""
        return self._base_url

    @staticmethod
    def _profile_is_lean(profile: ModelProfile) -> bool:
        get = profile.get
        return bool(
            get("openai_system_prompt_role", None) in (None, "system")
            and get("openai_chat_supports_multiple_system_messages", True)
            and not get("openai_unsupported_model_settings", ())
            and get("openai_chat_send_back_thinking_parts", "auto") == "auto"
        )

    # ------------------------------------------------------------------ request body

    def _body(
        self,
        messages: Sequence[ModelMessage],
        settings: ModelSettings,
        params: ModelRequestParameters,
        *,
        stream: bool,
    ) -> bytes:
        """The request body, or :class:`Unsupported` when the SDK must send it."""
        if not self._lean_profile:
            raise Unsupported("profile")
        if (
            params.native_tools
            or params.output_object is not None
            or params.output_mode not in ("text", "tool")
            or params.thinking is not None
            or not (params.allow_text_output or params.allow_image_output)
        ):
            raise Unsupported("request parameters")
        if not LEAN_SETTINGS.issuperset(settings):
            raise Unsupported("settings")
        profile = self.profile
        if profile.get("openai_supports_reasoning", False) and not SAMPLING_SETTINGS.isdisjoint(
            settings
        ):
            raise Unsupported("sampling settings on a reasoning model")

        mapped: list[tuple[str, str]] = []
        last = len(messages) - 1
        for i, message in enumerate(messages):
            # The newest message may still change (the graph sets its instructions): not kept.
            mapped.extend(self._messages.encode(message, keep=i < last))
        instructions = self._get_instruction_parts(messages, params) or []
        if instructions:
            lead = 0
            while lead < len(mapped) and mapped[lead][0] == "system":
                lead += 1
            mapped[lead:lead] = [("system", self._system(part.content)) for part in instructions]

        strict_ok = bool(profile.get("openai_supports_strict_tool_definition", True))
        tools = [
            self._tools.encode(tool, strict_ok=strict_ok)
            for tool in params.declared_tool_defs.values()
        ]
        out = [
            '{"model":',
            dumps(self.model_name),
            ',"stream":',
            "true" if stream else "false",
            ',"messages":[',
            ",".join(m for _, m in mapped),
            "]",
        ]

        def add(key: str, value: Any) -> None:
            out.append(f',"{key}":')
            out.append(dumps(value))

        if "frequency_penalty" in settings:
            add("frequency_penalty", settings["frequency_penalty"])
        max_tokens = settings.get("max_tokens")
        completion_field = profile.get("openai_chat_supports_max_completion_tokens", True)
        if max_tokens is not None and completion_field:
            add("max_completion_tokens", max_tokens)
        if max_tokens is not None and not completion_field:
            add("max_tokens", max_tokens)
        if tools and "parallel_tool_calls" in settings:
            add("parallel_tool_calls", settings["parallel_tool_calls"])
        if "presence_penalty" in settings:
            add("presence_penalty", settings["presence_penalty"])
        if "seed" in settings:
            add("seed", settings["seed"])
        if "stop_sequences" in settings:
            add("stop", settings["stop_sequences"])
        if stream:
            out.append(',"stream_options":{"include_usage":true}')
        if "temperature" in settings:
            add("temperature", settings["temperature"])
        if tools:
            out.append(',"tool_choice":"auto","tools":[')
            out.append(",".join(tools))
            out.append("]")
        if "top_p" in settings:
            add("top_p", settings["top_p"])
        out.append("}")
        return "".join(out).encode()

    def _system(self, content: str) -> str:
        """A system message's JSON; the instructions repeat on every request: encoded once."""
        encoded = self._instructions.get(content)
        if encoded is None:
            if len(self._instructions) >= 256:
                self._instructions.clear()
            encoded = dumps({"role": "system", "content": content})
            self._instructions[content] = encoded
        return encoded

    # ------------------------------------------------------------------ requests

    async def request(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        model_request_parameters: ModelRequestParameters,
    ) -> ModelResponse:
        """One non-streamed request."""
        check_allow_model_requests()
        settings, params = self.prepare_request(model_settings, model_request_parameters)
        try:
            body = self._body(messages, settings or {}, params, stream=False)
        except Unsupported:
            return await self._sdk.request(messages, model_settings, model_request_parameters)
        response = await self._send(body, settings or {})
        try:
            raw = await response.aread()
        except httpx2.TransportError as exc:
            raise transport_error(exc, self.model_name) from exc
        finally:
            await response.aclose()
        try:
            data = json.loads(raw)
        except ValueError as exc:
            raise UnexpectedModelBehavior(
                f"Invalid response from {self.model_name}: {raw[:200]!r}"
            ) from exc
        return self._completion(data)

    @asynccontextmanager
    async def request_stream(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        model_request_parameters: ModelRequestParameters,
        run_context: RunContext[Any] | None = None,
    ) -> AsyncGenerator[StreamedResponse]:
        """One streamed request."""
        check_allow_model_requests()
        settings, params = self.prepare_request(model_settings, model_request_parameters)
        try:
            body = self._body(messages, settings or {}, params, stream=True)
        except Unsupported:
            async with self._sdk.request_stream(
                messages, model_settings, model_request_parameters, run_context
            ) as sdk_stream:
                yield sdk_stream
            return
        response = await self._send(body, settings or {})
        try:
            yield LeanStreamedResponse(
                model_request_parameters=params,
                _model_name=self.model_name,
                _provider_name=self.system,
                _provider_url=self._base_url,
                _http=response,
                _profile=self.profile,
            )
        finally:
            await response.aclose()

    async def _send(self, body: bytes, settings: ModelSettings) -> httpx2.Response:
        """POST ``body`` through the transport (retries included); an error status raised.

        The transport is called without ``httpx2.AsyncClient`` around it: the request
        needs none of its cookies, auth, redirects or hooks, and its response wrappers
        cost a layer per read of the stream."""
        timeout = settings.get("timeout")
        limits = httpx2.Timeout(timeout) if isinstance(timeout, float | int) else self._timeout
        request = httpx2.Request(
            "POST",
            self._url,
            content=body,
            headers=self._headers,
            extensions={"timeout": limits.as_dict()},
        )
        try:
            response = await self._transport.handle_async_request(request)
        except httpx2.TransportError as exc:
            raise transport_error(exc, self.model_name) from exc
        if response.status_code >= 400:
            try:
                raw = await response.aread()
            except httpx2.TransportError:
                raw = b""
            finally:
                await response.aclose()
            raise status_error(response.status_code, self.model_name, raw, response.headers)
        return response

    def _unusual(self, choice: dict[str, Any], message: dict[str, Any]) -> bool:
        """Whether a completion carries more than text and tool calls (reasoning, a refusal,
        annotations, audio, log probabilities, thinking tags in the text)."""
        content = message.get("content")
        start_tag = self.profile.get("thinking_tags", DEFAULT_THINKING_TAGS)[0]
        return bool(
            message.get("refusal")
            or message.get("annotations")
            or message.get("audio")
            or message.get("reasoning")
            or message.get("reasoning_content")
            or choice.get("logprobs")
            or (isinstance(content, str) and start_tag in content)
        )

    def _stock_completion(self, data: dict[str, Any]) -> ModelResponse:
        """The completion as pydantic-ai's OpenAI model maps it (its response hook)."""
        sdk = self._sdk
        if not isinstance(sdk, OpenAIChatModel):
            raise UnexpectedModelBehavior(f"{self.model_name}: a completion it cannot map")
        response = sdk._process_response(ChatCompletion.model_validate(data))
        return dataclasses.replace(response, provider_url=self._base_url)

    def _completion(self, data: Any) -> ModelResponse:
        """The ``ModelResponse`` of a non-streamed completion body."""
        if not isinstance(data, dict) or not data.get("choices"):
            raise UnexpectedModelBehavior(f"Invalid response from {self.model_name}: no choices")
        choice = data["choices"][0]
        message = choice.get("message") or {}
        if self._unusual(choice, message):
            return self._stock_completion(data)
        parts: list[ModelResponsePart] = []
        if message.get("content"):
            parts.append(TextPart(message["content"]))
        for call in message.get("tool_calls") or ():
            function = call.get("function") or {}
            parts.append(
                ToolCallPart(function.get("name", ""), function.get("arguments"), call.get("id"))
            )
        raw_finish = choice.get("finish_reason") or "stop"
        details: dict[str, Any] = {"finish_reason": raw_finish}
        if (when := timestamp_of(data.get("created"))) is not None:
            details["timestamp"] = when
        usage = data.get("usage")
        return ModelResponse(
            parts=parts,
            usage=usage_of(usage) if isinstance(usage, dict) else RequestUsage(),
            model_name=data.get("model") or self.model_name,
            provider_name=self.system,
            provider_url=self._base_url,
            provider_details=details,
            provider_response_id=data.get("id"),
            finish_reason=FINISH_REASONS.get(raw_finish),
        )


__all__ = ["LEAN_SETTINGS", "SAMPLING_SETTINGS", "LeanChatModel"]
