"""The identity use cases (SPEC §2) told as stories, against the fakes in ``tests/fakes``."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest

from kook.application.identity.change_password import ChangePasswordCommand
from kook.application.identity.create_staff import CreateStaffCommand
from kook.application.identity.log_in import LogInCommand
from kook.application.identity.ports import PrincipalKind, WebSession
from kook.application.identity.purge_expired import KEEP_CODES_FOR
from kook.application.identity.settings import IdentityPolicy
from kook.application.identity.sign_up import SignUpCommand
from kook.application.identity.sms_texts import already_registered_text
from kook.application.identity.verify_sign_up import VerifyCodeCommand
from kook.application.shared.ports import SmsDeliveryError
from kook.domain.identity.api_key import ApiKey, compose_key
from kook.domain.identity.one_time_code import OtpExpired, OtpInvalid, OtpLocked, OtpPolicy
from kook.domain.identity.password_policy import PasswordTooWeak
from kook.domain.identity.staff import StaffRole
from kook.domain.identity.user import AccountLocked, CredentialsInvalid, User, UserStatus
from kook.domain.shared.errors import Conflict, DomainError, NotFound, RateLimited, ValidationFailed
from kook.domain.shared.mobile import MobileInvalid
from tests.fakes.identity import DEFAULT_PASSWORD, FakeIdentityUnitOfWork, FakePasswordHasher, IdentityWorld
from tests.fakes.sms import FakeSms

MOBILE = "09121234567"
MOBILE_PERSIAN_INTL = "+۹۸ ۹۱۲ ۱۲۳ ۴۵۶۷"  # the same number as a person types it
OTHER_MOBILE = "09131234567"
STAFF_MOBILE = "09351234567"
ADDRESS = "198.51.100.7"
OTHER_ADDRESS = "203.0.113.9"
PASSWORD = DEFAULT_PASSWORD
NEW_PASSWORD = "a-brand-new-pass"


@pytest.fixture
def world() -> IdentityWorld:
    return IdentityWorld()


def sign_up_command(
    mobile: str = MOBILE,
    *,
    first_name: str = "سارا",
    last_name: str = "احمدی",
    password: str = PASSWORD,
    client_address: str = ADDRESS,
) -> SignUpCommand:
    return SignUpCommand(
        mobile=mobile, first_name=first_name, last_name=last_name, password=password, client_address=client_address
    )


def log_in_command(mobile: str = MOBILE, password: str = PASSWORD, client_address: str = ADDRESS) -> LogInCommand:
    return LogInCommand(mobile=mobile, password=password, client_address=client_address)


def wrong(code: str) -> str:
    """A well-formed code that is not ``code``."""
    return f"{(int(code) + 1) % 1_000_000:06d}"


def the_code_sent_to(world: IdentityWorld, mobile: str = MOBILE) -> str:
    code = world.sms.last_code(mobile)
    assert code is not None, f"no code was texted to {mobile}"
    return code


def stored_user(world: IdentityWorld, mobile: str = MOBILE) -> User:
    user = world.uow.stored_user(mobile)
    assert user is not None, f"no user stored for {mobile}"
    return user


async def signed_up_and_verified(world: IdentityWorld, mobile: str = MOBILE) -> User:
    await world.sign_up(sign_up_command(mobile))
    return await world.verify_sign_up(VerifyCodeCommand(mobile=mobile, code=the_code_sent_to(world, mobile)))


# =========================================================================== sign-up


async def test_sign_up_texts_a_six_digit_code_to_the_normalised_number_and_keeps_a_pending_user(
    world: IdentityWorld,
) -> None:
    answer = await world.sign_up(sign_up_command(MOBILE_PERSIAN_INTL, first_name="  سارا ", last_name="احمدی  "))

    assert answer == MOBILE
    [sms] = world.sms.sent
    assert sms.mobile == MOBILE
    assert sms.code is not None and re.fullmatch(r"[0-9]{6}", sms.code)
    assert sms.code in sms.text
    user = stored_user(world)
    assert user.status == UserStatus.PENDING
    assert (user.first_name, user.last_name) == ("سارا", "احمدی")
    assert user.password_hash == FakePasswordHasher.hash_of(PASSWORD)
    assert await world.get_user(user.id) is None  # not an account anyone can use yet


async def test_the_sign_up_code_activates_the_account(world: IdentityWorld) -> None:
    await world.sign_up(sign_up_command(MOBILE_PERSIAN_INTL))
    code = the_code_sent_to(world)

    user = await world.verify_sign_up(VerifyCodeCommand(mobile=MOBILE_PERSIAN_INTL, code=code))

    assert user.is_active
    assert user.activated_at == world.clock.now()
    assert stored_user(world).status == UserStatus.ACTIVE
    assert await world.get_user(user.id) is not None


async def test_the_code_may_be_typed_in_persian_digits(world: IdentityWorld) -> None:
    world.generator.queue("123456")
    await world.sign_up(sign_up_command())

    user = await world.verify_sign_up(VerifyCodeCommand(mobile=MOBILE, code=" ۱۲۳۴۵۶ "))

    assert user.is_active


async def test_a_sign_up_code_cannot_be_used_twice(world: IdentityWorld) -> None:
    await world.sign_up(sign_up_command())
    code = the_code_sent_to(world)
    await world.verify_sign_up(VerifyCodeCommand(mobile=MOBILE, code=code))

    with pytest.raises(OtpInvalid):
        await world.verify_sign_up(VerifyCodeCommand(mobile=MOBILE, code=code))
    with pytest.raises(OtpInvalid):  # nor as a login code
        await world.verify_login_code(VerifyCodeCommand(mobile=MOBILE, code=code))


async def test_a_sign_up_code_is_not_a_login_code(world: IdentityWorld) -> None:
    await signed_up_and_verified(world)
    world.clock.advance(minutes=1)
    world.generator.queue("424242")
    await world.request_login_code(MOBILE, ADDRESS)

    with pytest.raises(OtpInvalid):
        await world.verify_sign_up(VerifyCodeCommand(mobile=MOBILE, code="424242"))
    user = await world.verify_login_code(VerifyCodeCommand(mobile=MOBILE, code="424242"))
    assert user.mobile == MOBILE


async def test_signing_up_again_before_verifying_replaces_the_details_and_the_code(world: IdentityWorld) -> None:
    await world.sign_up(sign_up_command(first_name="سارا", password=PASSWORD))
    first_code = the_code_sent_to(world)
    world.clock.advance(minutes=1)

    # another password while the first code is live: the sign-up is now contested
    await world.sign_up(sign_up_command(first_name="سارا", last_name="رضایی", password=NEW_PASSWORD))
    second_code = the_code_sent_to(world)

    assert second_code != first_code
    assert len(world.uow.users.all()) == 1
    user = stored_user(world)
    assert (user.last_name, user.password_hash) == ("رضایی", FakePasswordHasher.hash_of(NEW_PASSWORD))
    assert user.signup_contested
    with pytest.raises(OtpInvalid):  # the first code was withdrawn
        await world.verify_sign_up(VerifyCodeCommand(mobile=MOBILE, code=first_code))
    verified = await world.verify_sign_up(VerifyCodeCommand(mobile=MOBILE, code=second_code))
    assert verified.is_active and verified.last_name == "رضایی"
    assert verified.password_required  # neither password was proven by the phone


# --------------------------------------------------------------------------- a contested sign-up
VICTIM_PASSWORD = "the-owners-pass"
ATTACKER_PASSWORD = "attackers-pass"


async def victim_then_attacker(world: IdentityWorld) -> None:
    """The owner signs up; a minute later, while the owner's code is live, someone else signs the number up."""
    await world.sign_up(sign_up_command(password=VICTIM_PASSWORD))
    world.clock.advance(minutes=1)
    await world.sign_up(sign_up_command(first_name="مهاجم", password=ATTACKER_PASSWORD, client_address=OTHER_ADDRESS))


