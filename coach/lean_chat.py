"""A lean Chat Completions model: request JSON built here, SSE parsed straight into events.

:class:`LeanChatModel` is a pydantic-ai ``Model`` (the library's extension point for models)
for ``openai-chat:`` specs. For the requests a coach turn makes (text and tool-call
messages, function tools, the common sampling settings) it

- builds the request body itself, in the key order and JSON form of the ``openai`` SDK
  (``tests/coach/test_lean_chat.py`` compares the bodies the fake server received from both
  paths), encoding each earlier history message once: the JSON of a message is kept beside
  the message (weakly: it goes when the history does), so a request grows by its new
  messages only;
- sends it with the shared ``httpx2`` client of :mod:`coach.models` (its transport retries
  429 / 5xx / timeouts honouring ``Retry-After``, see :mod:`coach.transport`), and maps a
  final error status to pydantic-ai's ``ModelHTTPError`` and a transport failure to its
  ``ModelConnectionError`` / ``ModelTimeoutError`` (so a ``FallbackModel`` falls back);
- parses the SSE stream in one loop over each read (several events per read are split in
  one pass) into pydantic-ai's parts manager, so parts, tool calls, usage, finish reasons
  and provider details are the ones pydantic-ai's own model records.

Anything else (images and files, thinking, structured output, forced tool choice, native
tools, provider-specific settings, profiles that rewrite messages) is sent by ``sdk``, the
stock ``OpenAIChatModel`` on the same client: the lean path never guesses.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import weakref
from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Final

import httpx2
from openai.types.chat import ChatCompletion
from pydantic_ai._run_context import RunContext
from pydantic_ai.exceptions import (
    ModelAPIError,
    ModelConnectionError,
    ModelHTTPError,
    ModelRateLimitError,
    ModelServerError,
    ModelTimeoutError,
    UnexpectedModelBehavior,
)
from pydantic_ai.messages import (
    FinishReason,
    ModelMessage,
    ModelRequest,
    ModelResponse,
    ModelResponsePart,
    ModelResponseStreamEvent,
    PartStartEvent,
    SystemPromptPart,
    TextPart,
    ThinkingPart,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
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
from pydantic_ai.tools import ToolDefinition
from pydantic_ai.usage import RequestUsage

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
FINISH_REASONS: Final[dict[str, FinishReason]] = {
    "stop": "stop",
    "length": "length",
    "tool_calls": "tool_call",
    "content_filter": "content_filter",
    "function_call": "tool_call",
}
#: Usage fields that are not token counts of their own (``RequestUsage.details`` keeps the rest).
_USAGE_MAIN: Final = frozenset({"prompt_tokens", "completion_tokens", "total_tokens"})


def _dumps(value: Any) -> str:
    """JSON as the SDK's HTTP client writes a body: compact, UTF-8, no NaN."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


class _Unsupported(Exception):
    """The request needs the SDK path."""


@dataclass(slots=True)
class _Encoded:
    """The JSON of one history message: ``(role, json)`` per Chat Completions message."""

    ref: weakref.ref[ModelMessage]
    parts: tuple[int, ...]
    messages: list[tuple[str, str]]


class _MessageJSON:
    """Chat Completions JSON of pydantic-ai messages, each message encoded once."""

    def __init__(self) -> None:
        self._known: dict[int, _Encoded] = {}

    def encode(self, message: ModelMessage, *, keep: bool) -> list[tuple[str, str]]:
        """The message's Chat Completions messages; kept for later requests when ``keep``."""
        key = id(message)
        known = self._known.get(key)
        parts = tuple(map(id, message.parts))
        if known is not None and known.ref() is message and known.parts == parts:
            return known.messages
        if isinstance(message, ModelRequest):
            encoded = _map_request(message)
        else:
            encoded = _map_response(message)
        if keep:
            self._known[key] = _Encoded(
                weakref.ref(message, functools.partial(self._forget, key)), parts, encoded
            )
        return encoded

    def _forget(self, key: int, _: object) -> None:
        known = self._known.get(key)
        if known is not None and known.ref() is None:
            del self._known[key]

    def __len__(self) -> int:
        return len(self._known)


