"""A session's stored pydantic-ai messages, rendered for people and clients.

``conversation_history`` holds pydantic-ai messages as JSON (requests with user prompts and
tool returns, responses with text and tool calls). Clients want a transcript instead::

    {"role": "user", "text": "How is my weight trending?"}
    {"role": "assistant", "text": "", "tool_calls": [{"tool": "get_weight_trend", ...}]}
    {"role": "tool", "tool": "get_weight_trend", "call_id": "c1", "text": "{\\"trend_kg\\": ...}"}
    {"role": "assistant", "text": "Your 7-day average is 82.4 kg, ..."}

System prompts, instructions and thinking parts are internal and left out. The renderer
reads the JSON defensively (unknown parts are skipped), so an older or newer message
format never breaks the endpoint.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, Field

__all__ = ["HistoryItem", "ToolCallView", "render_history"]

#: Tool results can be large; the transcript shows their beginning.
TOOL_TEXT_LIMIT = 1000


class ToolCallView(BaseModel):
    """A tool call the coach made."""

    tool: str
    call_id: str | None = None
    args: dict[str, Any] | str | None = None


class HistoryItem(BaseModel):
    """One transcript line."""

    role: Literal["user", "assistant", "tool"]
    text: str = ""
    tool_calls: list[ToolCallView] = Field(default_factory=list)
    tool: str | None = Field(default=None, description="for role=tool: which tool answered")
    call_id: str | None = None
    status: str | None = Field(default=None, description="for role=tool: success or error")
    at: dt.datetime | None = None


def _clip(text: str, limit: int = TOOL_TEXT_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _as_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        # Multi-part user prompts: keep the text parts.
        return "\n".join(part for part in content if isinstance(part, str))
    return json.dumps(content, ensure_ascii=False, default=str)


def _timestamp(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _args(value: Any) -> dict[str, Any] | str | None:
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return value
        return parsed if isinstance(parsed, dict) else value
    return value if isinstance(value, dict) else None


def _request_items(message: dict[str, Any]) -> Iterable[HistoryItem]:
    for part in message.get("parts") or []:
        if not isinstance(part, dict):
            continue
        kind = part.get("part_kind")
        at = _timestamp(part.get("timestamp"))
        if kind == "user-prompt":
            yield HistoryItem(role="user", text=_as_text(part.get("content")), at=at)
        elif kind in ("tool-return", "retry-prompt") and part.get("tool_name"):
            failed = kind == "retry-prompt" or part.get("outcome") not in (None, "success")
            yield HistoryItem(
                role="tool",
                tool=str(part["tool_name"]),
                call_id=part.get("tool_call_id"),
                text=_clip(_as_text(part.get("content"))),
                status="error" if failed else "success",
                at=at,
            )


def _response_item(message: dict[str, Any]) -> HistoryItem | None:
    texts: list[str] = []
    calls: list[ToolCallView] = []
    for part in message.get("parts") or []:
        if not isinstance(part, dict):
            continue
        kind = part.get("part_kind")
        if kind == "text":
            texts.append(str(part.get("content") or ""))
        elif kind == "tool-call" and part.get("tool_name"):
            calls.append(
                ToolCallView(
                    tool=str(part["tool_name"]),
                    call_id=part.get("tool_call_id"),
                    args=_args(part.get("args")),
                )
            )
    if not texts and not calls:
        return None
    return HistoryItem(
        role="assistant",
        text="".join(texts),
        tool_calls=calls,
        at=_timestamp(message.get("timestamp")),
    )


def render_history(messages: Iterable[Any]) -> list[HistoryItem]:
    """The transcript of stored pydantic-ai messages, oldest first."""
    items: list[HistoryItem] = []
    for message in messages:
        if not isinstance(message, dict):
            continue
        if message.get("kind") == "request":
            items.extend(_request_items(message))
        elif message.get("kind") == "response":
            item = _response_item(message)
            if item is not None:
                items.append(item)
    return items
