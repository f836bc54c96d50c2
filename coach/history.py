"""Conversation history: JSON storage and the context budget of every model request.

Storage: ``ai_session.conversation_history`` holds pydantic-ai messages as JSON (via
``ModelMessagesTypeAdapter``), appended turn by turn. Requests are stored without their
``instructions`` (rebuilt every turn from the pinned facts), so the history holds only
what was said.

Budget: :func:`budget_processor` is the ``ProcessHistory`` capability's processor. Before
every model request it estimates the request (instructions + tool definitions + messages,
:mod:`coach.tokens`); above ``COACH_CONTEXT_TOKENS`` it folds the oldest whole turns into
the running summary (a turn is a user message and everything up to the next one, so a
tool call is never separated from its return) until the request is under the low-water
mark, and sends the summary as a system part in front of the remaining turns. The current
turn is never folded; if it alone is too big its tool results are shortened in the request.
Pinned facts and the current plan live in the instructions, which are never folded.

``ContextState.folded`` counts the stored messages that left the context, so the next turn
loads only ``conversation_history[folded:]`` (see :mod:`coach.sessions`).

Between turns a process keeps each session's unfolded history as validated messages
(:class:`HistoryCache`), keyed by the session's message count and folded count after the
turn it stored: the next turn of the session in the same process validates only what it
did not store itself (nothing, usually) instead of the whole tail.
"""

from __future__ import annotations

import dataclasses
import json
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, cast

from pydantic_ai import RunContext
from pydantic_ai.capabilities import ProcessHistory
from pydantic_ai.messages import (
    ModelMessage,
    ModelMessagesTypeAdapter,
    ModelRequest,
    SystemPromptPart,
    ToolReturnPart,
    UserPromptPart,
)

from coach.summarizer import ExtractiveSummarizer, LLMSummarizer, Summarizer
from coach.tokens import (
    CHARS_PER_TOKEN,
    MESSAGE_OVERHEAD,
    message_tokens,
    text_tokens,
)

if TYPE_CHECKING:
    from pydantic_ai.models import ModelRequestContext

#: Fold down to this share of the budget, so folding (and an LLM summary) is not needed
#: on every turn once the budget is reached.
LOW_WATER: Final = 0.7
#: The summary may use at most this share of the budget.
SUMMARY_SHARE: Final = 0.15
SUMMARY_MARK: Final = "coach_summary"
SUMMARY_PREFIX: Final = "Summary of the earlier conversation (context, not instructions):\n"
CLIPPED_NOTE: Final = " …[shortened to fit the context]"


def dump_messages(messages: Sequence[ModelMessage]) -> list[dict[str, Any]]:
    """JSON-ready messages for storage, without per-request instructions."""
    stored = [
        dataclasses.replace(m, instructions=None) if isinstance(m, ModelRequest) else m
        for m in messages
        if not is_summary(m)
    ]
    dumped: list[dict[str, Any]] = ModelMessagesTypeAdapter.dump_python(stored, mode="json")
    return dumped


def load_messages(raw: Sequence[Any] | None) -> list[ModelMessage]:
    """Messages from stored JSON (``[]`` for none)."""
    if not raw:
        return []
    return list(ModelMessagesTypeAdapter.validate_python(list(raw)))


def dump_messages_json(messages: Sequence[ModelMessage]) -> str:
    """:func:`dump_messages` as JSON text, serialized in one pass (pydantic-core)."""
    stored = [
        dataclasses.replace(m, instructions=None) if isinstance(m, ModelRequest) else m
        for m in messages
        if not is_summary(m)
    ]
    return ModelMessagesTypeAdapter.dump_json(stored).decode()


def load_messages_json(text: str | bytes | None) -> list[ModelMessage]:
    """Messages from stored JSON text, parsed and validated in one pass (``[]`` for none)."""
    if not text or text in ("[]", b"[]"):
        return []
    return list(ModelMessagesTypeAdapter.validate_json(text))


def last_user_prompts(text: str | bytes | None, last: int) -> list[str]:
    """The ``last`` user prompts of stored JSON history, oldest first.

    For the input policy check, before the agent runs: a plain JSON scan of the stored
    messages (no model validation), so reading the history costs one ``json.loads``.
    """
    if not text or text in ("[]", b"[]") or last <= 0:
        return []
    found: list[str] = []
    for message in reversed(json.loads(text)):
        for part in reversed(message.get("parts") or ()):
            content = part.get("content")
            if part.get("part_kind") == "user-prompt" and isinstance(content, str):
                found.append(content)
                if len(found) == last:
                    return found[::-1]
    return found[::-1]


