"""Persian texts bulk requests send to customers (one catalogue)."""

from __future__ import annotations

from datetime import datetime

import jdatetime

from kook.domain.shared.jalali import TEHRAN

_FA = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def _fa(number: int) -> str:
    digits = f"{number:,}".replace(",", "٬")
    return digits.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def _when(moment: datetime) -> str:
    """A moment as people in Iran read it: the Jalali date and the time in Tehran, in Persian digits."""
    local = jdatetime.datetime.fromgregorian(datetime=moment.astimezone(TEHRAN))
    return str(local.strftime("%Y/%m/%d ساعت %H:%M")).translate(_FA)


def run_not_funded(
    name: str, number: int, run_at: datetime, total: int, available: int, next_at: datetime | None
) -> tuple[str, str, str]:
    """(title, body, sms) when a run of a repeating request could not start for want of money: which run,
    how much was missing and when the next one is."""
    missing = max(0, total - available)
    title = "اجرای درخواست تکراری انجام نشد"
    upcoming = (
        f"اجرای بعدی در {_when(next_at)} است؛ تا پیش از آن کیف پول را شارژ کنید."
        if next_at is not None
        else "این آخرین اجرای این درخواست بود."
    )
    body = (
        f"اجرای {_fa(number)} درخواست «{name}» ({_when(run_at)}) به دلیل کافی نبودن موجودی کیف پول آغاز نشد: "
        f"مبلغ لازم {_fa(total)} ریال، موجودی قابل استفاده {_fa(available)} ریال و کسری {_fa(missing)} ریال بود. "
        f"{upcoming}"
    )
    sms_next = f" اجرای بعدی: {_when(next_at)}." if next_at is not None else ""
    sms = (
        f"کوک\nاجرای {_fa(number)} درخواست «{name}» ({_when(run_at)}) به دلیل کمبود موجودی انجام نشد؛ "
        f"کسری {_fa(missing)} ریال.{sms_next}"
    )
    return title, body, sms


def run_reminder(name: str, number: int, run_at: datetime, total: int, available: int) -> tuple[str, str, str]:
    """(title, body, sms) a while before a run whose wallet is short."""
    missing = max(0, total - available)
    title = "موجودی برای اجرای بعدی درخواست تکراری کافی نیست"
    body = (
        f"اجرای {_fa(number)} درخواست «{name}» در {_when(run_at)} است و {_fa(total)} ریال لازم دارد، "
        f"اما موجودی قابل استفادهٔ کیف پول {_fa(available)} ریال است (کسری {_fa(missing)} ریال). "
        "اگر تا آن زمان کیف پول شارژ نشود، این اجرا انجام نمی‌شود."
    )
    sms = (
        f"کوک\nاجرای {_fa(number)} درخواست «{name}» در {_when(run_at)}: کسری موجودی {_fa(missing)} ریال. "
        "لطفاً کیف پول را شارژ کنید."
    )
    return title, body, sms
