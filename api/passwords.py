"""Password hashing: Argon2id with the OWASP parameters, always off the event loop.

Parameters (OWASP Password Storage Cheat Sheet, Argon2id minimum configuration):
m = 19 MiB, t = 2, p = 1, 16-byte salt, 32-byte hash. A hash takes tens of milliseconds
of CPU, so every call runs in a worker thread (``asyncio.to_thread``).

Logins for unknown emails verify the password against a dummy hash made with the same
parameters, so they cost as much as a wrong password and the two cannot be told apart.
"""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

#: OWASP minimum for Argon2id: 19 MiB of memory, 2 iterations, 1 lane.
OWASP_MEMORY_KIB = 19 * 1024
OWASP_TIME_COST = 2
OWASP_PARALLELISM = 1

PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 128


class Passwords:
    """Hashes and verifies passwords with Argon2id in a worker thread."""

    def __init__(
        self,
        *,
        memory_kib: int = OWASP_MEMORY_KIB,
        time_cost: int = OWASP_TIME_COST,
        parallelism: int = OWASP_PARALLELISM,
    ) -> None:
        self._hasher = PasswordHasher(
            time_cost=time_cost,
            memory_cost=memory_kib,
            parallelism=parallelism,
            hash_len=32,
            salt_len=16,
            type=Type.ID,
        )
        self._dummy: str | None = None

    async def hash(self, password: str) -> str:
        """The encoded Argon2id hash of ``password``."""
        return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, hashed: str, password: str) -> bool:
        """True when ``password`` matches ``hashed``; False for a mismatch or a foreign hash."""
        return await asyncio.to_thread(self._verify_sync, hashed, password)

    async def verify_dummy(self, password: str) -> None:
        """Spend the time of one verification, for an account that does not exist."""
        if self._dummy is None:
            # Made lazily and once: a hash with the live parameters, so timing matches.
            self._dummy = await self.hash("dummy password for timing equalisation")
        await self.verify(self._dummy, password)

    def needs_rehash(self, hashed: str) -> bool:
        """True when ``hashed`` was made with other parameters than the current ones."""
        try:
            return self._hasher.check_needs_rehash(hashed)
        except (InvalidHashError, ValueError):
            return True

    def _verify_sync(self, hashed: str, password: str) -> bool:
        try:
            return self._hasher.verify(hashed, password)
        except (VerificationError, InvalidHashError, ValueError):
            return False


__all__ = ["PASSWORD_MAX_LENGTH", "PASSWORD_MIN_LENGTH", "Passwords"]
