"""A local OpenAI-compatible server for tests: real HTTP on 127.0.0.1, scripted replies.

It serves ``POST /v1/chat/completions`` (streamed SSE chunks, including ``tool_calls``
deltas, or one JSON body) and ``POST /v1/responses`` (streamed Responses API events).
Replies are scripted per model name, first in first out::

    with FakeOpenAI() as server:
        server.script("gpt-test", Reply.tools(("get_weight_trend", {"days": 14})))
        server.script("gpt-test", Reply.fail(429, retry_after=0), Reply.say("Hi. ", "There."))
        settings = CoachSettings(
            openai_base_url=server.base_url, coach_model="openai-chat:gpt-test"
        )

``Reply.fail(status)`` answers an HTTP error, ``delay_s`` holds the response headers back
(client timeouts), ``gap_s`` pauses between streamed text pieces (a turn still running).
Every request body is recorded in ``server.requests``. A model with no script left answers
500, so a test never hangs on a missing script.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
import threading
import time
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route


@dataclass(frozen=True)
class Reply:
    """One scripted reply: text chunks, tool calls, or an HTTP error."""

    text: tuple[str, ...] = ()
    calls: tuple[tuple[str, dict[str, Any]], ...] = ()
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    gap_s: float = 0.0
    input_tokens: int = 11
    output_tokens: int = 7

    @classmethod
    def say(cls, *chunks: str, delay_s: float = 0.0, gap_s: float = 0.0) -> Reply:
        """Stream ``chunks`` as the assistant's text (``gap_s`` apart)."""
        return cls(text=chunks, delay_s=delay_s, gap_s=gap_s)

    @classmethod
    def tools(cls, *calls: tuple[str, dict[str, Any]], delay_s: float = 0.0) -> Reply:
        """Call tools (name, arguments), streamed as argument deltas."""
        return cls(calls=calls, delay_s=delay_s)

    @classmethod
    def fail(cls, status: int, *, retry_after: float | None = None) -> Reply:
        """Answer an HTTP error (429 with ``Retry-After`` seconds when given)."""
        headers = {} if retry_after is None else {"retry-after": str(retry_after)}
        return cls(status=status, headers=headers)

    @classmethod
    def hang(cls, delay_s: float) -> Reply:
        """Hold the response back for ``delay_s`` (longer than the client's timeout)."""
        return cls(text=("late",), delay_s=delay_s)


def _pieces(text: str, size: int = 7) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def _sse(data: dict[str, Any] | str) -> bytes:
    body = data if isinstance(data, str) else json.dumps(data)
    return f"data: {body}\n\n".encode()


