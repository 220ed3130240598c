"""A customer user: the person who signs up with a mobile number.

Password login slows down after repeated failures (SPEC §2): ``max_failures``
wrong passwords inside ``window`` lock password login for ``lock_for``; the
one-time code still works.

A contested sign-up: while a number's account is pending, a second sign-up
with another password means two people may be signing this number up (one of
them perhaps an attacker, who cannot receive the code but would choose the
password — and the owner, waiting for a code, types whichever arrives). The
account is then activated by the code with no usable password, and whoever
holds the phone chooses one. Whether the earlier code is still live does not
matter: an owner whose code expired asks for another, and that code would
activate the newer sign-up's password.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from kook.domain.shared.errors import DomainError
from kook.domain.shared.text import clean_text

# Not an argon2 hash (nor any hash a hasher makes): no password ever verifies against it.
UNUSABLE_PASSWORD_HASH = "!unusable"  # noqa: S105 - a marker, not a password


class UserStatus(enum.StrEnum):
    PENDING = "pending"  # signed up, mobile not yet verified
    ACTIVE = "active"
    DISABLED = "disabled"


class AccountLocked(DomainError):
    code = "account_locked"

    def __init__(self, retry_after: int) -> None:
        super().__init__(details={"retry_after": retry_after})
        self.retry_after = retry_after


@dataclass(frozen=True)
class LoginThrottlePolicy:
    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    lock_for: timedelta = timedelta(minutes=15)


class PasswordThrottled:
    """Slows password login after repeated failures; shared by users and staff.

    A sliding window: the times of the last few failures are kept, and the
    account locks when ``max_failures`` of them fall within ``window``.
    """

    recent_failures: list[datetime]
    locked_until: datetime | None

    def ensure_password_login_allowed(self, now: datetime) -> None:
        if self.locked_until is not None and now < self.locked_until:
            raise AccountLocked(retry_after=_seconds_until(now, self.locked_until))

    def record_failed_login(self, now: datetime, policy: LoginThrottlePolicy) -> None:
        recent = [t for t in self.recent_failures if now - t <= policy.window]
        recent.append(now)
        if len(recent) >= policy.max_failures:
            self.locked_until = now + policy.lock_for
            recent = []
        # a new list, so the change is seen by whoever persists the account
        self.recent_failures = recent[-policy.max_failures :]

    def record_successful_login(self) -> None:
        self.recent_failures = []
        self.locked_until = None


@dataclass(eq=False)
class User(PasswordThrottled):
    id: str
    mobile: str
    first_name: str
    last_name: str
    password_hash: str
    status: UserStatus
    created_at: datetime
    activated_at: datetime | None = None
    recent_failures: list[datetime] = field(default_factory=list)
    locked_until: datetime | None = None
    password_changed_at: datetime | None = field(default=None)
    signup_contested: bool = False

    @property
    def is_active(self) -> bool:
        return self.status == UserStatus.ACTIVE

    @property
    def password_required(self) -> bool:
        """No usable password (a contested sign-up): the person must choose one."""
        return self.password_hash == UNUSABLE_PASSWORD_HASH

    def refresh_pending(self, first_name: str, last_name: str, password_hash: str, *, same_password: bool) -> None:
        """A repeated sign-up before verification replaces the details.

        Another password contests the sign-up; that stays until activation,
        whatever later sign-ups bring. The same password again (a double
        submit, a corrected name) does not.
        """
        if self.status != UserStatus.PENDING:
            raise DomainError("conflict")
        if not same_password:
            self.signup_contested = True
        self.first_name = first_name
        self.last_name = last_name
        self.password_hash = password_hash

    def activate(self, now: datetime) -> None:
        """The code proves the phone; a contested sign-up's password proves nothing,
        so the account starts without one (``password_required``)."""
        if self.status == UserStatus.PENDING:
            self.status = UserStatus.ACTIVE
            self.activated_at = now
            if self.signup_contested:
                self.password_hash = UNUSABLE_PASSWORD_HASH

    def change_password(self, password_hash: str, now: datetime) -> None:
        self.password_hash = password_hash
        self.password_changed_at = now
        self.record_successful_login()


def _seconds_until(now: datetime, then: datetime) -> int:
    return max(1, int((then - now).total_seconds() + 0.999))


class CredentialsInvalid(DomainError):
    code = "credentials_invalid"


class CurrentPasswordInvalid(CredentialsInvalid):
    """A signed-in person's current password, asked before a change, is wrong
    (their mobile is not in question, unlike ``credentials_invalid`` at log-in)."""

    code = "current_password_invalid"


MAX_NAME_LENGTH = 50


def clean_name(value: str, field: str = "name") -> str | None:
    """Free text (``clean_text``: control characters refused with ``field`` named, invisible
    marks removed, spaces folded); None when empty or too long."""
    cleaned = clean_text(value, field)
    if not cleaned or len(cleaned) > MAX_NAME_LENGTH:
        return None
    return cleaned
