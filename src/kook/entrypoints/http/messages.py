"""The one catalogue of Persian texts for error codes (API.md's stable codes).

Over 400 lines on purpose: it is data, not logic — one table per kind of text (error codes, field codes,
flash messages, ledger memos, audit actions, approval refusals) with three lookup functions. Kept in one file
so a translator or reviewer reads every Persian text of the portal and the API in one place, and a code is
worded once; splitting it by context would scatter the wording without making any function easier to read."""

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
    "api_key_route_refused": (403, "این مسیر با کلید API در دسترس نیست؛ از درگاه وب وارد شوید."),
    "api_key_scope_missing": (403, "کلید API دسترسی لازم برای این کار را ندارد. کلیدی با دسترسی مناسب بسازید."),
    "webhook_destination_refused": (
        422,
        "نشانی وب‌هوک باید به یک نشانی عمومی اینترنت برسد؛ نشانی‌های داخلی، محلی و نشانی‌های سرویس ابری پذیرفته نمی‌شوند.",
    ),
    "method_not_allowed": (405, "این روش درخواست پشتیبانی نمی‌شود."),
    "internal_error": (500, "خطایی پیش آمد. لطفاً دوباره تلاش کنید؛ اگر ادامه داشت با پشتیبانی کوک تماس بگیرید."),
    # identity
    "mobile_invalid": (422, "شمارهٔ موبایل معتبر نیست. یک شمارهٔ موبایل ایرانی مانند ۰۹۱۲۱۲۳۴۵۶۷ وارد کنید."),
    "password_too_weak": (422, "کلمه عبور باید دست‌کم ۸ نویسه باشد."),
    "credentials_invalid": (401, "شمارهٔ موبایل یا کلمه عبور درست نیست."),
    "current_password_invalid": (401, "کلمه عبور فعلی درست نیست."),
    "otp_invalid": (400, "کد واردشده درست نیست."),
    "otp_expired": (400, "کد منقضی شده است. کد جدید بخواهید."),
    "otp_locked": (400, "تعداد تلاش‌های نادرست زیاد بود. کد جدید بخواهید."),
    "account_locked": (
        423,
        "به دلیل تلاش‌های نادرست، ورود با کلمه عبور موقتاً بسته شده است. می‌توانید با کد یکبار مصرف وارد شوید.",
    ),
}

# wallet
ERRORS.update(
    {
        "amount_out_of_range": (422, "مبلغ خارج از محدودهٔ مجاز است."),
        "amount_not_whole": (422, "مبلغ باید عددی صحیح به ریال باشد."),
        "insufficient_funds": (409, "موجودی کیف پول کافی نیست."),
        "payment_not_found": (404, "پرداخت پیدا نشد."),
        "payment_already_settled": (409, "وضعیت این پرداخت پیش‌تر مشخص شده است."),
        "gateway_unavailable": (503, "درگاه بانکی در دسترس نیست. چند دقیقهٔ دیگر دوباره تلاش کنید."),
        "slip_type_invalid": (422, "فایل فیش باید تصویر JPEG یا PNG یا فایل PDF باشد."),
        "slip_too_large": (
            413,
            "فایل فیش بیش از اندازه بزرگ است: حداکثر ۵ مگابایت و ۴۰ مگاپیکسل. تصویر کوچک‌تری بفرستید.",
        ),
        "bank_account_unknown": (422, "حساب مقصد از حساب‌های کوک نیست."),
        "deposit_duplicate": (409, "فیشی با این شماره پیگیری برای این حساب پیش‌تر ثبت شده است."),
        "ledger_error": (500, "خطای دفتر حساب‌ها؛ هیچ مبلغی جابه‌جا نشد."),
        "date_in_future": (422, "تاریخ واریز نمی‌تواند در آینده باشد."),
        "date_too_old": (422, "تاریخ واریز بیش از یک سال پیش است."),
    }
)