class FakeOpenAI:
    """The server; a context manager that runs uvicorn in a thread on a free port."""

    def __init__(self) -> None:
        self._scripts: dict[str, deque[Reply]] = defaultdict(deque)
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self.requests: list[dict[str, Any]] = []
        self.served: list[tuple[str, str, int]] = []  # (path, model, status)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    # ------------------------------------------------------------------ scripting

    def script(self, model: str, *replies: Reply) -> None:
        """Queue replies for ``model``."""
        with self._lock:
            self._scripts[model].extend(replies)

    def pending(self, model: str) -> int:
        """Replies still queued for ``model``."""
        with self._lock:
            return len(self._scripts[model])

    def _next(self, model: str) -> Reply:
        with self._lock:
            queue = self._scripts[model]
            return queue.popleft() if queue else Reply.fail(500)

    @property
    def base_url(self) -> str:
        """The ``OPENAI_BASE_URL`` of this server."""
        return f"http://127.0.0.1:{self.port}/v1"

    # ------------------------------------------------------------------ HTTP

    async def _take(self, request: Request, path: str) -> tuple[dict[str, Any], Reply]:
        body: dict[str, Any] = await request.json()
        with self._lock:
            self.requests.append({"path": path, **body})
        reply = self._next(str(body.get("model")))
        with self._lock:
            self.served.append((path, str(body.get("model")), reply.status))
        if reply.delay_s:
            await asyncio.sleep(reply.delay_s)
        return body, reply

    @staticmethod
    def _error(reply: Reply) -> Response:
        return JSONResponse(
            {"error": {"message": f"scripted {reply.status}", "type": "server_error"}},
            status_code=reply.status,
            headers=reply.headers,
        )

    async def chat(self, request: Request) -> Response:
        """``POST /v1/chat/completions``."""
        body, reply = await self._take(request, "chat")
        if reply.status != 200:
            return self._error(reply)
        rid = f"chatcmpl-{next(self._ids)}"
        model = str(body.get("model"))
        if not body.get("stream"):
            return JSONResponse(self._chat_body(rid, model, reply))
        return StreamingResponse(
            self._chat_stream(rid, model, reply), media_type="text/event-stream"
        )

    def _chat_body(self, rid: str, model: str, reply: Reply) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": "".join(reply.text) or None}
        if reply.calls:
            message["tool_calls"] = [
                {
                    "id": f"call_{rid}_{i}",
                    "type": "function",
                    "function": {"name": name, "arguments": json.dumps(args)},
                }
                for i, (name, args) in enumerate(reply.calls)
            ]
        return {
            "id": rid,
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": message,
                    "finish_reason": "tool_calls" if reply.calls else "stop",
                }
            ],
            "usage": _chat_usage(reply),
        }

    async def _chat_stream(self, rid: str, model: str, reply: Reply) -> AsyncIterator[bytes]:
        def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
            return _sse(
                {
                    "id": rid,
                    "object": "chat.completion.chunk",
                    "created": int(time.time()),
                    "model": model,
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                }
            )

        yield chunk({"role": "assistant", "content": ""})
        for n, piece in enumerate(reply.text):
            yield chunk({"content": piece})
            await asyncio.sleep(reply.gap_s if n < len(reply.text) - 1 else 0)
        for i, (name, args) in enumerate(reply.calls):
            head = {"index": i, "id": f"call_{rid}_{i}", "type": "function"}
            yield chunk({"tool_calls": [{**head, "function": {"name": name, "arguments": ""}}]})
            for piece in _pieces(json.dumps(args)):
                yield chunk({"tool_calls": [{"index": i, "function": {"arguments": piece}}]})
        yield chunk({}, "tool_calls" if reply.calls else "stop")
        yield _sse(
            {
                "id": rid,
                "object": "chat.completion.chunk",
                "created": int(time.time()),
                "model": model,
                "choices": [],
                "usage": _chat_usage(reply),
            }
        )
        yield _sse("[DONE]")

    async def responses(self, request: Request) -> Response:
        """``POST /v1/responses`` (streamed)."""
        body, reply = await self._take(request, "responses")
        if reply.status != 200:
            return self._error(reply)
        rid = f"resp_{next(self._ids)}"
        return StreamingResponse(
            self._responses_stream(rid, str(body.get("model")), reply),
            media_type="text/event-stream",
        )

    async def _responses_stream(self, rid: str, model: str, reply: Reply) -> AsyncIterator[bytes]:
        seq = itertools.count()

        def event(kind: str, **data: Any) -> bytes:
            return _sse({"type": kind, "sequence_number": next(seq), **data})

        yield event("response.created", response=_response(rid, model, "in_progress", [], None))
        output: list[dict[str, Any]] = []
        index = 0
        if reply.text:
            item_id = f"msg_{rid}"
            text = "".join(reply.text)
            added = {"type": "message", "id": item_id, "role": "assistant"}
            yield event(
                "response.output_item.added",
                output_index=index,
                item={**added, "status": "in_progress", "content": []},
            )
            part = {"type": "output_text", "text": "", "annotations": [], "logprobs": []}
            yield event(
                "response.content_part.added",
                item_id=item_id,
                output_index=index,
                content_index=0,
                part=part,
            )
            for piece in reply.text:
                yield event(
                    "response.output_text.delta",
                    item_id=item_id,
                    output_index=index,
                    content_index=0,
                    delta=piece,
                    logprobs=[],
                )
            yield event(
                "response.output_text.done",
                item_id=item_id,
                output_index=index,
                content_index=0,
                text=text,
                logprobs=[],
            )
            done_item = {
                **added,
                "status": "completed",
                "content": [{**part, "text": text}],
            }
            yield event("response.output_item.done", output_index=index, item=done_item)
            output.append(done_item)
            index += 1
        for i, (name, args) in enumerate(reply.calls):
            item_id = f"fc_{rid}_{i}"
            arguments = json.dumps(args)
            item = {
                "type": "function_call",
                "id": item_id,
                "call_id": f"call_{rid}_{i}",
                "name": name,
                "arguments": "",
                "status": "in_progress",
            }
            yield event("response.output_item.added", output_index=index, item=item)
            for piece in _pieces(arguments):
                yield event(
                    "response.function_call_arguments.delta",
                    item_id=item_id,
                    output_index=index,
                    delta=piece,
                )
            yield event(
                "response.function_call_arguments.done",
                item_id=item_id,
                output_index=index,
                arguments=arguments,
                name=name,
            )
            done_item = {**item, "arguments": arguments, "status": "completed"}
            yield event("response.output_item.done", output_index=index, item=done_item)
            output.append(done_item)
            index += 1
        yield event(
            "response.completed", response=_response(rid, model, "completed", output, reply)
        )

    # ------------------------------------------------------------------ lifecycle

    def app(self) -> Starlette:
        """The ASGI app."""
        return Starlette(
            routes=[
                Route("/v1/chat/completions", self.chat, methods=["POST"]),
                Route("/v1/responses", self.responses, methods=["POST"]),
            ]
        )

    def __enter__(self) -> FakeOpenAI:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(self.app(), log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("fake OpenAI server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)


def _chat_usage(reply: Reply) -> dict[str, int]:
    return {
        "prompt_tokens": reply.input_tokens,
        "completion_tokens": reply.output_tokens,
        "total_tokens": reply.input_tokens + reply.output_tokens,
    }


def _response(
    rid: str, model: str, status: str, output: list[dict[str, Any]], reply: Reply | None
) -> dict[str, Any]:
    usage = None
    if reply is not None:
        usage = {
            "input_tokens": reply.input_tokens,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": reply.output_tokens,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": reply.input_tokens + reply.output_tokens,
        }
    return {
        "id": rid,
        "object": "response",
        "created_at": int(time.time()),
        "model": model,
        "status": status,
        "output": output,
        "usage": usage,
        "error": None,
        "incomplete_details": None,
        "instructions": None,
        "metadata": {},
        "parallel_tool_calls": True,
        "temperature": 1.0,
        "tool_choice": "auto",
        "tools": [],
        "top_p": 1.0,
        "background": False,
        "moderation": None,
        "conversation": None,
        "previous_response_id": None,
    }


def running() -> Iterator[FakeOpenAI]:
    """A started server (for a pytest fixture: ``yield from running()``)."""
    with FakeOpenAI() as server:
        yield server