def _map_request(message: ModelRequest) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for part in message.parts:
        kind = type(part)
        if kind is UserPromptPart:
            assert isinstance(part, UserPromptPart)
            if not isinstance(part.content, str):
                raise _Unsupported("user content other than text")
            out.append(("user", _dumps({"role": "user", "content": part.content})))
        elif kind is ToolReturnPart:
            assert isinstance(part, ToolReturnPart)
            text, files = part.model_response_str_and_user_content()
            if files or part.tool_call_id is None:
                raise _Unsupported("tool return with files or without a call id")
            out.append(
                (
                    "tool",
                    _dumps({"role": "tool", "tool_call_id": part.tool_call_id, "content": text}),
                )
            )
        elif kind is SystemPromptPart:
            assert isinstance(part, SystemPromptPart)
            out.append(("system", _dumps({"role": "system", "content": part.content})))
        else:
            raise _Unsupported(f"request part {kind.__name__}")
    return out


def _map_response(message: ModelResponse) -> list[tuple[str, str]]:
    texts: list[str] = []
    calls: list[dict[str, Any]] = []
    for part in message.parts:
        kind = type(part)
        if kind is TextPart:
            assert isinstance(part, TextPart)
            texts.append(part.content)
        elif kind is ToolCallPart:
            assert isinstance(part, ToolCallPart)
            if part.tool_call_id is None or (
                part.provider_details and "extra_content" in part.provider_details
            ):
                raise _Unsupported("tool call without an id or with provider content")
            calls.append(
                {
                    "id": part.tool_call_id,
                    "type": "function",
                    "function": {"name": part.tool_name, "arguments": part.args_as_json_str()},
                }
            )
        else:
            raise _Unsupported(f"response part {kind.__name__}")
    if not texts and not calls:
        return []
    body: dict[str, Any] = {"role": "assistant", "content": "\n\n".join(texts) if texts else None}
    if calls:
        body["tool_calls"] = calls
    return [("assistant", _dumps(body))]


