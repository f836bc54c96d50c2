"""A loopback TCP proxy that can drop the browser's connection in the middle of a response.

Everything is forwarded byte for byte. Once armed with a marker (``b"event: text"``), the
first server-to-client stream that contains it is cut right after that SSE event: the
client gets the bytes up to the event's blank line and then a closed connection, in the
middle of the chunked body, exactly what a dropped mobile connection looks like to a
browser. The server side is kept open and drained until the turn ends (``done`` or
``error``), so the server finishes the turn as it would for a client that vanished
without a word, and the browser must resume it.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading

_EVENT_ENDS = (b"\r\n\r\n", b"\n\n", b"\r\r")
_TURN_ENDS = (b"event: done", b"event: error")
#: How long the server side of a dropped connection is drained at most.
DRAIN_SECONDS = 30.0


def _end_of_event(data: bytes, start: int) -> int:
    """The index just after the blank line ending the event at ``start`` (or the end)."""
    ends = [(i + len(sep)) for sep in _EVENT_ENDS if (i := data.find(sep, start)) != -1]
    return min(ends) if ends else len(data)


class DroppingProxy:
    """Forwards ``127.0.0.1:<port>`` to ``127.0.0.1:<upstream_port>`` in a thread of its own."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.port = 0
        self.dropped = threading.Event()
        self._marker: bytes | None = None
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._server: asyncio.Server | None = None
        self._thread = threading.Thread(target=self._run, name="dropping-proxy", daemon=True)

    def start(self) -> DroppingProxy:
        """Listen on a free loopback port."""
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the proxy did not start")
        return self

    def stop(self) -> None:
        """Close the listener and the connections, and stop the thread."""
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        current = asyncio.current_task()
        tasks = [t for t in asyncio.all_tasks() if t is not current]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def arm(self, marker: bytes) -> None:
        """Drop the next response stream containing ``marker`` right after that event."""
        with self._lock:
            self._marker = marker
            self.dropped.clear()

    def _take_cut(self, data: bytes) -> int | None:
        with self._lock:
            if self._marker is None or (at := data.find(self._marker)) == -1:
                return None
            self._marker = None
        return _end_of_event(data, at)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)

        async def listen() -> None:
            self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
            self.port = self._server.sockets[0].getsockname()[1]
            self._ready.set()

        self._loop.run_until_complete(listen())
        self._loop.run_forever()
        self._loop.close()

    async def _handle(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        up_r, up_w = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        cut = asyncio.Event()

        async def client_to_server() -> None:
            while data := await client_r.read(65536):
                up_w.write(data)
                await up_w.drain()
            if not cut.is_set():
                up_w.close()

        async def server_to_client() -> None:
            while data := await up_r.read(65536):
                at = self._take_cut(data)
                if at is None:
                    client_w.write(data)
                    await client_w.drain()
                    continue
                client_w.write(data[:at])
                await client_w.drain()
                cut.set()
                client_w.close()
                self.dropped.set()
                await self._drain(up_r, data[at:])
                up_w.close()
                return
            client_w.close()

        with contextlib.suppress(ConnectionError, OSError):
            await asyncio.gather(client_to_server(), server_to_client())

    @staticmethod
    async def _drain(reader: asyncio.StreamReader, seen: bytes) -> None:
        """Read and discard the rest of the turn, so the server completes it."""
        tail = seen

        async def until_turn_ends() -> None:
            nonlocal tail
            while not any(end in tail for end in _TURN_ENDS):
                data = await reader.read(65536)
                if not data:
                    return
                tail = tail[-64:] + data

        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(until_turn_ends(), DRAIN_SECONDS)
