"""The report page's export area renders with realistic contexts (registered into the shared ``REALISTIC``
table): a filter within one download links to the file; a larger one offers a background export (a POST form
with the CSRF token and the filter); a running export polls itself, a finished one offers its file and stops."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import jinja2

from kook.application.reporting.ports import ReportExport, TransactionRow, TransactionTotals
from kook.domain.routing.operator import Operator
from tests.unit import test_templates_render as shared

WHEN = datetime(2026, 12, 2, 20, 30, tzinfo=UTC)  # ۱۴۰۵/۰۹/۱۲ ۰۰:۰۰ in Tehran
EID = "e" * 32


def export(status: str, **changes: Any) -> ReportExport:
    values: dict[str, Any] = {
        "id": EID,
        "owner_id": "u" * 32,
        "customer_id": "c" * 32,
        "kind": "transactions",
        "filter": '{"start": "1405/09/01"}',
        "status": status,
        "rows_total": 120_000,
        "rows_done": 30_000,
        "created_at": WHEN,
        "expires_at": WHEN + timedelta(days=1),
    }
    values.update(changes)
    return ReportExport(**values)


def page(count: int, **extra: Any) -> dict[str, Any]:
    row = TransactionRow(
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
    return shared.app_context(
        active_menu="reports",
        values={"from": "1405/09/01", "status": "succeeded"},
        operators=[(int(op), op.name_fa) for op in Operator],
        rows=[row],
        totals=TransactionTotals(count, count * 200_000, count * 200_000, 0),
        next_query=None,
        export_query="from=1405%2F09%2F01&status=succeeded",
        first_page=True,
        export_limit=50_000,
        **extra,
    )


shared.REALISTIC["reports/transactions.html"] = page(120_000)


def render(name: str, context: dict[str, Any]) -> str:
    return shared.make_env(jinja2.StrictUndefined).get_template(name).render(**context)


def test_within_one_download_the_page_links_to_the_file() -> None:
    html = render("reports/transactions.html", page(50_000, export=None))
    assert 'href="/reports/transactions.xlsx?from=1405%2F09%2F01&amp;status=succeeded"' in html
    assert "report-export-start" not in html


def test_a_larger_filter_offers_a_background_export_with_the_filter() -> None:
    html = render("reports/transactions.html", page(50_001, export=None))
    assert 'data-testid="report-export"' not in html
    form = next(f for f in shared.forms(html) if 'action="/reports/transactions/exports"' in f)
    assert 'method="post"' in form and f'name="csrf_token" value="{shared.CSRF}"' in form
    assert '<input type="hidden" name="from" value="1405/09/01">' in form
    assert '<input type="hidden" name="status" value="succeeded">' in form


def test_a_running_export_polls_and_a_finished_one_offers_its_file() -> None:
    running = render("reports/_export.html", {"export": export("running")})
    assert f'hx-get="/reports/exports/{EID}"' in running and 'hx-trigger="every 2s"' in running
    assert "۳۰٬۰۰۰" in running and "۱۲۰٬۰۰۰" in running and 'value="30000" max="120000"' in running
    assert "style=" not in running  # the CSP allows no inline style: a <progress>, not a styled bar
    done = render("reports/_export.html", {"export": export("done", rows_done=120_000)})
    assert "hx-trigger" not in done and f'href="/reports/exports/{EID}/file"' in done
    failed = render("reports/_export.html", {"export": export("failed", error="export_failed")})
    assert "hx-trigger" not in failed and 'role="alert"' in failed
    page_html = render("reports/transactions.html", page(120_000, export=export("queued", rows_done=0)))
    assert 'data-status="queued"' in page_html and "report-export-start" not in page_html
