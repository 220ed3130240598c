"""The fulfilment pieces render with realistic contexts (finance's queue is registered into the shared
``REALISTIC`` table): the request's progress polls itself only while the request runs and says how it
ended, and each unknown line offers «موفق» and «ناموفق» behind a confirmation and the CSRF token."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import jinja2

from kook.application.fulfilment.ports import Progress, UnknownLine
from kook.domain.routing.operator import Operator
from tests.unit import test_templates_render as shared

WHEN = datetime(2026, 5, 22, 6, 50, tzinfo=UTC)  # ۱۴۰۵/۰۳/۰۱ ۱۰:۲۰ in Tehran
RID = "r" * 32
OPERATORS = {int(op): op.name_fa for op in Operator}


def unknown(**changes: Any) -> UnknownLine:
    values: dict[str, Any] = {
        "id": 41,
        "request_id": RID,
        "request_name": "شارژ <اسفند>",
        "customer_id": "c" * 32,
        "mobile": "09121110001",
        "operator": 1,
        "product": "airtime",
        "package_code": None,
        "price": 200_000,
        "reference": "KOOK-41-abc",
        "attempt": 1,
        "checks": 3,
        "unknown_since": WHEN,
        "escalated": False,
    }
    values.update(changes)
    return UnknownLine(**values)


def progress(status: str, **counts: int) -> Progress:
    values = {"pending": 0, "sending": 0, "succeeded": 0, "failed": 0, "unknown": 0}
    values.update({k: v for k, v in counts.items() if k in values})
    money = {k: counts.get(k, 0) for k in ("settled", "released", "held")}
    return Progress(status=status, lines=sum(values.values()), **values, **money)


REALISTIC_FULFILMENT: dict[str, dict[str, Any]] = {
    "fulfilment/admin_lines.html": {
        "csrf_token": shared.CSRF,
        "current_staff": shared.Staff(),
        "enabled_menu": ["dashboard", "deposits", "lines"],
        "active_menu": "lines",
        "flash": [],
        "form_error": None,
        "operators": OPERATORS,
        "lines": [
            unknown(),
            unknown(
                id=42, mobile="09351110001", operator=2, product="package", package_code="MTN-1D-2GB", escalated=True
            ),
        ],
    },
}
shared.REALISTIC.update(REALISTIC_FULFILMENT)


def fragment(value: Progress) -> str:
    env = shared.make_env(jinja2.StrictUndefined)
    return env.get_template("fulfilment/_progress.html").render(progress=value, request_id=RID)


def test_a_running_request_polls_itself_and_shows_counts_and_money() -> None:
    html = fragment(
        progress(
            "running",
            pending=2,
            sending=1,
            succeeded=5,
            failed=1,
            unknown=1,
            settled=1_000_000,
            released=200_000,
            held=800_000,
        )
    )
    head = html[: html.index(">", html.index("<section"))]
    assert f'hx-get="/requests/{RID}/progress?live=1"' in head and 'hx-trigger="every 2s"' in head
    assert 'hx-swap="outerHTML"' in head and 'id="request-progress"' in head
    assert 'data-status="running"' in html and "در حال انجام" in html
    assert 'aria-valuenow="60"' in html  # 6 final of 10
    assert 'data-testid="progress-done">۶<' in html and 'data-testid="progress-lines">۱۰<' in html
    assert 'data-count="pending">۲<' in html and 'data-count="unknown">۱<' in html
    assert "۱٬۰۰۰٬۰۰۰ ریال" in html and "۲۰۰٬۰۰۰ ریال" in html and "۸۰۰٬۰۰۰ ریال" in html
    assert "progress-finished" not in html


def test_a_finished_request_stops_polling_and_says_how_it_ended() -> None:
    failed = fragment(progress("completed_with_failures", succeeded=2, failed=1, settled=400_000, released=200_000))
    assert "hx-get" not in failed and "hx-trigger" not in failed
    assert "انجام شده با خطا" in failed and "درخواست با خطا انجام شد" in failed
    assert 'data-testid="progress-refunded">۲۰۰٬۰۰۰ ریال<' in failed
    assert 'aria-valuenow="100"' in failed

    done = fragment(progress("completed", succeeded=3, settled=600_000))
    assert "hx-trigger" not in done and "درخواست انجام شد" in done and "انجام شده" in done
    cancelled = fragment(progress("cancelled", released=600_000))
    assert "hx-trigger" not in cancelled and "لغو شد" in cancelled and "۶۰۰٬۰۰۰ ریال" in cancelled
    confirmed = fragment(progress("confirmed", pending=3, held=600_000))
    assert 'hx-trigger="every 2s"' in confirmed and 'aria-valuenow="0"' in confirmed


def test_the_unknown_queue_offers_both_decisions_behind_a_confirmation() -> None:
    env = shared.make_env(jinja2.StrictUndefined)
    html = env.get_template("fulfilment/admin_lines.html").render(**REALISTIC_FULFILMENT["fulfilment/admin_lines.html"])
    assert "شارژ &lt;اسفند&gt;" in html  # escaped
    row = html[html.index('data-line="42"') :].split("</tr>")[0]
    assert "ایرانسل" in row and "MTN-1D-2GB" in row and "۰۹۳۵۱۱۱۰۰۰۱" in row and "۲۰۰٬۰۰۰ ریال" in row
    assert 'data-testid="escalated"' in row and "۱۴۰۵/۰۳/۰۱ ۱۰:۲۰" in row and "KOOK-41-abc" in row
    forms = shared.forms(row)
    assert len(forms) == 2
    for form, outcome in zip(forms, ("succeeded", "failed"), strict=True):
        assert 'action="/admin/lines/42/resolve"' in form and f'name="outcome" value="{outcome}"' in form
        assert f'name="csrf_token" value="{shared.CSRF}"' in form and "data-confirm=" in form
    first = html[html.index('data-line="41"') :].split("</tr>")[0]
    assert "همراه اول" in first and "شارژ" in first and 'data-testid="escalated"' not in first
    assert 'href="/admin/lines"' in html  # the staff menu links the queue

    empty = env.get_template("fulfilment/admin_lines.html").render(
        **(REALISTIC_FULFILMENT["fulfilment/admin_lines.html"] | {"lines": [], "form_error": "خطای آزمایشی"})
    )
    assert "تراکنش نامشخصی نیست" in empty and "خطای آزمایشی" in empty
