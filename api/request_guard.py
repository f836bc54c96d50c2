"""Input refused before any route sees it: oversized JSON bodies, and NUL characters.

A pure ASGI middleware (streamed responses pass untouched):

- **Body size.** Every request body except ``multipart/form-data`` may carry at most
  ``MAX_JSON_BODY_BYTES``: a larger ``Content-Length`` is answered 413 before a byte is
  read, and a body that streams past the cap is cut off with 413 as soon as it does, so
  nothing larger is ever buffered. Multipart bodies are not buffered here; they are cut off
  past :data:`MAX_UPLOAD_BYTES` (the upload routes have tighter caps of their own,
  :mod:`api.upload_limit`), so a multipart body sent to a JSON route cannot be large either.
- **Text PostgreSQL cannot store** (NUL, unpaired surrogates: :mod:`persistence.text`)
  anywhere in the path, in a query parameter, or in any string of a JSON body (nested
  objects and lists, keys included) is a 422 naming each place (``path``, ``query.cursor``,
  ``body.allergies.1``). One check covers every route and every request model; multipart
  text fields are typed (dates, enums) and refuse such text in their own validation.
- **JSON nested too deeply** for Python's parser is a 422 (the parser would otherwise fail
  with a ``RecursionError``: a 500).
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, unquote

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import problem
from api.upload_limit import capped_receive, too_large
from persistence.text import UNSTORABLE_REASON, may_hold_unstorable, unstorable, unstorable_paths

#: Below this many brackets a JSON body cannot nest too deeply (no check needed).
DEEP_JSON_BRACKETS = 500
#: No upload route accepts more (photos: 15 MiB, MyFitnessPal exports: 20 MiB, plus the form).
MAX_UPLOAD_BYTES = 24 * 1024 * 1024


class _TooLarge(Exception):
    pass


class RequestGuardMiddleware:
    """Body size cap and NUL check (see the module docstring)."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run one request."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        fields = _unstorable_in_url(scope)
        if fields:
            await _refuse(scope, receive, send, fields, UNSTORABLE_REASON)
            return
        if scope["method"] in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        multipart = headers.get("content-type", "").lower().startswith("multipart/form-data")
        cap = MAX_UPLOAD_BYTES if multipart else self.max_body_bytes
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            await _too_large(scope, receive, send, cap)
            return
        if multipart:
            await self.app(scope, capped_receive(receive, cap), send)
            return
        try:
            body, more = await self._read(receive)
        except _TooLarge:
            await _too_large(scope, receive, send, cap)
            return
        text = body.decode("utf-8", errors="replace")
        if _too_deep(text):
            await _refuse(scope, receive, send, ["body"], "arrays and objects nest too deeply")
            return
        if may_hold_unstorable(text):
            fields = _unstorable_in_json(text)
            if fields:
                await _refuse(scope, receive, send, fields, UNSTORABLE_REASON)
                return
        await self.app(scope, _replay(body, more, receive), send)

    async def _read(self, receive: Receive) -> tuple[bytes, bool]:
        """The whole body (at most the cap), and whether the client disconnected meanwhile."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return b"".join(chunks), True
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                raise _TooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks), False


async def _too_large(scope: Scope, receive: Receive, send: Send, cap: int) -> None:
    await problem(Request(scope), 413, str(too_large(cap).detail))(scope, receive, send)


def _replay(body: bytes, disconnected: bool, receive: Receive) -> Receive:
    """A ``receive`` that hands the app the buffered body, then defers to the real one."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            if disconnected:
                return {"type": "http.disconnect"}
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


def _unstorable_in_url(scope: Scope) -> list[str]:
    # Percent-decoded bytes that are not UTF-8 are the routes' concern (their parameters'
    # validation refuses them); only NUL survives decoding to reach a query unnoticed.
    fields = []
    if unstorable(unquote(str(scope.get("path", "")))):
        fields.append("path")
    query = scope.get("query_string", b"")
    if b"%00" in query or b"\x00" in query:
        for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
            if unstorable(name) or unstorable(value):
                fields.append(f"query.{unstorable_strip(name)}")
    return fields


def unstorable_strip(text: str) -> str:
    """``text`` without the characters that cannot be shown or stored."""
    return "".join(ch for ch in text if not unstorable(ch))


def _too_deep(text: str) -> bool:
    """Whether JSON text nests too deeply for the parser (which would fail with a
    ``RecursionError``, not a decoding error). Parsed only when it may: when it has more
    brackets than :data:`DEEP_JSON_BRACKETS`."""
    if text.count("[") + text.count("{") <= DEEP_JSON_BRACKETS:
        return False
    try:
        json.loads(text)
    except RecursionError:
        return True
    except ValueError:
        return False  # not JSON: its route says so
    return False


def _unstorable_in_json(text: str) -> list[str]:
    """Where a JSON body holds unstorable text; ``[]`` when it is not JSON (its route says
    why)."""
    try:
        value = json.loads(text)
    except ValueError:
        return []
    paths = unstorable_paths(value)
    return [".".join(("body", *(str(part) for part in path))) for path in paths]


async def _refuse(
    scope: Scope, receive: Receive, send: Send, fields: list[str], reason: str
) -> None:
    errors = [{"field": field, "message": reason} for field in fields]
    response = problem(
        Request(scope),
        422,
        f"{fields[0]}: {reason}",
        title="Validation failed",
        errors=errors,
    )
    await response(scope, receive, send)


__all__ = ["RequestGuardMiddleware"]
