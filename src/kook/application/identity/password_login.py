"""The steps of a password login shared by customer users and staff.

The hash is checked outside any transaction (argon2 is slow on purpose); the
counters are then updated under a row lock in a short one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from kook.application.identity.ports import IdentityUnitOfWork, PasswordHasher, RateLimiter
from kook.application.identity.settings import IdentityPolicy
from kook.application.shared.ports import Clock
from kook.domain.identity.user import AccountLocked, CredentialsInvalid, PasswordThrottled
from kook.domain.shared.errors import RateLimited
from kook.domain.shared.mobile import normalize_mobile

A = TypeVar("A", bound=PasswordThrottled)
Finder = Callable[[IdentityUnitOfWork, str, bool], Awaitable[A | None]]


class PasswordLogin:
    def __init__(
        self,
        uow: IdentityUnitOfWork,
        passwords: PasswordHasher,
        limiter: RateLimiter,
        clock: Clock,
        policy: IdentityPolicy,
    ) -> None:
        self._uow = uow
        self._passwords = passwords
        self._limiter = limiter
        self._clock = clock
        self._policy = policy

    async def check(
        self,
        find: Finder[A],
        is_usable: Callable[[A], bool],
        hash_of: Callable[[A], str],
        mobile: str,
        password: str,
        client_address: str,
    ) -> A:
        normalized = normalize_mobile(mobile)
        retry_after = await self._limiter.hit(
            f"login:addr:{client_address}",
            limit=self._policy.login_per_address,
            window_seconds=self._policy.login_per_address_window_seconds,
        )
        if retry_after is not None:
            raise RateLimited(retry_after)
        async with self._uow as uow:
            account = await find(uow, normalized, False)
        if account is None or not is_usable(account):
            await self._passwords.burn()
            await self._ghost_lockout(normalized)
            raise CredentialsInvalid()
        account.ensure_password_login_allowed(self._clock.now())
        ok = await self._passwords.verify(hash_of(account), password)
        async with self._uow as uow:
            locked = await find(uow, normalized, True)
            if locked is None:
                raise CredentialsInvalid()
            now = self._clock.now()
            locked.ensure_password_login_allowed(now)
            if ok:
                locked.record_successful_login()
            else:
                locked.record_failed_login(now, self._policy.login)
            await uow.commit()
        if not ok:
            raise CredentialsInvalid()
        return locked

    async def _ghost_lockout(self, mobile: str) -> None:
        """A number with no account locks like a real one, so that
        ``account_locked`` does not tell which numbers are registered."""
        policy = self._policy.login
        retry_after = await self._limiter.hit(
            f"login:ghost:{mobile}",
            limit=policy.max_failures,
            window_seconds=int((policy.window + policy.lock_for).total_seconds()),
        )
        if retry_after is not None:
            raise AccountLocked(retry_after=retry_after)