async def test_a_contested_sign_up_is_activated_with_no_usable_password(world: IdentityWorld) -> None:
    await victim_then_attacker(world)

    # the owner types the newest code, the one on their phone
    user = await world.verify_sign_up(VerifyCodeCommand(mobile=MOBILE, code=the_code_sent_to(world)))

    assert user.is_active and user.password_required
    for password in (ATTACKER_PASSWORD, VICTIM_PASSWORD):
        slow_before = world.passwords.slow_calls
        with pytest.raises(CredentialsInvalid) as raised:
            await world.log_in(log_in_command(MOBILE, password))
        assert raised.value.details == {}  # as for any wrong password,
        assert world.passwords.slow_calls == slow_before + 1  # at the cost of one,
    assert len(stored_user(world).recent_failures) == 2  # and counted as one


async def test_whoever_holds_the_phone_sets_the_password_of_a_contested_sign_up(world: IdentityWorld) -> None:
    await victim_then_attacker(world)
    user = await world.verify_sign_up(VerifyCodeCommand(mobile=MOBILE, code=the_code_sent_to(world)))
    session = await world.session_for(user, otp_login=user.password_required)

    await world.change_password(ChangePasswordCommand(user.id, None, NEW_PASSWORD, session))

    assert not stored_user(world).password_required
    assert (await world.log_in(log_in_command(MOBILE, NEW_PASSWORD))).id == user.id
    with pytest.raises(CredentialsInvalid):
        await world.log_in(log_in_command(MOBILE, ATTACKER_PASSWORD))


async def test_a_contested_sign_up_answers_the_caller_exactly_as_a_repeated_one() -> None:
    contested = IdentityWorld()
    repeated = IdentityWorld()
    answers: list[object] = []
    for world, second_password in ((contested, ATTACKER_PASSWORD), (repeated, VICTIM_PASSWORD)):
        await world.sign_up(sign_up_command(password=VICTIM_PASSWORD))
        world.clock.advance(minutes=1)
        answers.append(await world.sign_up(sign_up_command(password=second_password)))
        with pytest.raises(RateLimited) as raised:
            await world.sign_up(sign_up_command(password=second_password))
        answers.append(raised.value.retry_after)

    assert answers[:2] == answers[2:]
    assert contested.sms.sent == repeated.sms.sent  # the same texts (the fake's codes are predictable)
    assert contested.passwords.slow_calls == repeated.passwords.slow_calls
    assert contested.passwords.hashed == repeated.passwords.hashed
    assert stored_user(contested).signup_contested and not stored_user(repeated).signup_contested


async def test_the_same_password_again_is_no_contest(world: IdentityWorld) -> None:
    await world.sign_up(sign_up_command(last_name="احمدي", password=VICTIM_PASSWORD))
    world.clock.advance(minutes=1)
    await world.sign_up(sign_up_command(last_name="احمدی", password=VICTIM_PASSWORD))  # the name corrected

    user = await world.verify_sign_up(VerifyCodeCommand(mobile=MOBILE, code=the_code_sent_to(world)))

    assert not user.password_required and user.last_name == "احمدی"
    assert (await world.log_in(log_in_command(MOBILE, VICTIM_PASSWORD))).id == user.id


async def test_another_password_after_the_first_code_expired_still_contests(world: IdentityWorld) -> None:
    """The owner's code expired unused; someone signs the number up with another password; the owner, still
    waiting, asks for a new code and types it: the account has no usable password, not the other one."""
    await world.sign_up(sign_up_command(password=VICTIM_PASSWORD))
    world.clock.advance(minutes=3)
    await world.sign_up(sign_up_command(password=ATTACKER_PASSWORD, client_address=OTHER_ADDRESS))
    world.clock.advance(minutes=1)
    await world.resend_sign_up_code(MOBILE, ADDRESS)  # the owner asks again

    user = await world.verify_sign_up(VerifyCodeCommand(mobile=MOBILE, code=the_code_sent_to(world)))

    assert user.password_required
    for password in (VICTIM_PASSWORD, ATTACKER_PASSWORD):
        with pytest.raises(CredentialsInvalid):
            await world.log_in(log_in_command(MOBILE, password))


async def test_a_contest_outlives_the_codes(world: IdentityWorld) -> None:
    await victim_then_attacker(world)
    world.clock.advance(minutes=3)  # every code is dead now
    await world.sign_up(sign_up_command(password=ATTACKER_PASSWORD, client_address=OTHER_ADDRESS))

    user = await world.verify_sign_up(VerifyCodeCommand(mobile=MOBILE, code=the_code_sent_to(world)))

    assert user.password_required
    with pytest.raises(CredentialsInvalid):
        await world.log_in(log_in_command(MOBILE, ATTACKER_PASSWORD))


async def test_sign_up_for_a_registered_number_sends_no_code_and_changes_nothing() -> None:
    registered = IdentityWorld()
    original = await registered.given_user(MOBILE, "the-owners-pass", first_name="مریم", last_name="کریمی")
    command = sign_up_command(MOBILE_PERSIAN_INTL, first_name="مهاجم", last_name="ناشناس", password="attackers-pass")

    answer = await registered.sign_up(command)

    [sms] = registered.sms.sent_to(MOBILE)
    assert sms.code is None
    assert sms.text == already_registered_text()
    assert len(registered.uow.stored_codes(MOBILE)) == 1  # kept unsent: wrong tries answer as for a new number
    user = stored_user(registered)
    assert (user.id, user.first_name, user.last_name, user.status) == (
        original.id,
        "مریم",
        "کریمی",
        UserStatus.ACTIVE,
    )
    assert user.password_hash == FakePasswordHasher.hash_of("the-owners-pass")
    # ... and the caller cannot tell: a fresh world answers the very same command identically,
    fresh = IdentityWorld()
    assert answer == await fresh.sign_up(command)
    # spends the same password-hashing time,
    assert registered.passwords.hashed == fresh.passwords.hashed == 1
    # and applies the same rate limit to a repeat.
    registered.clock.advance(seconds=20)
    fresh.clock.advance(seconds=20)
    with pytest.raises(RateLimited) as on_registered:
        await registered.sign_up(command)
    with pytest.raises(RateLimited) as on_fresh:
        await fresh.sign_up(command)
    assert on_registered.value.retry_after == on_fresh.value.retry_after == 40


async def test_invalid_sign_up_names_every_bad_field_and_writes_nothing(world: IdentityWorld) -> None:
    with pytest.raises(ValidationFailed) as raised:
        await world.sign_up(sign_up_command("۰۹۱۲-abc", first_name="   ", last_name="", password="1234567"))

    assert raised.value.fields == {
        "mobile": "mobile_invalid",
        "first_name": "invalid",
        "last_name": "invalid",
        "password": "password_too_weak",
    }
    assert raised.value.code == "validation_error"
    assert world.uow.users.all() == []
    assert world.uow.stored_codes() == []
    assert world.sms.sent == [] and world.sms.refused == []
    assert world.uow.committed == 0
    assert world.passwords.hashed == 0
    # A refused form does not use up the rate limit: the corrected one goes through at once.
    assert await world.sign_up(sign_up_command()) == MOBILE


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"mobile": "02112345678"}, {"mobile": "mobile_invalid"}),
        ({"mobile": "+44 7700 900123"}, {"mobile": "mobile_invalid"}),
        ({"first_name": "x" * 51}, {"first_name": "invalid"}),
        ({"last_name": " \t "}, {"last_name": "invalid"}),
        ({"password": " " * 10}, {"password": "password_too_weak"}),
        ({"password": "p" * 129}, {"password": "password_too_weak"}),
    ],
)
async def test_each_bad_field_is_named_alone(
    world: IdentityWorld, changes: dict[str, str], fields: dict[str, str]
) -> None:
    with pytest.raises(ValidationFailed) as raised:
        await world.sign_up(dataclasses.replace(sign_up_command(), **changes))
    assert raised.value.fields == fields
    assert world.uow.users.all() == [] and world.sms.sent == []


async def test_an_sms_failure_during_sign_up_does_not_fail_the_call(world: IdentityWorld) -> None:
    world.sms.fail_next("kavenegar_502", retryable=True)

    assert await world.sign_up(sign_up_command()) == MOBILE

    assert world.sms.sent == []
    assert world.sms.refused == [(MOBILE, "kavenegar_502")]
    assert stored_user(world).status == UserStatus.PENDING
    # the person asks again a minute later and finishes
    world.clock.advance(minutes=1)
    await world.resend_sign_up_code(MOBILE, ADDRESS)
    assert (await world.verify_sign_up(VerifyCodeCommand(mobile=MOBILE, code=the_code_sent_to(world)))).is_active


async def test_a_refused_number_does_not_fail_the_call_either(world: IdentityWorld) -> None:
    world.sms.fail_next("kavenegar_411", retryable=False)
    await world.given_user(MOBILE)

    assert await world.sign_up(sign_up_command()) == MOBILE  # the "already registered" text failed silently


# =========================================================================== one-time code tries


async def test_five_wrong_codes_lock_the_code_until_a_new_one_is_sent(world: IdentityWorld) -> None:
    await world.sign_up(sign_up_command())
    code = the_code_sent_to(world)

    for _ in range(4):
        with pytest.raises(OtpInvalid):
            await world.verify_sign_up(VerifyCodeCommand(mobile=MOBILE, code=wrong(code)))
    with pytest.raises(OtpLocked):
        await world.verify_sign_up(VerifyCodeCommand(mobile=MOBILE, code=wrong(code)))
    with pytest.raises(OtpLocked):
        await world.verify_sign_up(VerifyCodeCommand(mobile=MOBILE, code=code))
    assert stored_user(world).status == UserStatus.PENDING

    with pytest.raises(RateLimited):  # not within the minute
        await world.resend_sign_up_code(MOBILE, ADDRESS)
    world.clock.advance(minutes=1)
    await world.resend_sign_up_code(MOBILE_PERSIAN_INTL, ADDRESS)
    new_code = the_code_sent_to(world)
    assert new_code != code

    user = await world.verify_sign_up(VerifyCodeCommand(mobile=MOBILE, code=new_code))
    assert user.is_active


async def test_the_tries_are_counted_even_though_each_answer_is_an_error(world: IdentityWorld) -> None:
    await world.sign_up(sign_up_command())
    code = the_code_sent_to(world)
    with pytest.raises(OtpInvalid):
        await world.verify_sign_up(VerifyCodeCommand(mobile=MOBILE, code=wrong(code)))

    [stored] = world.uow.stored_codes(MOBILE)
    assert stored.attempts == 1  # committed despite the error


async def test_malformed_codes_are_wrong_but_not_counted(world: IdentityWorld) -> None:
    await world.sign_up(sign_up_command())
    for junk in ("", "12345", "1234567", "abcdef"):
        with pytest.raises(OtpInvalid):
            await world.verify_sign_up(VerifyCodeCommand(mobile=MOBILE, code=junk))
    [stored] = world.uow.stored_codes(MOBILE)
    assert stored.attempts == 0


async def test_a_code_expires_after_two_minutes(world: IdentityWorld) -> None:
    await world.sign_up(sign_up_command())
    code = the_code_sent_to(world)
    world.clock.advance(minutes=2)

    with pytest.raises(OtpExpired) as raised:
        await world.verify_sign_up(VerifyCodeCommand(mobile=MOBILE, code=code))
    assert raised.value.code == "otp_expired"
    assert stored_user(world).status == UserStatus.PENDING


async def test_a_code_still_works_just_before_two_minutes(world: IdentityWorld) -> None:
    await world.sign_up(sign_up_command())
    world.clock.advance(seconds=119)

    assert (await world.verify_sign_up(VerifyCodeCommand(mobile=MOBILE, code=the_code_sent_to(world)))).is_active


async def test_verifying_for_an_unknown_number_is_just_a_wrong_code(world: IdentityWorld) -> None:
    with pytest.raises(OtpInvalid):
        await world.verify_sign_up(VerifyCodeCommand(mobile=MOBILE, code="123456"))
    with pytest.raises(OtpInvalid):
        await world.verify_login_code(VerifyCodeCommand(mobile=MOBILE, code="123456"))


async def test_codes_are_stored_only_as_hashes(world: IdentityWorld) -> None:
    await world.sign_up(sign_up_command())
    await world.given_user(OTHER_MOBILE)
    await world.request_login_code(OTHER_MOBILE, ADDRESS)
    plain_codes = world.generator.issued
    assert len(plain_codes) == 2

    stored = world.uow.stored_codes()
    assert len(stored) == 2
    for row in stored:
        assert re.fullmatch(r"[0-9a-f]{64}", row.code_hash)
        for plain in plain_codes:
            assert plain not in repr(dataclasses.asdict(row))


# =========================================================================== rate limits


async def test_a_second_code_for_a_number_within_a_minute_is_refused(world: IdentityWorld) -> None:
    await world.sign_up(sign_up_command())
    world.clock.advance(seconds=25)

    with pytest.raises(RateLimited) as raised:
        await world.resend_sign_up_code(MOBILE, ADDRESS)

    assert 0 < raised.value.retry_after <= 60
    assert raised.value.retry_after == 35
    assert len(world.sms.sent) == 1
    assert len(world.uow.stored_codes(MOBILE)) == 1
    world.clock.advance(seconds=35)
    await world.resend_sign_up_code(MOBILE, ADDRESS)
    assert len(world.sms.sent) == 2


async def test_the_sixth_code_for_a_number_in_an_hour_is_refused(world: IdentityWorld) -> None:
    await world.sign_up(sign_up_command())
    for _ in range(4):
        world.clock.advance(minutes=1)
        await world.resend_sign_up_code(MOBILE, ADDRESS)
    assert len(world.sms.codes_sent_to(MOBILE)) == 5
    world.clock.advance(minutes=1)

    with pytest.raises(RateLimited) as raised:
        await world.resend_sign_up_code(MOBILE, OTHER_ADDRESS)  # another address does not help

    assert raised.value.retry_after == 3600 - 5 * 60
    assert len(world.sms.codes_sent_to(MOBILE)) == 5
    world.clock.advance(seconds=raised.value.retry_after)
    await world.resend_sign_up_code(MOBILE, ADDRESS)
    assert len(world.sms.codes_sent_to(MOBILE)) == 6


async def test_the_21st_code_request_from_one_address_in_an_hour_is_refused(world: IdentityWorld) -> None:
    numbers = [f"0912{n:07d}" for n in range(22)]
    for mobile in numbers[:20]:
        await world.request_login_code(mobile, ADDRESS)

    with pytest.raises(RateLimited) as raised:
        await world.request_login_code(numbers[20], ADDRESS)
    assert 0 < raised.value.retry_after <= 3600
    with pytest.raises(RateLimited):
        await world.sign_up(sign_up_command(numbers[21], client_address=ADDRESS))

    assert await world.request_login_code(numbers[21], OTHER_ADDRESS) == numbers[21]
    assert world.uow.users.all() == []


async def test_a_login_code_for_an_unknown_number_answers_the_same_and_sends_nothing() -> None:
    async def story(world: IdentityWorld) -> list[object]:
        """Requests at 0 s, 30 s, 60 s, ... and what each one answered."""
        answers: list[object] = []
        for _ in range(12):
            try:
                answers.append(await world.request_login_code(MOBILE_PERSIAN_INTL, ADDRESS))
            except RateLimited as exc:
                answers.append(("rate_limited", exc.retry_after))
            world.clock.advance(seconds=30)
        return answers

    registered = IdentityWorld()
    await registered.given_user(MOBILE)
    unknown = IdentityWorld()
    pending = IdentityWorld()
    await pending.given_user(MOBILE, status=UserStatus.PENDING)

    on_registered = await story(registered)
    on_unknown = await story(unknown)
    on_pending = await story(pending)

    assert on_unknown == on_registered == on_pending
    assert on_registered.count(MOBILE) == 5 and ("rate_limited", 30) in on_registered
    assert len(registered.sms.codes_sent_to(MOBILE)) == 5
    # codes are kept (never sent) for the others, so that verifying answers alike too
    assert unknown.sms.sent == [] and len(unknown.uow.stored_codes()) == 5
    assert pending.sms.sent == [] and len(pending.uow.stored_codes()) == 5


async def code_answers(
    world: IdentityWorld,
    verify: Callable[[VerifyCodeCommand], Awaitable[object]],
    reissue: Callable[[str, str], Awaitable[str]],
) -> list[str]:
    """The error codes of five wrong tries, then of one try after a new code's lifetime."""
    answers: list[str] = []
    for _ in range(5):
        try:
            await verify(VerifyCodeCommand(mobile=MOBILE, code="000000"))
            answers.append("ok")
        except DomainError as exc:
            answers.append(exc.code)
    world.clock.advance(minutes=1)
    assert await reissue(MOBILE, ADDRESS) == MOBILE
    world.clock.advance(minutes=2)
    try:
        await verify(VerifyCodeCommand(mobile=MOBILE, code="000000"))
        answers.append("ok")
    except DomainError as exc:
        answers.append(exc.code)
    return answers


async def test_login_code_answers_do_not_reveal_a_registered_number() -> None:
    registered = IdentityWorld()
    await registered.given_user(MOBILE)
    unknown = IdentityWorld()
    for world in (registered, unknown):
        assert await world.request_login_code(MOBILE, ADDRESS) == MOBILE

    on_registered = await code_answers(registered, registered.verify_login_code, registered.request_login_code)
    on_unknown = await code_answers(unknown, unknown.verify_login_code, unknown.request_login_code)

    assert on_registered == ["otp_invalid"] * 4 + ["otp_locked", "otp_expired"]  # what the owner sees today
    assert on_unknown == on_registered


async def test_sign_up_code_answers_do_not_reveal_a_registered_number() -> None:
    registered = IdentityWorld()
    await registered.given_user(MOBILE)
    fresh = IdentityWorld()
    for world in (registered, fresh):
        assert await world.sign_up(sign_up_command()) == MOBILE

    on_fresh = await code_answers(fresh, fresh.verify_sign_up, fresh.resend_sign_up_code)
    on_registered = await code_answers(registered, registered.verify_sign_up, registered.resend_sign_up_code)

    assert on_fresh == ["otp_invalid"] * 4 + ["otp_locked", "otp_expired"]
    assert on_registered == on_fresh


async def test_resending_a_sign_up_code_is_silent_for_numbers_that_are_not_pending(world: IdentityWorld) -> None:
    await world.given_user(MOBILE)

    assert await world.resend_sign_up_code(MOBILE, ADDRESS) == MOBILE
    assert await world.resend_sign_up_code(OTHER_MOBILE, ADDRESS) == OTHER_MOBILE
    assert world.sms.sent == []
    with pytest.raises(RateLimited):
        await world.resend_sign_up_code(OTHER_MOBILE, ADDRESS)


async def test_a_junk_number_is_refused_before_any_limit_is_counted(world: IdentityWorld) -> None:
    with pytest.raises(MobileInvalid):
        await world.request_login_code("not a number", ADDRESS)
    with pytest.raises(MobileInvalid):
        await world.resend_sign_up_code("021-1234-5678", ADDRESS)


async def test_the_limits_are_configurable() -> None:
    world = IdentityWorld(IdentityPolicy(otp=OtpPolicy(per_address_per_hour=2, ttl=timedelta(seconds=30))))
    await world.request_login_code(MOBILE, ADDRESS)
    await world.request_login_code(OTHER_MOBILE, ADDRESS)
    with pytest.raises(RateLimited):
        await world.request_login_code("09191234567", ADDRESS)

    await world.sign_up(sign_up_command("09191234567", client_address=OTHER_ADDRESS))
    world.clock.advance(seconds=30)
    with pytest.raises(OtpExpired):
        await world.verify_sign_up(VerifyCodeCommand(mobile="09191234567", code=the_code_sent_to(world, "09191234567")))


# =========================================================================== password login


async def test_the_right_password_logs_in(world: IdentityWorld) -> None:
    user = await signed_up_and_verified(world)

    logged_in = await world.log_in(log_in_command(MOBILE_PERSIAN_INTL, PASSWORD))

    assert logged_in.id == user.id


async def test_a_wrong_password_is_refused(world: IdentityWorld) -> None:
    await world.given_user(MOBILE, PASSWORD)

    with pytest.raises(CredentialsInvalid) as raised:
        await world.log_in(log_in_command(MOBILE, "not-the-password"))
    assert raised.value.code == "credentials_invalid"
    assert len(stored_user(world).recent_failures) == 1


async def test_an_unknown_number_is_refused_the_same_way_at_the_same_cost() -> None:
    known = IdentityWorld()
    await known.given_user(MOBILE, PASSWORD)
    unknown = IdentityWorld()

    with pytest.raises(CredentialsInvalid) as on_known:
        await known.log_in(log_in_command(MOBILE, "not-the-password"))
    with pytest.raises(CredentialsInvalid) as on_unknown:
        await unknown.log_in(log_in_command(MOBILE, "not-the-password"))

    assert on_known.value.details == on_unknown.value.details
    assert unknown.passwords.burned == 1
    assert unknown.passwords.slow_calls == known.passwords.slow_calls == 1


async def test_a_pending_user_cannot_log_in_with_a_password(world: IdentityWorld) -> None:
    await world.sign_up(sign_up_command())
    burned = world.passwords.burned

    with pytest.raises(CredentialsInvalid):
        await world.log_in(log_in_command())
    assert world.passwords.burned == burned + 1


async def test_a_disabled_user_cannot_log_in(world: IdentityWorld) -> None:
    await world.given_user(MOBILE, status=UserStatus.DISABLED)

    with pytest.raises(CredentialsInvalid):
        await world.log_in(log_in_command())


async def test_five_wrong_passwords_lock_password_login_for_15_minutes(world: IdentityWorld) -> None:
    await world.given_user(MOBILE, PASSWORD)
    for _ in range(5):
        world.clock.advance(minutes=2)
        with pytest.raises(CredentialsInvalid):
            await world.log_in(log_in_command(MOBILE, "guess-guess"))

    with pytest.raises(AccountLocked) as raised:
        await world.log_in(log_in_command(MOBILE, PASSWORD))
    assert raised.value.retry_after == 15 * 60

    # the one-time code still lets the owner in
    await world.request_login_code(MOBILE, ADDRESS)
    user = await world.verify_login_code(VerifyCodeCommand(mobile=MOBILE, code=the_code_sent_to(world)))
    assert user.mobile == MOBILE

    world.clock.advance(minutes=14, seconds=59)
    with pytest.raises(AccountLocked) as still:
        await world.log_in(log_in_command(MOBILE, PASSWORD))
    assert still.value.retry_after == 1
    world.clock.advance(seconds=1)
    assert (await world.log_in(log_in_command(MOBILE, PASSWORD))).mobile == MOBILE


async def test_a_right_password_resets_the_failure_count(world: IdentityWorld) -> None:
    await world.given_user(MOBILE, PASSWORD)
    for _ in range(4):
        with pytest.raises(CredentialsInvalid):
            await world.log_in(log_in_command(MOBILE, "guess-guess"))
    await world.log_in(log_in_command())
    for _ in range(4):
        with pytest.raises(CredentialsInvalid):
            await world.log_in(log_in_command(MOBILE, "guess-guess"))

    assert (await world.log_in(log_in_command())).mobile == MOBILE


async def test_password_attempts_from_one_address_are_limited(world: IdentityWorld) -> None:
    await world.given_user(MOBILE, PASSWORD)
    for n in range(world.policy.login_per_address):
        with pytest.raises(CredentialsInvalid):
            await world.log_in(log_in_command(f"0912{n:07d}", "guess-guess"))

    with pytest.raises(RateLimited):
        await world.log_in(log_in_command(MOBILE, PASSWORD))
    assert (await world.log_in(log_in_command(MOBILE, PASSWORD, client_address=OTHER_ADDRESS))).mobile == MOBILE


async def test_login_code_is_only_sent_to_active_accounts(world: IdentityWorld) -> None:
    await world.given_user(MOBILE, status=UserStatus.DISABLED)

    assert await world.request_login_code(MOBILE, ADDRESS) == MOBILE
    assert world.sms.sent == []
    with pytest.raises(OtpInvalid):
        await world.verify_login_code(VerifyCodeCommand(mobile=MOBILE, code="100001"))


async def test_wrong_login_codes_lock_the_login_code_too(world: IdentityWorld) -> None:
    await world.given_user(MOBILE)
    await world.request_login_code(MOBILE, ADDRESS)
    code = the_code_sent_to(world)
    for _ in range(4):
        with pytest.raises(OtpInvalid):
            await world.verify_login_code(VerifyCodeCommand(mobile=MOBILE, code=wrong(code)))
    with pytest.raises(OtpLocked):
        await world.verify_login_code(VerifyCodeCommand(mobile=MOBILE, code=wrong(code)))
    with pytest.raises(OtpLocked):
        await world.verify_login_code(VerifyCodeCommand(mobile=MOBILE, code=code))


# =========================================================================== change password


async def test_changing_the_password_needs_the_current_one(world: IdentityWorld) -> None:
    user = await world.given_user(MOBILE, PASSWORD)
    session = await world.session_for(user)

    with pytest.raises(CredentialsInvalid) as raised:
        await world.change_password(ChangePasswordCommand(user.id, "not-the-password", NEW_PASSWORD, session))
    assert raised.value.code == "current_password_invalid"
    assert raised.value.details == {"field": "current_password"}
    with pytest.raises(ValidationFailed) as missing:
        await world.change_password(ChangePasswordCommand(user.id, None, NEW_PASSWORD, session))
    assert missing.value.fields == {"current_password": "required"}

    assert stored_user(world).password_hash == FakePasswordHasher.hash_of(PASSWORD)


async def test_the_new_password_must_pass_the_policy(world: IdentityWorld) -> None:
    user = await world.given_user(MOBILE, PASSWORD)
    session = await world.session_for(user)

    for weak in ("1234567", " " * 12, "x" * 129):
        with pytest.raises(PasswordTooWeak):
            await world.change_password(ChangePasswordCommand(user.id, PASSWORD, weak, session))
    assert stored_user(world).password_hash == FakePasswordHasher.hash_of(PASSWORD)


async def test_a_password_change_ends_every_other_session_but_keeps_the_current(world: IdentityWorld) -> None:
    user = await world.given_user(MOBILE, PASSWORD)
    someone_else = await world.given_user(OTHER_MOBILE)
    laptop = await world.session_for(user)
    phone = await world.session_for(user)
    old_tablet = await world.session_for(user)
    theirs = await world.session_for(someone_else)

    await world.change_password(ChangePasswordCommand(user.id, PASSWORD, NEW_PASSWORD, laptop))

    assert [s.id for s in world.sessions.of(PrincipalKind.USER, user.id)] == [laptop.id]
    assert phone.id not in world.sessions and old_tablet.id not in world.sessions
    assert theirs.id in world.sessions
    assert await world.resolve_session(laptop.id) is not None
    assert await world.resolve_session(phone.id) is None
    stored = stored_user(world)
    assert stored.password_hash == FakePasswordHasher.hash_of(NEW_PASSWORD)
    assert stored.password_changed_at == world.clock.now()
    with pytest.raises(CredentialsInvalid):
        await world.log_in(log_in_command(MOBILE, PASSWORD))
    assert (await world.log_in(log_in_command(MOBILE, NEW_PASSWORD))).id == user.id


async def test_an_api_caller_changing_the_password_ends_every_session(world: IdentityWorld) -> None:
    user = await world.given_user(MOBILE, PASSWORD)
    await world.session_for(user)

    await world.change_password(ChangePasswordCommand(user.id, PASSWORD, NEW_PASSWORD, None))

    assert world.sessions.of(PrincipalKind.USER, user.id) == []


async def test_after_a_code_login_a_new_password_needs_no_current_one(world: IdentityWorld) -> None:
    await world.given_user(MOBILE, "forgotten-password")
    await world.request_login_code(MOBILE, ADDRESS)
    user = await world.verify_login_code(VerifyCodeCommand(mobile=MOBILE, code=the_code_sent_to(world)))
    session = await world.session_for(user, otp_login=True)
    other = await world.session_for(user)

    await world.change_password(ChangePasswordCommand(user.id, None, NEW_PASSWORD, session))

    stored_session = world.sessions.stored(session.id)
    assert stored_session is not None and stored_session.otp_login is False
    assert session.otp_login is False
    assert other.id not in world.sessions
    assert (await world.log_in(log_in_command(MOBILE, NEW_PASSWORD))).id == user.id
    # the free pass was for one change only
    resolved = await world.resolve_session(session.id)
    assert resolved is not None
    with pytest.raises(ValidationFailed):
        await world.change_password(ChangePasswordCommand(user.id, None, "yet-another-pass", resolved))


async def test_a_new_password_lifts_the_lock(world: IdentityWorld) -> None:
    user = await world.given_user(MOBILE, PASSWORD)
    for _ in range(5):
        with pytest.raises(CredentialsInvalid):
            await world.log_in(log_in_command(MOBILE, "guess-guess"))
    session = await world.session_for(user, otp_login=True)

    await world.change_password(ChangePasswordCommand(user.id, None, NEW_PASSWORD, session))

    assert (await world.log_in(log_in_command(MOBILE, NEW_PASSWORD))).id == user.id


async def test_changing_the_password_of_a_missing_user_is_not_found(world: IdentityWorld) -> None:
    with pytest.raises(NotFound):
        await world.change_password(ChangePasswordCommand("nobody", PASSWORD, NEW_PASSWORD, None))


# =========================================================================== sessions


async def test_a_session_dies_after_30_idle_minutes(world: IdentityWorld) -> None:
    user = await world.given_user()
    session = await world.session_for(user)

    world.clock.advance(minutes=30, seconds=1)

    assert await world.resolve_session(session.id) is None
    assert session.id not in world.sessions  # and it is gone for good


async def test_a_session_lives_through_29_idle_minutes(world: IdentityWorld) -> None:
    user = await world.given_user()
    session = await world.session_for(user)

    world.clock.advance(minutes=29, seconds=59)

    resolved = await world.resolve_session(session.id)
    assert resolved is not None and resolved.principal_id == user.id


async def test_using_a_session_extends_its_idle_time(world: IdentityWorld) -> None:
    user = await world.given_user()
    session = await world.session_for(user)

    world.clock.advance(minutes=20)
    assert await world.resolve_session(session.id) is not None
    world.clock.advance(minutes=20)  # 40 minutes after login, 20 after the last use
    assert await world.resolve_session(session.id) is not None
    world.clock.advance(minutes=30, seconds=1)
    assert await world.resolve_session(session.id) is None


async def test_a_session_dies_after_12_hours_even_when_in_use(world: IdentityWorld) -> None:
    user = await world.given_user()
    session = await world.session_for(user)

    for _ in range(12 * 3):  # every 20 minutes for 12 hours
        world.clock.advance(minutes=20)
        assert await world.resolve_session(session.id) is not None
    world.clock.advance(seconds=1)

    assert await world.resolve_session(session.id) is None


async def test_a_session_is_not_touched_more_than_once_a_minute(world: IdentityWorld) -> None:
    user = await world.given_user()
    session = await world.session_for(user)
    world.clock.advance(seconds=30)

    await world.resolve_session(session.id)

    stored = world.sessions.stored(session.id)
    assert stored is not None and stored.last_seen_at == session.created_at


