"""The requests pages render with realistic contexts (registered into the shared
``REALISTIC`` table) and show what a customer needs: the four actions, invalid
lines first with their reasons, the summary and «تایید نهایی»."""

from __future__ import annotations

import re
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

PACKAGES = [
    SimpleNamespace(code="MCI-7D-2GB", title="بسته هفتگی ۲ گیگابایت", price=350_000, operator=Operator.MCI),
    SimpleNamespace(code="MTN-1D-2GB", title="بسته روزانه ۲ گیگابایت", price=120_000, operator=Operator.IRANCELL),
]

OPERATORS = [(int(op), op.name_fa) for op in Operator]

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
        cursor="",
        status_filters=("invalid", "valid", "pending", "succeeded", "failed"),
        summary=SUMMARY,
        packages=PACKAGES,
        operators=OPERATORS,
        upload_id="u" * 32,
        upload_counts={"rows": 3, "valid": 2, "invalid": 1, "duplicates": 1},
        open_dialog=None,
        editing="",
    ),
}
shared.REALISTIC.update(REALISTIC_REQUESTS)


def render(name: str, **changes: Any) -> str:
    env = shared.make_env(jinja2.StrictUndefined)
    return env.get_template(name).render(**(REALISTIC_REQUESTS[name] | changes))


def partial(name: str, **context: Any) -> str:
    env = shared.make_env(jinja2.StrictUndefined)
    base = {"csrf_token": shared.CSRF, "bulk": BULK, "operators": OPERATORS, "packages": PACKAGES}
    return env.get_template(name).render(**(base | context))


def test_a_draft_shows_the_four_actions_invalid_lines_and_the_confirmation() -> None:
    html = render("requests/detail.html")
    actions = html[html.index('data-testid="request-actions"') :].split("</nav>")[0]
    for name, action in (("rename", "ویرایش درخواست"), ("add", "افزودن جزئیات"), ("upload", "آپلود فایل اکسل")):
        assert f'href="/requests/{BULK.id}?dialog={name}"' in actions and action in actions
        assert f'data-bs-target="#dialog-{name}"' in actions
    assert "حذف درخواست" in actions and "تایید نهایی" in html
    assert 'class="modal fade" id="dialog-upload"' in html  # closed until asked for
    assert "۳</span> ردیف خوانده شد" in html and 'data-testid="upload-invalid">۱<' in html
    assert 'href="/templates/topup.xlsx"' in html and 'href="/templates/package.xlsx"' in html
    # the upload's package picker: an operator swaps in its packages (htmx), all of them grouped without it
    assert 'hx-get="/catalog/packages" hx-target="#u-package-code"' in html
    assert '<optgroup label="ایرانسل">' in html
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


def test_a_refused_post_shows_its_dialog_open_with_the_error() -> None:
    html = render(
        "requests/detail.html",
        open_dialog="add",
        form_error=None,
        errors={"amount": "این فیلد لازم است."},
        values={"mobile": "09121234567", "product": "topup", "amount": ""},
    )
    add = html[html.index('id="dialog-add"') - 40 :].split('id="dialog-upload"')[0]
    assert 'class="modal show d-block"' in add and "data-kook-open" in add and "modal-backdrop show" in add
    assert "این فیلد لازم است." in add and 'value="09121234567"' in add
    assert 'class="modal fade" id="dialog-upload"' in html


def test_a_row_in_place_and_as_a_form() -> None:
    row = partial("requests/_line_row.html", line=BAD, status_filter="invalid", cursor="0-3")
    assert row.strip().startswith("<tr") and 'data-line="8"' in row and "نامعتبر" in row
    assert f'hx-get="/requests/{BULK.id}/lines/8/edit" hx-target="closest tr" hx-swap="outerHTML"' in row
    assert f'href="/requests/{BULK.id}/lines/8/edit?status=invalid&amp;cursor=0-3"' in row  # without JavaScript
    delete = row[row.index("<form") :]
    assert f'hx-post="/requests/{BULK.id}/lines/8/delete"' in delete and f'value="{shared.CSRF}"' in delete
    assert 'name="view_status" value="invalid"' in delete

    form = partial("requests/_line_edit.html", line=BAD, errors={}, values={})
    assert f'hx-post="/requests/{BULK.id}/lines/8" hx-target="closest tr"' in form
    assert 'name="amount"' in form and 'name="product" value="topup"' in form and 'name="csrf_token"' in form
    package = line(id="9", product="MCI-7D-2GB", package_title="بسته هفتگی", ported=True)
    form = partial("requests/_line_edit.html", line=package, errors={"mobile": "شماره موبایل معتبر نیست."}, values={})
    assert '<option value="MCI-7D-2GB" data-price="350000" selected>' in form and 'name="amount"' not in form
    assert 'name="operator"' in form and 'value="1"' in form and "شماره موبایل معتبر نیست." in form

    confirmed = Request("r" * 32, "c" * 32, "x", RequestKind.TOPUP, RequestStatus.CONFIRMED, WHEN, WHEN)
    assert "ویرایش" not in partial("requests/_line_row.html", bulk=confirmed, line=line(status="pending"))


