"""Texts of the messaging context's own notices."""

from __future__ import annotations

_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def _fa(text: str) -> str:
    return text.translate(_DIGITS)


def low_balance(threshold: int, available: int) -> tuple[str, str, str]:
    """(message title, message body, sms) when the wallet fell below the customer's threshold."""
    limit, left = _fa(f"{threshold:,}".replace(",", "٬")), _fa(f"{available:,}".replace(",", "٬"))
    return (
        "موجودی کیف پول کم است",
        f"موجودی قابل استفادهٔ کیف پول ({left} ریال) کمتر از حد هشداری است که تعیین کرده‌اید ({limit} ریال). "
        "برای اجرای بدون وقفهٔ درخواست‌ها، کیف پول را شارژ کنید.",
        f"کوک\nموجودی کیف پول شما ({left} ریال) کمتر از {limit} ریال شد.",
    )