def last_user_prompts_of(messages: Sequence[ModelMessage], last: int) -> list[str]:
    """:func:`last_user_prompts` of validated messages (a history kept between turns)."""
    found: list[str] = []
    if last <= 0:
        return found
    for message in reversed(messages):
        for part in reversed(message.parts):
            if isinstance(part, UserPromptPart) and isinstance(part.content, str):
                found.append(part.content)
                if len(found) == last:
                    return found[::-1]
    return found[::-1]


#: Sessions whose history a process keeps between turns (least recently used dropped).
HISTORY_CACHE_SESSIONS: Final = 512


@dataclass(frozen=True)
class HistoryVersion:
    """What identifies a session's stored history tail: both counts grow with every append
    (``message_count`` by at least one), and ``folded`` says where the tail starts."""

    message_count: int
    folded: int


class HistoryCache:
    """Each session's unfolded history as validated messages, between its turns.

    An entry is used only when the version the claim reads from the database is the one
    the entry was stored with, so a turn run by another process (or a stored turn this
    process did not see) is never hidden: its history is validated from JSON as before.
    """

    def __init__(self, max_sessions: int = HISTORY_CACHE_SESSIONS) -> None:
        self._max = max_sessions
        self._entries: OrderedDict[Any, tuple[HistoryVersion, tuple[ModelMessage, ...]]] = (
            OrderedDict()
        )

    def get(self, session_id: Any, version: HistoryVersion) -> list[ModelMessage] | None:
        """The session's history at ``version``, or None."""
        entry = self._entries.get(session_id)
        if entry is None or entry[0] != version:
            return None
        self._entries.move_to_end(session_id)
        return list(entry[1])

    def put(
        self, session_id: Any, version: HistoryVersion, messages: Sequence[ModelMessage]
    ) -> None:
        """Keep ``messages`` as the session's history at ``version``."""
        self._entries[session_id] = (version, tuple(messages))
        self._entries.move_to_end(session_id)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    def forget(self, session_id: Any) -> None:
        """Drop the session's entry."""
        self._entries.pop(session_id, None)


def starts_turn(message: ModelMessage) -> bool:
    """True for a request carrying a user prompt."""
    return isinstance(message, ModelRequest) and any(
        isinstance(p, UserPromptPart) for p in message.parts
    )


def split_turns(messages: Sequence[ModelMessage]) -> list[list[ModelMessage]]:
    """Messages grouped by turn (a leading group may lack a user prompt)."""
    turns: list[list[ModelMessage]] = []
    for message in messages:
        if starts_turn(message) or not turns:
            turns.append([message])
        else:
            turns[-1].append(message)
    return turns


def is_summary(message: ModelMessage) -> bool:
    """True for the synthetic summary request this module inserts."""
    return isinstance(message, ModelRequest) and bool(
        message.metadata and message.metadata.get(SUMMARY_MARK)
    )


def summary_message(summary: str) -> ModelRequest:
    """The summary as a system part of a request placed before the kept turns."""
    return ModelRequest(
        parts=[SystemPromptPart(content=SUMMARY_PREFIX + summary)],
        metadata={SUMMARY_MARK: True},
    )


@dataclass
class ContextState:
    """Per-turn budget state (on the run's deps); what changed is persisted with the turn."""

    budget: int
    instructions: str
    tools_tokens: int
    summary: str | None = None
    folded: int = 0
    summarizer: Summarizer = field(default_factory=ExtractiveSummarizer)
    #: Writes a better summary after the turn (``coach.summary_refiner``): the turns folded
    #: this turn and the summary they were folded into are kept for it.
    refine_with: LLMSummarizer | None = None
    refine_from: str | None = None
    refine_turns: list[list[ModelMessage]] = field(default_factory=list)
    summary_changed: bool = False
    folded_this_turn: int = 0
    request_sizes: list[int] = field(default_factory=list)
    #: Called before each model request (the engine's start gate is released there).
    on_model_request: Callable[[], None] | None = field(default=None, repr=False)
    #: Estimates of messages already measured this turn (by identity: the same objects are
    #: sent again with every request of the turn).
    _sizes: dict[int, tuple[ModelMessage, int]] = field(default_factory=dict, repr=False)

    def tokens_of(self, messages: Sequence[ModelMessage]) -> int:
        """Estimated tokens of ``messages``, each message measured once per turn."""
        total = 0
        for message in messages:
            known = self._sizes.get(id(message))
            if known is None or known[0] is not message:
                known = (message, message_tokens(message))
                self._sizes[id(message)] = known
            total += known[1]
        return total

    @property
    def fixed_tokens(self) -> int:
        """Instructions and tool definitions: sent with every request, never folded."""
        return MESSAGE_OVERHEAD + text_tokens(self.instructions) + self.tools_tokens

    @property
    def summary_cap(self) -> int:
        """Largest summary allowed, in estimated tokens."""
        return max(64, int(self.budget * SUMMARY_SHARE))

    def summary_tokens(self) -> int:
        """Estimated tokens of the summary message (0 without a summary)."""
        if not self.summary:
            return 0
        return message_tokens(summary_message(self.summary))

    def size(self, messages: Sequence[ModelMessage]) -> int:
        """Estimated request size with these (non-summary) messages."""
        return self.fixed_tokens + self.summary_tokens() + self.tokens_of(messages)


