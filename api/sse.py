"""Server-Sent Events plumbing for coach turns (sse-starlette).

A turn is an async iterator of events (``event``, ``id``, ``data``). The engine raises its
refusals (unknown session, closed session, turn in progress) *before* the first event, so a
route first :func:`prime`\\ s the iterator: a refusal becomes an ordinary problem+json
answer, and only a turn that has really started is streamed.

On the wire every event is::

    id: 3
    event: text
    data: {"delta":"Your 7-day trend is 82.4 kg."}

with a comment line (``: ping ...``) every :data:`HEARTBEAT_SECONDS` so idle proxies keep
the connection open. A client that disconnects cancels the stream; the iterator is then
cancelled (shielded, bounded), which cancels the turn; the engine persists what completed.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

import anyio
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.types import Message, Receive, Scope, Send

from coach.events import ERROR_CODES
from persistence.errors import outage_of

__all__ = [
    "HEARTBEAT_SECONDS",
    "SSE_HEADERS",
    "Primed",
    "StreamEvent",
    "encode_event",
    "event_stream_response",
    "prime",
]

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 15
#: A client that stops reading for this long is dropped (its turn is cancelled).
SEND_TIMEOUT_SECONDS = 60.0
#: Upper bound on closing a turn's iterator after a disconnect.
CLEANUP_SECONDS = 10.0
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}

INTERNAL_ERROR = {"code": "internal", "message": ERROR_CODES["internal"]}
UNAVAILABLE_ERROR = {"code": "unavailable", "message": ERROR_CODES["unavailable"]}


class StreamEvent(Protocol):
    """What a streamed event looks like (``coach.events.ChatEvent`` has this shape)."""

    @property
    def event(self) -> str:
        """The SSE event name."""
        ...

    @property
    def id(self) -> int:
        """Increasing within the turn, from 1."""
        ...

    @property
    def data(self) -> Mapping[str, Any]:
        """The JSON payload."""
        ...


E = TypeVar("E", bound=StreamEvent)


@dataclass(slots=True)
class Primed(Generic[E]):
    """An event iterator whose first event was already pulled (``None``: it was empty)."""

    first: E | None
    rest: AsyncIterator[E]

    async def events(self) -> AsyncIterator[E]:
        """The first event, then the rest."""
        if self.first is not None:
            yield self.first
        async for item in self.rest:
            yield item


async def prime(stream: AsyncIterator[E]) -> Primed[E]:
    """Pull the first event, so errors raised before streaming starts reach the route."""
    try:
        first = await anext(stream)
    except StopAsyncIteration:
        return Primed(first=None, rest=stream)
    return Primed(first=first, rest=stream)


def _json(data: Mapping[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)


def encode_event(event: StreamEvent) -> ServerSentEvent:
    """One event as SSE fields: ``event:``, ``id:`` and one JSON ``data:`` line."""
    return ServerSentEvent(data=_json(event.data), event=event.event, id=str(event.id))


_END = object()


async def _pump(events: AsyncIterator[E], queue: asyncio.Queue[object]) -> None:
    """Move the turn's events into ``queue``, then an exception or the end marker."""
    try:
        async for event in events:
            queue.put_nowait(event)
    except Exception as exc:
        queue.put_nowait(exc)
    finally:
        queue.put_nowait(_END)


async def _sse(primed: Primed[E]) -> AsyncIterator[bytes]:
    """The SSE encoding of a primed turn, ending with an ``error`` event if the turn fails.

    The first event is sent at once. The rest of the turn's iterator is drained by a task
    of its own, so events that are ready together
    (two tool calls, a burst of text) leave in one chunk: one write instead of one per event.
    On a disconnect the response's task group cancels this generator; the pump is then
    cancelled once (which cancels the engine's turn; the engine persists what completed)
    and awaited, shielded and bounded.
    """
    last_id = 0
    pump: asyncio.Task[None] | None = None
    try:
        if primed.first is not None:
            # Sent at once: it is ready, and under load the pump's first run comes late.
            last_id = primed.first.id
            yield encode_event(primed.first).encode()
        # Unbounded: a turn's events are few and small; the engine must never wait on us.
        queue: asyncio.Queue[object] = asyncio.Queue()
        pump = asyncio.create_task(_pump(primed.rest, queue), name="coach-sse-pump")
        while True:
            item = await queue.get()
            chunk: list[bytes] = []
            while True:
                if item is _END:
                    break
                if isinstance(item, Exception):
                    # Internals stay in the log; the client gets a terminal error event.
                    outage = outage_of(item)
                    if outage is None:
                        log.error("coach turn failed mid-stream", exc_info=item)
                    else:
                        log.warning("coach stream cut off: %s unavailable", outage.service)
                    payload = INTERNAL_ERROR if outage is None else UNAVAILABLE_ERROR
                    error = ServerSentEvent(data=_json(payload), event="error", id=str(last_id + 1))
                    chunk.append(error.encode())
                    item = _END
                    break
                event: E = item  # type: ignore[assignment]
                last_id = event.id
                chunk.append(encode_event(event).encode())
                try:
                    item = queue.get_nowait()
                except asyncio.QueueEmpty:
                    break
            if chunk:
                yield b"".join(chunk)
            if item is _END:
                return
    finally:
        with anyio.move_on_after(CLEANUP_SECONDS, shield=True):
            if pump is None:  # gone before the pump started: close the turn ourselves
                close = getattr(primed.rest, "aclose", None)
                if close is not None:
                    await close()
            else:
                if not pump.done():
                    pump.cancel()
                await asyncio.wait({pump})


class _TurnResponse(EventSourceResponse):
    """An event stream whose headers and first chunk leave from the request's own task.

    The base class sends everything from a task it starts in a task group; under load that
    task's first run comes a pass of the event loop later, and that pass is part of the
    time to the first event a client waits for. When the first chunk is ready (a primed
    turn's first event: ``first_ready``), it is pulled and sent here with the headers; the
    base class streams the rest from the same iterator as before (its own start of the
    response is dropped: it was sent). If sending fails, the iterator is closed here (which
    closes the turn's), as the base class would have.
    """

    def __init__(self, content: AsyncIterator[bytes], *, first_ready: bool, **kw: Any) -> None:
        super().__init__(content, **kw)
        self._chunks = content  # the base class's body_iterator, typed
        self._first_ready = first_ready

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._first_ready or scope["type"] != "http" or scope["method"].upper() == "HEAD":
            await super().__call__(scope, receive, send)
            return
        iterator = self._chunks
        try:
            first = await anext(iterator)
            await send(
                {
                    "type": "http.response.start",
                    "status": self.status_code,
                    "headers": self.raw_headers,
                }
            )
            await send({"type": "http.response.body", "body": first, "more_body": True})
        except BaseException:
            close = getattr(iterator, "aclose", None)
            if close is not None:
                with anyio.move_on_after(CLEANUP_SECONDS, shield=True):
                    await close()
            raise

        async def send_rest(message: Message) -> None:
            if message["type"] != "http.response.start":
                await send(message)

        await super().__call__(scope, receive, send_rest)


def event_stream_response(
    primed: Primed[E], *, heartbeat_seconds: float = HEARTBEAT_SECONDS
) -> EventSourceResponse:
    """A ``text/event-stream`` response for a primed turn (its first event sent with the
    headers, see :class:`_TurnResponse`)."""
    return _TurnResponse(
        _sse(primed),
        first_ready=primed.first is not None,
        headers=SSE_HEADERS,
        ping=heartbeat_seconds,
        send_timeout=SEND_TIMEOUT_SECONDS,
    )
