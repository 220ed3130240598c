"""The requests pages render with realistic contexts (registered into the shared
``REALISTIC`` table) and show what a customer needs: the four actions, invalid
lines first with their reasons, the summary and «تایید نهایی»."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import jinja2

from kook.domain.recharges.request import ProductTotal, Request, RequestKind, RequestStatus, Summary
from kook.domain.routing.operator import Operator
from tests.unit import test_templates_render as shared

WHEN = datetime(2026, 5, 22, 6, 50, tzinfo=UTC)
BULK = Request("r" * 32, "c" * 32, "شارژ کارکنان <اسفند>", RequestKind.TOPUP, RequestStatus.DRAFT, WHEN, WHEN)


def line(**changes: Any) -> SimpleNamespace:
    values: dict[str, Any] = {
        "id": "7",
        "mobile": "09121234567",
        "operator": 1,
        "ported": False,
        "product": "airtime",
        "amount": 500_000,
        "package_title": None,
        "price": 500_000,
        "status": "valid",
        "error": None,
        "warning": None,
        "source_row": 3,
        "upload_id": "u" * 32,
    }
    values.update(changes)
    return SimpleNamespace(**values)


BAD = line(
    id="8",
    status="invalid",
    price=0,
    amount=None,
    error=SimpleNamespace(row=4, column="amount", code="amount_not_whole", message="مبلغ باید عددی صحیح به ریال باشد."),
)
SUMMARY = Summary(
    lines=3,
    valid=2,
    invalid=1,
    total=850_000,
    by_product=[ProductTotal("airtime", None, 1, 500_000), ProductTotal("MCI-7D-2GB", "بسته هفتگی", 1, 350_000)],
    available=400_000,
)

REALISTIC_REQUESTS: dict[str, dict[str, Any]] = {
    "requests/index.html": shared.app_context(active_menu="requests", requests=[BULK]),
    "requests/detail.html": shared.app_context(
        active_menu="requests",
        bulk=BULK,
        lines=[
            BAD,
            line(warning="duplicate_mobile"),
            line(id="9", product="MCI-7D-2GB", package_title="بسته هفتگی", ported=True),
        ],
        next_cursor="1-9",
        status_filter="",
        summary=SUMMARY,
        packages=[SimpleNamespace(code="MCI-7D-2GB", title="بسته هفتگی ۲ گیگابایت", price=350_000)],
        operators=[(int(op), op.name_fa) for op in Operator],
        upload_id="u" * 32,
    ),
}
shared.REALISTIC.update(REALISTIC_REQUESTS)


def render(name: str, **changes: Any) -> str:
    env = shared.make_env(jinja2.StrictUndefined)
    return env.get_template(name).render(**(REALISTIC_REQUESTS[name] | changes))


def test_a_draft_shows_the_four_actions_invalid_lines_and_the_confirmation() -> None:
    html = render("requests/detail.html")
    for action in ("ویرایش درخواست", "افزودن جزئیات", "آپلود فایل اکسل", "حذف درخواست", "تایید نهایی"):
        assert action in html, action
    assert "شارژ کارکنان &lt;اسفند&gt;" in html  # escaped
    assert html.index('data-line="8"') < html.index('data-line="7"')
    assert "مبلغ: مبلغ باید عددی صحیح به ریال باشد." in html
    assert "کسری موجودی" in html and "تکراری" in html and "ترابرد" in html
    assert f"/api/v1/requests/{BULK.id}/uploads/{'u' * 32}/errors.xlsx" in html
    assert "?cursor=1-9" in html
    confirm = html[html.index('data-testid="confirm-form"') :].split("</form>")[0]
    assert "disabled" in confirm  # an invalid line blocks the confirmation


def test_a_confirmed_request_offers_only_cancel() -> None:
    confirmed = Request("r" * 32, "c" * 32, "x", RequestKind.PACKAGE, RequestStatus.CONFIRMED, WHEN, WHEN)
    html = render("requests/detail.html", bulk=confirmed, lines=[line(status="pending")])
    assert "لغو درخواست" in html
    for action in ("افزودن جزئیات", "آپلود فایل اکسل", "حذف درخواست", "تایید نهایی"):
        assert action not in html, action