# teams and approvals (issue 18)
ERRORS.update(
    {
        "role_forbidden": (403, "نقش شما در این حساب اجازهٔ این کار را نمی‌دهد. از مالک یا مدیر حساب بخواهید."),
        "approval_required": (
            403,
            "این درخواست باید پیش از ثبت نهایی به تأیید عضو دیگری از حساب برسد. آن را برای تأیید بفرستید.",
        ),
        "approval_own_request": (403, "درخواستی را که خودتان ساخته‌اید نمی‌توانید تأیید کنید."),
        "approval_stale": (
            409,
            "مبلغ درخواست پس از ارسال برای تأیید تغییر کرده است؛ سازندهٔ آن باید دوباره آن را برای تأیید بفرستد.",
        ),
        "invitation_invalid": (404, "دعوتی برای شمارهٔ شما پیدا نشد؛ ممکن است پس گرفته یا پیش‌تر پذیرفته شده باشد."),
        "invitation_expired": (410, "مهلت این دعوت گذشته است. از مالک حساب بخواهید دوباره دعوتتان کند."),
        "already_member": (409, "این شماره پیش‌تر عضو یک حساب سازمانی است."),
        "last_owner": (409, "حساب باید دست‌کم یک مالک داشته باشد."),
        "owner_not_removable": (409, "مالک حساب را نمی‌توان حذف کرد؛ ابتدا نقش او را تغییر دهید."),
    }
)

# customers, services, messaging
ERRORS.update(
    {
        "national_code_invalid": (422, "کد ملی معتبر نیست. کد ملی ۱۰ رقمی را درست وارد کنید."),
        "legal_id_invalid": (422, "شناسه ملی معتبر نیست. شناسه ملی ۱۱ رقمی شرکت را درست وارد کنید."),
        "postal_code_invalid": (422, "کد پستی معتبر نیست. کد پستی ۱۰ رقمی را بدون خط تیره وارد کنید."),
        "phone_invalid": (422, "تلفن ثابت معتبر نیست. شماره را با کد شهر وارد کنید، مانند ۰۲۱۴۴۲۰۰۹۵۳."),
        "economic_code_invalid": (422, "کد اقتصادی معتبر نیست. کد اقتصادی ۱۲ رقمی یا شناسه ملی ۱۱ رقمی را وارد کنید."),
        "profile_not_approved": (403, "این بخش پس از تأیید اطلاعات مشتری توسط کارشناسان کوک فعال می‌شود."),
        "profile_locked": (409, "اطلاعات مشتری تأیید شده است و دیگر قابل ویرایش نیست."),
        "invalid_transition": (409, "این کار در وضعیت فعلی اطلاعات مشتری ممکن نیست."),
        "service_not_active": (403, "ابتدا «سرویس شارژ سازمانی» را از منوی سرویس ها فعال کنید."),
        "terms_version_outdated": (
            409,
            "قوانین و شرایط این سرویس به‌روز شده است. لطفاً نسخهٔ جدید را مطالعه و تأیید کنید.",
        ),
        "service_not_activatable": (409, "این سرویس از طریق پرتال فعال نمی‌شود. برای آن با کارشناسان کوک تماس بگیرید."),
    }
)

# catalogue and routing
ERRORS.update(
    {
        "operator_code_invalid": (422, "کد اپراتور معتبر نیست. کدهای مجاز: ۱ همراه اول، ۲ ایرانسل، ۳ رایتل، ۵ شاتل."),
        "last_prefix": (
            409,
            "این آخرین پیش‌شمارهٔ اپراتوری است که مسیر ارسال دارد؛ بدون آن هیچ شماره‌ای به این اپراتور نمی‌رسد. "
            "پیش از حذف آن یا تغییر اپراتورش، پیش‌شمارهٔ دیگری برای این اپراتور ثبت کنید.",
        ),
        "operator_unknown": (
            422,
            "اپراتور این شماره از روی پیش‌شماره مشخص نیست؛ کد اپراتور (۱، ۲، ۳ یا ۵) را هم وارد کنید.",
        ),
        "mobile_prefix_unassigned": (
            422,
            "پیش‌شمارهٔ این شماره به هیچ اپراتوری واگذار نشده است. شمارهٔ موبایل را بررسی کنید.",
        ),
        "package_not_found": (404, "بستهٔ اینترنتی با این کد پیدا نشد."),
        "package_inactive": (422, "این بستهٔ اینترنت دیگر فروخته نمی‌شود؛ بستهٔ دیگری انتخاب کنید."),
        "amount_missing": (422, "مبلغ وارد نشده است."),
        "route_unavailable": (503, "در حال حاضر ارسال به این اپراتور ممکن نیست. کمی بعد دوباره تلاش کنید."),
    }
)

