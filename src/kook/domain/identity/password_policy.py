"""What a password must be (SPEC §2): at least 8 characters, at most 128."""

from __future__ import annotations

from kook.domain.shared.errors import DomainError

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128


class PasswordTooWeak(DomainError):
    code = "password_too_weak"


def check_password(password: str) -> None:
    """Raise ``PasswordTooWeak`` unless the password is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordTooWeak(details={"min_length": MIN_PASSWORD_LENGTH})
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordTooWeak(details={"max_length": MAX_PASSWORD_LENGTH})
    if password.strip() == "":
        raise PasswordTooWeak(details={"min_length": MIN_PASSWORD_LENGTH})
