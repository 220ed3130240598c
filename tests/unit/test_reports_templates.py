"""The report pages render with realistic contexts (registered into the shared ``REALISTIC`` table):
the three tabs are live links (no «به‌زودی»), the sales summary carries its chart's data as a JSON
block drawn by a static script (no inline code), figures in Persian digits, and the staff variants."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from typing import Any

import jinja2

from kook.adapters.excel.money_workbooks import PAYMENT_STATUS_LABELS, bank_label, operator_label, product_label
from kook.application.reporting.get_sales_summary import summarise
from kook.application.reporting.ports import (
    DailyTotals,
    DayTotals,
    PaymentRow,
    PaymentTotals,
    SalesCell,
    SalesFilter,
    TransactionRow,
    TransactionTotals,
)
from kook.entrypoints.http.web.reports import OPERATORS, STAFF, sales_chart
from tests.unit import test_templates_render as shared

WHEN = datetime(2026, 5, 22, 6, 50, tzinfo=UTC)  # ۱۴۰۵/۰۳/۰۱ ۱۰:۲۰ in Tehran
SUMMARY = summarise(
    SalesFilter("c" * 32),
    [
        SalesCell("airtime", None, None, 1, count=3, amount=600_000, failed_count=1, failed_amount=200_000),
        SalesCell("airtime", None, None, 2, count=1, amount=100_000),
        SalesCell("package", "MCI-1G", "یک گیگ <ماهانه>", 1, count=2, amount=700_000, pending_count=1),
    ],
)
LABELS = {g.key: product_label(g) for g in SUMMARY.products} | {g.key: operator_label(g) for g in SUMMARY.operators}
PAYMENTS = [
    PaymentRow("p1", "c" * 32, "online", "verified", 1_500_000, "REF-9", "sandbox", "6037-**-1234", WHEN, WHEN),
    PaymentRow("d1", "c" * 32, "slip", "pending", 2_000_000, "55501234", "mellat", None, WHEN, None),
]
STAFF_PAGE = {"csrf_token": shared.CSRF, "current_staff": shared.Staff(role="finance"), "flash": [], **STAFF}


def transaction() -> TransactionRow:
    return TransactionRow(
        id=7,
        customer_id="c" * 32,
        request_id="r" * 32,
        request_name="حقوق آذر",
        mobile="09121110001",
        operator=1,
        product="airtime",
        package_code=None,
        package_title=None,
        amount=200_000,
        status="succeeded",
        sent_at=WHEN,
        finished_at=WHEN,
        reference="KOOK-7",
        provider_ref="OP-1",
    )


def payments_context(**extra: Any) -> dict[str, Any]:
    return {
        "active_menu": "reports",
        "values": {"from": "۱۴۰۵/۰۳/۰۱"},
        "rows": PAYMENTS,
        "totals": PaymentTotals(2, 3_500_000, 1_500_000, 2_000_000),
        "next_query": "from=1405%2F03%2F01&cursor=abc",
        "export_query": "from=1405%2F03%2F01",
        "status_labels": PAYMENT_STATUS_LABELS,
        "bank_labels": {r.id: bank_label(r) for r in PAYMENTS},
        "customer_names": {"c" * 32: "شرکت نمونه"},
        **extra,
    }


def daily() -> DailyTotals:
    day = DayTotals(date(2026, 5, 22), gateway=1_000_000, gateway_count=1, slips=2_000_000, slips_count=1)
    day.operators, day.operators_count = 2_500_000, 5
    result = DailyTotals(WHEN, WHEN, None, [day])
    result.total = day
    return result


REALISTIC_REPORTS: dict[str, dict[str, Any]] = {
    "reports/transactions.html": shared.app_context(
        active_menu="reports",
        values={"from": "۱۴۰۵/۰۳/۰۱"},
        operators=OPERATORS,
        rows=[transaction()],
        totals=TransactionTotals(1, 200_000, 200_000, 0),
        next_query=None,
        export_query="from=1405",
        first_page=True,
    ),
    "reports/sales.html": shared.app_context(
        active_menu="reports",
        values={"from": "۱۴۰۵/۰۳/۰۱"},
        summary=SUMMARY,
        labels=LABELS,
        chart=sales_chart(SUMMARY),
        export_query="from=1405",
    ),
    "reports/payments.html": shared.app_context(**payments_context()),
    "reports/daily.html": {**STAFF_PAGE, "active_menu": "reports", "values": {}, "result": daily()},
}
shared.REALISTIC.update(REALISTIC_REPORTS)


def render(name: str, context: dict[str, Any]) -> str:
    return shared.make_env(jinja2.StrictUndefined).get_template(name).render(**context)


def test_the_tabs_are_live_and_shared() -> None:
    for name, tab in (("transactions", "transactions"), ("sales", "sales"), ("payments", "payments")):
        html = render(f"reports/{name}.html", REALISTIC_REPORTS[f"reports/{name}.html"])
        assert "به‌زودی" not in html.split('data-testid="report-tabs"')[1].split("</ul>")[0]
        for other in ("transactions", "sales", "payments"):
            assert f'href="/reports/{other}"' in html
        assert f'class="nav-link active" aria-current="page" href="/reports/{tab}"' in html
        assert "/admin/reports/daily" not in html


def test_the_sales_page_carries_its_chart_data_and_persian_figures() -> None:
    html = render("reports/sales.html", REALISTIC_REPORTS["reports/sales.html"])
    block = re.search(r'<script type="application/json" id="sales-chart-data">(.*?)</script>', html, re.DOTALL)
    assert block is not None
    chart = json.loads(block.group(1))
    assert chart["labels"] == ["شارژ", "بسته اینترنت — یک گیگ <ماهانه>"]
    assert chart["datasets"][0]["data"] == [700_000, 700_000] and chart["datasets"][1]["data"] == [200_000, 0]
    assert "<ماهانه>" not in block.group(1)  # escaped inside the script block
    assert 'data-kook-chart="sales-chart-data"' in html
    assert '<script src="/static/vendor/chart.umd.min.js" defer></script>' in html
    assert '<script src="/static/reports_chart.js" defer></script>' in html
    assert not re.search(r"<script(?![^>]*(?:src=|type=\"application/json\"))[^>]*>", html)  # no inline code
    assert 'data-total="amount">۱٬۴۰۰٬۰۰۰ ریال<' in html and 'data-total="count">۶<' in html
    operators = html.split('data-testid="sales-operators"')[1]
    assert "همراه اول" in operators and "ایرانسل" in operators and "۱۰۰٬۰۰۰ ریال" in operators
    assert 'href="/reports/sales.xlsx?from=1405"' in html

    empty = render(
        "reports/sales.html", REALISTIC_REPORTS["reports/sales.html"] | {"summary": summarise(SalesFilter("c"), [])}
    )
    assert "sales-chart-data" not in empty and 'data-testid="report-empty"' in empty


def test_the_payments_page() -> None:
    html = render("reports/payments.html", REALISTIC_REPORTS["reports/payments.html"])
    row = html[html.index('data-payment="p1"') :].split("</tr>")[0]
    assert "پرداخت اینترنتی" in row and "۱٬۵۰۰٬۰۰۰ ریال" in row and "موفق" in row and "۱۴۰۵/۰۳/۰۱ ۱۰:۲۰" in row
    slip_row = html[html.index('data-payment="d1"') :].split("</tr>")[0]
    assert "فیش واریزی" in slip_row and "ملت" in slip_row and "۵۵۵۰۱۲۳۴" in slip_row and "در انتظار" in slip_row
    assert 'data-total="settled">۱٬۵۰۰٬۰۰۰ ریال<' in html
    assert 'href="/reports/payments?from=1405%2F03%2F01&amp;cursor=abc"' in html
    assert "شرکت نمونه" not in html  # a customer's own page names no customer
    empty = render(
        "reports/payments.html",
        payments_context(rows=[], values={}, totals=None, next_query=None) | shared.app_context(),
    )
    assert "هنوز پرداختی ندارید" in empty


def test_the_staff_variants() -> None:
    html = render("reports/payments.html", {**STAFF_PAGE, **payments_context()})
    assert 'action="/admin/reports/payments"' in html and 'name="customer"' in html and "شرکت نمونه" in html
    assert 'href="/admin/reports/daily"' in html and 'href="/admin/reports"' in html  # the tab and the menu entry
    lines = render(
        "reports/transactions.html",
        {**REALISTIC_REPORTS["reports/transactions.html"], **STAFF_PAGE, "customer_names": {"c" * 32: "شرکت نمونه"}},
    )
    assert 'action="/admin/reports/transactions"' in lines and "شرکت نمونه" in lines and "کارکنان" in lines
    days = render("reports/daily.html", REALISTIC_REPORTS["reports/daily.html"])
    row = days[days.index('data-day="2026-05-22"') :].split("</tr>")[0]
    assert "۱۴۰۵/۰۳/۰۱" in row and "۳٬۰۰۰٬۰۰۰ ریال" in row and "۲٬۵۰۰٬۰۰۰ ریال" in row and "۵۰۰٬۰۰۰ ریال" in row