# requests
ERRORS.update(
    {
        "request_not_draft": (409, "این درخواست دیگر پیش‌نویس نیست و قابل تغییر نیست."),
        "request_started": (409, "انجام این درخواست آغاز شده است و دیگر قابل لغو نیست."),
        "request_not_repeating": (
            409,
            "این درخواست تکراری نیست؛ توقف، ادامه، رد کردن یک اجرا و تغییر پایان فقط برای درخواست تکراری است.",
        ),
        "request_not_scheduled": (409, "این درخواست اجرای آینده‌ای ندارد (انجام شده، لغو شده یا هنوز تایید نشده است)."),
        "line_not_unknown": (
            409,
            "نتیجهٔ این ردیف نامعلوم نیست؛ فقط ردیف‌های با نتیجهٔ نامعلوم را می‌توان تعیین تکلیف کرد.",
        ),
        "already_resolved": (409, "این ردیف پیش‌تر با نتیجهٔ دیگری تعیین تکلیف شده است."),
        "invalid_lines": (409, "درخواست ردیف نامعتبر دارد؛ ابتدا ردیف‌های نامعتبر را اصلاح یا حذف کنید."),
        "file_not_spreadsheet": (422, "فایل یک فایل اکسل خوانا (xlsx یا xls) نیست."),
        "file_encrypted": (422, "فایل اکسل رمزدار است؛ رمز را بردارید و دوباره بارگذاری کنید."),
        "file_too_large": (413, "حجم فایل اکسل نباید بیش از ۲۰ مگابایت باشد."),
        "too_many_rows": (422, "فایل بیش از ۱۰۰٬۰۰۰ ردیف دارد؛ آن را به چند فایل تقسیم کنید."),
        "file_bomb": (422, "ساختار فایل اکسل غیرعادی است و پذیرفته نشد."),
        "sheet_empty": (
            422,
            "فایل اکسل هیچ ردیفی زیر سرستون‌ها ندارد و چیزی اضافه نشد. شماره‌ها را در ردیف‌های زیر سرستون بنویسید "
            "و دوباره بارگذاری کنید.",
        ),
        "operator_mismatch": (422, "این شماره از اپراتور بستهٔ انتخاب‌شده نیست؛ اگر ترابرد شده، کد اپراتور را بنویسید."),
        "mobile_missing": (422, "شمارهٔ موبایل وارد نشده است."),
        "duplicate_mobile": (200, "این شماره در این درخواست تکراری است (هشدار)."),
        "idempotency_key_reused": (
            422,
            "این کلید یکتایی (Idempotency-Key) پیش‌تر برای درخواست دیگری به کار رفته است؛ کلید تازه‌ای بفرستید.",
        ),
        "idempotency_key_in_use": (409, "درخواستی با همین کلید یکتایی هنوز در حال انجام است؛ کمی بعد تکرار کنید."),
    }
)

# schedule and repeat of requests
FIELD_ERRORS_SCHEDULE: dict[str, str] = {
    "moment_invalid": "زمان معتبر نیست. تاریخ و ساعت شمسی را مانند ۱۴۰۵/۰۹/۱۰ ۱۴:۳۰ وارد کنید.",
    "offset_required": "زمان باید منطقهٔ زمانی داشته باشد، مانند 2026-12-01T14:30:00+03:30.",
    "not_future": "این زمان گذشته است؛ زمانی در آینده انتخاب کنید.",
    "too_far": "این زمان بیش از حد دور است (زمان‌بندی تا یک سال و پایان تکرار تا سه سال آینده).",
    "time_invalid": "ساعت معتبر نیست. ساعت را مانند ۱۴:۳۰ وارد کنید.",
    "too_many_runs": "تعداد دفعات تکرار حداکثر ۱٬۰۰۰ است.",
    "repeat_end_required": "پایان تکرار را مشخص کنید: تاریخ پایان یا تعداد دفعات.",
    "before_first_run": "تاریخ پایان پیش از نخستین اجرای درخواست است.",
    "not_a_run": "در این زمان اجرایی از این درخواست نیست؛ یکی از اجراهای پیش رو را انتخاب کنید.",
    "too_many_skipped": "حداکثر ۱۰۰ اجرای پیش رو را می‌توان رد کرد.",
    "below_runs_started": (
        "تعداد دفعات باید بیشتر از اجراهای انجام‌شده تاکنون باشد؛ برای توقف، اجراهای بعدی را لغو کنید."
    ),
    "before_next_run": "پایان تازه پیش از اجرای بعدی است؛ برای توقف، اجراهای بعدی را لغو کنید.",
}

