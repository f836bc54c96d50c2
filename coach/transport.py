"""An ``httpx2`` transport retrying 429 / 5xx / timeouts with tenacity.

pydantic-ai's ``AsyncHTTPX2TenacityTransport`` raises ``HTTPStatusError`` once the retries
are spent, after closing the response; the OpenAI SDK does not turn that into an API error,
so a ``FallbackModel`` never sees a model error and cannot fall back. This transport retries
the same way (a ``RetryConfig`` with ``wait_retry_after``) but, when the retries are spent on
an error status, hands the last response to the SDK untouched: the SDK raises its usual
status error, pydantic-ai maps it to ``ModelHTTPError`` and the fallback model is tried.
A timeout or connection error on the last attempt is re-raised as is (the SDK maps those
to its timeout / connection errors).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx2
from pydantic_ai.retries import RetryConfig
from tenacity import AsyncRetrying, RetryCallState


class RetryableStatus(httpx2.HTTPStatusError):
    """A response whose status asks for a retry (kept open until the next attempt)."""


def _last_response(state: RetryCallState) -> httpx2.Response:
    exc = state.outcome.exception() if state.outcome else None
    if isinstance(exc, RetryableStatus):
        return exc.response
    assert exc is not None
    raise exc


async def _close_failed(state: RetryCallState) -> None:
    exc = state.outcome.exception() if state.outcome else None
    if isinstance(exc, RetryableStatus):
        await exc.response.aclose()


class RetryingTransport(httpx2.AsyncBaseTransport):
    """Retries ``wrapped`` per ``config``; ``retry_status`` says which statuses to retry."""

    def __init__(
        self,
        config: RetryConfig,
        *,
        retry_status: Callable[[int], bool],
        wrapped: httpx2.AsyncBaseTransport | None = None,
    ) -> None:
        self._config = config
        self._retry_status = retry_status
        self._wrapped = wrapped or httpx2.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        """Send ``request``, retrying as configured; the last failing response is returned.

        The first attempt runs before any retry machinery (nearly every request succeeds at
        once); a failure goes to tenacity as that attempt's outcome, so attempts, waits
        (``Retry-After``) and the total-time budget count from the real first attempt."""
        started = time.monotonic()
        try:
            response = await self._wrapped.handle_async_request(request)
        except Exception as exc:
            first: httpx2.Response | BaseException = exc
        else:
            if not self._retry_status(response.status_code):
                return response
            first = response
        pending: list[httpx2.Response | BaseException] = [first]

        async def attempt() -> httpx2.Response:
            if pending:  # the first attempt's outcome, already had
                outcome = pending.pop()
                if isinstance(outcome, BaseException):
                    raise outcome
                response = outcome
            else:
                response = await self._wrapped.handle_async_request(request)
            if self._retry_status(response.status_code):
                raise RetryableStatus(
                    f"retryable status {response.status_code}", request=request, response=response
                )
            return response

        def from_first_attempt(state: RetryCallState) -> None:
            if state.attempt_number == 1:
                state.start_time = started

        options: dict[str, Any] = {
            **self._config,
            "reraise": False,
            "retry_error_callback": _last_response,
            "before_sleep": _close_failed,
            "before": from_first_attempt,
        }
        result: httpx2.Response = await AsyncRetrying(**options)(attempt)
        return result

    async def aclose(self) -> None:
        """Close the wrapped transport."""
        await self._wrapped.aclose()
