"""The offline coach: a deterministic pydantic-ai ``FunctionModel`` used without an API key.

It goes through the real tool-calling path. On a new user message it recognises what each
clause asks with a learned router (:mod:`coach.intents`, :mod:`coach.offline_router`; a
follow-up takes the previous message's intents) and answers with tool calls whose
arguments come from the message (:mod:`coach.offline_args`: windows, a requested rate,
deadline, calories, protein; dates against the "Today is" line of the instructions),
several in one step when the message asks several things; once the tool results are back
it streams a reply written from them and from what was asked (:mod:`coach.offline_replies`),
with the user's actual numbers, and turns failed calls into plain questions
(:mod:`coach.offline_questions`). A plan request calls ``propose_plan``, so plans pass the
plan safety policy like any model's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from pydantic import BaseModel
from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    RetryPromptPart,
    TextPart,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
)
from pydantic_ai.models.function import AgentInfo, DeltaToolCall, DeltaToolCalls, FunctionModel

from coach import offline_replies
from coach.intents import recognise, tool_calls_for

OFFLINE_MODEL_NAME: Final = "offline"
#: Size of the streamed text chunks (split on spaces): about two sentences. The output
#: policy releases whole sentences to the client anyway, so smaller deltas would only cost
#: CPU (each delta passes the agent's event pipeline: ~0.7 ms a turn at 40 characters).
CHUNK_CHARS: Final = 240


@dataclass
class TurnView:
    """The current turn as the model sees it: the user's text and the results so far."""

    user_text: str = ""
    results: list[ToolReturnPart] = field(default_factory=list)
    retries: list[RetryPromptPart] = field(default_factory=list)
    called: bool = False
    #: The arguments of each call made this turn, by tool call id (what was asked).
    call_args: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: The user's message before this turn's, for follow-ups ("what about last month?").
    previous_text: str | None = None


def _prompt_text(part: UserPromptPart) -> str:
    if isinstance(part.content, str):
        return part.content
    return " ".join(item for item in part.content if isinstance(item, str))


def _previous_prompt(messages: Sequence[ModelMessage]) -> str | None:
    for message in reversed(messages):
        if isinstance(message, ModelRequest):
            for part in message.parts:
                if isinstance(part, UserPromptPart):
                    return _prompt_text(part)
    return None


_TODAY = re.compile(r"Today is (\d{4}-\d{2}-\d{2})")


def today_from(instructions: str | None) -> dt.date | None:
    """The turn's date as the engine's instructions state it ("Today is 2025-06-30.")."""
    match = _TODAY.search(instructions or "")
    return dt.date.fromisoformat(match.group(1)) if match else None


def current_turn(messages: Sequence[ModelMessage]) -> TurnView:
    """Walk back from the end to the last user prompt, collecting tool results on the way.

    Results are ordered like the calls that asked for them (not by completion time).
    """
    view = TurnView()
    call_order: list[str] = []
    for back, message in enumerate(reversed(messages)):
        if isinstance(message, ModelResponse):
            calls = [p for p in message.parts if isinstance(p, ToolCallPart)]
            if calls:
                view.called = True
                call_order[:0] = [p.tool_call_id for p in calls]
                for p in calls:
                    view.call_args[p.tool_call_id] = p.args_as_dict()
            continue
        prompt = None
        for part in message.parts:
            if isinstance(part, ToolReturnPart):
                view.results.insert(0, part)
            elif isinstance(part, RetryPromptPart):
                view.retries.insert(0, part)
            elif isinstance(part, UserPromptPart):
                prompt = part
        if prompt is not None:
            view.user_text = _prompt_text(prompt)
            view.previous_text = _previous_prompt(messages[: len(messages) - back - 1])
            break
    rank = {call_id: i for i, call_id in enumerate(call_order)}
    view.results.sort(key=lambda p: rank.get(p.tool_call_id, len(rank)))
    return view


