"""The coach's OpenAI client sends the SDK's own request bodies and parses its streams."""

from __future__ import annotations

import datetime as dt
import functools
import json
import uuid
from typing import Any

import httpx2
import pytest
from openai.types.chat import ChatCompletionChunk
from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    PartDeltaEvent,
    TextPart,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
)
from pydantic_ai.models import Model, ModelRequestParameters
from pydantic_ai.models.openai import OpenAIChatModel
from pydantic_ai.providers.openai import OpenAIProvider
from pydantic_ai.settings import ModelSettings
from pydantic_ai.tools import ToolDefinition

from coach.lean_chat import LeanChatModel
from coach.models import ModelFactory
from coach.openai_client import CoachOpenAI
from tests.coach.helpers import offline_settings
from tests.fakes.openai_server import FakeOpenAI, Reply
from tools.registry import get_registry

pytestmark = pytest.mark.usefixtures("loopback_model_requests")


def _history() -> list[ModelMessage]:
    """A conversation with a tool step, non-ASCII text and a new question."""
    when = dt.datetime(2025, 6, 30, 12, tzinfo=dt.UTC)
    call = ToolCallPart("get_weight_trend", {"days": 28}, tool_call_id="call_1")
    return [
        ModelRequest(
            parts=[UserPromptPart("How am I doing? Ça va… 🏋️", timestamp=when)],
            instructions="You are a coach.\nUse the tools.",
        ),
        ModelResponse(parts=[call], model_name="m", timestamp=when),
        ModelRequest(
            parts=[
                ToolReturnPart(
                    "get_weight_trend",
                    {"trend_end_kg": 67.7, "points": [69.5, 68.9, 67.7], "note": "ok"},
                    tool_call_id="call_1",
                    timestamp=when,
                )
            ],
            instructions="You are a coach.\nUse the tools.",
        ),
        ModelResponse(parts=[TextPart("Down 1.8 kg in 4 weeks.")], model_name="m", timestamp=when),
        ModelRequest(
            parts=[UserPromptPart("And my protein?", timestamp=when)],
            instructions="You are a coach.\nUse the tools.",
        ),
    ]


@functools.cache
def _schemas() -> dict[str, Any]:
    return {name: spec.json_schema() for name, spec in get_registry().items()}


def _parameters() -> ModelRequestParameters:
    """The registry's tools, each with the same schema object every time (as the toolset)."""
    tools = [
        ToolDefinition(
            name=spec.name, description=spec.description, parameters_json_schema=_schemas()[name]
        )
        for name, spec in get_registry().items()
    ]
    return ModelRequestParameters(function_tools=tools, allow_text_output=True)


def _sdk_model(server: FakeOpenAI, name: str, http: httpx2.AsyncClient) -> Model:
    """The model as the coach built it before its own client: the SDK's ``AsyncOpenAI``
    through ``OpenAIProvider``, the SDK's retries off by a request setting."""
    provider = OpenAIProvider(base_url=server.base_url, api_key="not-needed", http_client=http)
    return OpenAIChatModel(
        name, provider=provider, settings=ModelSettings(timeout=5, max_retries=0)
    )


async def _send(model: Model, *, stream: bool) -> None:
    settings = model.settings
    if stream:
        async with model.request_stream(_history(), settings, _parameters()) as response:
            async for _ in response:
                pass
    else:
        await model.request(_history(), settings, _parameters())


@pytest.mark.parametrize("client", ["sdk", "lean"])
@pytest.mark.parametrize("stream", [True, False])
async def test_request_body_is_byte_for_byte_the_sdks(
    server: FakeOpenAI, stream: bool, client: str
) -> None:
    name = f"m-{uuid.uuid4().hex[:8]}"
    server.script(name, Reply.say("One."), Reply.say("Two."))
    factory = ModelFactory(
        offline_settings(
            openai_base_url=server.base_url, coach_request_timeout_s=5, coach_openai_client=client
        )
    )
    async with httpx2.AsyncClient() as http:
        await _send(_sdk_model(server, name, http), stream=stream)
    coach_model = factory.single(f"openai-chat:{name}")
    await _send(coach_model, stream=stream)
    await factory.aclose()
    sdk_body, coach_body = [
        raw
        for raw, req in zip(server.raw_bodies, server.requests, strict=True)
        if req["model"] == name
    ]
    assert coach_body == sdk_body
    sent = json.loads(coach_body)
    assert [m["role"] for m in sent["messages"]] == [
        "system",
        "user",
        "assistant",
        "tool",
        "assistant",
        "user",
    ]
    assert len(sent["tools"]) == len(get_registry())


