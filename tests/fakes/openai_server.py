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

Load (``bench/chat.py``): :meth:`FakeOpenAI.converse` gives a model a reply chosen by the
request instead of a queue, for any number of concurrent conversations: tool calls after a
user message, text once the tool results came back. Run it as its own process::

    python -m tests.fakes.openai_server --model bench --delay-ms 500 \
        --call 'get_weight_trend={"days": 28}' --text "Your trend is ..."

prints ``port N`` once it listens (``--port 0``: a free port) and serves until terminated.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import re
import socket
import sys
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


@dataclass(frozen=True)
class Conversation:
    """Replies chosen by the request: ``calls`` answer a user message, ``text`` answers once
    the last message is a tool result (so every turn is a tool step, then a reply)."""

    calls: tuple[tuple[str, dict[str, Any]], ...]
    text: tuple[str, ...]
    delay_s: float = 0.0

    def reply(self, body: dict[str, Any]) -> Reply:
        """The reply to a Chat Completions or Responses request body."""
        items = body.get("messages") or body.get("input") or [{}]
        last = items[-1] if isinstance(items, list) else {}
        after_tools = last.get("role") == "tool" or last.get("type") == "function_call_output"
        if after_tools or not self.calls:
            return Reply(text=self.text, delay_s=self.delay_s)
        return Reply(calls=self.calls, delay_s=self.delay_s)


def token_pieces(text: str) -> tuple[str, ...]:
    """``text`` in pieces about one token long (a word with its leading space, or a
    punctuation mark), as OpenAI streams a reply."""
    return tuple(re.findall(r"\s*\w+|\s*[^\w\s]+|\s+", text))


def _pieces(text: str, size: int = 7) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def _sse(data: dict[str, Any] | str) -> bytes:
    body = data if isinstance(data, str) else json.dumps(data)
    return f"data: {body}\n\n".encode()


class FakeOpenAI:
    """The server; a context manager that runs uvicorn in a thread on a free port."""

    def __init__(self, *, record: bool = True) -> None:
        self._scripts: dict[str, deque[Reply]] = defaultdict(deque)
        self._conversations: dict[str, Conversation] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        #: Whether requests are recorded (a long load run would keep every body).
        self.record = record
        self.requests: list[dict[str, Any]] = []
        #: The request bodies as sent (bytes), in the order of ``requests``.
        self.raw_bodies: list[bytes] = []
        self.served: list[tuple[str, str, int]] = []  # (path, model, status)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    # ------------------------------------------------------------------ scripting

    def script(self, model: str, *replies: Reply) -> None:
        """Queue replies for ``model``."""
        with self._lock:
            self._scripts[model].extend(replies)

    def converse(self, model: str, conversation: Conversation) -> None:
        """Answer ``model``'s requests by ``conversation`` once its script is empty."""
        with self._lock:
            self._conversations[model] = conversation

    def pending(self, model: str) -> int:
        """Replies still queued for ``model``."""
        with self._lock:
            return len(self._scripts[model])

    def _next(self, model: str, body: dict[str, Any]) -> Reply:
        with self._lock:
            queue = self._scripts[model]
            if queue:
                return queue.popleft()
            conversation = self._conversations.get(model)
        return conversation.reply(body) if conversation else Reply.fail(500)

    @property
    def base_url(self) -> str:
        """The ``OPENAI_BASE_URL`` of this server."""
        return f"http://127.0.0.1:{self.port}/v1"

    # ------------------------------------------------------------------ HTTP

    async def _take(self, request: Request, path: str) -> tuple[dict[str, Any], Reply]:
        raw = await request.body()
        body: dict[str, Any] = json.loads(raw)
        reply = self._next(str(body.get("model")), body)
        if self.record:
            with self._lock:
                self.raw_bodies.append(raw)
                self.requests.append({"path": path, **body})
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
                    "system_fingerprint": "fp_fake",
                    "choices": [
                        {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
                    ],
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


def _call(text: str) -> tuple[str, dict[str, Any]]:
    name, _, args = text.partition("=")
    return name, json.loads(args or "{}")


def main(argv: list[str] | None = None) -> None:
    """Serve one conversing model in this process (see the module docstring)."""
    parser = argparse.ArgumentParser(description="A scripted OpenAI-compatible server.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--model", required=True, help="the model name it answers")
    parser.add_argument("--delay-ms", type=float, default=0.0, help="before each response")
    parser.add_argument(
        "--call", action="append", default=[], help="a tool call: NAME=JSON_ARGS (repeatable)"
    )
    parser.add_argument("--text", default="OK.", help="the reply once the tools answered")
    args = parser.parse_args(argv)
    server = FakeOpenAI(record=False)
    server.converse(
        args.model,
        Conversation(
            calls=tuple(_call(c) for c in args.call),
            text=token_pieces(args.text),
            delay_s=args.delay_ms / 1000,
        ),
    )
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    print(f"port {sock.getsockname()[1]}", flush=True)
    config = uvicorn.Config(
        server.app(), log_level="warning", lifespan="off", access_log=False, backlog=2048
    )
    uvicorn.Server(config).run(sockets=[sock])
    sys.exit(0)


if __name__ == "__main__":
    main()
