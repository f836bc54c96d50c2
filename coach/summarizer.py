"""Folding older turns into the session's running summary (``ai_session.context_summary``).

Two summarizers with one interface, :meth:`Summarizer.fold`: the previous summary and the
turns to fold in, to the new summary (at most ``max_tokens``, estimated):

- :class:`ExtractiveSummarizer` (offline, deterministic): one line per turn with the
  user's question, the tools used and the reply's first sentences that carry numbers;
  the oldest lines are dropped when the cap is reached;
- :class:`LLMSummarizer` (a real model is configured): asks the model to update the summary;
  on any failure it falls back to the extractive one, so a turn never fails on it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final, Protocol

from pydantic_ai.direct import model_request
from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    TextPart,
    ToolCallPart,
    UserPromptPart,
)
from pydantic_ai.models import Model
from pydantic_ai.usage import RunUsage

from coach.tokens import CHARS_PER_TOKEN, text_tokens

log = logging.getLogger(__name__)

HEADER: Final = "Earlier in this conversation (oldest first):"
OMITTED: Final = "- (older turns omitted)"
USER_CHARS: Final = 120
REPLY_CHARS: Final = 160
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


class Summarizer(Protocol):
    """Updates a running summary with turns that leave the model's context."""

    async def fold(
        self, summary: str | None, turns: Sequence[Sequence[ModelMessage]], *, max_tokens: int
    ) -> str:
        """The new summary (never longer than ``max_tokens``, estimated)."""
        ...


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _user_text(turn: Sequence[ModelMessage]) -> str:
    for message in turn:
        if isinstance(message, ModelRequest):
            for part in message.parts:
                if isinstance(part, UserPromptPart):
                    content = part.content
                    return content if isinstance(content, str) else " ".join(map(str, content))
    return ""


def _reply_text(turn: Sequence[ModelMessage]) -> str:
    texts = [
        part.content
        for message in turn
        if isinstance(message, ModelResponse)
        for part in message.parts
        if isinstance(part, TextPart)
    ]
    return " ".join(texts)


def _tools_used(turn: Sequence[ModelMessage]) -> list[str]:
    names: list[str] = []
    for message in turn:
        if isinstance(message, ModelResponse):
            for part in message.parts:
                if isinstance(part, ToolCallPart) and part.tool_name not in names:
                    names.append(part.tool_name)
    return names


def _key_sentences(reply: str, limit: int) -> str:
    sentences = [s for s in _SENTENCE.split(" ".join(reply.split())) if s]
    with_numbers = [s for s in sentences if re.search(r"\d", s)]
    chosen = (with_numbers or sentences)[:2]
    return _clip(" ".join(chosen), limit)


def turn_line(turn: Sequence[ModelMessage]) -> str:
    """One summary line for a turn."""
    user = _clip(_user_text(turn), USER_CHARS)
    tools = _tools_used(turn)
    reply = _key_sentences(_reply_text(turn), REPLY_CHARS)
    used = f" [{', '.join(tools)}]" if tools else ""
    return f'- User: "{user}" Coach{used}: "{reply}"'


def cap_lines(lines: list[str], max_tokens: int) -> str:
    """``HEADER`` and the newest ``lines`` that fit in ``max_tokens``."""
    limit = max_tokens * CHARS_PER_TOKEN
    kept: list[str] = []
    used = len(HEADER) + len(OMITTED) + 2
    for line in reversed(lines):
        if used + len(line) + 1 > limit:
            break
        kept.insert(0, line)
        used += len(line) + 1
    body = ([OMITTED] if len(kept) < len(lines) else []) + kept
    return "\n".join([HEADER, *body])


def summary_lines(summary: str | None) -> list[str]:
    """The lines of an existing summary, without the header (any summary format)."""
    if not summary:
        return []
    lines = [line for line in summary.splitlines() if line.strip()]
    if lines and lines[0] == HEADER:
        lines = lines[1:]
    return lines


@dataclass
class ExtractiveSummarizer:
    """Deterministic, model-free summaries (the offline default)."""

    async def fold(
        self, summary: str | None, turns: Sequence[Sequence[ModelMessage]], *, max_tokens: int
    ) -> str:
        """See :class:`Summarizer`."""
        lines = summary_lines(summary) + [turn_line(turn) for turn in turns]
        return cap_lines(lines, max_tokens)


_LLM_INSTRUCTIONS: Final = (
    "You maintain the running summary of a conversation between a user and their nutrition "
    "and fitness coach. Update the summary with the new turns. Keep every number, decision, "
    "plan, preference, constraint and open question; drop pleasantries. Write short bullet "
    "lines, oldest first, under {words} words in total. Reply with the summary only."
)


@dataclass
class LLMSummarizer:
    """Summaries written by the configured model; extractive when that fails."""

    model: Model
    fallback: ExtractiveSummarizer = field(default_factory=ExtractiveSummarizer)
    usage: RunUsage = field(default_factory=RunUsage)

    async def fold(
        self, summary: str | None, turns: Sequence[Sequence[ModelMessage]], *, max_tokens: int
    ) -> str:
        """See :class:`Summarizer`."""
        transcript = "\n".join(turn_line(turn) for turn in turns)
        prompt = f"Current summary:\n{summary or '(none)'}\n\nNew turns:\n{transcript}"
        request = ModelRequest(
            parts=[UserPromptPart(prompt)],
            instructions=_LLM_INSTRUCTIONS.format(words=max(20, max_tokens * 3 // 4)),
        )
        try:
            # One request, no tools: pydantic-ai's direct API, not an agent run and its graph
            response = await model_request(
                self.model, [request], model_settings={"max_tokens": max_tokens}
            )
        except Exception:
            log.warning("LLM summarizer failed; using the extractive summary", exc_info=True)
            return await self.fallback.fold(summary, turns, max_tokens=max_tokens)
        self.usage.requests += 1
        self.usage.incr(response.usage)
        text = (response.text or "").strip()
        if not text or text_tokens(text) > max_tokens:
            return await self.fallback.fold(summary, turns, max_tokens=max_tokens)
        return text
