"""Waiting for a ``coach serve`` subprocess to answer, for the tests and benches that start one."""

from __future__ import annotations

import contextlib
import subprocess
import time
from collections.abc import Callable, Sequence

import httpx


def wait_until_healthy(
    url: str,
    processes: Sequence[subprocess.Popen[bytes]],
    *,
    timeout_s: float,
    log: Callable[[], str],
    interval_s: float = 0.1,
) -> float:
    """Poll ``url``'s ``/v1/health`` until it answers 200; the seconds it took.

    Raises ``RuntimeError`` with ``log()`` when a process exits first or ``timeout_s`` passes.
    """
    started = time.monotonic()
    while True:
        if any(process.poll() is not None for process in processes):
            raise RuntimeError(f"coach serve exited at startup:\n{log()}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/v1/health", timeout=2).status_code == 200:
                return time.monotonic() - started
        if time.monotonic() - started > timeout_s:
            raise RuntimeError(f"coach serve did not answer in {timeout_s:.0f} s:\n{log()}")
        time.sleep(interval_s)


__all__ = ["wait_until_healthy"]
