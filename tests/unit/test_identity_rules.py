"""The identity rules of SPEC §2, on the domain objects alone (no ports, no I/O)."""

from __future__ import annotations

import string
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kook.domain.identity.api_key import (
    KEY_PREFIX,
    MAX_KEY_NAME,
    ApiKey,
    check_key_name,
    compose_key,
    split_key,
)
from kook.domain.identity.one_time_code import (
    CodePurpose,
    OneTimeCode,
    OtpExpired,
    OtpInvalid,
    OtpLocked,
    OtpPolicy,
    VerifyOutcome,
    is_code_shaped,
    raise_for,
)
from kook.domain.identity.password_policy import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    PasswordTooWeak,
    check_password,
)
from kook.domain.identity.staff import StaffMember, StaffRole
from kook.domain.identity.user import (
    MAX_NAME_LENGTH,
    UNUSABLE_PASSWORD_HASH,
    AccountLocked,
    LoginThrottlePolicy,
    User,
    UserStatus,
    clean_name,
)
from kook.domain.shared.errors import DomainError, ValidationFailed
from kook.domain.shared.text import has_forbidden_characters

T0 = datetime(2026, 5, 22, 6, 50, tzinfo=UTC)
POLICY = OtpPolicy()
THROTTLE = LoginThrottlePolicy()


def a_code(now: datetime = T0) -> OneTimeCode:
    return OneTimeCode.issue(
        id="c1", mobile="09121234567", purpose=CodePurpose.SIGNUP, code_hash="h", now=now, policy=POLICY
    )


def a_user(status: UserStatus = UserStatus.ACTIVE) -> User:
    return User(
        id="u1",
        mobile="09121234567",
        first_name="سارا",
        last_name="احمدی",
        password_hash="hash",
        status=status,
        created_at=T0,
    )


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


# --------------------------------------------------------------------------- one-time codes


class TestOneTimeCode:
    def test_defaults_follow_the_spec(self) -> None:
        assert POLICY.ttl == timedelta(minutes=2)
        assert POLICY.max_attempts == 5
        assert (POLICY.per_mobile_per_minute, POLICY.per_mobile_per_hour, POLICY.per_address_per_hour) == (1, 5, 20)

    def test_issue_sets_expiry_two_minutes_ahead(self) -> None:
        code = a_code()
        assert code.created_at == T0
        assert code.expires_at == T0 + timedelta(minutes=2)
        assert code.attempts == 0 and code.consumed_at is None

    def test_the_right_code_is_accepted_and_consumed(self) -> None:
        code = a_code()
        assert code.attempt(True, T0 + timedelta(seconds=30), POLICY) == VerifyOutcome.OK
        assert code.consumed_at == T0 + timedelta(seconds=30)

    def test_a_wrong_code_counts_one_try(self) -> None:
        code = a_code()
        assert code.attempt(False, T0, POLICY) == VerifyOutcome.WRONG
        assert code.attempts == 1
        assert code.consumed_at is None

    def test_fifth_wrong_try_locks_and_then_even_the_right_code_is_refused(self) -> None:
        code = a_code()
        outcomes = [code.attempt(False, T0, POLICY) for _ in range(5)]
        assert outcomes == [VerifyOutcome.WRONG] * 4 + [VerifyOutcome.LOCKED]
        assert code.attempt(True, T0, POLICY) == VerifyOutcome.LOCKED
        assert code.consumed_at is None
        assert code.attempts == 5  # tries after the lock are not counted

    def test_four_wrong_tries_still_leave_the_right_one(self) -> None:
        code = a_code()
        for _ in range(4):
            code.attempt(False, T0, POLICY)
        assert code.attempt(True, T0, POLICY) == VerifyOutcome.OK

    def test_expired_at_exactly_the_ttl(self) -> None:
        just_before = a_code()
        assert just_before.attempt(True, T0 + POLICY.ttl - timedelta(microseconds=1), POLICY) == VerifyOutcome.OK
        at_ttl = a_code()
        assert at_ttl.attempt(True, T0 + POLICY.ttl, POLICY) == VerifyOutcome.EXPIRED
        assert at_ttl.consumed_at is None

    def test_a_wrong_try_after_expiry_is_not_counted(self) -> None:
        code = a_code()
        assert code.attempt(False, T0 + minutes(3), POLICY) == VerifyOutcome.EXPIRED
        assert code.attempts == 0

    def test_used_once_only(self) -> None:
        code = a_code()
        assert code.attempt(True, T0, POLICY) == VerifyOutcome.OK
        assert code.attempt(True, T0 + timedelta(seconds=1), POLICY) == VerifyOutcome.USED
        assert code.attempt(False, T0 + timedelta(seconds=2), POLICY) == VerifyOutcome.USED
        assert code.consumed_at == T0

    def test_a_withdrawn_code_is_used_up(self) -> None:
        code = a_code()
        code.withdraw(T0 + timedelta(seconds=61))
        assert code.attempt(True, T0 + timedelta(seconds=62), POLICY) == VerifyOutcome.USED

    def test_withdraw_keeps_the_first_consumption_time(self) -> None:
        code = a_code()
        code.attempt(True, T0, POLICY)
        code.withdraw(T0 + minutes(1))
        assert code.consumed_at == T0

    def test_a_stricter_policy_is_honoured(self) -> None:
        strict = OtpPolicy(ttl=timedelta(seconds=30), max_attempts=2)
        code = OneTimeCode.issue(
            id="c", mobile="09121234567", purpose=CodePurpose.LOGIN, code_hash="h", now=T0, policy=strict
        )
        assert code.expires_at == T0 + timedelta(seconds=30)
        assert [code.attempt(False, T0, strict) for _ in range(2)] == [VerifyOutcome.WRONG, VerifyOutcome.LOCKED]

    @pytest.mark.parametrize(
        ("outcome", "error"),
        [
            (VerifyOutcome.WRONG, OtpInvalid),
            (VerifyOutcome.USED, OtpInvalid),
            (VerifyOutcome.EXPIRED, OtpExpired),
            (VerifyOutcome.LOCKED, OtpLocked),
        ],
    )
    def test_failed_outcomes_raise_their_stable_code(self, outcome: VerifyOutcome, error: type[DomainError]) -> None:
        with pytest.raises(error) as raised:
            raise_for(outcome)
        assert (
            raised.value.code == {OtpInvalid: "otp_invalid", OtpExpired: "otp_expired", OtpLocked: "otp_locked"}[error]
        )

    def test_ok_raises_nothing(self) -> None:
        raise_for(VerifyOutcome.OK)

    @pytest.mark.parametrize(
        ("code", "shaped"),
        [
            ("123456", True),
            ("000000", True),
            ("12345", False),
            ("1234567", False),
            ("12a456", False),
            ("۱۲۳۴۵۶", False),  # Persian digits are converted before this check, not here
            ("", False),
            (" 12345", False),
        ],
    )
    def test_code_shape(self, code: str, shaped: bool) -> None:
        assert is_code_shaped(code) is shaped


# A try: (does the code match?, seconds since the previous try)
tries = st.lists(st.tuples(st.booleans(), st.integers(min_value=0, max_value=40)), max_size=30)


@given(tries)
@example([(False, 0)] * 5 + [(True, 0)])
@example([(True, 0), (True, 0)])
@example([(False, 60), (True, 60)])
def test_any_sequence_of_tries_consumes_a_code_at_most_once(sequence: list[tuple[bool, int]]) -> None:
    code = a_code()
    now = T0
    accepted = 0
    for matches, gap in sequence:
        now += timedelta(seconds=gap)
        wrong_so_far = code.attempts
        outcome = code.attempt(matches, now, POLICY)
        if outcome == VerifyOutcome.OK:
            accepted += 1
            assert matches, "a wrong code was accepted"
            assert wrong_so_far < POLICY.max_attempts, "accepted after the maximum wrong tries"
            assert now < code.expires_at, "accepted after expiry"
        assert code.attempts <= POLICY.max_attempts
    assert accepted <= 1
    assert (code.consumed_at is not None) == (accepted == 1)


@given(st.integers(min_value=0, max_value=10))
def test_after_max_wrong_tries_nothing_is_ever_accepted(extra: int) -> None:
    code = a_code()
    for _ in range(POLICY.max_attempts):
        code.attempt(False, T0, POLICY)
    for i in range(extra + 1):
        assert code.attempt(True, T0 + timedelta(seconds=i), POLICY) == VerifyOutcome.LOCKED


# --------------------------------------------------------------------------- password throttle


class TestLoginThrottle:
    def test_defaults_follow_the_spec(self) -> None:
        assert LoginThrottlePolicy(max_failures=5, window=minutes(15), lock_for=minutes(15)) == THROTTLE

    def test_four_failures_do_not_lock(self) -> None:
        user = a_user()
        for i in range(4):
            user.record_failed_login(T0 + minutes(i), THROTTLE)
        user.ensure_password_login_allowed(T0 + minutes(4))

    def test_five_failures_within_15_minutes_lock_for_15_minutes(self) -> None:
        user = a_user()
        for i in range(5):
            user.record_failed_login(T0 + minutes(3 * i), THROTTLE)  # 0, 3, 6, 9, 12
        locked_at = T0 + minutes(12)
        assert user.locked_until == locked_at + minutes(15)
        with pytest.raises(AccountLocked):
            user.ensure_password_login_allowed(locked_at)
        with pytest.raises(AccountLocked):
            user.ensure_password_login_allowed(locked_at + minutes(15) - timedelta(seconds=1))
        user.ensure_password_login_allowed(locked_at + minutes(15))

    def test_five_failures_at_the_edge_of_the_window_lock(self) -> None:
        user = a_user()
        for at in (0, 1, 2, 3, 15):
            user.record_failed_login(T0 + minutes(at), THROTTLE)
        with pytest.raises(AccountLocked):
            user.ensure_password_login_allowed(T0 + minutes(15))

    def test_failures_spread_over_more_than_the_window_do_not_lock(self) -> None:
        user = a_user()
        for at in (0, 4, 8, 12, 16, 20, 24, 28):  # never five inside 15 minutes
            user.record_failed_login(T0 + minutes(at), THROTTLE)
            user.ensure_password_login_allowed(T0 + minutes(at))
        assert user.locked_until is None

    def test_success_resets_the_count(self) -> None:
        user = a_user()
        for i in range(4):
            user.record_failed_login(T0 + minutes(i), THROTTLE)
        user.record_successful_login()
        for i in range(4):
            user.record_failed_login(T0 + minutes(5 + i), THROTTLE)
        user.ensure_password_login_allowed(T0 + minutes(9))
        assert len(user.recent_failures) == 4

    def test_account_locked_tells_when_to_retry_in_whole_seconds(self) -> None:
        user = a_user()
        for _ in range(5):
            user.record_failed_login(T0, THROTTLE)
        with pytest.raises(AccountLocked) as at_once:
            user.ensure_password_login_allowed(T0)
        assert at_once.value.retry_after == 15 * 60
        assert at_once.value.code == "account_locked"
        assert at_once.value.details == {"retry_after": 900}
        with pytest.raises(AccountLocked) as later:
            user.ensure_password_login_allowed(T0 + minutes(14) + timedelta(seconds=59, milliseconds=500))
        assert later.value.retry_after == 1  # rounded up, never 0

    def test_a_new_round_after_the_lock_needs_five_new_failures(self) -> None:
        user = a_user()
        for _ in range(5):
            user.record_failed_login(T0, THROTTLE)
        after = T0 + minutes(15)
        user.ensure_password_login_allowed(after)
        user.record_failed_login(after, THROTTLE)
        user.ensure_password_login_allowed(after)

    def test_changing_the_password_lifts_the_lock(self) -> None:
        user = a_user()
        for _ in range(5):
            user.record_failed_login(T0, THROTTLE)
        user.change_password("new-hash", T0 + minutes(1))
        user.ensure_password_login_allowed(T0 + minutes(1))
        assert user.password_hash == "new-hash"
        assert user.password_changed_at == T0 + minutes(1)

    def test_staff_are_throttled_the_same_way(self) -> None:
        staff = StaffMember(id="s1", mobile="09351234567", role=StaffRole.FINANCE, password_hash="h", created_at=T0)
        for _ in range(5):
            staff.record_failed_login(T0, THROTTLE)
        with pytest.raises(AccountLocked):
            staff.ensure_password_login_allowed(T0 + minutes(1))

    def test_any_five_failures_within_15_minutes_lock(self) -> None:
        user = a_user()
        for at in (0, 14, 16, 17, 18, 19):
            user.record_failed_login(T0 + minutes(at), THROTTLE)
        with pytest.raises(AccountLocked):
            user.ensure_password_login_allowed(T0 + minutes(19))


@given(st.lists(st.integers(min_value=0, max_value=20 * 60), min_size=1, max_size=25))
def test_a_lock_only_ever_follows_max_failures_inside_the_window(gaps: list[int]) -> None:
    """Whenever the lock starts, the last ``max_failures`` failures fit in ``window``."""
    user = a_user()
    now = T0
    failures: list[datetime] = []
    for gap in gaps:
        now += timedelta(seconds=gap)
        before = user.locked_until
        user.record_failed_login(now, THROTTLE)
        failures.append(now)
        if user.locked_until != before:
            assert user.locked_until == now + THROTTLE.lock_for
            recent = failures[-THROTTLE.max_failures :]
            assert len(recent) == THROTTLE.max_failures
            assert recent[-1] - recent[0] <= THROTTLE.window
    assert 0 <= len(user.recent_failures) < THROTTLE.max_failures


# --------------------------------------------------------------------------- users


class TestUser:
    def test_activation_moves_a_pending_user_to_active_once(self) -> None:
        user = a_user(UserStatus.PENDING)
        assert not user.is_active
        user.activate(T0)
        assert user.is_active and user.activated_at == T0
        user.activate(T0 + minutes(1))
        assert user.activated_at == T0

    def test_a_disabled_user_is_not_activated_by_a_code(self) -> None:
        user = a_user(UserStatus.DISABLED)
        user.activate(T0)
        assert user.status == UserStatus.DISABLED

    def test_refresh_pending_replaces_the_details(self) -> None:
        user = a_user(UserStatus.PENDING)
        user.refresh_pending("علی", "رضایی", "new-hash", same_password=True)
        assert (user.first_name, user.last_name, user.password_hash) == ("علی", "رضایی", "new-hash")
        assert not user.signup_contested

    def test_refresh_is_refused_for_an_active_user(self) -> None:
        user = a_user(UserStatus.ACTIVE)
        with pytest.raises(DomainError) as raised:
            user.refresh_pending("علی", "رضایی", "new-hash", same_password=False)
        assert raised.value.code == "conflict"
        assert user.first_name == "سارا" and not user.signup_contested

    @pytest.mark.parametrize(("same_password", "contested"), [(False, True), (True, False)])
    def test_another_password_contests_the_sign_up(self, same_password: bool, contested: bool) -> None:
        user = a_user(UserStatus.PENDING)
        user.refresh_pending("علی", "رضایی", "new-hash", same_password=same_password)
        assert user.signup_contested is contested

    def test_a_contest_stays_whatever_later_sign_ups_bring(self) -> None:
        user = a_user(UserStatus.PENDING)
        user.refresh_pending("علی", "رضایی", "attacker-hash", same_password=False)
        user.refresh_pending("سارا", "احمدی", "owner-hash", same_password=True)
        assert user.signup_contested

    def test_a_contested_sign_up_is_activated_with_no_usable_password(self) -> None:
        user = a_user(UserStatus.PENDING)
        user.refresh_pending("علی", "رضایی", "attacker-hash", same_password=False)
        assert not user.password_required  # nothing to choose while pending
        user.activate(T0)
        assert user.is_active and user.password_required
        assert user.password_hash == UNUSABLE_PASSWORD_HASH
        user.change_password("chosen-hash", T0 + minutes(1))
        assert not user.password_required

    def test_an_uncontested_sign_up_keeps_its_password(self) -> None:
        user = a_user(UserStatus.PENDING)
        user.activate(T0)
        assert user.password_hash == "hash" and not user.password_required

    def test_the_unusable_marker_is_no_argon2_hash(self) -> None:
        assert not UNUSABLE_PASSWORD_HASH.startswith("$")


# --------------------------------------------------------------------------- passwords


class TestPasswordPolicy:
    def test_bounds(self) -> None:
        assert (MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH) == (8, 128)

    @pytest.mark.parametrize("password", ["a" * 8, "a" * 128, "۱۲۳۴۵۶۷۸", "کلمه‌عبور", "pass word", " padded "])
    def test_accepted(self, password: str) -> None:
        check_password(password)

    @pytest.mark.parametrize(
        ("password", "details"),
        [
            ("a" * 7, {"min_length": 8}),
            ("", {"min_length": 8}),
            ("a" * 129, {"max_length": 128}),
            (" " * 8, {"min_length": 8}),
            ("\t\n \u00a0  \u2003 ", {"min_length": 8}),
        ],
    )
    def test_refused(self, password: str, details: dict[str, int]) -> None:
        with pytest.raises(PasswordTooWeak) as raised:
            check_password(password)
        assert raised.value.code == "password_too_weak"
        assert raised.value.details == details

    @given(st.text(min_size=8, max_size=128).filter(lambda s: s.strip() != ""))
    def test_any_non_blank_password_of_allowed_length_passes(self, password: str) -> None:
        check_password(password)


# --------------------------------------------------------------------------- names


class TestCleanName:
    @pytest.mark.parametrize(
        ("raw", "clean"),
        [
            ("سارا", "سارا"),
            ("  سارا  ", "سارا"),
            ("محمد   علی", "محمد علی"),
            ("محمد\tعلی\n", "محمد علی"),
            ("فاطمه\u200cزهرا", "فاطمه\u200cزهرا"),  # the zero-width non-joiner is part of the name
            ("x" * MAX_NAME_LENGTH, "x" * MAX_NAME_LENGTH),
        ],
    )
    def test_folds_spaces(self, raw: str, clean: str) -> None:
        assert clean_name(raw) == clean

    @pytest.mark.parametrize("raw", ["", "   ", "\t\n", "x" * (MAX_NAME_LENGTH + 1)])
    def test_empty_or_too_long_is_none(self, raw: str) -> None:
        assert clean_name(raw) is None

    @given(st.text(max_size=80))
    def test_result_is_folded_and_bounded(self, raw: str) -> None:
        if has_forbidden_characters(raw):  # control characters are refused, naming the field
            with pytest.raises(ValidationFailed):
                clean_name(raw)
            return
        cleaned = clean_name(raw)
        if cleaned is not None:
            assert cleaned == cleaned.strip()
            assert "  " not in cleaned
            assert 0 < len(cleaned) <= MAX_NAME_LENGTH
            assert clean_name(cleaned) == cleaned


# --------------------------------------------------------------------------- API keys

KEY_ID = "0123456789abcdef0123456789abcdef"


class TestApiKeyShape:
    def test_compose_then_split(self) -> None:
        key = compose_key(KEY_ID, "s3cr3t-value")
        assert key == f"kook_{KEY_ID}_s3cr3t-value"
        assert split_key(key) == (KEY_ID, "s3cr3t-value")

    def test_a_secret_may_itself_hold_underscores(self) -> None:
        assert split_key(compose_key(KEY_ID, "a_b_c")) == (KEY_ID, "a_b_c")

    @pytest.mark.parametrize(
        "presented",
        [
            "",
            "kook_",
            f"{KEY_ID}_secret",  # no prefix
            f"KOOK_{KEY_ID}_secret",
            f"kook_{KEY_ID}",  # no separator
            f"kook_{KEY_ID}_",  # empty secret
            f"kook_{KEY_ID[:-1]}_secret",  # short id
            f"kook_{KEY_ID}0_secret",  # long id
            f"kook_{KEY_ID}_{'s' * 129}",  # secret too long
            f"Bearer kook_{KEY_ID}_secret",
        ],
    )
    def test_malformed_keys_split_to_none(self, presented: str) -> None:
        assert split_key(presented) is None

    def test_longest_secret_accepted(self) -> None:
        assert split_key(compose_key(KEY_ID, "s" * 128)) == (KEY_ID, "s" * 128)

    @given(
        st.text(alphabet="0123456789abcdef", min_size=32, max_size=32),
        st.text(alphabet=string.ascii_letters + string.digits + "-_", min_size=1, max_size=128),
    )
    def test_split_inverts_compose(self, key_id: str, secret: str) -> None:
        assert split_key(compose_key(key_id, secret)) == (key_id, secret)

    @given(st.text(max_size=200))
    def test_split_never_raises(self, presented: str) -> None:
        parts = split_key(presented)
        if parts is not None:
            assert presented.startswith(KEY_PREFIX)
            assert compose_key(*parts) == presented

    def test_prefix_and_revoke(self) -> None:
        key = ApiKey(id=KEY_ID, user_id="u1", name="n", secret_hash="h", hint="wxyz", created_at=T0)
        assert key.prefix == "kook_01234567…wxyz"
        assert key.is_active
        key.revoke(T0 + minutes(1))
        key.revoke(T0 + minutes(2))
        assert not key.is_active
        assert key.revoked_at == T0 + minutes(1)

    @pytest.mark.parametrize(
        ("raw", "clean"), [("  حسابداری   اصلی ", "حسابداری اصلی"), ("x" * MAX_KEY_NAME, "x" * 80)]
    )
    def test_key_names_are_folded(self, raw: str, clean: str) -> None:
        assert check_key_name(raw) == clean

    @pytest.mark.parametrize("raw", ["", "   ", "x" * (MAX_KEY_NAME + 1)])
    def test_bad_key_names_are_refused(self, raw: str) -> None:
        with pytest.raises(ValidationFailed) as raised:
            check_key_name(raw)
        assert raised.value.fields == {"name": "invalid"}
