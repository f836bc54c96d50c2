"""The lean HTTP/1.1 transport: keep-alive, bodies in every framing, failures as httpx2's."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx2
import pytest
import uvloop

from coach.lean_http import LeanTransport

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter, bytes], Awaitable[bool]]


class Server:
    """A raw HTTP server on 127.0.0.1: ``handler`` answers each request (returns whether
    to keep the connection open); counts the connections it accepted."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.connections = 0
        self.requests: list[bytes] = []
        self.port = 0

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                body = await reader.readexactly(length)
                self.requests.append(head + body)
                if not await self.handler(reader, writer, body):
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[str]:
        server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        try:
            yield f"http://127.0.0.1:{self.port}"
        finally:
            server.close()


def _chunked(*pieces: bytes) -> list[bytes]:
    return [b"%x\r\n%s\r\n" % (len(p), p) for p in pieces] + [b"0\r\n\r\n"]


async def _say(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, body: bytes) -> bool:
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
    await writer.drain()
    return True


async def _sse(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, body: bytes) -> bool:
    writer.write(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    for piece in _chunked(b"data: 1\n\n", b"data: 2\n\n", b"data: [DONE]\n\n"):
        writer.write(piece)
        await writer.drain()
        await asyncio.sleep(0.01)
    return True


async def test_connections_are_kept_alive_and_reused() -> None:
    server = Server(_say)
    async with (
        server.running() as base,
        httpx2.AsyncClient(transport=LeanTransport()) as client,
    ):
        for n in range(3):
            response = await client.post(f"{base}/echo", content=b"hello %d" % n)
            assert response.status_code == 200
            assert response.content == b"hello %d" % n
    assert server.connections == 1
    assert server.requests[0].startswith(b"POST /echo HTTP/1.1\r\n")
    assert b"\r\nhost: 127.0.0.1:" in server.requests[0].lower()


async def test_a_chunked_stream_arrives_whole_and_in_order() -> None:
    server = Server(_sse)
    async with (
        server.running() as base,
        httpx2.AsyncClient(transport=LeanTransport()) as client,
    ):
        for _ in range(2):
            async with client.stream("POST", f"{base}/s", content=b"{}") as response:
                assert response.headers["content-type"] == "text/event-stream"
                data = b"".join([piece async for piece in response.aiter_raw()])
            assert data == b"data: 1\n\ndata: 2\n\ndata: [DONE]\n\n"
    assert server.connections == 1


async def test_a_body_ending_with_the_connection_is_read_to_its_end() -> None:
    async def until_close(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, body: bytes
    ) -> bool:
        writer.write(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nall of it")
        await writer.drain()
        return False

    server = Server(until_close)
    async with (
        server.running() as base,
        httpx2.AsyncClient(transport=LeanTransport()) as client,
    ):
        assert (await client.get(base)).content == b"all of it"
        assert (await client.get(base)).content == b"all of it"
    assert server.connections == 2


async def test_a_kept_alive_connection_the_server_closed_is_replaced() -> None:
    async def once(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, body: bytes) -> bool:
        # Announces keep-alive, then closes: the next request finds the connection dead.
        await _say(reader, writer, body)
        return False

    server = Server(once)
    async with (
        server.running() as base,
        httpx2.AsyncClient(transport=LeanTransport()) as client,
    ):
        assert (await client.post(base, content=b"a")).content == b"a"
        await asyncio.sleep(0.05)
        assert (await client.post(base, content=b"b")).content == b"b"
    assert server.connections == 2


async def test_a_silent_server_is_a_read_timeout() -> None:
    async def silent(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, body: bytes
    ) -> bool:
        await asyncio.sleep(5)
        return False

    server = Server(silent)
    async with (
        server.running() as base,
        httpx2.AsyncClient(transport=LeanTransport(), timeout=0.2) as client,
    ):
        with pytest.raises(httpx2.ReadTimeout):
            await client.get(base)


async def test_a_refused_connection_is_a_connect_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with httpx2.AsyncClient(transport=LeanTransport()) as client:
        with pytest.raises(httpx2.ConnectError):
            await client.get(f"http://127.0.0.1:{port}/")


async def test_a_response_cut_short_is_a_read_error() -> None:
    async def short(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, body: bytes
    ) -> bool:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this")
        await writer.drain()
        return False

    server = Server(short)
    async with (
        server.running() as base,
        httpx2.AsyncClient(transport=LeanTransport()) as client,
    ):
        with pytest.raises(httpx2.ReadError):
            await client.get(base)


def test_the_transport_runs_on_uvloop() -> None:
    """``coach serve`` runs on uvloop, whose transports are not asyncio's classes."""

    async def both() -> None:
        await test_connections_are_kept_alive_and_reused()
        await test_a_chunked_stream_arrives_whole_and_in_order()

    uvloop.run(both())
