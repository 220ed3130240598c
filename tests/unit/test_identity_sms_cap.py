"""Issue 20: a cap on texts for the whole portal, and a code request that takes the
same work whether the number is registered or not (with fakes)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from structlog.testing import capture_logs

from kook.application.identity.code_sender import CodeSender
from kook.application.identity.request_login_code import RequestLoginCode
from kook.application.identity.resend_sign_up_code import ResendSignUpCode
from kook.application.identity.settings import IdentityPolicy
from kook.application.shared.background import BackgroundWork
from kook.domain.identity.one_time_code import OtpPolicy
from kook.domain.identity.user import UserStatus
from kook.domain.shared.errors import RateLimited
from tests.fakes.identity import IdentityWorld
from tests.unit.test_identity_use_cases import sign_up_command

REGISTERED = "09121234567"
PENDING = "09131234567"
UNKNOWN = "09351234567"
ADDRESS = "198.51.100.7"


class Spy:
    """Counts the calls of every method of what it wraps (by name and, for the limiter, its rule)."""

    def __init__(self, inner: Any, calls: Counter[str], name: str) -> None:
        self._inner, self._calls, self._name = inner, calls, name

    def __getattr__(self, attribute: str) -> Any:
        found = getattr(self._inner, attribute)
        if not callable(found):
            return found

        def call(*args: Any, **kwargs: Any) -> Any:
            rule = f"({kwargs.get('limit')}/{kwargs.get('window_seconds')})" if attribute == "hit" else ""
            self._calls[f"{self._name}.{attribute}{rule}"] += 1
            return found(*args, **kwargs)

        return call


async def _calls_for(mobile: str, use_case: str) -> tuple[Counter[str], int, int]:
    """What one code request costs: port calls, texts sent before the answer, and after it."""
    world = IdentityWorld()
    await world.given_user(REGISTERED)
    await world.given_user(PENDING, status=UserStatus.PENDING)
    calls: Counter[str] = Counter()
    background = BackgroundWork()
    sender = CodeSender(
        Spy(world.limiter, calls, "limiter"),
        Spy(world.generator, calls, "generator"),
        Spy(world.hasher, calls, "hasher"),
        world.sms,
        world.clock,
        world.policy,
        background,
    )
    world.uow.users = Spy(world.uow.users, calls, "users")  # type: ignore[assignment]
    world.uow.codes = Spy(world.uow.codes, calls, "codes")  # type: ignore[assignment]
    request = (RequestLoginCode if use_case == "login" else ResendSignUpCode)(world.uow, sender)
    sent_before = len(world.sms.sent)
    await request(mobile, ADDRESS)
    at_answer = len(world.sms.sent) - sent_before
    await background.drain()
    return calls, at_answer, len(world.sms.sent) - sent_before


@pytest.mark.parametrize(("use_case", "texted"), [("login", REGISTERED), ("resend", PENDING)])
async def test_a_code_request_does_the_same_work_for_an_unregistered_number(use_case: str, texted: str) -> None:
    texted_calls, texted_at_answer, texted_after = await _calls_for(texted, use_case)
    unknown_calls, unknown_at_answer, unknown_after = await _calls_for(UNKNOWN, use_case)

    assert unknown_calls == texted_calls  # the same reads, hashing, limiter rules, the same number of times
    assert texted_calls["users.by_mobile"] == 1 and texted_calls["hasher.digest"] == 1
    assert (
        sum(n for k, n in texted_calls.items() if k.startswith("limiter.hit")) == 5
    )  # address, minute, hour, day, portal
    # the provider is called after the answer, so its time is not the answer's
    assert (texted_at_answer, unknown_at_answer) == (0, 0)
    assert (texted_after, unknown_after) == (1, 0)


async def test_the_global_cap_refuses_every_code_request_and_alerts_once_per_window() -> None:
    world = IdentityWorld(IdentityPolicy(otp=OtpPolicy(global_per_hour=3)))
    await world.given_user(REGISTERED)
    with capture_logs() as logs:
        await world.request_login_code(REGISTERED, "198.51.100.1")
        await world.sign_up(sign_up_command("09191234567", client_address="198.51.100.2"))
        await world.resend_sign_up_code(UNKNOWN, "198.51.100.3")
        refused = []
        for i, mobile in enumerate(("09121112233", REGISTERED, "09351112233")):
            with pytest.raises(RateLimited) as raised:
                await world.request_login_code(mobile, f"203.0.113.{i}")
            refused.append(raised.value.retry_after)
        with pytest.raises(RateLimited):
            await world.sign_up(sign_up_command("09197654321", client_address="203.0.113.9"))
    assert all(1 <= seconds <= 3600 for seconds in refused)
    assert [e["log_level"] for e in logs if e["event"] == "sms_global_cap_reached"] == ["error"]

    world.clock.advance(hours=1, seconds=1)  # a new window: codes again, and a new alert when it fills
    await world.request_login_code(REGISTERED, "198.51.100.1")


def test_the_global_cap_is_a_setting_checked_at_start() -> None:
    from kook.entrypoints.settings import SettingsError, load_settings

    assert load_settings({}).sms.global_per_hour == 2000
    assert load_settings({"KOOK_SMS_GLOBAL_PER_HOUR": "50"}).sms.global_per_hour == 50
    for bad in ("0", "-1", "many"):
        with pytest.raises(SettingsError, match="KOOK_SMS_GLOBAL_PER_HOUR"):
            load_settings({"KOOK_SMS_GLOBAL_PER_HOUR": bad})