class _ToolJSON:
    """The JSON of each tool definition, once per (name, description, schema object)."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, str | None, int, bool | None], tuple[Any, str]] = {}

    def encode(self, tool: ToolDefinition, *, strict_ok: bool) -> str:
        schema = tool.parameters_json_schema
        key = (tool.name, tool.description, id(schema), tool.strict)
        known = self._known.get(key)
        if known is not None and known[0] is schema:
            return known[1]
        function: dict[str, Any] = {
            "name": tool.name,
            "description": tool.description or "",
            "parameters": schema,
        }
        if tool.strict and strict_ok:
            function["strict"] = tool.strict
        encoded = _dumps({"type": "function", "function": function})
        if len(self._known) >= 1024:
            self._known.clear()
        self._known[key] = (schema, encoded)
        return encoded


def _usage(data: dict[str, Any]) -> RequestUsage:
    """``RequestUsage`` of a Chat Completions ``usage`` object (as pydantic-ai maps it)."""
    details: dict[str, int] = {
        k: v for k, v in data.items() if k not in _USAGE_MAIN and type(v) is int
    }
    completion = data.get("completion_tokens_details")
    if isinstance(completion, dict):
        details.update({k: v for k, v in completion.items() if type(v) is int})
    prompt = data.get("prompt_tokens_details")
    cache_read = prompt.get("cached_tokens", 0) if isinstance(prompt, dict) else 0
    audio_in = prompt.get("audio_tokens", 0) if isinstance(prompt, dict) else 0
    audio_out = completion.get("audio_tokens", 0) if isinstance(completion, dict) else 0
    return RequestUsage(
        input_tokens=data.get("prompt_tokens") or 0,
        output_tokens=data.get("completion_tokens") or 0,
        cache_read_tokens=cache_read or 0,
        input_audio_tokens=audio_in or 0,
        output_audio_tokens=audio_out or 0,
        details=details,
    )


def _timestamp(created: Any) -> dt.datetime | None:
    if isinstance(created, int | float) and created:
        return dt.datetime.fromtimestamp(created, tz=dt.UTC)
    return None


def _status_error(
    status: int, model_name: str, body: bytes, headers: httpx2.Headers, *, in_stream: bool = False
) -> ModelHTTPError:
    try:
        parsed: Any = json.loads(body) if body else None
    except ValueError:
        parsed = body.decode("utf-8", "replace")
    error = parsed.get("error") if isinstance(parsed, dict) else None
    category: type[ModelRateLimitError] | type[ModelServerError] | None = None
    if status == 429:
        category = ModelRateLimitError
    elif status >= 500:
        category = ModelServerError
    return ModelHTTPError.for_category(
        category,
        status_code=status,
        model_name=model_name,
        body=error if error is not None else parsed,
        headers=dict(headers),
        provider_error_code=error.get("code") if isinstance(error, dict) else None,
        provider_error_type=error.get("type") if isinstance(error, dict) else None,
        in_stream=in_stream,
    )


def _transport_error(exc: httpx2.TransportError, model_name: str) -> ModelConnectionError:
    if isinstance(exc, httpx2.TimeoutException):
        return ModelTimeoutError(model_name, f"Request timed out: {exc!r}")
    return ModelConnectionError(model_name, f"Connection error: {exc!r}")


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
        self._messages = _MessageJSON()
        self._tools = _ToolJSON()
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
        """The request body, or :class:`_Unsupported` when the SDK must send it."""
        if not self._lean_profile:
            raise _Unsupported("profile")
        if (
            params.native_tools
            or params.output_object is not None
            or params.output_mode not in ("text", "tool")
            or params.thinking is not None
            or not (params.allow_text_output or params.allow_image_output)
        ):
            raise _Unsupported("request parameters")
        if not LEAN_SETTINGS.issuperset(settings):
            raise _Unsupported("settings")
        profile = self.profile
        if profile.get("openai_supports_reasoning", False) and not SAMPLING_SETTINGS.isdisjoint(
            settings
        ):
            raise _Unsupported("sampling settings on a reasoning model")

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
            _dumps(self.model_name),
            ',"stream":',
            "true" if stream else "false",
            ',"messages":[',
            ",".join(m for _, m in mapped),
            "]",
        ]

        def add(key: str, value: Any) -> None:
            out.append(f',"{key}":')
            out.append(_dumps(value))

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
            encoded = _dumps({"role": "system", "content": content})
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
        except _Unsupported:
            return await self._sdk.request(messages, model_settings, model_request_parameters)
        response = await self._send(body, settings or {})
        try:
            raw = await response.aread()
        except httpx2.TransportError as exc:
            raise _transport_error(exc, self.model_name) from exc
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
        except _Unsupported:
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
            raise _transport_error(exc, self.model_name) from exc
        if response.status_code >= 400:
            try:
                raw = await response.aread()
            except httpx2.TransportError:
                raw = b""
            finally:
                await response.aclose()
            raise _status_error(response.status_code, self.model_name, raw, response.headers)
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
        if (when := _timestamp(data.get("created"))) is not None:
            details["timestamp"] = when
        usage = data.get("usage")
        return ModelResponse(
            parts=parts,
            usage=_usage(usage) if isinstance(usage, dict) else RequestUsage(),
            model_name=data.get("model") or self.model_name,
            provider_name=self.system,
            provider_url=self._base_url,
            provider_details=details,
            provider_response_id=data.get("id"),
            finish_reason=FINISH_REASONS.get(raw_finish),
        )


@dataclass
class LeanStreamedResponse(StreamedResponse):
    """A Chat Completions SSE stream parsed straight into pydantic-ai's parts manager."""

    _model_name: str
    _provider_name: str
    _provider_url: str
    _http: httpx2.Response
    _profile: ModelProfile
    _timestamp: dt.datetime = field(default_factory=lambda: dt.datetime.now(tz=dt.UTC))
    #: Usage omitted by the server is counted as an unmeasured request (pydantic-ai's rule).
    _usage_received: bool | None = field(default=False, init=False)
    _content_key: int = field(default=0, init=False)
    _reasoning_key: int = field(default=0, init=False)
    _refusal: str = field(default="", init=False)

    async def _get_event_iterator(self) -> AsyncIterator[ModelResponseStreamEvent]:
        buffer = b""
        done = False
        try:
            http = self._http
            reads: AsyncIterator[bytes]
            if "content-encoding" in http.headers:
                reads = http.aiter_bytes()  # decoded (none is asked for: a server's choice)
            else:
                assert isinstance(http.stream, httpx2.AsyncByteStream)
                reads = aiter(http.stream)
            async for data in reads:
                if done:
                    # Read to the end so the connection goes back to the pool.
                    continue
                buffer = buffer + data if buffer else data
                if b"\n\n" not in buffer and b"\r\n\r\n" not in buffer:
                    continue
                if b"\r" in buffer:
                    buffer = buffer.replace(b"\r\n", b"\n")
                *blocks, buffer = buffer.split(b"\n\n")
                chunks: list[dict[str, Any]] = []
                for block in blocks:
                    payload = _sse_data(block)
                    if payload is None:
                        continue
                    if payload == b"[DONE]":
                        done = True
                        break
                    chunks.append(json.loads(payload))
                for event in self._read(chunks):
                    yield event
        except httpx2.TransportError as exc:
            raise _transport_error(exc, self._model_name) from exc
        if self._refusal:
            self.provider_details = {**(self.provider_details or {}), "refusal": self._refusal}
        if self.finish_reason is None:
            self.finish_reason = "stop"

    def _read(self, chunks: list[dict[str, Any]]) -> list[ModelResponseStreamEvent]:
        """The events of the chunks one read brought: consecutive plain text deltas are
        handed to the parts manager as one (the text is the same; a turn gets one delta
        instead of several, as from a server sending bigger chunks)."""
        if len(chunks) == 1:
            return self._chunk(chunks[0])
        events: list[ModelResponseStreamEvent] = []
        texts: list[str] = []
        first: dict[str, Any] | None = None
        merge = not self._profile.get("ignore_streamed_leading_whitespace", False)
        for chunk in chunks:
            text = _plain_text(chunk) if merge else None
            if text is not None:
                if first is None:
                    first = chunk
                texts.append(text)
                continue
            if first is not None:
                events += self._chunk(_with_text(first, "".join(texts)))
                first, texts = None, []
            events += self._chunk(chunk)
        if first is not None:
            events += self._chunk(_with_text(first, "".join(texts)))
        return events

    def _boundary(self, source: str) -> None:
        """A part started: later reasoning, or later text, goes in a part of its own."""
        if source != "reasoning":
            self._reasoning_key += 1
        if source != "content" and isinstance(
            self._parts_manager.get_part_by_vendor_id(("content", self._content_key)), TextPart
        ):
            self._content_key += 1

    def _chunk(self, chunk: dict[str, Any]) -> list[ModelResponseStreamEvent]:
        if "error" in chunk and "choices" not in chunk:
            error = chunk["error"]
            message = error.get("message") if isinstance(error, dict) else str(error)
            raise ModelAPIError(self._model_name, str(message), body=error, in_stream=True)
        if self.provider_details is None and (when := _timestamp(chunk.get("created"))):
            self.provider_details = {"timestamp": when}
        usage = chunk.get("usage")
        if usage:
            self._add_usage(_usage(usage), reported=True)
        if chunk.get("id"):
            self.provider_response_id = chunk["id"]
        if chunk.get("model"):
            self._model_name = chunk["model"]
        choices = chunk.get("choices")
        if not choices:
            return []
        choice = choices[0]
        raw_finish = choice.get("finish_reason")
        delta = choice.get("delta")
        if delta and delta.get("refusal"):
            # A refusal (structured output's safety filter) comes instead of content.
            self._refusal += delta["refusal"]
            self.finish_reason = "content_filter"
            return []
        if raw_finish and not self._refusal:
            self.finish_reason = FINISH_REASONS.get(raw_finish)
            self.provider_details = {**(self.provider_details or {}), "finish_reason": raw_finish}
        if not delta:
            return []
        events: list[ModelResponseStreamEvent] = []
        manager = self._parts_manager
        if len(delta) > 2 or "content" not in delta:  # anything but role and content
            self._reasoning(delta, events)
        content = delta.get("content")
        if content:
            for event in manager.handle_text_delta(
                vendor_part_id=("content", self._content_key),
                content=content,
                thinking_tags=self._profile.get("thinking_tags", DEFAULT_THINKING_TAGS),
                ignore_leading_whitespace=self._profile.get(
                    "ignore_streamed_leading_whitespace", False
                ),
            ):
                if isinstance(event, PartStartEvent):
                    self._boundary("content")
                    if isinstance(event.part, ThinkingPart):  # from thinking tags in the text
                        event.part.id = "content"
                        event.part.provider_name = self._provider_name
                events.append(event)
        for call in delta.get("tool_calls") or ():
            function = call.get("function") or {}
            started = manager.handle_tool_call_delta(
                vendor_part_id=call.get("index"),
                tool_name=function.get("name"),
                args=function.get("arguments"),
                tool_call_id=call.get("id"),
            )
            if started is not None:
                if isinstance(started, PartStartEvent):
                    self._boundary("tool")
                events.append(started)
        return events

    def _reasoning(self, delta: dict[str, Any], events: list[ModelResponseStreamEvent]) -> None:
        """Reasoning deltas (``reasoning_content``, ``reasoning`` or the profile's field)."""
        custom = self._profile.get("openai_chat_thinking_field", None)
        for name in (custom, "reasoning", "reasoning_content"):
            text = delta.get(name) if isinstance(name, str) else None
            if not text or not isinstance(text, str):
                continue
            assert isinstance(name, str)
            for event in self._parts_manager.handle_thinking_delta(
                vendor_part_id=("reasoning", name, self._reasoning_key),
                id=name,
                content=text,
                provider_name=self._provider_name,
            ):
                if isinstance(event, PartStartEvent):
                    self._boundary("reasoning")
                events.append(event)
            return

    async def close_stream(self) -> None:
        """Close the HTTP response."""
        await self._http.aclose()

    @property
    def model_name(self) -> str:
        """The model that answered."""
        return self._model_name

    @property
    def provider_name(self) -> str:
        """The provider name."""
        return self._provider_name

    @property
    def provider_url(self) -> str:
        """The API base URL."""
        return self._provider_url

    @property
    def timestamp(self) -> dt.datetime:
        """When the response started."""
        return self._timestamp


