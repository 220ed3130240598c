"""Persian texts fulfilment sends to customers (one catalogue)."""

from __future__ import annotations


def _fa(number: int) -> str:
    digits = f"{number:,}".replace(",", "٬")
    return digits.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def request_finished(name: str, succeeded: int, failed: int, refunded: int) -> tuple[str, str, str]:
    """(title, body, sms) of the message sent when every line of a request has its outcome."""
    if failed:
        title = "درخواست با خطا به پایان رسید"
        body = (
            f"درخواست «{name}» انجام شد: {_fa(succeeded)} مورد موفق و {_fa(failed)} مورد ناموفق. "
            f"مبلغ {_fa(refunded)} ریال بابت موارد ناموفق به موجودی کیف پول شما بازگشت."
        )
        sms = (
            f"کوک\nدرخواست «{name}»: {_fa(succeeded)} موفق، {_fa(failed)} ناموفق. "
            f"{_fa(refunded)} ریال به کیف پول بازگشت."
        )
    else:
        title = "درخواست با موفقیت انجام شد"
        body = f"درخواست «{name}» انجام شد: هر {_fa(succeeded)} مورد با موفقیت شارژ شد."
        sms = f"کوک\nدرخواست «{name}» انجام شد: {_fa(succeeded)} مورد موفق."
    return title, body, sms
