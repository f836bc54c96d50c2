"""Fixtures of the tools tests: caches on both backends and a private Redis to kill."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import pytest
import redis as sync_redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from tools.cache import MemoryToolCache, RedisToolCache, ToolCache


@pytest.fixture(params=["memory", "redis"])
async def cache(request: pytest.FixtureRequest, redis_url: str) -> AsyncIterator[ToolCache]:
    """Each contract test runs on both backends; Redis keys get a unique prefix."""
    backend: ToolCache
    if request.param == "memory":
        backend = MemoryToolCache()
    else:
        backend = RedisToolCache.from_url(redis_url, prefix=f"test:{uuid.uuid4().hex}")
    try:
        yield backend
    finally:
        await backend.aclose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PrivateRedis:
    """A redis-server started for one test, which the test may stop."""

    port: int
    stopped: bool = False

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        if self.stopped:
            return
        self.stopped = True
        # No retries: SHUTDOWN drops the connection, which a retrying client would retry.
        client = sync_redis.Redis(port=self.port, retry=Retry(NoBackoff(), 0), socket_timeout=2)
        try:
            client.shutdown(nosave=True)
        except (sync_redis.ConnectionError, sync_redis.ResponseError):
            pass  # the server closes the connection as it exits
        finally:
            client.close()


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    """``redis-server`` on a free port (never the shared one), stopped at the end."""
    binary = shutil.which("redis-server") or shutil.which("valkey-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = _free_port()
    subprocess.run(
        [binary, "--port", str(port), "--save", "", "--appendonly", "no", "--daemonize", "yes"],
        check=True,
        capture_output=True,
    )
    client = sync_redis.Redis(port=port, retry=Retry(NoBackoff(), 0))
    for _ in range(100):
        try:
            client.ping()
            break
        except sync_redis.ConnectionError:
            time.sleep(0.02)
    client.close()
    server = PrivateRedis(port=port)
    try:
        yield server
    finally:
        server.stop()
