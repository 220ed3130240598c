"""The Persian texts of the identity SMS messages (one catalogue)."""

from __future__ import annotations

from kook.domain.identity.one_time_code import CodePurpose


def code_text(code: str, purpose: CodePurpose) -> str:
    what = "ثبت نام" if purpose == CodePurpose.SIGNUP else "ورود"
    return f"کوک\nکد {what} شما: {code}\nاین کد تا ۲ دقیقه معتبر است. آن را به کسی ندهید."


def already_registered_text() -> str:
    return "کوک\nبا این شماره پیش‌تر ثبت نام شده است. برای ورود از کلمه عبور یا کد یکبار مصرف استفاده کنید."
