"""Jinja filters for the Persian web portal: digits, money, Jalali dates, badges.

Everything shown to a person uses Persian digits (۰–۹), the Arabic thousands
separator (٬ U+066C) and decimal separator (٫ U+066B), Jalali dates in Tehran
time, and Persian words for statuses.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import jdatetime
import jinja2
from markupsafe import Markup, escape

from kook.adapters.html.sanitizer import Nh3Sanitizer
from kook.domain.wallet.bank_accounts import bank_name_fa

__all__ = [
    "STATUS_BADGES",
    "TEHRAN",
    "bank_name",
    "fa_digits",
    "fa_number",
    "jalali_date",
    "jalali_datetime",
    "register_filters",
    "rials",
    "short_id",
    "status_badge",
    "status_label",
    "toman",
]

TEHRAN = ZoneInfo("Asia/Tehran")

THOUSANDS_SEPARATOR = "\u066c"  # ٬
DECIMAL_SEPARATOR = "\u066b"  # ٫
EMPTY = "—"

_TO_PERSIAN_DIGITS = str.maketrans(
    "0123456789\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669",
    "۰۱۲۳۴۵۶۷۸۹۰۱۲۳۴۵۶۷۸۹",
)

# status -> (Persian word, Bootstrap contextual colour)
STATUS_BADGES: dict[str, tuple[str, str]] = {
    "draft": ("پیش‌نویس", "secondary"),
    "submitted": ("در انتظار بررسی", "info"),
    "approved": ("تأیید شده", "success"),
    "rejected": ("رد شده", "danger"),
    "confirmed": ("تأیید شده", "success"),
    "scheduled": ("زمان‌بندی شده", "info"),
    "paused": ("متوقف شده", "secondary"),
    "not_funded": ("انجام نشد (کمبود موجودی)", "danger"),
    "skipped": ("رد شده", "secondary"),
    "running": ("در حال انجام", "primary"),
    "completed": ("انجام شده", "success"),
    "completed_with_failures": ("انجام شده با خطا", "warning"),
    "sending": ("در حال ارسال", "primary"),
    "succeeded": ("موفق", "success"),
    "failed": ("ناموفق", "danger"),
    "unknown": ("نامشخص", "warning"),
    "cancelled": ("لغو شده", "secondary"),
    "pending": ("در انتظار", "warning"),
    "active": ("فعال", "success"),
    "revoked": ("باطل شده", "secondary"),
    "finished": ("پایان یافته", "dark"),
    "verified": ("موفق", "success"),
    "expired": ("منقضی شده", "secondary"),
    "reversed": ("برگشت داده شده", "secondary"),
    "delivered": ("تحویل شده", "success"),
}


def fa_digits(value: object) -> str:
    """Return ``value`` as text with Latin (and Arabic-Indic) digits in Persian; None → ''."""
    if value is None:
        return ""
    return str(value).translate(_TO_PERSIAN_DIGITS)


def _group(digits: str) -> str:
    """Insert the ٬ separator every three digits of a run of Latin digits."""
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return THOUSANDS_SEPARATOR.join(parts)


def fa_number(value: int | None) -> str:
    """Integer with Persian digits and ٬ separators: 1250000 → ۱٬۲۵۰٬۰۰۰; None → '—'."""
    if value is None:
        return EMPTY
    number = int(value)
    sign = "-" if number < 0 else ""
    return fa_digits(sign + _group(str(abs(number))))


def rials(value: int | None) -> str:
    """Amount in rials: 1250000 → '۱٬۲۵۰٬۰۰۰ ریال'; None → '—'."""
    if value is None:
        return EMPTY
    return f"{fa_number(value)} ریال"


def toman(value: int | None) -> str:
    """A rial amount shown in tomans (÷10): 1250005 → '۱۲۵٬۰۰۰٫۵ تومان'; None → '—'."""
    if value is None:
        return EMPTY
    number = int(value)
    whole, tenth = divmod(abs(number), 10)
    text = _group(str(whole))
    if tenth:
        text += f"{DECIMAL_SEPARATOR}{tenth}"
    sign = "-" if number < 0 else ""
    return f"{fa_digits(sign + text)} تومان"


def _to_tehran(dt: datetime) -> datetime:
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(TEHRAN)


def jalali_datetime(dt: datetime | None) -> str:
    """Tehran-time Jalali date and time: '۱۴۰۵/۰۳/۰۱ ۱۰:۲۰'. Naive means UTC; None → '—'."""
    if dt is None:
        return EMPTY
    local = _to_tehran(dt)
    jdt = jdatetime.datetime.fromgregorian(datetime=local)
    return fa_digits(f"{jdt.year:04d}/{jdt.month:02d}/{jdt.day:02d} {jdt.hour:02d}:{jdt.minute:02d}")


def jalali_date(value: date | datetime | None) -> str:
    """Jalali date '۱۴۰۵/۰۳/۰۱'; a datetime is first put in Tehran time. None → '—'."""
    if value is None:
        return EMPTY
    day = _to_tehran(value).date() if isinstance(value, datetime) else value
    jd = jdatetime.date.fromgregorian(date=day)
    return fa_digits(f"{jd.year:04d}/{jd.month:02d}/{jd.day:02d}")


def _status_key(status: object) -> str:
    if isinstance(status, enum.Enum):
        status = status.value
    return "" if status is None else str(status)


def status_label(status: object) -> str:
    """The Persian word for a status; unknown statuses are returned unchanged."""
    key = _status_key(status)
    known = STATUS_BADGES.get(key)
    return known[0] if known else key


def status_badge(status: object) -> Markup:
    """A Bootstrap badge with the status's Persian word (unknown ones shown as-is, escaped)."""
    key = _status_key(status)
    label, colour = STATUS_BADGES.get(key, (key, "secondary"))
    return Markup('<span class="badge rounded-pill text-bg-{}" data-status="{}">{}</span>').format(colour, key, label)


def bank_name(key: object) -> str:
    """The Persian name of the bank of a Kook account key: "mellat" → «ملت»."""
    return bank_name_fa(str(key)) if key else EMPTY


def short_id(value: object, length: int = 8) -> Markup:
    """A technical id as people can read and quote it: left to right, Latin
    digits, its first characters, the whole id in the title (a tooltip)."""
    if value is None or value == "":
        return escape(EMPTY)
    text = str(value)
    shown = text if len(text) <= length + 1 else f"{text[:length]}…"
    return Markup('<bdi class="kook-id" dir="ltr" title="{}">{}</bdi>').format(text, shown)


_SANITIZER = Nh3Sanitizer()


def rich_text(value: object) -> Markup:
    """A staff announcement's body: sanitised when stored and again here, then shown as HTML."""
    return Markup(_SANITIZER.clean(str(value or "")))  # noqa: S704 - nh3 leaves only the allow-list


def register_filters(env: jinja2.Environment) -> None:
    """Add Kook's filters to a Jinja environment."""
    env.filters.update(
        {
            "fa_digits": fa_digits,
            "fa_number": fa_number,
            "rials": rials,
            "toman": toman,
            "jalali_datetime": jalali_datetime,
            "jalali_date": jalali_date,
            "status_badge": status_badge,
            "status_label": status_label,
            "bank_name": bank_name,
            "short_id": short_id,
            "rich_text": rich_text,
        }
    )
