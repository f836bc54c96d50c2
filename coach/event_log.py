"""A short-lived log of each session's last turn, so a client can resume the stream.

Contract of every :class:`EventLog` backend:

- ``start_turn(session_id, first)`` forgets the session's previous turn and records its
  first event, if given (one round trip);
- ``append(session_id, event)`` records an event of the running turn (ids increase);
  ``append_many(session_id, events)`` records several in order, in one round trip;
- ``read(session_id, after_id=, wait_s=)`` yields the turn's events with ``id > after_id``
  in order; when the last one is not terminal (the turn is still running) it waits up to
  ``wait_s`` for each next event, and stops at a terminal event or when nothing came;
- ``has_turn(session_id)`` tells whether anything is logged for the session, ``ended`` whether
  the logged turn has its terminal event;
- entries expire ``ttl_s`` seconds after the last append.

Two backends: :class:`MemoryEventLog` (in-process, the embedded default) and
:class:`RedisEventLog` (a Redis stream per session with a TTL, shared across processes, on
the process's :class:`~persistence.redis.SharedRedis`). While Redis is unreachable (or was a
moment ago: the shared breaker is open) every call raises
:class:`~persistence.errors.RedisUnavailable` at once; a turn carries on without its log, a
replay answers 503.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar, runtime_checkable

import redis.asyncio as aioredis

from coach.events import ChatEvent
from persistence.errors import RedisUnavailable
from persistence.redis import REDIS_FAILURES, SharedRedis

T = TypeVar("T")


@runtime_checkable
class EventLog(Protocol):
    """Where a turn's events go for replay (see the module docstring)."""

    async def start_turn(self, session_id: uuid.UUID, first: ChatEvent | None = None) -> None:
        """Forget the previous turn of the session; record ``first`` as the new turn's
        first event when given."""
        ...

    async def append(self, session_id: uuid.UUID, event: ChatEvent) -> None:
        """Record one event of the running turn."""
        ...

    async def append_many(self, session_id: uuid.UUID, events: Sequence[ChatEvent]) -> None:
        """Record events of the running turn, in order."""
        ...

    def read(
        self, session_id: uuid.UUID, *, after_id: int, wait_s: float = 0.0
    ) -> AsyncIterator[ChatEvent]:
        """The turn's events after ``after_id``; follows a running turn for up to ``wait_s``."""
        ...

    async def has_turn(self, session_id: uuid.UUID) -> bool:
        """Whether a turn of the session is logged (and not expired)."""
        ...

    async def ended(self, session_id: uuid.UUID) -> bool:
        """Whether the logged turn's terminal event is logged."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...


@dataclass
class _Turn:
    events: list[ChatEvent] = field(default_factory=list)
    expires_at: float = 0.0
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)


class MemoryEventLog:
    """In-process backend: the last turn of each session, dropped after ``ttl_s``."""

    def __init__(
        self,
        *,
        ttl_s: float = 900.0,
        max_sessions: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl_s
        self._max = max_sessions
        self._clock = clock
        self._turns: dict[uuid.UUID, _Turn] = {}

    def _live(self, session_id: uuid.UUID) -> _Turn | None:
        turn = self._turns.get(session_id)
        if turn is not None and turn.expires_at < self._clock():
            del self._turns[session_id]
            return None
        return turn

    def _evict(self) -> None:
        # dicts keep insertion order and start_turn re-inserts: the first is the oldest turn.
        # Dropping expired turns from the front only keeps this O(1) per turn (a scan of
        # every session would grow with them); an expired turn behind a live one is dropped
        # when it is next looked at (_live) or reaches the front.
        now = self._clock()
        while self._turns:
            first = next(iter(self._turns))
            if self._turns[first].expires_at >= now and len(self._turns) < self._max:
                break
            del self._turns[first]

    async def start_turn(self, session_id: uuid.UUID, first: ChatEvent | None = None) -> None:
        """See :class:`EventLog`."""
        old = self._turns.pop(session_id, None)
        self._evict()
        self._turns[session_id] = _Turn(expires_at=self._clock() + self._ttl)
        if old is not None:
            # Wake readers of the old turn so they notice it is gone.
            async with old.changed:
                old.changed.notify_all()
        if first is not None:
            await self.append(session_id, first)

    async def append_many(self, session_id: uuid.UUID, events: Sequence[ChatEvent]) -> None:
        """See :class:`EventLog`."""
        for event in events:
            await self.append(session_id, event)

    async def append(self, session_id: uuid.UUID, event: ChatEvent) -> None:
        """See :class:`EventLog`."""
        turn = self._live(session_id)
        if turn is None:
            turn = self._turns[session_id] = _Turn()
        turn.events.append(event)
        turn.expires_at = self._clock() + self._ttl
        async with turn.changed:
            turn.changed.notify_all()

    async def read(
        self, session_id: uuid.UUID, *, after_id: int, wait_s: float = 0.0
    ) -> AsyncIterator[ChatEvent]:
        """See :class:`EventLog`."""
        turn = self._live(session_id)
        if turn is None:
            return
        position = 0
        while True:
            while position < len(turn.events):
                event = turn.events[position]
                position += 1
                if event.id > after_id:
                    yield event
                if event.terminal:
                    return
            if wait_s <= 0 or self._turns.get(session_id) is not turn:
                return
            async with turn.changed:
                if position >= len(turn.events):
                    try:
                        await asyncio.wait_for(turn.changed.wait(), timeout=wait_s)
                    except TimeoutError:
                        return

    async def has_turn(self, session_id: uuid.UUID) -> bool:
        """See :class:`EventLog`."""
        turn = self._live(session_id)
        return turn is not None and bool(turn.events)

    async def ended(self, session_id: uuid.UUID) -> bool:
        """See :class:`EventLog`."""
        turn = self._live(session_id)
        return turn is not None and bool(turn.events) and turn.events[-1].terminal

    async def aclose(self) -> None:
        """Nothing to release."""
        self._turns.clear()


#: Longest single ``XREAD BLOCK``; shorter than the client's socket timeout (see below).
BLOCK_SLICE_S = 2.0


#: One round trip and one command for a batch of events: optionally ``DEL`` the stream (a
#: new turn), ``XADD`` each event under its id, then set the TTL when ``ARGV[2]`` > 0.
#: ARGV: "1" to delete first, the TTL (0: leave it), then id, JSON, id, JSON, ...
_APPEND_LUA = """
local key = KEYS[1]
if ARGV[1] == '1' then redis.call('DEL', key) end
for i = 3, #ARGV, 2 do
  redis.call('XADD', key, ARGV[i], 'e', ARGV[i + 1])
