"""The lean Chat Completions model sends the SDK's JSON and records what pydantic-ai's does."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid
from typing import Any

import pytest
from pydantic_ai import Agent
from pydantic_ai.exceptions import ModelAPIError, ModelHTTPError
from pydantic_ai.messages import (
    ImageUrl,
    ModelMessage,
    ModelRequest,
    ModelResponse,
    TextPart,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
)
from pydantic_ai.models import Model
from pydantic_ai.settings import ModelSettings

from coach.lean_chat import LeanChatModel
from coach.models import ModelFactory
from coach.summarizer import LLMSummarizer
from tests.coach.helpers import offline_settings
from tests.coach.test_openai_client import _history, _parameters
from tests.fakes.openai_server import FakeOpenAI, Reply

pytestmark = pytest.mark.usefixtures("loopback_model_requests")

SETTINGS = ModelSettings(
    timeout=5,
    temperature=0.3,
    top_p=0.9,
    max_tokens=300,
    seed=7,
    presence_penalty=0.1,
    frequency_penalty=0.2,
    stop_sequences=["END"],
    parallel_tool_calls=False,
)


def _name() -> str:
    return f"m-{uuid.uuid4().hex[:8]}"


def _factory(server: FakeOpenAI, client: str, **settings: Any) -> ModelFactory:
    values: dict[str, Any] = {
        "openai_base_url": server.base_url,
        "coach_request_timeout_s": 5,
        "coach_retry_attempts": 3,
        "coach_retry_base_s": 0.01,
        "coach_retry_max_wait_s": 0.05,
        "coach_openai_client": client,
    }
    values.update(settings)
    return ModelFactory(offline_settings(**values))


def _longer_history() -> list[ModelMessage]:
    """The test history, answered, and a further question: two turns with tool steps."""
    when = dt.datetime(2025, 6, 30, 12, tzinfo=dt.UTC)
    history = _history()
    call = ToolCallPart("get_adherence", '{"days": 7}', tool_call_id="call_2")
    return [
        *history,
        ModelResponse(parts=[TextPart("Checking. "), call], model_name="m", timestamp=when),
        ModelRequest(
            parts=[ToolReturnPart("get_adherence", "90 %", tool_call_id="call_2", timestamp=when)],
            instructions="You are a coach.\nUse the tools.",
        ),
        ModelResponse(parts=[TextPart("Protein was on target.")], model_name="m", timestamp=when),
        ModelRequest(
            parts=[UserPromptPart("Thanks!", timestamp=when)],
            instructions="You are a coach.\nUse the tools.",
        ),
    ]


async def _exchange(
    model: Model, messages: list[ModelMessage], settings: ModelSettings | None, *, stream: bool
) -> tuple[ModelResponse, list[Any]]:
    if not stream:
        return await model.request(messages, settings, _parameters()), []
    async with model.request_stream(messages, settings, _parameters()) as response:
        events = [event async for event in response]
        return response.get(), events


def _kinds(events: list[Any]) -> list[str]:
    """The events' kinds but deltas: the lean model hands the text deltas that arrived in
    one read to the parts manager as one (the parts they build are compared whole)."""
    return [type(e).__name__ for e in events if type(e).__name__ != "PartDeltaEvent"]


def _comparable(response: ModelResponse) -> ModelResponse:
    """Without what differs between two requests: when they ran and the server's ids."""
    details = dict(response.provider_details or {})
    details.pop("timestamp", None)
    parts = [
        dataclasses.replace(p, tool_call_id="id") if isinstance(p, ToolCallPart) else p
        for p in response.parts
    ]
    return dataclasses.replace(
        response,
        parts=parts,
        timestamp=dt.datetime(2000, 1, 1, tzinfo=dt.UTC),
        provider_response_id=None,
        provider_details=details,
    )


