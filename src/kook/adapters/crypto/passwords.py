"""argon2id with a bound on concurrent hashing (ARCHITECTURE: a burst of logins
must not exhaust memory); hashing runs in a worker thread.

At most ``max_concurrent`` hashes run at once and at most ``max_queued`` more wait
for a slot; past that a caller is refused at once with ``RateLimited`` (429 with
Retry-After) instead of piling up: a flood of logins costs bounded memory and
bounded waiting, and the refusal is the same for every number, registered or not."""

from __future__ import annotations

import asyncio
import contextlib

from argon2 import PasswordHasher as Argon2
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from kook.application.identity.ports import PasswordHasher
from kook.domain.shared.errors import RateLimited

RETRY_AFTER_SECONDS = 2


class Argon2PasswordHasher(PasswordHasher):
    def __init__(
        self,
        *,
        memory_kib: int = 19 * 1024,
        time_cost: int = 2,
        parallelism: int = 1,
        max_concurrent: int = 4,
        max_queued: int = 32,
    ) -> None:
        self._argon = Argon2(memory_cost=memory_kib, time_cost=time_cost, parallelism=parallelism)
        self._slots = asyncio.Semaphore(max_concurrent)
        self._max_pending = max_concurrent + max_queued
        self._pending = 0  # hashing now or waiting for a slot
        self._dummy = self._argon.hash("kook-dummy-password")

    async def hash(self, password: str) -> str:
        self._admit()
        try:
            async with self._slots:
                return await asyncio.to_thread(self._argon.hash, password)
        finally:
            self._pending -= 1

    async def verify(self, password_hash: str, password: str) -> bool:
        self._admit()
        try:
            async with self._slots:
                return await asyncio.to_thread(self._verify, password_hash, password)
        finally:
            self._pending -= 1

    def _admit(self) -> None:
        """Take a place in the queue, or refuse: the queue is full."""
        if self._pending >= self._max_pending:
            raise RateLimited(RETRY_AFTER_SECONDS)
        self._pending += 1

    async def burn(self) -> None:
        await self.verify(self._dummy, "not-the-password")

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return bool(self._argon.verify(password_hash, password))
        except VerifyMismatchError:
            return False
        except (VerificationError, InvalidHashError):
            # A malformed hash, or an account with no usable password (a contested
            # sign-up), answers no faster than a wrong password.
            self._burn_sync()
            return False

    def _burn_sync(self) -> None:
        with contextlib.suppress(VerificationError):
            self._argon.verify(self._dummy, "not-the-password")
