"""One-time codes sent by SMS (SPEC §2).

Six digits, valid two minutes, single use, at most five wrong tries. Only a
keyed hash of the code is kept; comparing is the hasher's job (constant time),
this module holds the rules around it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from kook.domain.shared.errors import DomainError

CODE_LENGTH = 6


class CodePurpose(enum.StrEnum):
    SIGNUP = "signup"
    LOGIN = "login"
    APPROVAL = "approval"  # a member approving another member's request (issue 18)


class OtpInvalid(DomainError):
    code = "otp_invalid"


class OtpExpired(DomainError):
    code = "otp_expired"


class OtpLocked(DomainError):
    code = "otp_locked"


@dataclass(frozen=True)
class OtpPolicy:
    ttl: timedelta = timedelta(minutes=2)
    max_attempts: int = 5
    per_mobile_per_minute: int = 1
    per_mobile_per_hour: int = 5
    per_address_per_hour: int = 20
    per_mobile_per_day: int = 10  # code requests for one number in 24 hours
    # tries at a number's codes in 24 hours, whoever makes them: past it the number is locked (otp_locked)
    tries_per_mobile_per_day: int = 20
    verify_per_address_per_hour: int = 60  # tries at any number's code from one client address
    global_per_hour: int = 2000  # code requests for the whole portal (every number, every address)


class VerifyOutcome(enum.StrEnum):
    OK = "ok"
    WRONG = "wrong"
    EXPIRED = "expired"
    LOCKED = "locked"
    USED = "used"


@dataclass(eq=False)
class OneTimeCode:
    id: str
    mobile: str
    purpose: CodePurpose
    code_hash: str
    created_at: datetime
    expires_at: datetime
    attempts: int = 0
    consumed_at: datetime | None = None

    @classmethod
    def issue(
        cls, *, id: str, mobile: str, purpose: CodePurpose, code_hash: str, now: datetime, policy: OtpPolicy
    ) -> OneTimeCode:
        return cls(
            id=id,
            mobile=mobile,
            purpose=purpose,
            code_hash=code_hash,
            created_at=now,
            expires_at=now + policy.ttl,
        )

    def attempt(self, matches: bool, now: datetime, policy: OtpPolicy) -> VerifyOutcome:
        """Record one try. The caller commits the new state whatever the outcome."""
        if self.consumed_at is not None:
            return VerifyOutcome.USED
        if self.attempts >= policy.max_attempts:
            return VerifyOutcome.LOCKED
        if now >= self.expires_at:
            return VerifyOutcome.EXPIRED
        if not matches:
            self.attempts += 1
            return VerifyOutcome.LOCKED if self.attempts >= policy.max_attempts else VerifyOutcome.WRONG
        self.consumed_at = now
        return VerifyOutcome.OK

    def withdraw(self, now: datetime) -> None:
        """A newer code replaces this one."""
        if self.consumed_at is None:
            self.consumed_at = now


def raise_for(outcome: VerifyOutcome) -> None:
    """Turn a failed outcome into the error the user sees."""
    if outcome == VerifyOutcome.OK:
        return
    if outcome == VerifyOutcome.EXPIRED:
        raise OtpExpired()
    if outcome == VerifyOutcome.LOCKED:
        raise OtpLocked()
    raise OtpInvalid()


def is_code_shaped(code: str) -> bool:
    return len(code) == CODE_LENGTH and code.isascii() and code.isdigit()