@pytest.mark.parametrize("settings", [None, SETTINGS], ids=["defaults", "settings"])
@pytest.mark.parametrize("stream", [True, False])
async def test_lean_model_sends_the_sdks_json_and_records_the_same_response(
    server: FakeOpenAI, stream: bool, settings: ModelSettings | None
) -> None:
    name = _name()
    replies = (Reply.tools(("get_weight_trend", {"days": 28})), Reply.say("Up ", "and ", "on."))
    server.script(name, *replies, *replies)
    got: dict[str, list[ModelResponse]] = {}
    events: dict[str, list[str]] = {}
    for client in ("sdk", "lean"):
        factory = _factory(server, client)
        model = factory.single(f"openai-chat:{name}")
        assert isinstance(model, LeanChatModel) == (client == "lean")
        got[client], events[client] = [], []
        for history in (_history(), _longer_history()):
            response, streamed = await _exchange(model, history, settings, stream=stream)
            got[client].append(_comparable(response))
            events[client] += _kinds(streamed)
        await factory.aclose()
    sent = [
        body
        for body, req in zip(server.raw_bodies, server.requests, strict=True)
        if req["model"] == name
    ]
    sdk_bodies, lean_bodies = sent[:2], sent[2:]
    # Same bytes: same keys in the same order, same JSON form.
    assert lean_bodies == sdk_bodies
    assert json.loads(lean_bodies[1])["stream"] is stream
    assert got["lean"] == got["sdk"]
    assert events["lean"] == events["sdk"]
    assert got["lean"][0].usage.input_tokens == 11 and got["lean"][0].usage.output_tokens == 7
    assert got["lean"][0].finish_reason == "tool_call"
    assert got["lean"][1].finish_reason == "stop"


async def test_earlier_messages_are_encoded_once(server: FakeOpenAI) -> None:
    name = _name()
    server.script(name, Reply.say("One."), Reply.say("Two."))
    factory = _factory(server, "lean")
    model = factory.single(f"openai-chat:{name}")
    assert isinstance(model, LeanChatModel)
    history = _history()
    await model.request(history, None, _parameters())
    kept = model.encoded_messages()
    # Every message but the newest is kept; the next request reuses them and adds its own.
    assert kept == len(history) - 1
    longer = [*history, *_longer_history()[len(history) :]]
    await model.request(longer, None, _parameters())
    assert model.encoded_messages() == len(longer) - 1
    bodies = [
        json.loads(b)
        for b, r in zip(server.raw_bodies, server.requests, strict=True)
        if r["model"] == name
    ]
    assert bodies[1]["messages"][: len(bodies[0]["messages"])] == bodies[0]["messages"]
    # A history that is gone takes its encodings with it.
    del history, longer
    assert model.encoded_messages() == 0
    await factory.aclose()


async def test_agent_runs_a_tool_call_round_trip(server: FakeOpenAI) -> None:
    name = _name()
    server.script(name, Reply.tools(("get_weight_trend", {"days": 28})), Reply.say("Down a bit."))
    factory = _factory(server, "lean")
    agent = Agent(factory.single(f"openai-chat:{name}"), instructions="Be brief.")
    seen: list[int] = []

    @agent.tool_plain
    def get_weight_trend(days: int) -> dict[str, float]:
        """The weight trend over ``days``."""
        seen.append(days)
        return {"trend_end_kg": 67.7}

    result = await agent.run("How am I doing?")
    await factory.aclose()
    assert result.output == "Down a bit."
    assert seen == [28]
    usage = result.usage
    assert (usage.input_tokens, usage.output_tokens, usage.requests) == (22, 14, 2)
    second = [r for r in server.requests if r["model"] == name][1]
    assert second["messages"][-1]["role"] == "tool"
    assert json.loads(second["messages"][-1]["content"]) == {"trend_end_kg": 67.7}
    assert second["messages"][0] == {"role": "system", "content": "Be brief."}


async def test_rate_limit_is_retried_after_retry_after(server: FakeOpenAI) -> None:
    name = _name()
    server.script(name, Reply.fail(429, retry_after=0), Reply.say("Hi."))
    factory = _factory(server, "lean")
    response = await factory.single(f"openai-chat:{name}").request(_history(), None, _parameters())
    await factory.aclose()
    assert response.parts == [TextPart("Hi.")]
    assert [s for _, m, s in server.served if m == name] == [429, 200]


