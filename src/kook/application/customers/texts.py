"""The Persian texts of the customers context's SMS and portal messages (one catalogue)."""

from __future__ import annotations

SMS_REASON_LIMIT = 120


def approved_sms() -> str:
    return "کوک\nاطلاعات مشتری شما تأیید شد. اکنون می‌توانید از منوی «سرویس ها» سرویس شارژ سازمانی را فعال کنید."


def approved_message() -> tuple[str, str]:
    return (
        "اطلاعات مشتری شما تأیید شد",
        "کارشناسان کوک اطلاعات مشتری شما را بررسی و تأیید کردند. اکنون منوی «سرویس ها» برای شما فعال است؛ "
        "با پذیرش قوانین و شرایط «سرویس شارژ سازمانی» و تأیید آن در ستون عملیات، "
        "پرتال شارژ سازمانی شما فعال می‌شود.",
    )


def rejected_sms(reason: str) -> str:
    short = reason if len(reason) <= SMS_REASON_LIMIT else reason[: SMS_REASON_LIMIT - 1].rstrip() + "…"
    return (
        f"کوک\nاطلاعات مشتری شما تأیید نشد.\nدلیل: {short}\n"
        "لطفاً از منوی «اطلاعات مشتری» آن را اصلاح و دوباره ارسال کنید."
    )


def rejected_message(reason: str) -> tuple[str, str]:
    return (
        "اطلاعات مشتری شما تأیید نشد",
        f"کارشناسان کوک اطلاعات مشتری شما را تأیید نکردند.\nدلیل: {reason}\n"
        "لطفاً از منوی «اطلاعات مشتری» اطلاعات را اصلاح کنید و دوباره برای بررسی ارسال کنید.",
    )
