"""A Chat Completions SSE stream parsed straight into pydantic-ai's parts manager.

:class:`LeanStreamedResponse` is the lean model's ``StreamedResponse``: each read of the
body is split into SSE events in one pass, consecutive text deltas of one read go to the
parts manager as one, and text, tool calls, reasoning, refusals, usage, finish reasons and
provider details are recorded as pydantic-ai's OpenAI model records them. Also here: the
usage, timestamp and error mappings the lean model shares with its stream.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Final

import httpx2
from pydantic_ai.exceptions import (
    ModelAPIError,
    ModelConnectionError,
    ModelHTTPError,
    ModelRateLimitError,
    ModelServerError,
    ModelTimeoutError,
)
from pydantic_ai.messages import (
    FinishReason,
    ModelResponseStreamEvent,
    PartStartEvent,
    TextPart,
    ThinkingPart,
)
from pydantic_ai.models import StreamedResponse
from pydantic_ai.profiles import DEFAULT_THINKING_TAGS, ModelProfile
from pydantic_ai.usage import RequestUsage
from pydantic_core import from_json

FINISH_REASONS: Final[dict[str, FinishReason]] = {
    "stop": "stop",
    "length": "length",
    "tool_calls": "tool_call",
    "content_filter": "content_filter",
    "function_call": "tool_call",
}
#: Usage fields that are not token counts of their own (``RequestUsage.details`` keeps the rest).
_USAGE_MAIN: Final = frozenset({"prompt_tokens", "completion_tokens", "total_tokens"})


def usage_of(data: dict[str, Any]) -> RequestUsage:
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


def timestamp_of(created: Any) -> dt.datetime | None:
    if isinstance(created, int | float) and created:
        return dt.datetime.fromtimestamp(created, tz=dt.UTC)
    return None


def status_error(
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


def transport_error(exc: httpx2.TransportError, model_name: str) -> ModelConnectionError:
    if isinstance(exc, httpx2.TimeoutException):
        return ModelTimeoutError(model_name, f"Request timed out: {exc!r}")
    return ModelConnectionError(model_name, f"Connection error: {exc!r}")


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
                    # pydantic-core's parser: the same values as json.loads, a third of
                    # its time on these small objects (one call per chunk)
                    chunks.append(from_json(payload))
                for event in self._read(chunks):
                    yield event
        except httpx2.TransportError as exc:
            raise transport_error(exc, self._model_name) from exc
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
        if self.provider_details is None and (when := timestamp_of(chunk.get("created"))):
            self.provider_details = {"timestamp": when}
        usage = chunk.get("usage")
        if usage:
            self._add_usage(usage_of(usage), reported=True)
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


__all__ = [
    "FINISH_REASONS",
    "LeanStreamedResponse",
    "status_error",
    "timestamp_of",
    "transport_error",
    "usage_of",
]
