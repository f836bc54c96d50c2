"""A turn's metrics and its closing log line, read off the events it yields.

:func:`observe_turn` wraps the engine's event stream: it times the first event and the
whole turn, reads the tokens from ``usage`` and the outcome from the terminal event
(``done``, or the ``error`` code), and reports them once the stream is closed. A stream
that raised before its first event is ``refused``; one whose consumer left before the
terminal event is ``cancelled``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncGenerator

from coach.events import ChatEvent
from persistence.observability import Telemetry

log = logging.getLogger(__name__)


async def observe_turn(
    events: AsyncGenerator[ChatEvent, None], telemetry: Telemetry
) -> AsyncGenerator[ChatEvent, None]:
    """``events``, reported to ``telemetry`` (see the module docstring)."""
    started = time.perf_counter()
    outcome = "refused"
    session_id: object = None
    tokens = (0, 0)
    try:
        async for event in events:
            if outcome == "refused":
                telemetry.first_event(time.perf_counter() - started)
                outcome = "cancelled"
            name = event.event
            if name == "session":
                session_id = event.data.get("session_id")
            elif name == "usage":
                tokens = (event.data["input_tokens"], event.data["output_tokens"])
            elif name == "done":
                outcome = "done"
            elif name == "error":
                outcome = str(event.data.get("code"))
            yield event
    finally:
        await events.aclose()
        seconds = time.perf_counter() - started
        telemetry.turn_finished(outcome, seconds, *tokens)
        if outcome != "refused":
            log.info(
                "turn %s in %.0f ms (%d input, %d output tokens)",
                outcome,
                seconds * 1000,
                *tokens,
                extra={"session_id": session_id},
            )


__all__ = ["observe_turn"]
