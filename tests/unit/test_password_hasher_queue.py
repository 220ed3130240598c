"""Issue 16: argon2 runs at most KOOK_ARGON2_MAX_CONCURRENT at once with at most KOOK_ARGON2_MAX_QUEUED waiting;
past that a caller is refused at once (429 with Retry-After) instead of piling up."""

from __future__ import annotations

import asyncio

import pytest

from kook.adapters.crypto.passwords import Argon2PasswordHasher
from kook.domain.shared.errors import RateLimited
from kook.entrypoints.settings import SettingsError, load_settings


async def test_past_the_queue_a_check_is_refused_at_once_and_the_rest_complete() -> None:
    hasher = Argon2PasswordHasher(memory_kib=1024, time_cost=1, max_concurrent=1, max_queued=2)
    stored = await hasher.hash("a-good-password")
    outcomes = await asyncio.gather(
        *(hasher.verify(stored, "a-good-password") for _ in range(8)), return_exceptions=True
    )
    refused = [o for o in outcomes if isinstance(o, RateLimited)]
    assert outcomes[:3] == [True, True, True]  # one hashing, two waiting
    assert len(refused) == 5 and all(r.retry_after >= 1 and r.code == "rate_limited" for r in refused)
    # the queue drains: a later check is served
    assert await hasher.verify(stored, "a-good-password") is True
    assert await hasher.verify(stored, "wrong") is False


async def test_a_refused_burn_is_refused_like_a_real_check() -> None:
    """An unknown number's dummy verification queues like a real one: a full queue answers both alike."""
    hasher = Argon2PasswordHasher(memory_kib=1024, time_cost=1, max_concurrent=1, max_queued=0)
    stored = await hasher.hash("a-good-password")
    outcomes = await asyncio.gather(hasher.verify(stored, "x"), hasher.burn(), return_exceptions=True)
    assert outcomes[0] is False and isinstance(outcomes[1], RateLimited)


@pytest.mark.parametrize(
    "name",
    [
        "KOOK_ARGON2_MAX_QUEUED",
        "KOOK_OTP_PER_MOBILE_PER_DAY",
        "KOOK_OTP_TRIES_PER_MOBILE_PER_DAY",
        "KOOK_OTP_VERIFY_PER_ADDRESS_PER_HOUR",
    ],
)
def test_the_new_limits_are_checked_at_start(name: str, tmp_path: object) -> None:
    with pytest.raises(SettingsError, match=name):
        load_settings({name: "0", "KOOK_DATA_DIR": str(tmp_path)})
