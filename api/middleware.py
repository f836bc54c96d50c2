"""Request context: a request id, security headers, and the last line of defence for 500s.

A pure ASGI middleware (no ``BaseHTTPMiddleware``), so streamed responses such as the SSE
chat pass through untouched. It sits inside the CORS middleware, which therefore adds its
headers to the 500s produced here too.

- ``X-Request-ID``: the client's value when it is a short token of safe characters (it ends
  up in logs), otherwise a fresh one; available as ``request.state.request_id`` and echoed
  on every response.
- Security headers on every response, unless a route set its own value.
- The request id is bound to the context for the request's duration: every log record
  written while it runs (uvicorn's access line included) carries it.
- An exception that escapes every handler is logged with the request id and answered with
  a problem+json 500 that shows nothing but that id (503 with ``Retry-After`` when it means
  PostgreSQL or Redis is unreachable).
"""

from __future__ import annotations

import logging
import re
import uuid

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_response
from persistence.observability import bind_request, reset_request

log = logging.getLogger(__name__)

SECURITY_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

# Letters, digits and a few separators: enough for UUIDs and trace ids, nothing that could
# forge a log line or a header.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:\-]{1,128}")

# The interactive docs load scripts and styles, which the API's strict CSP would block.
_DOCS_PATHS = ("/docs", "/redoc")


def request_id_of(headers: Headers) -> str:
    """The caller's ``X-Request-ID`` when it is safe to reuse, else a fresh one."""
    incoming = headers.get("x-request-id", "")
    return incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex


class RequestContextMiddleware:
    """Assigns the request id, adds security headers and turns escaped errors into 500s."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run one request."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(Headers(scope=scope))
        scope.setdefault("state", {})["request_id"] = request_id
        docs = str(scope.get("path", "")).startswith(_DOCS_PATHS)
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                headers["X-Request-ID"] = request_id
                for name, value in SECURITY_HEADERS.items():
                    if docs and name == "Content-Security-Policy":
                        continue
                    headers.setdefault(name, value)
            await send(message)

        bound = bind_request(request_id)
        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as exc:
            if started:
                # Headers are out; all that is left is to let the server drop the connection.
                log.exception("error after the response started (request id %s)", request_id)
                raise
            response = error_response(Request(scope), exc)
            await response(scope, receive, send_with_headers)
        finally:
            reset_request(bound)


__all__ = ["SECURITY_HEADERS", "RequestContextMiddleware", "request_id_of"]
