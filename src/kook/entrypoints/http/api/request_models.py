"""The JSON shapes of the requests API (API.md "Requests"): bodies, answers, their converters from the
application's views, the line cursor and the xlsx answer, shared by ``api/requests.py`` and the portal's pages.
(Split from ``api/requests.py``, which keeps the routes.)"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from litestar import Request, Response

from kook.application.recharges.line_checker import LineInput
from kook.application.recharges.list_runs import RunsView
from kook.application.recharges.ports import ErrorRow, LineCursor, LineView
from kook.domain.recharges.line import ProductKind
from kook.domain.recharges.request import Request as BulkRequest
from kook.domain.shared.errors import DomainError, ValidationFailed
from kook.domain.shared.jalali import TEHRAN, JalaliDate
from kook.domain.shared.money import MAX_STORABLE_RIALS, parse_rials
from kook.entrypoints.http.messages import error_text

Req = Request[Any, Any, Any]
PAGE = 50
LINES_PAGE = 100
# The reader answers file_too_large itself (20 MB); the body limit sits above it.
UPLOAD_BODY_LIMIT = 24 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMN_TITLES = {"mobile": "شماره موبایل", "amount": "مبلغ", "operator": "اپراتور", "package_code": "بسته"}


class RequestBody(msgspec.Struct):
    name: str
    kind: str


class RenameBody(msgspec.Struct):
    name: str


class RepeatBody(msgspec.Struct, forbid_unknown_fields=True):
    every: str
    weekdays: list[int | str] | None = None
    day: int | str | None = None
    time: str | None = None
    until: str | None = None
    count: int | str | None = None


class ConfirmBody(msgspec.Struct, forbid_unknown_fields=True):
    schedule_at: str | None = None
    repeat: RepeatBody | None = None


class RepeatOut(msgspec.Struct):
    every: str
    time: str
    weekdays: list[int]
    day: int | None
    until: str | None
    count: int | None


class RequestOut(msgspec.Struct):
    id: str
    name: str
    kind: str
    status: str
    created_at: datetime
    confirmed_at: datetime | None
    total_held: int
    schedule_at: datetime | None = None
    repeat: RepeatOut | None = None
    next_run_at: datetime | None = None
    runs_started: int = 0
    parent_id: str | None = None
    run_number: int | None = None


class RunMoney(msgspec.Struct):
    total: int
    settled: int
    released: int
    held: int


class RunLines(msgspec.Struct):
    total: int
    pending: int
    succeeded: int
    failed: int
    unknown: int


class PastRunOut(msgspec.Struct):
    number: int
    run_at: datetime  # Tehran time: when the run started, or the occurrence that made no run
    run_at_jalali: str
    status: str  # the run's status, or not_funded | skipped
    request_id: str | None
    lines: RunLines | None
    money: RunMoney | None
    missing: int  # not_funded: how much was missing


class UpcomingRunOut(msgspec.Struct):
    number: int | None
    run_at: datetime
    run_at_jalali: str
    skipped: bool


class RunsOut(msgspec.Struct):
    status: str
    items: list[PastRunOut]
    upcoming: list[UpcomingRunOut]
    next_cursor: str | None = None


class RunAtBody(msgspec.Struct, forbid_unknown_fields=True):
    run_at: str


class RunsEndBody(msgspec.Struct, forbid_unknown_fields=True):
    until: str | None = None
    count: int | str | None = None


def tehran_jalali(moment: datetime) -> tuple[datetime, str]:
    """(the moment in Tehran time, ``1405/03/02 12:00``)."""
    local = moment.astimezone(TEHRAN)
    day = JalaliDate.from_date(local.date())
    return local, f"{day} {local.hour:02d}:{local.minute:02d}"


def runs_out(view: RunsView) -> RunsOut:
    items = []
    for past in view.past:
        local, jalali = tehran_jalali(past.at)
        run = past.run
        items.append(
            PastRunOut(
                number=past.number,
                run_at=local,
                run_at_jalali=jalali,
                status=past.status,
                request_id=run.request_id if run is not None else None,
                lines=RunLines(run.lines, run.pending, run.succeeded, run.failed, run.unknown) if run else None,
                money=RunMoney(run.total, run.settled, run.released, run.held) if run is not None else None,
                missing=past.missing,
            )
        )
    upcoming = [UpcomingRunOut(u.number, *tehran_jalali(u.at), u.skipped) for u in view.upcoming]
    return RunsOut(view.request.status.value, items, upcoming)


class RequestList(msgspec.Struct):
    items: list[RequestOut]
    next_cursor: str | None


class LineBody(msgspec.Struct):
    mobile: str | int | None = None
    amount: str | int | None = None
    package_code: str | None = None
    operator: str | int | None = None


class LineError(msgspec.Struct):
    row: int | None
    column: str | None
    code: str
    message: str


class LineOut(msgspec.Struct):
    id: str
    mobile: str
    operator: int | None
    ported: bool
    product: str
    amount: int | None
    package_title: str | None
    price: int
    status: str
    error: LineError | None
    warning: str | None
    source_row: int | None
    upload_id: str | None


class LineList(msgspec.Struct):
    items: list[LineOut]
    next_cursor: str | None


class UploadOut(msgspec.Struct):
    upload_id: str
    rows: int
    valid: int
    invalid: int
    duplicates: int


class ProductOut(msgspec.Struct):
    product: str
    title: str | None
    lines: int
    total: int


def request_out(r: BulkRequest) -> RequestOut:
    return RequestOut(
        id=r.id,
        name=r.name,
        kind=r.kind.value,
        status=r.status.value,
        created_at=r.created_at,
        confirmed_at=r.confirmed_at,
        total_held=r.total_held,
        schedule_at=r.schedule_at,
        repeat=msgspec.convert(r.repeat.to_json(), RepeatOut) if r.repeat is not None else None,
        next_run_at=r.next_run_at,
        runs_started=r.runs_started,
        parent_id=r.parent_id,
        run_number=r.run_number,
    )


def line_out(line: LineView) -> LineOut:
    error = (
        LineError(line.source_row, line.error_column, line.error_code, error_text(line.error_code))
        if line.error_code
        else None
    )
    product = line.package_code or "" if line.product == ProductKind.PACKAGE.value else ProductKind.AIRTIME.value
    return LineOut(
        id=str(line.id),
        mobile=line.mobile,
        operator=line.operator,
        ported=line.ported,
        product=product,
        amount=line.amount if line.product == ProductKind.AIRTIME.value else line.price,
        package_title=line.package_title,
        price=line.price,
        status=line.status,
        error=error,
        warning="duplicate_mobile" if line.duplicate else None,
        source_row=line.source_row,
        upload_id=line.upload_id,
    )


def encode_line_cursor(cursor: LineCursor) -> str:
    return f"{cursor[0]}-{cursor[1]}"


def decode_line_cursor(cursor: str | None) -> LineCursor | None:
    if not cursor:
        return None
    try:
        phase, ident = cursor.split("-", 1)
        parsed = int(phase), int(ident)
    except ValueError:
        raise ValidationFailed({"cursor": "invalid"}) from None
    if parsed[0] not in (0, 1):
        raise ValidationFailed({"cursor": "invalid"})
    return parsed


def line_id_of(value: str) -> int:
    if not value.isdigit() or len(value) > 18:
        raise ValidationFailed({"line_id": "invalid"})
    return int(value)


def line_input(data: LineBody) -> LineInput:
    """The line as the use cases take it; an amount past what any column holds is no line at all (422)."""
    try:
        typed = parse_rials(data.amount) if data.amount not in (None, "") else None
    except DomainError:
        typed = None  # a malformed amount: the line is kept invalid with its reason
    if typed is not None and typed > MAX_STORABLE_RIALS:
        raise ValidationFailed({"amount": "amount_out_of_range"})
    return LineInput(mobile=data.mobile, amount=data.amount, package_code=data.package_code, operator=data.operator)


def error_rows(lines: list[LineView]) -> list[ErrorRow]:
    return [
        ErrorRow(
            row=line.source_row or 0,
            cells=[c if c is None or isinstance(c, str | int | float | bool) else str(c) for c in (line.cells or [])],
            column=COLUMN_TITLES.get(line.error_column or "", line.error_column),
            code=line.error_code or "",
            message=error_text(line.error_code or ""),
        )
        for line in lines
    ]


def xlsx_response(content: bytes, filename: str) -> Response[bytes]:
    return Response(
        content,
        media_type=XLSX,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )
