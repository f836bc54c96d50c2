"""A lean HTTP/1.1 transport for ``httpx2``: asyncio protocol + httptools, keep-alive pool.

The model's streams are about a hundred small reads per turn, and ``httpx2``'s default
transport passes each through ``httpcore2`` (a pool and connection state machine on anyio,
with a cancel scope and lock per operation) and ``h11`` (a pure-Python parser): per read,
several times the work of parsing the SSE it carries. :class:`LeanTransport` is an
``httpx2.AsyncBaseTransport`` (httpx's extension point for transports) that speaks
HTTP/1.1 over an ``asyncio.Protocol`` with ``httptools``' C parser (the one uvicorn uses):

- connections per origin are kept alive and reused (a reused connection the server closed
  before answering is retried once on a new one, before any byte of a response);
- the client's timeouts apply: ``connect`` to opening a connection, ``read`` to each wait
  for data, ``write`` is not needed (a request is written in one call and buffered by the
  event loop);
- whatever arrived between two reads of the body is handed over in one piece, so one read
  can carry several SSE events;
- failures raise ``httpx2``'s own exceptions (``ConnectError``, ``ConnectTimeout``,
  ``ReadTimeout``, ``ReadError``, ``RemoteProtocolError``), so the retrying transport of
  :mod:`coach.transport` and the models map them as before.

It serves ``http`` and ``https`` (TLS with ``httpx2``'s default context); no proxies, no
HTTP/2, no ``Expect: 100-continue``, no request streaming beyond an in-memory body.
"""

from __future__ import annotations

import asyncio
import ssl
from collections import deque
from collections.abc import AsyncIterator
from typing import Final

import httptools  # type: ignore[import-untyped]
import httpx2

#: Idle connections kept per origin.
MAX_IDLE_PER_ORIGIN: Final = 100
#: Body bytes buffered before the connection stops reading (flow control).
HIGH_WATER: Final = 1 << 20

_Origin = tuple[bytes, bytes, int]