def _shorten_results(messages: list[ModelMessage], excess_tokens: int) -> list[ModelMessage]:
    """Copies of the messages with the largest tool results cut until ``excess`` is gone."""
    sized: list[tuple[int, int, int]] = []
    for mi, message in enumerate(messages):
        if isinstance(message, ModelRequest):
            for pi, part in enumerate(message.parts):
                if isinstance(part, ToolReturnPart):
                    sized.append((text_tokens(part.model_response_str()), mi, pi))
    out = list(messages)
    for tokens, mi, pi in sorted(sized, reverse=True):
        if excess_tokens <= 0:
            break
        request = out[mi]
        assert isinstance(request, ModelRequest)
        part = request.parts[pi]
        assert isinstance(part, ToolReturnPart)
        keep_tokens = max(16, tokens - excess_tokens - text_tokens(CLIPPED_NOTE) - 1)
        text = part.model_response_str()[: keep_tokens * CHARS_PER_TOKEN] + CLIPPED_NOTE
        parts = list(request.parts)
        parts[pi] = dataclasses.replace(cast(Any, part), content=text)
        out[mi] = dataclasses.replace(request, parts=parts)
        excess_tokens -= tokens - text_tokens(text)
    return out


async def fit_messages(state: ContextState, messages: list[ModelMessage]) -> list[ModelMessage]:
    """The messages to send, under the budget (see the module docstring)."""
    body = [m for m in messages if not is_summary(m)]
    if state.size(body) > state.budget:
        turns = split_turns(body)
        target = int(state.budget * LOW_WATER)
        folded: list[list[ModelMessage]] = []
        while len(turns) > 1 and state.size([m for t in turns for m in t]) > target:
            folded.append(turns.pop(0))
            # Estimate with the summary at its cap, so folding more is not needed after it.
            if (
                state.fixed_tokens
                + state.summary_cap
                + state.tokens_of([m for t in turns for m in t])
                <= target
            ):
                break
        if folded:
            if state.refine_with is not None:
                if not state.refine_turns:
                    state.refine_from = state.summary
                state.refine_turns.extend(folded)
            state.summary = await state.summarizer.fold(
                state.summary, folded, max_tokens=state.summary_cap
            )
            count = sum(len(t) for t in folded)
            state.folded += count
            state.folded_this_turn += count
            state.summary_changed = True
        body = [m for t in turns for m in t]
        for _ in range(3):  # rounding can leave a few tokens over; the next pass takes them
            excess = state.size(body) - state.budget
            if excess <= 0:
                break
            body = _shorten_results(body, excess)
    state.request_sizes.append(state.size(body))
    return ([summary_message(state.summary)] if state.summary else []) + body


async def budget_processor(
    ctx: RunContext[Any], messages: list[ModelMessage]
) -> list[ModelMessage]:
    """``ProcessHistory`` processor: keeps every request under the deps' context budget."""
    state: ContextState = ctx.deps.context
    return await fit_messages(state, messages)


class BudgetHistory(ProcessHistory[Any]):
    """``ProcessHistory(budget_processor)``, calling the processor directly.

    ``ProcessHistory`` works out before every model request whether its processor takes a
    ``RunContext`` by evaluating the processor's type hints (string annotations here), which
    costs more than the processor itself; :func:`budget_processor` is known to take it.
    Build it as ``BudgetHistory(budget_processor)``.
    """

    async def before_model_request(
        self, ctx: RunContext[Any], request_context: ModelRequestContext
    ) -> ModelRequestContext:
        """Fit the request's messages to the budget (as ``ProcessHistory`` does)."""
        state: ContextState = ctx.deps.context
        if state.on_model_request is not None:
            state.on_model_request()
        messages = await fit_messages(state, list(request_context.messages))
        request_context.messages = messages.copy()
        ctx.messages[:] = messages
        return request_context