async def test_caller_extra_body_still_wins(server: FakeOpenAI) -> None:
    name = f"m-{uuid.uuid4().hex[:8]}"
    server.script(name, Reply.say("Hi."))
    async with httpx2.AsyncClient() as http:
        client = CoachOpenAI(base_url=server.base_url, api_key="k", http_client=http)
        await client.chat.completions.create(
            model=name,
            messages=[{"role": "user", "content": "hi"}],
            extra_body={"messages": [{"role": "user", "content": "replaced"}], "seed": 7},
        )
    sent = next(r for r in server.requests if r["model"] == name)
    assert sent["messages"] == [{"role": "user", "content": "replaced"}]
    assert sent["seed"] == 7
    assert "tools" not in sent


async def test_stream_chunks_off_the_schema_still_parse(server: FakeOpenAI) -> None:
    """A chunk the strict schema refuses (an unknown finish reason) takes the SDK's lenient
    path, so an OpenAI-compatible server's quirks do not break the stream."""
    name = f"m-{uuid.uuid4().hex[:8]}"
    server.script(name, Reply.say("Hello ", "there."))
    async with httpx2.AsyncClient() as http:
        client = CoachOpenAI(base_url=server.base_url, api_key="k", http_client=http)
        chunk = client._process_response_data(
            data={
                "id": "x",
                "object": "chat.completion.chunk",
                "created": 1,
                "model": name,
                "choices": [{"index": 0, "delta": {"content": "a"}, "finish_reason": "new_one"}],
            },
            cast_to=ChatCompletionChunk,
            response=httpx2.Response(200),
        )
        assert chunk.choices[0].finish_reason == "new_one"
        model = OpenAIChatModel(name, provider=OpenAIProvider(openai_client=client))
        messages: list[ModelMessage] = [ModelRequest(parts=[UserPromptPart("hi")])]
        deltas: list[Any] = []
        async with model.request_stream(messages, None, ModelRequestParameters()) as response:
            async for event in response:
                if isinstance(event, PartDeltaEvent):
                    deltas.append(event.delta)
            final = response.get()
    assert final.parts == [TextPart("Hello there.")]
    assert final.usage.input_tokens == 11


@pytest.mark.parametrize("client", ["sdk", "lean"])
def test_tool_schemas_are_adapted_once_and_as_pydantic_ai_does(client: str) -> None:
    factory = ModelFactory(
        offline_settings(openai_base_url="http://127.0.0.1:9/v1", coach_openai_client=client)
    )
    model = factory.single("openai-chat:m")
    stock = model.sdk if isinstance(model, LeanChatModel) else model
    assert isinstance(stock, OpenAIChatModel)
    first = model.customize_request_parameters(_parameters())
    again = model.customize_request_parameters(_parameters())
    plain = OpenAIChatModel.customize_request_parameters(stock, _parameters())
    assert [t.parameters_json_schema for t in first.function_tools] == [
        t.parameters_json_schema for t in plain.function_tools
    ]
    assert [t.strict for t in first.function_tools] == [t.strict for t in plain.function_tools]
    # The registry hands the same schema objects to every request: adapted once, reused.
    assert all(
        a.parameters_json_schema is b.parameters_json_schema
        for a, b in zip(first.function_tools, again.function_tools, strict=True)
    )
    # The toolset lists the same definitions for every request: their adapted copies too.
    listed = _parameters()
    one = model.customize_request_parameters(listed)
    two = model.customize_request_parameters(listed)
    assert one.function_tools == first.function_tools
    assert all(a is b for a, b in zip(one.function_tools, two.function_tools, strict=True))
