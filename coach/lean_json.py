"""Chat Completions request JSON of pydantic-ai messages and tools, each encoded once.

The lean model (:mod:`coach.lean_chat`) assembles a request body from strings: each history
message's Chat Completions JSON is kept beside the message (a weak reference, so it goes
with the history), each tool definition's per schema object. The JSON is the ``openai``
SDK's: compact, UTF-8, the same keys in the same order. A message with a part the lean
path does not map raises :class:`Unsupported` (the request then goes through the SDK).
"""

from __future__ import annotations

import functools
import json
import weakref
from dataclasses import dataclass
from typing import Any

from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    SystemPromptPart,
    TextPart,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
)
from pydantic_ai.tools import ToolDefinition


def dumps(value: Any) -> str:
    """JSON as the SDK's HTTP client writes a body: compact, UTF-8, no NaN."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


class Unsupported(Exception):
    """The request needs the SDK path."""


@dataclass(slots=True)
class _Encoded:
    """The JSON of one history message: ``(role, json)`` per Chat Completions message."""

    ref: weakref.ref[ModelMessage]
    parts: tuple[int, ...]
    messages: list[tuple[str, str]]


class MessageJSON:
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
                raise Unsupported("user content other than text")
            out.append(("user", dumps({"role": "user", "content": part.content})))
        elif kind is ToolReturnPart:
            assert isinstance(part, ToolReturnPart)
            text, files = part.model_response_str_and_user_content()
            if files or part.tool_call_id is None:
                raise Unsupported("tool return with files or without a call id")
            out.append(
                (
                    "tool",
                    dumps({"role": "tool", "tool_call_id": part.tool_call_id, "content": text}),
                )
            )
        elif kind is SystemPromptPart:
            assert isinstance(part, SystemPromptPart)
            out.append(("system", dumps({"role": "system", "content": part.content})))
        else:
            raise Unsupported(f"request part {kind.__name__}")
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
                raise Unsupported("tool call without an id or with provider content")
            calls.append(
                {
                    "id": part.tool_call_id,
                    "type": "function",
                    "function": {"name": part.tool_name, "arguments": part.args_as_json_str()},
                }
            )
        else:
            raise Unsupported(f"response part {kind.__name__}")
    if not texts and not calls:
        return []
    body: dict[str, Any] = {"role": "assistant", "content": "\n\n".join(texts) if texts else None}
    if calls:
        body["tool_calls"] = calls
    return [("assistant", dumps(body))]


class ToolJSON:
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
        encoded = dumps({"type": "function", "function": function})
        if len(self._known) >= 1024:
            self._known.clear()
        self._known[key] = (schema, encoded)
        return encoded


__all__ = ["MessageJSON", "ToolJSON", "Unsupported", "dumps"]