async def test_login_starts_a_fresh_session_id(world: IdentityWorld) -> None:
    user = await world.given_user()
    before_login = await world.start_session(PrincipalKind.USER, "anonymous")

    session = await world.start_session(PrincipalKind.USER, user.id, replaces=before_login.id)

    assert session.id != before_login.id
    assert before_login.id not in world.sessions
    assert session.csrf_token and session.csrf_token != session.id


async def test_ending_a_session(world: IdentityWorld) -> None:
    user = await world.given_user()
    session = await world.session_for(user)

    await world.end_session(session.id)

    assert await world.resolve_session(session.id) is None


@pytest.mark.parametrize("cookie", ["", "unknown", "x" * 129])
async def test_an_unknown_or_absurd_session_id_resolves_to_none(world: IdentityWorld, cookie: str) -> None:
    assert await world.resolve_session(cookie) is None


async def test_purge_drops_expired_sessions_and_day_old_codes(world: IdentityWorld) -> None:
    user = await world.given_user()
    stale = await world.session_for(user)
    await world.request_login_code(MOBILE, ADDRESS)
    world.clock.advance(seconds=KEEP_CODES_FOR.total_seconds() + 1)
    await world.request_login_code(MOBILE, ADDRESS)  # a fresh code stays
    live = await world.session_for(user)

    codes, sessions = await world.purge_expired()

    assert (codes, sessions) == (1, 1)
    assert stale.id not in world.sessions and live.id in world.sessions
    assert len(world.uow.stored_codes()) == 1


# =========================================================================== API keys


async def test_an_api_key_is_shown_once_and_authenticates_its_user(world: IdentityWorld) -> None:
    user = await world.given_user()

    key, full_key = await world.create_api_key(user.id, "  حسابداری   اصلی ")

    assert key.name == "حسابداری اصلی"
    assert full_key.startswith(f"kook_{key.id}_")
    secret = full_key.rsplit("_", 1)[1]
    assert key.hint == secret[-4:]
    [stored] = world.uow.api_keys.all()
    assert secret not in repr(dataclasses.asdict(stored))
    assert stored.secret_hash != secret
    authenticated = await world.authenticate_api_key(full_key)
    assert authenticated is not None and authenticated.id == user.id


async def test_a_wrong_malformed_or_revoked_key_authenticates_nobody(world: IdentityWorld) -> None:
    user = await world.given_user()
    key, full_key = await world.create_api_key(user.id, "integration")

    assert await world.authenticate_api_key(compose_key(key.id, "f" * 64)) is None
    assert await world.authenticate_api_key(full_key + "x") is None
    assert await world.authenticate_api_key(full_key[:-1]) is None
    for junk in ("", "kook_", "kook_abc_def", f"Bearer {full_key}", full_key.replace("kook_", "KOOK_")):
        assert await world.authenticate_api_key(junk) is None
    assert await world.authenticate_api_key(compose_key("0" * 32, full_key.rsplit("_", 1)[1])) is None

    await world.revoke_api_key(user.id, key.id)

    assert await world.authenticate_api_key(full_key) is None
    [stored] = world.uow.api_keys.all()
    assert stored.revoked_at == world.clock.now()


async def test_a_key_of_a_disabled_user_authenticates_nobody(world: IdentityWorld) -> None:
    user = await world.given_user()
    _, full_key = await world.create_api_key(user.id, "integration")

    stored_user(world).status = UserStatus.DISABLED

    assert await world.authenticate_api_key(full_key) is None


async def test_using_a_key_records_when_at_most_once_a_minute(world: IdentityWorld) -> None:
    user = await world.given_user()
    _, full_key = await world.create_api_key(user.id, "integration")
    first_use = world.clock.advance(minutes=5)
    await world.authenticate_api_key(full_key)
    world.clock.advance(seconds=30)
    await world.authenticate_api_key(full_key)

    [stored] = world.uow.api_keys.all()
    assert stored.last_used_at == first_use
    world.clock.advance(seconds=30)
    await world.authenticate_api_key(full_key)
    [stored] = world.uow.api_keys.all()
    assert stored.last_used_at == world.clock.now()


async def test_revoking_someone_elses_key_is_not_found(world: IdentityWorld) -> None:
    owner = await world.given_user(MOBILE)
    intruder = await world.given_user(OTHER_MOBILE)
    key, full_key = await world.create_api_key(owner.id, "integration")

    with pytest.raises(NotFound):
        await world.revoke_api_key(intruder.id, key.id)
    with pytest.raises(NotFound):
        await world.revoke_api_key(owner.id, "f" * 32)

    assert await world.authenticate_api_key(full_key) is not None


async def test_listing_shows_a_users_keys_newest_first(world: IdentityWorld) -> None:
    user = await world.given_user(MOBILE)
    other = await world.given_user(OTHER_MOBILE)
    first, _ = await world.create_api_key(user.id, "first")
    world.clock.advance(minutes=1)
    second, _ = await world.create_api_key(user.id, "second")
    await world.create_api_key(other.id, "not mine")
    await world.revoke_api_key(user.id, first.id)

    keys = await world.list_api_keys(user.id)

    assert [(k.id, k.name, k.is_active) for k in keys] == [(second.id, "second", True), (first.id, "first", False)]


async def test_a_key_needs_a_name(world: IdentityWorld) -> None:
    user = await world.given_user()

    with pytest.raises(ValidationFailed) as raised:
        await world.create_api_key(user.id, "   ")

    assert raised.value.fields == {"name": "invalid"}
    assert world.uow.api_keys.all() == []


async def test_a_user_has_at_most_twenty_active_keys(world: IdentityWorld) -> None:
    user = await world.given_user()
    keys = [(await world.create_api_key(user.id, f"key {n}"))[0] for n in range(20)]

    with pytest.raises(Conflict):
        await world.create_api_key(user.id, "one too many")
    await world.revoke_api_key(user.id, keys[0].id)
    await world.create_api_key(user.id, "a replacement")


# =========================================================================== staff


async def test_creating_staff_writes_an_audit_record(world: IdentityWorld) -> None:
    staff = await world.create_staff(
        CreateStaffCommand(mobile="+98 935 123 4567", password=PASSWORD, role="finance", created_by="staff:root")
    )

    assert (staff.mobile, staff.role, staff.active) == (STAFF_MOBILE, StaffRole.FINANCE, True)
    assert world.uow.stored_staff(STAFF_MOBILE) is not None
    [record] = world.uow.audit.records
    assert (record.actor, record.action, record.subject) == ("staff:root", "staff.create", f"staff:{staff.id}")
    assert record.after == {"mobile": STAFF_MOBILE, "role": "finance"}
    assert record.at == world.clock.now()
    assert PASSWORD not in repr(record)
    assert (await world.get_staff(staff.id)) is not None


