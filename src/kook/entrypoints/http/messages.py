"""The one catalogue of Persian texts for error codes (API.md's stable codes)."""

from __future__ import annotations

ERRORS: dict[str, tuple[int, str]] = {
    # any
    "validation_error": (422, "برخی از اطلاعات واردشده درست نیست."),
    "not_found": (404, "موردی که خواستید پیدا نشد."),
    "forbidden": (403, "اجازهٔ این کار را ندارید."),
    "unauthenticated": (401, "لطفاً ابتدا وارد شوید."),
    "csrf_failed": (403, "نشست فرم منقضی شده است. صفحه را دوباره باز کنید و دوباره تلاش کنید."),
    "rate_limited": (429, "درخواست‌های شما بیش از حد مجاز بود. کمی بعد دوباره تلاش کنید."),
    "conflict": (409, "این کار با وضعیت فعلی سازگار نیست."),
    "payload_too_large": (413, "حجم دادهٔ ارسالی بیش از حد مجاز است."),
    "method_not_allowed": (405, "این روش درخواست پشتیبانی نمی‌شود."),
    "internal_error": (500, "خطایی پیش آمد. لطفاً دوباره تلاش کنید؛ اگر ادامه داشت با پشتیبانی کوک تماس بگیرید."),
    # identity
    "mobile_invalid": (422, "شمارهٔ موبایل معتبر نیست. یک شمارهٔ موبایل ایرانی مانند ۰۹۱۲۱۲۳۴۵۶۷ وارد کنید."),
    "password_too_weak": (422, "کلمه عبور باید دست‌کم ۸ نویسه باشد."),
    "credentials_invalid": (401, "شمارهٔ موبایل یا کلمه عبور درست نیست."),
    "otp_invalid": (400, "کد واردشده درست نیست."),
    "otp_expired": (400, "کد منقضی شده است. کد جدید بخواهید."),
    "otp_locked": (400, "تعداد تلاش‌های نادرست زیاد بود. کد جدید بخواهید."),
    "account_locked": (
        423,
        "به دلیل تلاش‌های نادرست، ورود با کلمه عبور موقتاً بسته شده است. می‌توانید با کد یکبار مصرف وارد شوید.",
    ),
}

FIELD_ERRORS: dict[str, str] = {
    "invalid": "مقدار این فیلد معتبر نیست.",
    "required": "این فیلد لازم است.",
    "too_long": "این مقدار بیش از حد طولانی است.",
    "wrong_type": "نوع این مقدار درست نیست.",
    "mobile_invalid": ERRORS["mobile_invalid"][1],
    "password_too_weak": ERRORS["password_too_weak"][1],
}


def error_status(code: str) -> int:
    return ERRORS.get(code, (400, ""))[0]


def error_text(code: str) -> str:
    return ERRORS.get(code, (400, "درخواست قابل انجام نیست."))[1]


def field_text(code: str) -> str:
    return FIELD_ERRORS.get(code, ERRORS.get(code, (0, FIELD_ERRORS["invalid"]))[1])


FLASH: dict[str, tuple[str, str]] = {
    "welcome": ("success", "به پرتال سازمانی کوک خوش آمدید."),
    "logged_in": ("success", "با موفقیت وارد شدید."),
    "logged_out": ("info", "از حساب خود خارج شدید."),
    "password_changed": ("success", "کلمه عبور با موفقیت تغییر کرد."),
    "api_key_revoked": ("info", "کلید API باطل شد."),
    "code_sent": ("info", "اگر این شماره امکان دریافت کد داشته باشد، کد پیامک شد."),
    "session_expired": ("warning", "نشست شما به پایان رسید. لطفاً دوباره وارد شوید."),
}