FIELD_ERRORS: dict[str, str] = {
    "invalid": "مقدار این فیلد معتبر نیست.",
    "required": "این فیلد لازم است.",
    "too_long": "این مقدار بیش از حد طولانی است.",
    "wrong_type": "نوع این مقدار درست نیست.",
    "text_invalid": "این متن نویسهٔ نامجاز (نویسهٔ کنترلی مانند NUL) دارد؛ آن را دوباره و بدون این نویسه‌ها بنویسید.",
    "mobile_invalid": ERRORS["mobile_invalid"][1],
    "password_too_weak": ERRORS["password_too_weak"][1],
    "https_required": "نشانی باید با https:// شروع شود.",
}

# catalogue and routing
FIELD_ERRORS.update(
    {
        "prefix_invalid": "پیش‌شماره باید با ۰۹ شروع شود و ۴ تا ۱۰ رقم باشد (مثلاً ۰۹۱۲ یا ۰۹۹۸۱).",
        "prefix_taken": "این پیش‌شماره پیش‌تر ثبت شده است.",
        "package_code_invalid": "کد بسته: ۲ تا ۳۲ نویسه از حروف بزرگ لاتین، رقم، خط تیره یا زیرخط.",
        "package_code_taken": "بسته‌ای با این کد پیش‌تر ثبت شده است.",
        "not_whole": "یک عدد صحیح وارد کنید.",
        "out_of_range": "این مقدار خارج از محدودهٔ مجاز است.",
        "route_code_missing": "کد اپراتور خود این مسیر در نگاشت کدها نیامده است.",
        "operator_code_invalid": "اپراتور را انتخاب کنید (۱ همراه اول، ۲ ایرانسل، ۳ رایتل، ۵ شاتل).",
    }
)


# customers, services, messaging
FIELD_ERRORS.update(
    {
        "too_short": "این مقدار بیش از حد کوتاه است.",
        "name_invalid": "نام باید با حروف نوشته شود و عدد نداشته باشد.",
        "email_invalid": "نشانی ایمیل معتبر نیست، مانند name@example.com.",
        "date_invalid": "تاریخ معتبر نیست. تاریخ شمسی را مانند ۱۳۷۰/۰۵/۱۲ وارد کنید.",
        "date_not_past": "تاریخ تولد باید پیش از امروز باشد.",
        "registration_number_invalid": "شماره ثبت باید فقط رقم باشد (حداکثر ۲۰ رقم).",
        "terms_not_accepted": "برای فعال‌سازی سرویس باید قوانین و شرایط را بپذیرید.",
        "national_code_invalid": ERRORS["national_code_invalid"][1],
        "legal_id_invalid": ERRORS["legal_id_invalid"][1],
        "postal_code_invalid": ERRORS["postal_code_invalid"][1],
        "phone_invalid": ERRORS["phone_invalid"][1],
        "economic_code_invalid": ERRORS["economic_code_invalid"][1],
    }
)


FIELD_ERRORS.update(FIELD_ERRORS_SCHEDULE)

# wallet: the deposit-slip form's fields (the API keeps the generic codes in ``details``)
FIELD_ERRORS.update(
    {
        "tracking_number_invalid": "شماره پیگیری معتبر نیست: ۴ تا ۳۰ رقم یا حرف لاتین، همان‌طور که روی فیش آمده است.",
        "deposit_date_invalid": "تاریخ واریز معتبر نیست. تاریخ شمسی را مانند ۱۴۰۵/۰۳/۰۱ وارد کنید.",
        "bank_account_required": "حساب مقصد را انتخاب کنید.",
        "slip_required": "تصویر یا فایل PDF فیش را انتخاب کنید.",
    }
)