def test_the_summary_dialog_reads_the_money_and_holds_the_confirm_button() -> None:
    ready = Summary(lines=2, valid=2, invalid=0, total=850_000, by_product=SUMMARY.by_product, available=1_000_000)
    html = partial("requests/_summary.html", summary=ready, with_confirm=True)
    assert "۸۵۰٬۰۰۰" in html and "۱٬۰۰۰٬۰۰۰" in html and "۱۵۰٬۰۰۰" in html  # total, available, after
    confirm = html[html.index("<form") :].split("</form>")[0]
    assert 'data-testid="confirm-form"' in confirm
    assert f'action="/requests/{BULK.id}/confirm"' in confirm and "disabled" not in confirm
    short = partial("requests/_summary.html", summary=SUMMARY, with_confirm=True)
    assert "کسری موجودی" in short and "ردیف نامعتبر دارد" in short
    assert "disabled" in short[short.index('data-testid="confirm-form"') :]
    assert "confirm-form" not in partial("requests/_summary.html", summary=ready, with_confirm=False)


def test_a_repeating_request_shows_its_runs_with_skip_pause_end_and_cancel_asking_first() -> None:
    from datetime import date

    from kook.application.recharges.list_runs import PastRun, RunsView
    from kook.application.recharges.ports import StartedRun
    from kook.domain.recharges.request import UpcomingRun
    from kook.domain.recharges.schedule import Every, Repeat

    repeating = Request(
        "r" * 32,
        "c" * 32,
        "ماهانه",
        RequestKind.TOPUP,
        RequestStatus.SCHEDULED,
        WHEN,
        WHEN,
        repeat=Repeat(Every.MONTHLY, day=1, until=date(2027, 3, 20)),
        next_run_at=WHEN,
        runs_started=2,
    )
    started = StartedRun(1, "s" * 32, "completed_with_failures", WHEN, 3, 0, 2, 1, 0, 600_000, 400_000, 200_000, 0)
    view = RunsView(
        repeating,
        past=[PastRun(1, WHEN, started.status, run=started), PastRun(2, WHEN, "not_funded", total=600_000, missing=1)],
        upcoming=[UpcomingRun(3, WHEN, False), UpcomingRun(4, WHEN, True)],
    )
    html = render("requests/detail.html", bulk=repeating, runs=view, lines=[])
    runs = html[html.index('data-testid="request-runs"') :].split("</section>")[0]
    assert runs.count('data-testid="upcoming-run"') == 2 and runs.count('data-testid="past-run"') == 2
    assert "رد کردن این اجرا" in runs and "بازگرداندن" in runs and "رد شده" in runs
    assert "۱۴۰۵/۰۳/۰۱ ۱۰:۲۰" in runs  # Jalali, Tehran time
    assert f'href="/requests/{"s" * 32}"' in runs and "۴۰۰٬۰۰۰ ریال" in runs and "کسری ۱ ریال" in runs
    for action in ("pause", "end", "cancel", "skip", "unskip"):
        found = re.search(rf'<form[^>]*action="/requests/{repeating.id}/runs/{action}"[^>]*>.*?</form>', runs, re.S)
        assert found is not None, action
        assert "data-confirm=" in found.group(0) and f'name="csrf_token" value="{shared.CSRF}"' in found.group(0)
    assert 'value="۱۴۰۶/۰۱/۰۱"' not in runs and 'value="۱۴۰۵/۱۲/۲۹"' in runs  # the end date shown in Jalali
    paused = Request(**{**repeating.__dict__, "status": RequestStatus.PAUSED, "next_run_at": None})
    html = render("requests/detail.html", bulk=paused, runs=RunsView(paused, [], []), lines=[])
    assert 'data-testid="runs-paused"' in html and "/runs/resume" in html and "/runs/pause" not in html
    assert 'data-testid="no-upcoming-runs"' in html
