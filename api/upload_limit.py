"""A request-body cap for upload routes that answers in the API's problem+json format.

FastAPI's own ``max_body_size`` answers an oversized ``Content-Length`` with a plain-text
413 before any handler runs; this route class gives the same protection (the declared size
is checked first, then the bytes actually received are counted while the body streams in,
so nothing past the cap is read or spooled) and raises an ``HTTPException`` that the app's
error handlers turn into ``application/problem+json``.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.types import Message, Receive


def too_large(limit: int) -> HTTPException:
    """The 413 of a body past ``limit`` bytes."""
    return HTTPException(413, f"the request body is larger than {limit} bytes")


def capped_receive(receive: Receive, limit: int) -> Receive:
    """``receive``, failing with a 413 once more than ``limit`` body bytes came in (an
    ``HTTPException`` passes FastAPI's body and form parsing unchanged)."""
    received = 0

    async def counting() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise too_large(limit)
        return message

    return counting


def body_limited_route(limit: int) -> type[APIRoute]:
    """An ``APIRoute`` class whose requests may carry at most ``limit`` body bytes."""

    class BodyLimitedRoute(APIRoute):
        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            handler = super().get_route_handler()

            async def limited(request: Request) -> Response:
                declared = request.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise too_large(limit)
                return await handler(Request(request.scope, capped_receive(request.receive, limit)))

            return limited

    return BodyLimitedRoute