# What a wallet statement line says, by the entry's kind; {request} is
# REQUEST_NAMED («درخواست «نام»») or REQUEST_UNNAMED. The reference (a tracking
# number, a request's short id) is shown after it, apart from the words.
ENTRY_DESCRIPTIONS: dict[str, str] = {
    "payment": "افزایش اعتبار با پرداخت آنلاین",
    "deposit": "افزایش اعتبار با فیش واریزی",
    "hold": "رزرو مبلغ {request}",
    "settle": "تسویهٔ {request} با اپراتور",
    "release": "برگشت رزرو {request} به موجودی",
    "reversal": "برگشت وجه",
}
ENTRY_OTHER = "گردش کیف پول"
REQUEST_NAMED = "درخواست «{name}»"
REQUEST_UNNAMED = "درخواست"
ENTRY_REFERENCE_LABELS: dict[str, str] = {
    "payment": "کد پیگیری",
    "deposit": "شماره پیگیری",
    "request": "شماره",
}

# «مبلغ باید بین ۱۰٬۰۰۰ ریال و ۵۰۰٬۰۰۰٬۰۰۰ ریال باشد.»; the bounds arrive formatted (Persian digits, ریال)
AMOUNT_RANGE = "مبلغ باید بین {min} و {max} باشد."

# reports
ERRORS["export_too_large"] = (
    422,
    "این گزارش برای دریافت یکجا بیش از حد بزرگ است (حداکثر ۵۰٬۰۰۰ ردیف). "
    "آن را به‌صورت پس‌زمینه بسازید تا آماده شود، یا بازهٔ تاریخ و فیلترها را محدودتر کنید.",
)
ERRORS["export_not_found"] = (404, "این خروجی پیدا نشد یا مهلت دریافت آن گذشته است.")
FIELD_ERRORS.update(
    {
        "before_start": "تاریخ پایان باید پس از تاریخ شروع باشد.",
        "range_too_long": "بازهٔ گزارش حداکثر سه سال است.",
    }
)


# calendar and messages (issue 15)
FIELD_ERRORS.update(
    {
        "reminder_channel_required": "برای یادآوری، پیام در پرتال یا پیامک (یا هر دو) را انتخاب کنید.",
        "unknown_field": "این فیلد شناخته‌شده نیست.",
        "date_too_far": "تاریخ رویداد باید حداکثر پنج سال پیش یا پس از امروز باشد.",
    }
)


def error_status(code: str) -> int:
    return ERRORS.get(code, (400, ""))[0]


def error_text(code: str) -> str:
    return ERRORS.get(code, (400, "درخواست قابل انجام نیست."))[1]


def field_text(code: str) -> str:
    return FIELD_ERRORS.get(code, ERRORS.get(code, (0, FIELD_ERRORS["invalid"]))[1])


FLASH: dict[str, tuple[str, str]] = {
    "welcome": ("success", "به پرتال سازمانی کوک خوش آمدید."),
    "choose_password": (
        "warning",
        "برای حساب خود کلمه عبور انتخاب کنید: هنگام ثبت‌نام، اطلاعات ثبت‌نام این شماره از جای دیگری هم فرستاده شد.",
    ),
    "logged_in": ("success", "با موفقیت وارد شدید."),
    "logged_out": ("info", "از حساب خود خارج شدید."),
    "logged_out_everywhere": ("info", "از حساب خود در همه دستگاه‌ها و مرورگرها خارج شدید."),
    "password_changed": ("success", "کلمه عبور با موفقیت تغییر کرد."),
    "api_key_revoked": ("info", "کلید API باطل شد."),
    "webhook_deleted": ("info", "نشانی وب‌هوک حذف شد؛ دیگر چیزی به آن فرستاده نمی‌شود."),
    "webhook_replayed": ("success", "ارسال دوباره در صف قرار گرفت (با همان شناسه)."),
    "code_sent": ("info", "اگر این شماره امکان دریافت کد داشته باشد، کد پیامک شد."),
    "session_expired": ("warning", "نشست شما به پایان رسید. لطفاً دوباره وارد شوید."),
    # customers, services, messaging
    "customer_saved": ("success", "اطلاعات مشتری ذخیره شد. برای بررسی، آن را «تأیید و ارسال» کنید."),
    "customer_submitted": ("success", "اطلاعات شما برای بررسی ارسال شد. نتیجه از طریق پیامک اطلاع داده می‌شود."),
    "customer_approved": ("success", "اطلاعات مشتری تأیید شد و به او پیامک و پیام ارسال شد."),
    "customer_rejected": ("info", "اطلاعات مشتری رد شد و دلیل آن برای او پیامک و پیام شد."),
    "service_activated": ("success", "سرویس شارژ سازمانی فعال شد. اکنون می‌توانید کیف پول خود را شارژ کنید."),
    "message_read": ("info", "پیام خوانده‌شده علامت خورد."),
    # wallet
    "deposit_submitted": ("success", "فیش واریزی ثبت شد و پس از بررسی واحد مالی، اعتبار کیف پول افزایش می‌یابد."),
    "deposit_approved": ("success", "فیش تأیید و کیف پول مشتری شارژ شد."),
    "deposit_rejected": ("info", "فیش رد شد و به مشتری اطلاع داده شد."),
    "profile_required": ("warning", "برای افزایش اعتبار، ابتدا اطلاعات مشتری را تکمیل کنید تا تأیید شود."),
    "service_required": ("warning", "برای افزایش اعتبار، ابتدا سرویس شارژ سازمانی را فعال کنید."),
}