async def test_final_error_status_is_a_model_http_error(server: FakeOpenAI) -> None:
    name = _name()
    server.script(name, Reply.fail(400))
    factory = _factory(server, "lean")
    model = factory.single(f"openai-chat:{name}")
    with pytest.raises(ModelHTTPError) as raised:
        async with model.request_stream(_history(), None, _parameters()) as response:
            async for _ in response:
                pass
    await factory.aclose()
    assert raised.value.status_code == 400
    assert [s for _, m, s in server.served if m == name] == [400]  # not retried


async def test_errors_fall_back_to_the_fallback_model(server: FakeOpenAI) -> None:
    name, backup = _name(), _name()
    server.script(name, Reply.fail(503), Reply.fail(503))
    server.script(backup, Reply.say("From the fallback."))
    factory = _factory(
        server, "lean", coach_retry_attempts=2, coach_fallback_model=f"openai-chat:{backup}"
    )
    model = factory.model(f"openai-chat:{name}")
    agent = Agent(model)
    result = await agent.run("hi")
    await factory.aclose()
    assert result.output == "From the fallback."
    assert [(m, s) for _, m, s in server.served if m in (name, backup)] == [
        (name, 503),
        (name, 503),
        (backup, 200),
    ]


async def test_timeout_is_a_model_api_error(server: FakeOpenAI) -> None:
    name = _name()
    server.script(name, Reply.hang(2.0))
    factory = _factory(server, "lean", coach_request_timeout_s=0.2, coach_retry_attempts=1)
    model = factory.single(f"openai-chat:{name}")
    with pytest.raises(ModelAPIError):
        await model.request(_history(), None, _parameters())
    await factory.aclose()


async def test_what_the_lean_path_does_not_cover_goes_through_the_sdk(server: FakeOpenAI) -> None:
    name = _name()
    server.script(name, Reply.say("A photo."), Reply.say("A photo."))
    image = ModelRequest(
        parts=[UserPromptPart(["What is this?", ImageUrl("https://example.com/a.png")])]
    )
    for client in ("sdk", "lean"):
        factory = _factory(server, client)
        response = await factory.single(f"openai-chat:{name}").request([image], None, _parameters())
        await factory.aclose()
        assert response.parts == [TextPart("A photo.")]
    sdk_body, lean_body = [
        b for b, r in zip(server.raw_bodies, server.requests, strict=True) if r["model"] == name
    ]
    assert lean_body == sdk_body


def _chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-x",
        "object": "chat.completion.chunk",
        "created": 1_750_000_000,
        "model": "m",
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
    }


#: Streams an OpenAI-compatible server may send beyond text and tool calls.
STREAMS: dict[str, list[dict[str, Any]]] = {
    "reasoning": [
        _chunk({"role": "assistant", "content": ""}),
        _chunk({"reasoning_content": "Think "}),
        _chunk({"reasoning_content": "first."}),
        _chunk({"content": "Answer."}),
        _chunk({"reasoning_content": "Again."}),
        _chunk({"content": "More."}),
        _chunk({}, "stop"),
    ],
    "tags": [
        _chunk({"role": "assistant", "content": ""}),
        _chunk({"content": "<think>"}),
        _chunk({"content": "hmm"}),
        _chunk({"content": "</think>"}),
        _chunk({"content": "Fine."}),
        _chunk({}, "stop"),
    ],
    "mixed": [
        _chunk({"role": "assistant", "content": ""}),
        _chunk({"content": "Let me "}),
        _chunk({"content": "check. "}),
        _chunk(
            {
                "tool_calls": [
                    {
                        "index": 0,
                        "id": "call_9",
                        "type": "function",
                        "function": {"name": "get_weight_trend", "arguments": ""},
                    }
                ]
            }
        ),
        _chunk({"tool_calls": [{"index": 0, "function": {"arguments": '{"days"'}}]}),
        _chunk({"tool_calls": [{"index": 0, "function": {"arguments": ": 7}"}}]}),
        _chunk({"content": "Meanwhile, "}),
        _chunk({"content": "hello."}),
        _chunk({}, "tool_calls"),
    ],
    "refusal": [
        _chunk({"role": "assistant", "content": None}),
        _chunk({"refusal": "I can't "}),
        _chunk({"refusal": "help."}),
        _chunk({}, "stop"),
    ],
}
COMPLETION: dict[str, Any] = {
    "id": "chatcmpl-y",
    "object": "chat.completion",
    "created": 1_750_000_000,
    "model": "m",
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "Yes.", "reasoning_content": "Why not."},
            "finish_reason": "stop",
        }
    ],
    "usage": {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8},
}