end
if tonumber(ARGV[2]) > 0 then redis.call('EXPIRE', key, ARGV[2]) end
return #ARGV / 2 - 1
"""


class RedisEventLog:
    """Redis backend: one stream per session (``<prefix>:<session_id>``) with a TTL.

    Entry ids are ``0-<event id>``, so ``XRANGE``/``XREAD`` after an event id need no
    lookup, and a new turn deletes the stream before its first event. A blocking read lasts
    at most half the client's socket timeout (and :data:`BLOCK_SLICE_S`), so a wait is
    never mistaken for a hung server.
    """

    def __init__(
        self,
        redis: SharedRedis | aioredis.Redis,
        *,
        prefix: str = "coach:events",
        ttl_s: int = 900,
        owns: bool = False,
    ) -> None:
        self._shared = redis if isinstance(redis, SharedRedis) else SharedRedis.wrap(redis)
        self._redis = self._shared.client
        self._prefix = prefix
        self._ttl = ttl_s
        self._owned = owns
        self._write = self._redis.register_script(_APPEND_LUA)
        timeout = self._shared.timeout_s
        self._block_s = BLOCK_SLICE_S if timeout is None else min(BLOCK_SLICE_S, timeout / 2)

    @classmethod
    def from_url(cls, url: str, *, prefix: str = "coach:events", ttl_s: int = 900) -> RedisEventLog:
        """A log on its own client (closed by :meth:`aclose`)."""
        return cls(SharedRedis.from_url(url), prefix=prefix, ttl_s=ttl_s, owns=True)

    async def _call(self, action: str, call: Awaitable[T]) -> T:
        """``call``'s result, or :class:`RedisUnavailable` (the breaker decides first)."""
        if not self._shared.available:
            if hasattr(call, "close"):
                call.close()
            raise RedisUnavailable("Redis was unreachable a moment ago")
        try:
            return await call
        except REDIS_FAILURES as exc:
            self._shared.failed(exc, f"event log {action}")
            raise RedisUnavailable(f"event log {action}: {type(exc).__name__}") from exc

    def _key(self, session_id: uuid.UUID) -> str:
        return f"{self._prefix}:{session_id}"

    async def start_turn(self, session_id: uuid.UUID, first: ChatEvent | None = None) -> None:
        """See :class:`EventLog`: ``DEL``, then the first event and the TTL, in one command."""
        await self._call("start", self._write_events(session_id, [first] if first else [], True))

    async def append(self, session_id: uuid.UUID, event: ChatEvent) -> None:
        """See :class:`EventLog`. The TTL is set with the turn's first event and renewed
        with its terminal one, so the events between are one ``XADD`` each (a turn lasts
        far less than the TTL)."""
        await self._call("append", self._write_events(session_id, [event], False))

    async def append_many(self, session_id: uuid.UUID, events: Sequence[ChatEvent]) -> None:
        """See :class:`EventLog`: one command (a script ``XADD`` ing each, and setting the
        TTL when the batch holds the turn's first or terminal event)."""
        if events:
            await self._call("append", self._write_events(session_id, events, False))

    async def _write_events(
        self, session_id: uuid.UUID, events: Sequence[ChatEvent], start: bool
    ) -> None:
        ttl = start or any(event.id <= 1 or event.terminal for event in events)
        args: list[str | int] = ["1" if start else "0", self._ttl if ttl else 0]
        for event in events:
            args += (f"0-{event.id}", event.model_dump_json())
        await self._write(keys=[self._key(session_id)], args=args)

    @staticmethod
    def _decode(fields: Any) -> ChatEvent:
        return ChatEvent.model_validate_json(fields[b"e"])

    @staticmethod
    def _id(entry_id: Any) -> str:
        return entry_id.decode() if isinstance(entry_id, bytes) else str(entry_id)

    async def read(
        self, session_id: uuid.UUID, *, after_id: int, wait_s: float = 0.0
    ) -> AsyncIterator[ChatEvent]:
        """See :class:`EventLog`."""
        key = self._key(session_id)
        last = f"0-{max(0, after_id)}"
        entries: Any = await self._call(
            "read", self._redis.xrange(key, min=f"({last}" if after_id > 0 else "-")
        )
        for entry_id, fields in entries:
            event = self._decode(fields)
            yield event
            if event.terminal:
                return
            last = self._id(entry_id)
        if wait_s <= 0 or await self._ended(key):
            return
        deadline = time.monotonic() + wait_s
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            # Block in slices shorter than the client's socket timeout.
            block_ms = max(1, int(min(remaining, self._block_s) * 1000))
            got: Any = await self._call(
                "read", self._redis.xread({key: last}, count=100, block=block_ms)
            )
            if not got:
                continue
            for _stream, items in got:
                for entry_id, fields in items:
                    event = self._decode(fields)
                    yield event
                    if event.terminal:
                        return
                    last = self._id(entry_id)
            # Events arrived: wait afresh for the next ones.
            deadline = time.monotonic() + wait_s

    async def _ended(self, key: str) -> bool:
        """Whether the logged turn already has its terminal event (nothing to wait for)."""
        tail: Any = await self._call("read", self._redis.xrevrange(key, count=1))
        return bool(tail) and self._decode(tail[0][1]).terminal

    async def has_turn(self, session_id: uuid.UUID) -> bool:
        """See :class:`EventLog`."""
        return bool(await self._call("read", self._redis.exists(self._key(session_id))))

    async def ended(self, session_id: uuid.UUID) -> bool:
        """See :class:`EventLog`."""
        return await self._ended(self._key(session_id))

    async def aclose(self) -> None:
        """Close the client if this log created it."""
        if self._owned:
            await self._shared.aclose()


def create_event_log(
    *,
    use_redis: bool,
    redis_url: str | None,
    ttl_s: int,
    prefix: str = "coach:events",
    redis: SharedRedis | None = None,
) -> EventLog:
    """A Redis log when ``use_redis`` (on ``redis``, the process's shared client, else on a
    client of its own for ``redis_url``), else an in-process one."""
    if use_redis:
        if redis is not None:
            return RedisEventLog(redis, prefix=prefix, ttl_s=ttl_s)
        if not redis_url:
            raise ValueError("redis_url: required for the Redis event log")
        return RedisEventLog.from_url(redis_url, prefix=prefix, ttl_s=ttl_s)
    return MemoryEventLog(ttl_s=ttl_s)