# catalogue and routing
FLASH.update(
    {
        "package_created": ("success", "بستهٔ اینترنت اضافه شد."),
        "package_updated": ("success", "تغییرات بسته ذخیره شد."),
        "package_deactivated": ("info", "بسته غیرفعال شد و دیگر فروخته نمی‌شود."),
        "package_activated": ("success", "بسته دوباره فعال شد."),
        "prefix_added": ("success", "پیش‌شماره اضافه شد."),
        "prefix_updated": ("success", "پیش‌شماره ویرایش شد."),
        "prefix_deleted": ("info", "پیش‌شماره حذف شد."),
        "bounds_updated": ("success", "محدودهٔ مبلغ شارژ ذخیره شد."),
        "route_updated": ("success", "تنظیمات مسیر اپراتور ذخیره شد."),
    }
)

# bulk requests
FLASH.update(
    {
        "request_created": (
            "success",
            "درخواست ساخته شد. شماره‌ها را با «افزودن جزئیات» یا «آپلود فایل اکسل» اضافه کنید.",
        ),
        "request_renamed": ("success", "نام درخواست ذخیره شد."),
        "request_deleted": ("info", "درخواست حذف شد."),
        "line_added": ("success", "ردیف به درخواست اضافه شد."),
        "line_updated": ("success", "ردیف ذخیره و دوباره بررسی شد."),
        "line_deleted": ("info", "ردیف حذف شد."),
        "request_confirmed": ("success", "درخواست تایید شد و مبلغ آن از موجودی کیف پول رزرو شد."),
        "request_cancelled": ("info", "درخواست لغو شد و مبلغ رزرو شده به موجودی برگشت."),
        "request_scheduled": ("success", "درخواست تایید شد و مبلغ آن رزرو شد؛ در زمان انتخاب‌شده انجام می‌شود."),
        "request_repeating": (
            "success",
            "درخواست تکراری ثبت شد؛ هر اجرا در زمان خود مبلغش را از کیف پول رزرو می‌کند و انجام می‌شود.",
        ),
        "request_stopped": ("info", "تکرار درخواست متوقف شد؛ اجراهای آغازشده ادامه می‌یابند."),
        "runs_paused": ("info", "درخواست تکراری متوقف شد؛ تا ادامه دادن آن، اجرایی آغاز نمی‌شود."),
        "runs_resumed": ("success", "درخواست تکراری از اجرای بعدی ادامه می‌یابد."),
        "run_skipped": ("info", "این اجرا انجام نمی‌شود."),
        "run_unskipped": ("success", "این اجرا دوباره در برنامه است."),
        "runs_end_changed": ("success", "پایان تکرار درخواست تغییر کرد."),
        "line_resolved_succeeded": ("success", "ردیف موفق اعلام شد و مبلغ آن به اپراتور تسویه شد."),
        "line_resolved_failed": ("info", "ردیف ناموفق اعلام شد و مبلغ آن به موجودی مشتری برگشت."),
    }
)

