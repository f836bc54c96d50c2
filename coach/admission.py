"""Admission of turn start-ups: a few at a time per process.

Starting a turn (claiming its session, building its context, the agent's first steps up to
the first model request) is a few milliseconds of CPU. Under a burst of new chats, hundreds
of start-ups queued on the event loop would run before the `session` events of requests
that arrived a moment later, so time to the first event would grow with the burst.
A :class:`StartGate` lets ``limit`` start-ups run at once; the others wait (cheaply) for a
slot. A slot is released when the turn sends its first model request, or ends: the model's
own time, which dominates a turn, is never gated.
"""

from __future__ import annotations

import asyncio
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

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("limit: must be at least 1")
        self._limit = limit
        self._semaphore = asyncio.Semaphore(limit)

    @property
    def limit(self) -> int:
        """Start-ups admitted at once."""
        return self._limit

    @property
    def waiting(self) -> bool:
        """True when every slot is taken."""
        return self._semaphore.locked()

    async def enter(self) -> StartTicket:
        """Wait for a slot; the ticket must be released (the turn does it)."""
        await self._semaphore.acquire()
        return StartTicket(self._semaphore)