async def _raw_openai(kind: str) -> Any:
    """A server answering every chat request with ``STREAMS[kind]`` (streamed) or
    ``COMPLETION`` (not streamed)."""
    import asyncio

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                body = json.loads(await reader.readexactly(length))
                if body.get("stream"):
                    events = b"".join(
                        b"data: %s\n\n" % json.dumps(c).encode() for c in STREAMS[kind]
                    )
                    events += b"data: [DONE]\n\n"
                    writer.write(
                        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                        b"Content-Length: %d\r\n\r\n%s" % (len(events), events)
                    )
                else:
                    raw = json.dumps(COMPLETION).encode()
                    writer.write(
                        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                        b"Content-Length: %d\r\n\r\n%s" % (len(raw), raw)
                    )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    return await asyncio.start_server(serve, "127.0.0.1", 0)


@pytest.mark.parametrize("kind", ["reasoning", "tags", "mixed", "refusal", "completion"])
async def test_streams_beyond_text_and_tools_are_recorded_as_the_sdk_path_does(
    kind: str,
) -> None:
    raw = await _raw_openai("reasoning" if kind == "completion" else kind)
    port = raw.sockets[0].getsockname()[1]
    got = {}
    try:
        for client in ("sdk", "lean"):
            factory = ModelFactory(
                offline_settings(
                    openai_base_url=f"http://127.0.0.1:{port}/v1",
                    coach_openai_client=client,
                    coach_retry_attempts=1,
                )
            )
            model = factory.single("openai-chat:m")
            response, _ = await _exchange(model, _history(), None, stream=kind != "completion")
            got[client] = _comparable(response)
            await factory.aclose()
    finally:
        raw.close()
    assert got["lean"] == got["sdk"]
    if kind == "refusal":
        assert got["lean"].finish_reason == "content_filter"
    elif kind == "mixed":
        # Every event came in one read: text before and after the call stay two parts.
        assert [p.part_kind for p in got["lean"].parts] == ["text", "tool-call", "text"]
    else:
        assert any(part.part_kind == "thinking" for part in got["lean"].parts)


def test_a_configured_proxy_keeps_chat_completions_on_the_sdk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The lean transport does not speak through proxies; the SDK's client does."""
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.internal:3128")
    factory = ModelFactory(offline_settings(openai_base_url="http://127.0.0.1:9/v1"))
    assert not isinstance(factory.single("openai-chat:m"), LeanChatModel)
    monkeypatch.delenv("HTTPS_PROXY")
    monkeypatch.setenv("NO_PROXY", "localhost")  # only says where not to use one
    assert isinstance(
        ModelFactory(offline_settings(openai_base_url="http://127.0.0.1:9/v1")).single(
            "openai-chat:m"
        ),
        LeanChatModel,
    )


async def test_summary_fold_is_one_plain_request_on_both_clients(server: FakeOpenAI) -> None:
    """The LLM summarizer's request over HTTP: the instructions as the system message, the
    summary and turns as the user's, the cap as ``max_tokens``, no tools; the same bytes
    from the lean client as from the SDK."""
    name = _name()
    server.script(name, Reply.say("- weighs 80 kg"), Reply.say("- weighs 80 kg"))
    folded = [ModelRequest(parts=[UserPromptPart("I weigh 80 kg")])]
    folded.append(ModelResponse(parts=[TextPart("Noted, 80 kg.")]))
    for client in ("sdk", "lean"):
        factory = _factory(server, client)
        summarizer = LLMSummarizer(factory.single(f"openai-chat:{name}"))
        assert await summarizer.fold(None, [folded], max_tokens=100) == "- weighs 80 kg"
        assert summarizer.usage.requests == 1
        await factory.aclose()
    sent = [
        b for b, r in zip(server.raw_bodies, server.requests, strict=True) if r["model"] == name
    ]
    assert len(sent) == 2 and sent[0] == sent[1]
    body = json.loads(sent[1])
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    assert "I weigh 80 kg" in body["messages"][1]["content"]
    assert body["max_completion_tokens"] == 100 and "tools" not in body