# The audit log (/admin/audit): every action code the application records, in Persian.
AUDIT_ACTIONS: dict[str, str] = {
    # teams and approvals (issue 18)
    "member.invited": "دعوت عضو",
    "member.invitation_withdrawn": "پس گرفتن دعوت عضو",
    "member.joined": "پیوستن عضو",
    "member.role_changed": "تغییر نقش عضو",
    "member.removed": "حذف عضو",
    "approval_policy.changed": "تغییر قواعد تأیید درخواست",
    "request.approval_requested": "ارسال درخواست برای تأیید",
    "request.approved": "تأیید درخواست با کد یکبار مصرف",
    "customer.approve": "تأیید اطلاعات مشتری",
    "message.announced": "ارسال اطلاعیه",
    "wallet.low_balance_threshold": "تعیین حد هشدار موجودی کم",
    "customer.reject": "رد اطلاعات مشتری",
    "staff.create": "ساخت حساب کارکنان",
    "deposit.approve": "تأیید فیش واریزی",
    "deposit.reject": "رد فیش واریزی",
    "package.create": "افزودن بستهٔ اینترنت",
    "package.update": "ویرایش بستهٔ اینترنت",
    "package.activate": "فعال کردن بستهٔ اینترنت",
    "package.deactivate": "غیرفعال کردن بستهٔ اینترنت",
    "operator.airtime_bounds": "تغییر محدودهٔ مبلغ شارژ اپراتور",
    "prefix.add": "افزودن پیش‌شماره",
    "prefix.update": "ویرایش پیش‌شماره",
    "prefix.delete": "حذف پیش‌شماره",
    "route.update": "تغییر تنظیمات مسیر اپراتور",
    "line.resolved": "تعیین تکلیف ردیف نامعلوم",
    "request.confirmed": "تأیید درخواست و رزرو مبلغ",
    "request.scheduled": "زمان‌بندی درخواست",
    "request.started": "آغاز انجام درخواست",
    "request.run_started": "آغاز یک اجرای درخواست تکراری",
    "request.run_not_funded": "اجرای درخواست تکراری (موجودی کافی نبود)",
    "request.run_skipped": "اجرای ردشدهٔ درخواست تکراری",
    "request.paused": "توقف درخواست تکراری",
    "request.resumed": "ادامهٔ درخواست تکراری",
    "request.run_skip_chosen": "رد کردن یک اجرای پیش رو",
    "request.run_unskipped": "بازگرداندن اجرای ردشده",
    "request.end_changed": "تغییر پایان درخواست تکراری",
    "request.cancelled": "لغو درخواست",
    "payment.credit": "واریز پرداخت آنلاین به کیف پول",
}
AUDIT_ACTION_OTHER = "عملیات دیگر"

# What an audit entry is about, by the subject's prefix ("customer:<id>"); a bare id is a request.
AUDIT_SUBJECTS: dict[str, str] = {
    "customer": "مشتری",
    "deposit": "فیش واریزی",
    "package": "بستهٔ اینترنت",
    "prefix": "پیش‌شماره",
    "route": "مسیر اپراتور",
    "operator": "اپراتور",
    "staff": "کارمند",
    "line": "ردیف درخواست",
    "request": "درخواست",
    "payment": "پرداخت آنلاین",
}
AUDIT_ACTORS: dict[str, str] = {"system": "سامانه", "staff": "کارمند", "customer": "مشتری", "other": "دیگر"}

