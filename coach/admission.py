"""Admission of turn start-ups: a few at a time per process.

Starting a turn (claiming its session, building its context, the agent's first steps up to
the first model request) is a few milliseconds of CPU. Under a burst of new chats, hundreds
of start-ups queued on the event loop would run before the `session` events of requests
that arrived a moment later, so time to the first event would grow with the burst.
A :class:`StartGate` lets ``limit`` start-ups run at once; the others wait (cheaply) for a
slot. A slot is released when the turn sends its first model request, or ends: the model's
own time, which dominates a turn, is never gated.

Before its slot, a start-up also lets the turns still before their first event go first
(:meth:`StartGate.opening_turn`): when many turns arrive together (a burst of users, clients
reconnecting after a deploy), each first event waits for its claim, and on one event loop
the claims' replies would queue behind the start-ups of the turns that got theirs. A
start-up therefore waits until the turns that were opening when it came have sent their
first event (not turns that came after it, so a steady stream of new turns cannot hold it
up), at most ``opening_wait_s`` (so a stuck claim delays others by that much, never more).
The burst's work is the same; its first events leave before the bulk of it instead of
interleaved with it.

A small ``limit`` also orders a burst's start-ups: each yields to the others at every
database or Redis round trip, so many at once all finish near the end of the burst, while a
few at a time finish one after another and the first model requests leave earlier (the
50-user bench: 3 against 8 gave turn p50 1.08-1.15 s against 1.10-1.14 s, docs/performance.md
round 6). With a slow database, where a start-up mostly waits, a larger limit keeps the
process busy.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

__all__ = ["StartGate", "StartTicket"]


@dataclass(slots=True)
class StartTicket:
    """One admitted start-up; :meth:`release` is idempotent."""

    _semaphore: asyncio.Semaphore
    _held: bool = True

    def release(self) -> None:
        """Give the slot back (once)."""
        if self._held:
            self._held = False
            self._semaphore.release()


class StartGate:
    """At most ``limit`` turn start-ups at once (see the module docstring)."""

    def __init__(self, limit: int, *, opening_wait_s: float = 0.0) -> None:
        if limit < 1:
            raise ValueError("limit: must be at least 1")
        if opening_wait_s < 0:
            raise ValueError("opening_wait_s: must not be negative")
        self._limit = limit
        self._semaphore = asyncio.Semaphore(limit)
        self._opening_wait_s = opening_wait_s
        #: Turns opening now, by arrival number; start-ups waiting for the turns opening when
        #: they came (an arrival number: the first opening turn they do not wait for).
        self._opening: set[int] = set()
        self._arrivals = itertools.count()
        self._waiters: list[tuple[int, asyncio.Future[None]]] = []

    @property
    def limit(self) -> int:
        """Start-ups admitted at once."""
        return self._limit

    @property
    def waiting(self) -> bool:
        """True when every slot is taken."""
        return self._semaphore.locked()

    @property
    def openings(self) -> int:
        """Turns between their request and their first event."""
        return len(self._opening)

    @contextmanager
    def opening_turn(self) -> Iterator[None]:
        """Around a turn's work up to its first event (its claim)."""
        arrival = next(self._arrivals)
        self._opening.add(arrival)
        try:
            yield
        finally:
            self._opening.discard(arrival)
            self._wake()

    def _wake(self) -> None:
        """Release the start-ups whose turns to wait for have all opened."""
        oldest = min(self._opening, default=None)
        keep: list[tuple[int, asyncio.Future[None]]] = []
        for until, waiter in self._waiters:
            if oldest is None or oldest >= until:
                if not waiter.done():
                    waiter.set_result(None)
            else:
                keep.append((until, waiter))
        self._waiters = keep

    async def enter(self) -> StartTicket:
        """Wait for a slot, once the turns opening at the call have sent their first event
        (turns arriving later are not waited for) or ``opening_wait_s`` has passed; the
        ticket must be released (the turn does it)."""
        if self._opening and self._opening_wait_s > 0:
            entry = (next(self._arrivals), asyncio.get_running_loop().create_future())
            self._waiters.append(entry)
            try:
                await asyncio.wait({entry[1]}, timeout=self._opening_wait_s)
            finally:
                if not entry[1].done():
                    entry[1].cancel()
                    self._waiters.remove(entry)
        await self._semaphore.acquire()
        return StartTicket(self._semaphore)