def result_data(part: ToolReturnPart) -> Mapping[str, Any] | None:
    """A successful tool result as JSON-like data; ``None`` when the call failed."""
    if part.outcome != "success":
        return None
    content = part.content
    if isinstance(content, BaseModel):
        dumped: dict[str, Any] = content.model_dump(mode="json")
        return dumped
    if isinstance(content, Mapping):
        return content
    if isinstance(content, str):
        try:
            parsed = json.loads(content)
        except ValueError:
            return None
        return parsed if isinstance(parsed, dict) else None
    return None


def write_reply(view: TurnView) -> str:
    """The reply for a turn whose tool results are in (or that needs no tools)."""
    if not view.results and not view.called:
        return offline_replies.conversational(recognise(view.user_text, view.previous_text))
    paragraphs: list[str] = []
    failures: list[tuple[str, str]] = []
    for part in view.results:
        data = result_data(part)
        writer = offline_replies.WRITERS.get(part.tool_name)
        if data is None or writer is None:
            failures.append((part.tool_name, _failure_text(part)))
        else:
            paragraphs.append(writer(data, view.call_args.get(part.tool_call_id, {})))
    for retry in view.retries:
        failures.append((retry.tool_name or "a tool", "the request was not valid"))
    paragraphs.extend(offline_replies.failures(failures))
    return "\n\n".join(paragraphs) or offline_replies.OUT_OF_SCOPE


def _failure_text(part: ToolReturnPart) -> str:
    """What a failed call said, without the ``{"error": ...}`` wrapper models get."""
    return part.model_response_str(wrap_if_error=False)


def _call_id(user_text: str, position: int, index: int, tool: str) -> str:
    digest = hashlib.sha256(f"{position}:{index}:{tool}:{user_text}".encode()).hexdigest()
    return f"call_{digest[:20]}"


def planned_calls(
    messages: Sequence[ModelMessage], available: set[str], today: dt.date | None = None
) -> list[tuple[str, str, str]]:
    """``(tool, json_args, call_id)`` for a new user message; empty once tools were called."""
    view = current_turn(messages)
    if view.called or view.results or view.retries:
        return []
    planned = tool_calls_for(view.user_text, today=today, previous=view.previous_text)
    calls = [c for c in planned if c.tool in available]
    return [
        (
            c.tool,
            json.dumps(c.args, sort_keys=True),
            _call_id(view.user_text, len(messages), i, c.tool),
        )
        for i, c in enumerate(calls)
    ]


def chunks(text: str, size: int = CHUNK_CHARS) -> Iterator[str]:
    """``text`` in pieces of about ``size`` characters, split after spaces."""
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            space = text.rfind(" ", start, end)
            if space > start:
                end = space + 1
        yield text[start:end]
        start = end


async def offline_stream(
    messages: list[ModelMessage], info: AgentInfo
) -> AsyncIterator[str | DeltaToolCalls]:
    """The stream function: tool-call deltas for a new question, else the reply's text."""
    available = {tool.name for tool in info.function_tools}
    calls = planned_calls(messages, available, today_from(info.instructions))
    if calls:
        for index, (tool, args, call_id) in enumerate(calls):
            yield {index: DeltaToolCall(name=tool, json_args=args, tool_call_id=call_id)}
        return
    for piece in chunks(write_reply(current_turn(messages))):
        yield piece


def offline_request(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    """The same behaviour for non-streamed requests (``agent.run``)."""
    available = {tool.name for tool in info.function_tools}
    calls = planned_calls(messages, available, today_from(info.instructions))
    if calls:
        return ModelResponse(
            parts=[ToolCallPart(tool, args, tool_call_id=call_id) for tool, args, call_id in calls]
        )
    return ModelResponse(parts=[TextPart(write_reply(current_turn(messages)))])


def build_offline_model() -> FunctionModel:
    """The offline coach model (cheap to build; no state)."""
    return FunctionModel(
        offline_request, stream_function=offline_stream, model_name=OFFLINE_MODEL_NAME
    )


def is_user_request(message: ModelMessage) -> bool:
    """True for a request that carries a user prompt (the start of a turn)."""
    return isinstance(message, ModelRequest) and any(
        isinstance(p, UserPromptPart) for p in message.parts
    )