# The fields of the before / after states.
AUDIT_FIELDS: dict[str, str] = {
    "status": "وضعیت",
    "held": "مبلغ رزروشده",
    "reference": "شماره مرجع",
    "via": "از راه",
    "kind": "نوع",
    "rejection_reason": "دلیل رد",
    "reason": "دلیل",
    "amount": "مبلغ",
    "price": "قیمت",
    "total": "مبلغ کل",
    "available": "موجودی قابل استفاده",
    "mobile": "شماره موبایل",
    "role": "نقش",
    "code": "کد",
    "operator": "اپراتور",
    "title": "عنوان",
    "volume_mb": "حجم (مگابایت)",
    "duration_days": "مدت (روز)",
    "sim_type": "نوع سیم‌کارت",
    "active": "فعال",
    "name": "نام",
    "adapter": "نوع اتصال",
    "base_url": "نشانی ارائه‌دهنده",
    "credential_name": "نام اعتبارنامه",
    "operator_codes": "کد اپراتورها نزد ارائه‌دهنده",
    "rate_limit_per_second": "سقف درخواست در ثانیه",
    "max_concurrency": "سقف درخواست هم‌زمان",
    "connect_timeout_ms": "مهلت اتصال (میلی‌ثانیه)",
    "read_timeout_ms": "مهلت پاسخ (میلی‌ثانیه)",
    "breaker_failure_threshold": "خطای پیاپی تا قطع مسیر",
    "breaker_reset_seconds": "درنگ پس از قطع (ثانیه)",
    "prefix": "پیش‌شماره",
    "note": "توضیح",
    "airtime_min": "حداقل مبلغ شارژ",
    "airtime_max": "حداکثر مبلغ شارژ",
    "next_run_at": "زمان اجرا",
    "repeat": "تکرار",
    "run": "شمارهٔ اجرا",
    "id": "شناسه",
    "request": "درخواست",
    "every": "دوره",
    "time": "ساعت",
    "weekdays": "روزهای هفته",
    "day": "روز ماه",
    "until": "تا تاریخ",
    "count": "تعداد دفعات",
}
AUDIT_VALUES: dict[str, str] = {
    "natural": "حقیقی",
    "legal": "حقوقی",
    "prepaid": "اعتباری",
    "postpaid": "دائمی",
    "both": "هر دو",
    "http": "HTTP",
    "reviewer": "بازبین",
    "finance": "مالی",
    "admin": "مدیر",
    "daily": "روزانه",
    "weekly": "هفتگی",
    "monthly": "ماهانه",
    "true": "بله",
    "false": "خیر",
}

# calendar (issue 15)
FLASH.update(
    {
        "event_created": ("success", "رویداد به تقویم اضافه شد."),
        "event_updated": ("success", "تغییرات رویداد ذخیره شد."),
        "event_deleted": ("info", "رویداد حذف شد."),
        "threshold_saved": ("success", "حد هشدار موجودی کم ذخیره شد."),
        "threshold_off": ("info", "هشدار موجودی کم خاموش شد."),
        "announcement_sent": ("success", "اطلاعیه فرستاده شد و در پیام‌های مشتریان نمایش داده می‌شود."),
        "feed_rotated": (
            "success",
            "نشانی تازهٔ تقویم ساخته شد؛ نشانی قبلی دیگر کار نمی‌کند. نشانی تازه را در تقویم گوشی وارد کنید.",
        ),
    }
)

# teams and approvals (issue 18)
FLASH.update(
    {
        "member_invited": ("success", "دعوت پیامک شد. عضو تازه با همان شماره ثبت نام یا وارد می‌شود و دعوت را می‌پذیرد."),
        "member_role_changed": ("success", "نقش عضو تغییر کرد."),
        "member_removed": ("info", "عضو از حساب حذف شد."),
        "invitation_withdrawn": ("info", "دعوت پس گرفته شد."),
        "invitation_accepted": ("success", "به حساب سازمانی پیوستید."),
        "approval_policy_saved": ("success", "قواعد تأیید درخواست‌ها ذخیره شد."),
        "approval_requested": ("success", "درخواست برای تأیید فرستاده شد؛ تأییدکنندگان پیام گرفتند."),
        "approval_code_sent": ("info", "کد تأیید به موبایل شما پیامک شد."),
        "request_approved": ("success", "درخواست تأیید و ثبت نهایی شد و مبلغ آن از کیف پول رزرو شد."),
    }
)
# the refusals the request page's approval box shows as a flash (web/teams.py sends them as approval_<code>)
APPROVAL_ERRORS = frozenset(
    {
        "otp_invalid",
        "otp_expired",
        "otp_locked",
        "approval_own_request",
        "approval_stale",
        "role_forbidden",
        "rate_limited",
        "insufficient_funds",
        "invalid_lines",
        "request_not_draft",
        "validation_error",
    }
)
FLASH.update({f"approval_{code}": ("danger", ERRORS[code][1]) for code in sorted(APPROVAL_ERRORS)})
