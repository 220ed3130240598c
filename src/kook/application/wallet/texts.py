"""Persian texts the wallet sends to customers (one catalogue)."""

from __future__ import annotations


def _fa(number: int) -> str:
    digits = f"{number:,}".replace(",", "٬")
    return digits.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def deposit_approved(amount: int) -> tuple[str, str, str]:
    title = "فیش واریزی تأیید شد"
    body = f"فیش واریزی شما به مبلغ {_fa(amount)} ریال تأیید و به کیف پول شما افزوده شد."
    sms = f"کوک\nفیش واریزی {_fa(amount)} ریالی شما تأیید و کیف پول شارژ شد."
    return title, body, sms


def deposit_rejected(amount: int, reason: str) -> tuple[str, str, str]:
    title = "فیش واریزی رد شد"
    body = f"فیش واریزی شما به مبلغ {_fa(amount)} ریال رد شد. دلیل: {reason}"
    sms = f"کوک\nفیش واریزی {_fa(amount)} ریالی شما رد شد. دلیل را در پرتال ببینید."
    return title, body, sms


def payment_credited(amount: int) -> tuple[str, str]:
    return "افزایش اعتبار", f"پرداخت آنلاین {_fa(amount)} ریالی شما تأیید و به کیف پول افزوده شد."