class _Connection(asyncio.Protocol):
    """One HTTP/1.1 connection; a response at a time (httptools parser callbacks)."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self._parser = httptools.HttpResponseParser(self)
        self._waiter: asyncio.Future[None] | None = None
        self._paused = False
        self.reset()

    def reset(self) -> None:
        """Ready for the next response."""
        self._parser = httptools.HttpResponseParser(self)
        self.status = 0
        self.headers: list[tuple[bytes, bytes]] = []
        self.headers_done = False
        self.done = False
        self.keep_alive = False
        self.chunks: deque[bytes] = deque()
        self.buffered = 0
        self.error: Exception | None = None
        self.received = False
        self.until_close = False

    # asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not subclasses of asyncio.Transport, but have its methods.
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.received = True
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self.error = httpx2.RemoteProtocolError(f"invalid HTTP response: {exc}")
            self._close()
        if self.buffered > HIGH_WATER and self.transport is not None and not self._paused:
            self._paused = True
            self.transport.pause_reading()
        self._wake()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.until_close and self.headers_done:
            self.done = True  # a body delimited by the end of the connection
        if not self.done and self.error is None:
            if self.headers_done:
                self.error = httpx2.ReadError("connection closed before the response ended")
            else:
                self.error = httpx2.RemoteProtocolError("server closed the connection")
        self._wake()

    # httptools callbacks

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name, value))

    def on_headers_complete(self) -> None:
        self.status = self._parser.get_status_code()
        self.keep_alive = self._parser.should_keep_alive()
        self.headers_done = True
        framed = {name.lower() for name, _ in self.headers} & {
            b"content-length",
            b"transfer-encoding",
        }
        self.until_close = not framed and self.status >= 200 and self.status not in (204, 304)

    def on_body(self, body: bytes) -> None:
        self.chunks.append(body)
        self.buffered += len(body)

    def on_message_complete(self) -> None:
        self.done = True

    # the transport's side

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _close(self) -> None:
        if self.transport is not None:
            self.transport.close()
        self.closed = True

    async def wait(self, limit_s: float | None) -> None:
        """Until more data, the end or an error (``ReadTimeout`` after ``limit_s``)."""
        if self.error is not None:
            raise self.error
        loop = asyncio.get_running_loop()
        self._waiter = waiter = loop.create_future()
        try:
            async with asyncio.timeout(limit_s):
                await waiter
        except TimeoutError:
            self._close()
            raise httpx2.ReadTimeout(f"no data for {limit_s} s") from None
        finally:
            self._waiter = None
        if self.error is not None and not self.chunks:
            raise self.error

    def take(self) -> bytes:
        """The body bytes received so far, in one piece."""
        chunks = self.chunks
        data = chunks.popleft() if len(chunks) == 1 else b"".join(chunks)
        chunks.clear()
        self.buffered = 0
        if self._paused and self.transport is not None:
            self._paused = False
            self.transport.resume_reading()
        return data

    def reusable(self) -> bool:
        """Whether the connection can carry another request."""
        return (
            self.done
            and self.keep_alive
            and not self.closed
            and self.transport is not None
            and not self.transport.is_closing()
        )


class _Body(httpx2.AsyncByteStream):
    """A response body read from its connection; the connection goes back to the pool."""

    def __init__(
        self, owner: LeanTransport, origin: _Origin, conn: _Connection, timeout: float | None
    ) -> None:
        self._owner = owner
        self._origin = origin
        self._conn = conn
        self._timeout = timeout
        self._released = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        conn = self._conn
        while True:
            if conn.chunks:
                yield conn.take()
            elif conn.done:
                break
            else:
                await conn.wait(self._timeout)
        self._release()

    async def aclose(self) -> None:
        self._release()

    def _release(self) -> None:
        if not self._released:
            self._released = True
            self._owner.release(self._origin, self._conn)


class LeanTransport(httpx2.AsyncBaseTransport):
    """HTTP/1.1 keep-alive transport (see the module docstring)."""

    def __init__(self, *, ssl_context: ssl.SSLContext | None = None) -> None:
        self._idle: dict[_Origin, list[_Connection]] = {}
        self._ssl = ssl_context
        self._closed = False

    def _ssl_context(self) -> ssl.SSLContext:
        if self._ssl is None:
            self._ssl = httpx2.create_ssl_context()
        return self._ssl

    async def _connect(self, origin: _Origin, limit_s: float | None) -> _Connection:
        scheme, host, port = origin
        loop = asyncio.get_running_loop()
        hostname = host.decode("ascii")
        tls = self._ssl_context() if scheme == b"https" else None
        try:
            async with asyncio.timeout(limit_s):
                _, conn = await loop.create_connection(
                    _Connection, hostname, port, ssl=tls, server_hostname=hostname if tls else None
                )
        except TimeoutError:
            raise httpx2.ConnectTimeout(f"connecting to {hostname}:{port} timed out") from None
        except OSError as exc:
            raise httpx2.ConnectError(f"connecting to {hostname}:{port}: {exc}") from exc
        return conn

    def _pooled(self, origin: _Origin) -> _Connection | None:
        idle = self._idle.get(origin)
        while idle:
            conn = idle.pop()
            if not conn.closed and conn.transport is not None and not conn.transport.is_closing():
                return conn
        return None

    def release(self, origin: _Origin, conn: _Connection) -> None:
        """A response is finished with: keep its connection or close it."""
        if conn.reusable() and not self._closed:
            idle = self._idle.setdefault(origin, [])
            if len(idle) < MAX_IDLE_PER_ORIGIN:
                conn.reset()
                idle.append(conn)
                return
        conn._close()

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        """Send ``request`` and return its response with the body still to be read."""
        url = request.url
        scheme = url.raw_scheme
        port = url.port or (443 if scheme == b"https" else 80)
        origin: _Origin = (scheme, url.raw_host, port)
        timeouts = request.extensions.get("timeout", {})
        body = await request.aread()
        head = [b"%s %s HTTP/1.1\r\n" % (request.method.encode("ascii"), url.raw_path)]
        head += [b"%s: %s\r\n" % (name, value) for name, value in request.headers.raw]
        head.append(b"\r\n")
        message = b"".join(head) + body

        conn = self._pooled(origin)
        reused = conn is not None
        for attempt in (1, 2):
            if conn is None:
                conn = await self._connect(origin, timeouts.get("connect"))
            assert conn.transport is not None
            conn.transport.write(message)
            try:
                while not conn.headers_done:
                    await conn.wait(timeouts.get("read"))
            except (httpx2.RemoteProtocolError, httpx2.ReadError):
                # A kept-alive connection the server had closed: once more on a new one.
                if reused and attempt == 1 and not conn.received:
                    conn._close()
                    conn, reused = None, False
                    continue
                conn._close()
                raise
            except BaseException:
                conn._close()
                raise
            break
        assert conn is not None
        return httpx2.Response(
            conn.status,
            headers=conn.headers,
            stream=_Body(self, origin, conn, timeouts.get("read")),
            extensions={"http_version": b"HTTP/1.1"},
        )

    async def aclose(self) -> None:
        """Close every idle connection."""
        self._closed = True
        for idle in self._idle.values():
            for conn in idle:
                conn._close()
        self._idle.clear()


__all__ = ["LeanTransport"]
