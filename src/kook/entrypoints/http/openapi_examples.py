"""An example for every request body of the OpenAPI document at /schema (issue 18: the integrator's path).

Keyed by method and path as the document names them; ``add_request_examples`` puts each on its operation's
body (``example``), and ``tests/integration/test_openapi_examples.py`` fails when a body has none — a new route
with a body adds its example here.
"""

from __future__ import annotations

from typing import Any

R = "/api/v1/requests/{request_id}"
FILE = "(binary: the .xlsx file)"

REQUEST_EXAMPLES: dict[tuple[str, str], dict[str, Any]] = {
    # sign-up and login
    ("POST", "/api/v1/auth/signup"): {
        "mobile": "09121234567",
        "first_name": "سارا",
        "last_name": "محمدی",
        "password": "a-long-passphrase",
    },
    ("POST", "/api/v1/auth/signup/verify"): {"mobile": "09121234567", "code": "123456"},
    ("POST", "/api/v1/auth/login"): {"mobile": "09121234567", "password": "a-long-passphrase"},
    ("POST", "/api/v1/auth/otp"): {"mobile": "09121234567"},
    ("POST", "/api/v1/auth/otp/verify"): {"mobile": "09121234567", "code": "123456"},
    ("POST", "/api/v1/me/password"): {"current_password": "a-long-passphrase", "new_password": "another-passphrase"},
    ("POST", "/api/v1/api-keys"): {
        "name": "ERP",
        "scopes": ["requests:write", "requests:read", "reports:read"],
        "per_minute": 120,
    },
    # customer and services
    ("PUT", "/api/v1/customer"): {
        "kind": "legal",
        "company_name": "شرکت نمونه پارس",
        "national_id": "10101234567",
        "registration_number": "123456",
        "economic_code": "411111111111",
        "postal_code": "1234567890",
        "address": "تهران، خیابان ولیعصر، پلاک ۱۰",
        "phone": "02144200953",
        "representative_name": "سارا محمدی",
        "representative_national_code": "0012345679",
        "representative_mobile": "09121234567",
    },
    ("POST", "/api/v1/services/{code}/activate"): {"accept_terms": True, "terms_version": "1"},
    # wallet
    ("POST", "/api/v1/wallet/payments"): {"amount": 5_000_000},
    ("POST", "/api/v1/wallet/deposits"): {
        "bank_account": "mellat",
        "amount": 50_000_000,
        "deposit_date": "1405-03-01",
        "tracking_number": "123456789",
        "slip": "(binary: a JPEG, PNG or PDF of the slip)",
    },
    ("PUT", "/api/v1/wallet/low-balance"): {"threshold": 10_000_000},
    # requests
    ("POST", "/api/v1/requests"): {"name": "شارژ کارکنان آذر", "kind": "topup"},
    ("PATCH", R): {"name": "شارژ کارکنان دی"},
    ("POST", R + "/lines"): {"mobile": "09121234567", "amount": 100_000},
    ("PATCH", R + "/lines/{line_id}"): {"mobile": "09121234567", "amount": 200_000},
    ("POST", R + "/uploads"): {"kind": "topup", "file": FILE},
    ("POST", R + "/confirm"): {"schedule_at": None, "repeat": None},
    ("POST", R + "/runs/skip"): {"run_at": "1405-03-10 09:00"},
    ("POST", R + "/runs/unskip"): {"run_at": "1405-03-10 09:00"},
    ("POST", R + "/runs/end"): {"count": 6},
    # reports
    ("POST", "/api/v1/reports/transactions/exports"): {"filter": {"from": "1405-03-01", "to": "1405-03-31"}},
    # messages and calendar
    ("POST", "/api/v1/events"): {
        "title": "پرداخت حقوق",
        "date": "1405-03-25",
        "time": "09:00",
        "text": "شارژ ماهانهٔ کارکنان",
        "remind_minutes": 60,
        "remind_message": True,
        "remind_sms": False,
    },
    ("PATCH", "/api/v1/events/{event_id}"): {"title": "پرداخت حقوق (جابه‌جا شد)", "date": "1405-03-26"},
    # webhooks
    ("POST", "/api/v1/webhooks"): {
        "url": "https://erp.example.com/kook/webhooks",
        "events": ["request.finished", "line.outcome", "payment.credited"],
    },
    # back office
    ("POST", "/api/v1/admin/customers/{customer_id}/reject"): {"reason": "تصویر کارت ملی خوانا نیست."},
    ("POST", "/api/v1/admin/deposits/{deposit_id}/reject"): {"reason": "واریزی با این شماره پیگیری پیدا نشد."},
    ("POST", "/api/v1/admin/lines/{line_id}/resolve"): {"outcome": "succeeded"},
    ("POST", "/api/v1/admin/announcements"): {
        "title": "تعطیلی نوروز",
        "body": "<p>پشتیبانی از <strong>۲۸ اسفند</strong> تا ۴ فروردین تعطیل است.</p>",
        "customer_id": None,
    },
    ("PATCH", "/api/v1/admin/catalog/operators/{code}"): {"airtime_min": 10_000, "airtime_max": 2_000_000},
    ("POST", "/api/v1/admin/catalog/packages"): {
        "operator": 1,
        "code": "MCI-30D-10G",
        "title": "۱۰ گیگ ماهانه",
        "volume_mb": 10_240,
        "duration_days": 30,
        "price": 1_200_000,
        "sim_type": "both",
    },
    ("PATCH", "/api/v1/admin/catalog/packages/{package_id}"): {"price": 1_300_000},
    ("PATCH", "/api/v1/admin/catalog/routes/{code}"): {"rate_limit_per_second": 50, "max_concurrency": 100},
    ("POST", "/api/v1/admin/prefixes"): {"prefix": "0991", "operator": 1, "note": "رند جدید"},
    ("PATCH", "/api/v1/admin/prefixes/{prefix_id}"): {"note": "بازبینی شد"},
    # teams and approvals
    ("POST", "/api/v1/members/invitations"): {"mobile": "09121234568", "role": "approver"},
    ("PATCH", "/api/v1/members/{user_id}"): {"role": "finance"},
    ("PUT", "/api/v1/approval-policy"): {"threshold": 100_000_000, "operator_may_confirm": True},
    ("POST", R + "/approval/confirm"): {"code": "123456"},
}


def add_request_examples(document: dict[str, Any]) -> None:
    """Each operation's body gets its example (in place; idempotent)."""
    for path, item in document.get("paths", {}).items():
        if not isinstance(item, dict):
            continue
        for method, operation in item.items():
            body = operation.get("requestBody") if isinstance(operation, dict) else None
            example = REQUEST_EXAMPLES.get((method.upper(), path))
            if not isinstance(body, dict) or example is None:
                continue
            for media in body.get("content", {}).values():
                if isinstance(media, dict):
                    media["example"] = example
