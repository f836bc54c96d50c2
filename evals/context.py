"""What the model was last asked, per case (the memory suite inspects it).

The harness opens a :func:`request_recorder` around a case's turns; a model wrapper calls
:func:`record_request` with the text of each request it sends. A context variable ties the
two together: the turn runs in the case's task (or in tasks it starts, which copy the
context), so concurrent cases never see each other's requests.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class RequestRecorder:
    """The last request's text and how many requests were sent."""

    last: str | None = None
    requests: int = 0


_CURRENT: ContextVar[RequestRecorder | None] = ContextVar("evals_request_recorder", default=None)


@contextlib.contextmanager
def request_recorder() -> Iterator[RequestRecorder]:
    """Record the requests sent while the block runs (in this context)."""
    recorder = RequestRecorder()
    token = _CURRENT.set(recorder)
    try:
        yield recorder
    finally:
        _CURRENT.reset(token)


def record_request(text: str) -> None:
    """Note one request's text (instructions and messages); a no-op outside a recorder."""
    recorder = _CURRENT.get()
    if recorder is not None:
        recorder.last = text
        recorder.requests += 1
