"""Persian texts bulk requests send to customers (one catalogue)."""

from __future__ import annotations


def _fa(number: int) -> str:
    digits = f"{number:,}".replace(",", "٬")
    return digits.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def run_not_funded(name: str, number: int, total: int, available: int) -> tuple[str, str, str]:
    """(title, body, sms) when a run of a repeating request could not start for want of money."""
    title = "اجرای درخواست تکراری انجام نشد"
    body = (
        f"اجرای {_fa(number)} درخواست «{name}» به دلیل کافی نبودن موجودی کیف پول آغاز نشد: "
        f"مبلغ لازم {_fa(total)} ریال و موجودی قابل استفاده {_fa(available)} ریال بود. "
        "اجرای بعدی در زمان خود انجام می‌شود؛ برای آن کیف پول را شارژ کنید."
    )
    sms = f"کوک\nاجرای {_fa(number)} درخواست «{name}» به دلیل کمبود موجودی انجام نشد. لطفاً کیف پول را شارژ کنید."
    return title, body, sms
