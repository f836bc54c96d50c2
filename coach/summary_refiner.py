"""LLM summaries written after the turn, never in its way.

When a turn's history outgrows the budget, its oldest turns are folded into the session's
summary before the model request. With a real model the summary is best written by the
model, but a summary request inside the turn is a whole model round trip (seconds with a
real provider) before the user's reply can start, and in a long chat it lands on every few
turns. So the turn folds with the extractive summarizer (no model call, microseconds) and,
once the turn is stored, a :class:`SummaryRefiner` asks the model to fold the same turns
into the summary the turn started from and replaces the turn's summary with the result,
unless a later turn has changed the summary meanwhile (then the extractive one stays, and
that later turn's own fold gets refined instead). A failed or slow refinement leaves the
extractive summary: a turn never waits for, or fails on, a summary.
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from pydantic_ai.messages import ModelMessage
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach import sessions
from coach.summarizer import LLMSummarizer

__all__ = ["SummaryRefiner"]

log = logging.getLogger(__name__)


@dataclass
class SummaryRefiner:
    """The engine's summary refinements in flight (see the module docstring)."""

    session_factory: async_sessionmaker[AsyncSession]
    #: A refinement taking longer is dropped (the extractive summary stays).
    timeout_s: float = 60.0
    #: Each refinement starts after a random pause of up to this long: sessions that fold
    #: together (a burst of users in step) do not send their summary requests, and store
    #: their results, in one burst on the event loop that serves their next turns.
    spread_s: float = 2.0
    _pending: set[asyncio.Task[None]] = field(default_factory=set)

    @property
    def pending(self) -> int:
        """Refinements still running."""
        return len(self._pending)

    def start(
        self,
        summarizer: LLMSummarizer,
        *,
        session_id: uuid.UUID,
        written: str,
        previous: str | None,
        turns: Sequence[Sequence[ModelMessage]],
        max_tokens: int,
    ) -> None:
        """Refine ``written`` (the summary a turn stored after folding ``turns`` into
        ``previous``) in the background."""
        task = asyncio.create_task(
            self._refine(
                summarizer,
                session_id=session_id,
                written=written,
                previous=previous,
                turns=turns,
                max_tokens=max_tokens,
            ),
            name=f"coach-summary-{session_id}",
        )
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _refine(
        self,
        summarizer: LLMSummarizer,
        *,
        session_id: uuid.UUID,
        written: str,
        previous: str | None,
        turns: Sequence[Sequence[ModelMessage]],
        max_tokens: int,
    ) -> None:
        if self.spread_s > 0:
            await asyncio.sleep(random.uniform(0, self.spread_s))
        try:
            async with asyncio.timeout(self.timeout_s):
                text = await summarizer.fold(previous, turns, max_tokens=max_tokens)
        except TimeoutError:
            log.warning("summary of session %s: the model took too long", session_id)
            return
        tokens = summarizer.usage.input_tokens + summarizer.usage.output_tokens
        if text == written and not tokens:
            return  # the model failed: its fallback is the summary already stored
        try:
            async with self.session_factory() as db:
                replaced = await sessions.replace_summary(
                    db, session_id=session_id, written=written, summary=text, tokens=tokens
                )
                await db.commit()
        except Exception:
            log.warning("summary of session %s not stored", session_id, exc_info=True)
            return
        if not replaced:
            log.info("summary of session %s changed since its turn; refinement dropped", session_id)

    async def wait(self) -> None:
        """Until every refinement started so far has ended."""
        while self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)

    async def aclose(self, grace_s: float = 5.0) -> None:
        """Give running refinements ``grace_s`` to finish, then cancel them."""
        if not self._pending:
            return
        pending = list(self._pending)
        _, late = await asyncio.wait(pending, timeout=grace_s)
        for task in late:
            task.cancel()
        if late:
            await asyncio.gather(*late, return_exceptions=True)
