"""Tunable identity rules, filled from configuration at the edge."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from kook.domain.identity.one_time_code import OtpPolicy
from kook.domain.identity.user import LoginThrottlePolicy


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta = timedelta(minutes=30)
    absolute: timedelta = timedelta(hours=12)
    touch_every: timedelta = timedelta(seconds=60)


@dataclass(frozen=True)
class IdentityPolicy:
    otp: OtpPolicy = field(default_factory=OtpPolicy)
    login: LoginThrottlePolicy = field(default_factory=LoginThrottlePolicy)
    session: SessionPolicy = field(default_factory=SessionPolicy)
    # password attempts per client address, whatever the account (spraying)
    login_per_address: int = 30
    login_per_address_window_seconds: int = 900
