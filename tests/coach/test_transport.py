"""The retrying transport: the first attempt outside tenacity, the retries as configured."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx2
import pytest

from coach.models import is_retryable_status, retry_config
from coach.transport import RetryingTransport
from tests.coach.helpers import offline_settings


class Scripted(httpx2.AsyncBaseTransport):
    """Answers each send with the next status (or raises it, or sleeps first)."""

    def __init__(self, *outcomes: Any, sleep_s: float = 0.0) -> None:
        self.outcomes = list(outcomes)
        self.sends = 0
        self.sleep_s = sleep_s

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        self.sends += 1
        if self.sleep_s:
            await asyncio.sleep(self.sleep_s)
        outcome = self.outcomes.pop(0) if self.outcomes else 200
        if isinstance(outcome, BaseException):
            raise outcome
        return httpx2.Response(outcome, request=request, headers={"retry-after": "0"})


def _transport(wrapped: Scripted, **settings: Any) -> RetryingTransport:
    values = {
        "coach_retry_attempts": 3,
        "coach_retry_base_s": 0.001,
        "coach_retry_max_wait_s": 0.01,
    }
    config = retry_config(offline_settings(**{**values, **settings}))
    return RetryingTransport(config, retry_status=is_retryable_status, wrapped=wrapped)


REQUEST = httpx2.Request("POST", "http://127.0.0.1:9/v1/chat/completions")


async def test_a_first_success_is_returned_as_is() -> None:
    wrapped = Scripted(200)
    response = await _transport(wrapped).handle_async_request(REQUEST)
    assert response.status_code == 200 and wrapped.sends == 1


async def test_a_failing_first_attempt_counts_as_the_first_of_the_attempts() -> None:
    wrapped = Scripted(503, 503, 503, 200)
    response = await _transport(wrapped).handle_async_request(REQUEST)
    # three attempts in all, the first included: the last failing response is handed on
    assert response.status_code == 503 and wrapped.sends == 3
    recovered = Scripted(429, httpx2.ConnectError("refused"), 200)
    response = await _transport(recovered).handle_async_request(REQUEST)
    assert response.status_code == 200 and recovered.sends == 3


async def test_errors_that_are_not_retried_propagate_after_one_attempt() -> None:
    wrapped = Scripted(400)
    response = await _transport(wrapped).handle_async_request(REQUEST)
    assert response.status_code == 400 and wrapped.sends == 1
    broken = Scripted(ValueError("not a transport error"))
    with pytest.raises(ValueError, match="not a transport error"):
        await _transport(broken).handle_async_request(REQUEST)
    assert broken.sends == 1


async def test_the_total_time_budget_counts_from_the_first_attempt() -> None:
    # The first attempt alone outlasts the budget: no retry follows it.
    slow = Scripted(503, 200, sleep_s=0.3)
    response = await _transport(slow, coach_retry_total_s=0.2).handle_async_request(REQUEST)
    assert response.status_code == 503 and slow.sends == 1
