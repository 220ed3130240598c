"""Persian texts the calendar and messaging send to customers (one catalogue)."""

from __future__ import annotations

from datetime import datetime

from kook.domain.shared.jalali import TEHRAN, from_gregorian

_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def _fa(text: str) -> str:
    return text.translate(_DIGITS)


def _when(moment: datetime) -> str:
    local = moment.astimezone(TEHRAN)
    jy, jm, jd = from_gregorian(local.date())
    return _fa(f"{jy:04d}/{jm:02d}/{jd:02d} ساعت {local.hour:02d}:{local.minute:02d}")


def event_reminder(title: str, at: datetime) -> tuple[str, str, str]:
    """(message title, message body, sms) of an event's reminder."""
    when = _when(at)
    return (
        f"یادآوری رویداد: {title}",
        f"رویداد «{title}» در تاریخ {when} است.",
        f"کوک\nیادآوری: «{title}»\n{when}",
    )


FEED_NAME = "تقویم کوک"


RUN_TITLE = "اجرای درخواست «{name}»"
