"""Helpers of the engine tests."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

from pydantic_ai.messages import ModelMessage
from pydantic_ai.models.function import AgentInfo, DeltaToolCall, DeltaToolCalls, FunctionModel

from coach.engine import CoachEngine
from coach.events import ChatEvent
from coach.settings import CoachSettings
from coach.tokens import request_tokens, tool_definitions_tokens
from policies import PolicyEngine, PolicySettings

#: The day the synthetic data ends; engines' clocks stand at noon that day.
DATA_END = dt.date(2025, 6, 30)
NOON = dt.datetime.combine(DATA_END, dt.time(12), tzinfo=dt.UTC)


def offline_settings(**overrides: Any) -> CoachSettings:
    """Settings independent of the environment: offline model, in-process event log."""
    values: dict[str, Any] = {
        "coach_model": "offline",
        "openai_api_key": None,
        "openai_base_url": None,
        "coach_fallback_model": None,
        "redis_url": None,
        "coach_event_log_backend": "memory",
        "coach_replay_wait_s": 2.0,
    }
    values.update(overrides)
    return CoachSettings(**values)


def build_policy() -> PolicyEngine:
    """The real policy engine, dated on the last day of the synthetic data."""
    return PolicyEngine(PolicySettings(), today=lambda: DATA_END)


class Clock:
    """A settable clock for the engine."""

    def __init__(self, at: dt.datetime = NOON) -> None:
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += dt.timedelta(**delta)


EngineFactory = Callable[..., CoachEngine]


async def collect(events: AsyncIterator[ChatEvent]) -> list[ChatEvent]:
    """Every event of a turn."""
    return [event async for event in events]


def text_of(events: list[ChatEvent]) -> str:
    """The reply text a client would show."""
    return "".join(e.data["delta"] for e in events if e.event == "text")


def named(events: list[ChatEvent], name: str) -> list[ChatEvent]:
    """The events called ``name``."""
    return [e for e in events if e.event == name]


class ScriptedModel:
    """A ``FunctionModel`` replying with scripted steps, recording every request it gets.

    A step is a list of stream items (text pieces, or ``{i: DeltaToolCall}`` dicts) or a
    callable ``(messages, info) -> list`` of them. With no step left it says "OK.".
    ``gate``, when set, is awaited before every reply (to hold a turn open).
    """

    def __init__(self, *steps: Step) -> None:
        self.steps: list[Step] = list(steps)
        self.requests: list[list[ModelMessage]] = []
        self.instructions: list[str | None] = []
        self.tool_tokens: list[int] = []
        self.gate: asyncio.Event | None = None
        self.started = asyncio.Event()

    async def stream(
        self, messages: list[ModelMessage], info: AgentInfo
    ) -> AsyncIterator[str | DeltaToolCalls]:
        self.requests.append(list(messages))
        self.instructions.append(info.instructions)
        self.tool_tokens.append(tool_definitions_tokens(info.function_tools))
        self.started.set()
        if self.gate is not None:
            await self.gate.wait()
        step: Step = self.steps.pop(0) if self.steps else ["OK."]
        items = step(messages, info) if callable(step) else step
        for item in items:
            yield item

    def model(self, name: str = "scripted") -> FunctionModel:
        """The pydantic-ai model."""
        return FunctionModel(stream_function=self.stream, model_name=name)

    def request_sizes(self) -> list[int]:
        """Estimated size of every request (instructions + tools + messages)."""
        return [
            request_tokens(messages, instructions=instr, tools_tokens=tools)
            for messages, instr, tools in zip(
                self.requests, self.instructions, self.tool_tokens, strict=True
            )
        ]


Step = list[Any] | Callable[[list[ModelMessage], AgentInfo], list[Any]]


def call(tool: str, call_id: str, **args: Any) -> dict[int, DeltaToolCall]:
    """One streamed tool call."""
    return {0: DeltaToolCall(name=tool, json_args=json.dumps(args), tool_call_id=call_id)}