def _plain_text(chunk: dict[str, Any]) -> str | None:
    """The text of a chunk that carries only a text delta (nothing that could open or
    close a part: no tool call, reasoning, refusal, finish, usage or ``<`` of a tag)."""
    choices = chunk.get("choices")
    if chunk.get("usage") or not choices or len(choices) != 1:
        return None
    choice = choices[0]
    delta = choice.get("delta")
    if choice.get("finish_reason") or choice.get("logprobs") or not isinstance(delta, dict):
        return None
    content = delta.get("content")
    if not isinstance(content, str) or "<" in content or len(delta) > 2:
        return None
    if len(delta) == 2 and "role" not in delta:
        return None
    return content


def _with_text(chunk: dict[str, Any], text: str) -> dict[str, Any]:
    """``chunk`` with its text delta replaced by ``text``."""
    choice = chunk["choices"][0]
    return {**chunk, "choices": [{**choice, "delta": {**choice["delta"], "content": text}}]}


def _sse_data(block: bytes) -> bytes | None:
    """The ``data`` of one SSE event (lines joined), or ``None`` without any."""
    if block.startswith(b"data: ") and b"\n" not in block:
        return block[6:]
    lines = [
        line[5:].lstrip(b" ") if line.startswith(b"data:") else None for line in block.split(b"\n")
    ]
    data = [line for line in lines if line is not None]
    return b"\n".join(data) if data else None