async def test_a_staff_mobile_can_be_registered_once(world: IdentityWorld) -> None:
    await world.create_staff(CreateStaffCommand(mobile=STAFF_MOBILE, password=PASSWORD, role="admin"))

    with pytest.raises(Conflict):
        await world.create_staff(CreateStaffCommand(mobile="9351234567", password=PASSWORD, role="reviewer"))

    assert len(world.uow.staff.all()) == 1
    assert world.uow.audit.actions() == ["staff.create"]


@pytest.mark.parametrize(
    ("command", "error"),
    [
        (CreateStaffCommand(mobile=STAFF_MOBILE, password=PASSWORD, role="superuser"), ValidationFailed),
        (CreateStaffCommand(mobile=STAFF_MOBILE, password=PASSWORD, role=""), ValidationFailed),
        (CreateStaffCommand(mobile=STAFF_MOBILE, password="short", role="admin"), PasswordTooWeak),
        (CreateStaffCommand(mobile="021-1234-5678", password=PASSWORD, role="admin"), MobileInvalid),
    ],
)
async def test_bad_staff_details_are_refused(
    world: IdentityWorld, command: CreateStaffCommand, error: type[DomainError]
) -> None:
    with pytest.raises(error) as raised:
        await world.create_staff(command)

    if isinstance(raised.value, ValidationFailed):
        assert raised.value.fields == {"role": "invalid"}
    assert world.uow.staff.all() == []
    assert world.uow.audit.records == []


async def test_staff_log_in_and_are_locked_like_users(world: IdentityWorld) -> None:
    staff = await world.create_staff(CreateStaffCommand(mobile=STAFF_MOBILE, password=PASSWORD, role="reviewer"))

    assert (await world.staff_log_in(log_in_command(STAFF_MOBILE, PASSWORD))).id == staff.id
    for _ in range(5):
        with pytest.raises(CredentialsInvalid):
            await world.staff_log_in(log_in_command(STAFF_MOBILE, "guess-guess"))
    with pytest.raises(AccountLocked):
        await world.staff_log_in(log_in_command(STAFF_MOBILE, PASSWORD))

    world.clock.advance(minutes=15)
    assert (await world.staff_log_in(log_in_command(STAFF_MOBILE, PASSWORD))).id == staff.id


async def test_staff_and_customers_are_separate_accounts(world: IdentityWorld) -> None:
    await world.given_staff(STAFF_MOBILE, PASSWORD)
    await world.given_user(MOBILE, PASSWORD)

    with pytest.raises(CredentialsInvalid):
        await world.log_in(log_in_command(STAFF_MOBILE, PASSWORD))
    with pytest.raises(CredentialsInvalid):
        await world.staff_log_in(log_in_command(MOBILE, PASSWORD))


async def test_an_inactive_staff_member_cannot_log_in(world: IdentityWorld) -> None:
    staff = await world.given_staff(STAFF_MOBILE, PASSWORD)
    staff.active = False  # outside a unit of work this edits the committed state

    with pytest.raises(CredentialsInvalid):
        await world.staff_log_in(log_in_command(STAFF_MOBILE, PASSWORD))
    assert await world.get_staff(staff.id) is None


# =========================================================================== the fakes keep their promises


async def test_fake_unit_of_work_discards_what_was_not_committed() -> None:
    world = IdentityWorld()
    uow: FakeIdentityUnitOfWork = world.uow
    user = await world.given_user()

    async with uow:
        loaded = await uow.users.get(user.id)
        assert loaded is not None and loaded is not user
        loaded.first_name = "تغییر"
        await uow.api_keys.add(
            ApiKey(id="k" * 32, user_id=user.id, name="n", secret_hash="h", hint="abcd", created_at=world.clock.now())
        )
    assert stored_user(world).first_name == "سارا"
    assert uow.api_keys.all() == []
    assert uow.rolled_back == 1

    async with uow:
        loaded = await uow.users.get(user.id)
        assert loaded is not None
        loaded.first_name = "کامیت"
        await uow.commit()
        loaded.last_name = "بعد از کامیت"  # no second commit: lost
    assert (stored_user(world).first_name, stored_user(world).last_name) == ("کامیت", "احمدی")
    assert uow.committed == 1


async def test_fake_unit_of_work_is_not_reentrant(world: IdentityWorld) -> None:
    async with world.uow:
        with pytest.raises(RuntimeError):
            await world.uow.__aenter__()
    with pytest.raises(RuntimeError):
        await world.uow.commit()


async def test_fake_sms_refuses_numbers_that_are_not_normalised() -> None:
    sms = FakeSms()
    for bad in ("9121234567", "+989121234567", "۰۹۱۲۱۲۳۴۵۶۷", "0912 123 4567"):
        with pytest.raises(SmsDeliveryError) as raised:
            await sms.send(bad, "text")
        assert (raised.value.reason, raised.value.retryable) == ("not_iranian_mobile", False)
    await sms.send(MOBILE, "hello", code="123456")
    assert sms.sent_to(MOBILE_PERSIAN_INTL)[0].text == "hello"
    assert sms.last_code(MOBILE) == "123456"
    assert sms.last_code(OTHER_MOBILE) is None


async def test_fake_session_store_keeps_copies(world: IdentityWorld) -> None:
    user = await world.given_user()
    session: WebSession = await world.session_for(user)

    session.otp_login = True  # not saved without update()

    stored = world.sessions.stored(session.id)
    assert stored is not None and stored.otp_login is False


async def test_a_number_without_an_account_locks_like_a_registered_one() -> None:
    """account_locked must not tell which numbers have an account."""

    async def answers(world: IdentityWorld) -> list[str]:
        seen = []
        for _ in range(6):
            try:
                await world.log_in(log_in_command(password="wrong-password"))
                seen.append("ok")
            except DomainError as exc:
                seen.append(exc.code)
        return seen

    registered = IdentityWorld()
    await registered.given_user(MOBILE)
    unknown = IdentityWorld()
    on_registered = await answers(registered)
    assert on_registered == ["credentials_invalid"] * 5 + ["account_locked"]
    assert await answers(unknown) == on_registered


async def test_guessing_the_current_password_from_a_session_is_throttled(world: IdentityWorld) -> None:
    user = await world.given_user(MOBILE)
    session = await world.session_for(user)
    codes = []
    for _ in range(11):
        try:
            await world.change_password(ChangePasswordCommand(user.id, "a-wrong-guess", NEW_PASSWORD, session))
        except DomainError as exc:
            codes.append(exc.code)
    assert codes == ["current_password_invalid"] * 10 + ["rate_limited"]
