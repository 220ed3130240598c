"""ریز تراکنش in SQL: keyset pages over (sent_at, id), never OFFSET, and the filter's totals.

Every query of the lines carries ``sent_at IS NOT NULL`` so the partial indexes of migration
0010 serve it: (customer_id, sent_at, id) for a customer, (sent_at, id) for staff.

Totals come from the rollup of migration 0015 (``report_line_totals`` plus the deltas not folded
yet) for the whole rollup days inside the filter's range, and from the lines for the rest: the
edges of a range that does not start or end on a rollup day's boundary, and every filter the
rollup does not key (a request, a mobile). All parts are summed in one statement (one snapshot).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kook.adapters.postgres.tables import reporting as tr
from kook.adapters.postgres.tables import requests as t
from kook.application.reporting.ports import (
    TRANSACTION_STATUSES,
    TransactionCursor,
    TransactionFilter,
    TransactionReader,
    TransactionRow,
    TransactionTotals,
)

L = t.request_lines.c
R = t.requests.c
_AMOUNT = sa.case((L.product == "airtime", sa.func.coalesce(L.amount, 0)), else_=L.price)
_COLUMNS = (
    L.id,
    L.customer_id,
    L.request_id,
    R.name.label("request_name"),
    L.mobile,
    L.operator,
    L.product,
    L.package_code,
    L.package_title,
    _AMOUNT.label("amount"),
    L.status,
    L.sent_at,
    L.finished_at,
    L.reference,
    L.provider_ref,
)


# The rollup's day: the UTC date of sent_at + 3:30, as the trigger of migration 0015 computes it.
ROLLUP_SHIFT = timedelta(hours=3, minutes=30)
_DAY = timedelta(days=1)


def rollup_day(moment: datetime) -> date:
    return (moment.astimezone(UTC) + ROLLUP_SHIFT).date()


def rollup_day_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC) - ROLLUP_SHIFT


def whole_days(start: datetime | None, end: datetime | None) -> tuple[date | None, date | None] | None:
    """The rollup days wholly inside [start, end) as [first, last) (None: unbounded), or None when none is."""
    first = None
    if start is not None:
        first = rollup_day(start)
        if rollup_day_start(first) < start:
            first += _DAY
    last = rollup_day(end) if end is not None else None
    if first is not None and last is not None and first >= last:
        return None
    return first, last


def _where(filter: TransactionFilter, start: datetime | None = None, end: datetime | None = None) -> list[Any]:
    """The filter's conditions on the lines; ``start``/``end`` replace the filter's own range when given."""
    clauses: list[Any] = [L.sent_at.is_not(None), L.status.in_(TRANSACTION_STATUSES)]
    if filter.customer_id is not None:
        clauses.append(L.customer_id == filter.customer_id)
    start = start or filter.start
    end = end or filter.end
    if start is not None:
        clauses.append(L.sent_at >= start)
    if end is not None:
        clauses.append(L.sent_at < end)
    if filter.status is not None:
        clauses.append(L.status == filter.status)
    if filter.operator is not None:
        clauses.append(L.operator == filter.operator)
    if filter.product is not None:
        clauses.append(L.product == filter.product)
    if filter.package_code is not None:
        clauses.append(L.package_code == filter.package_code)
    if filter.request_id is not None:
        clauses.append(L.request_id == filter.request_id)
    if filter.mobile is not None:
        clauses.append(L.mobile == filter.mobile)
    return clauses


def _row(r: Any) -> TransactionRow:
    # positional: _COLUMNS are in TransactionRow's field order (an export builds a million of these)
    return TransactionRow(*r)


def _line_totals(where: list[Any]) -> Any:
    return sa.select(
        sa.func.count().label("lines"),
        sa.func.coalesce(sa.func.sum(_AMOUNT), 0).label("amount"),
        sa.func.coalesce(sa.func.sum(sa.case((L.status == "succeeded", _AMOUNT), else_=0)), 0).label("succeeded"),
        sa.func.coalesce(sa.func.sum(sa.case((L.status == "failed", _AMOUNT), else_=0)), 0).label("refunded"),
    ).where(*where)


def _rollup_totals(
    table: sa.Table, filter: TransactionFilter, first: date | None, last: date | None, *, staff_row: bool
) -> Any:
    """The sums of a rollup table (the folded totals, or the deltas not folded yet) over whole days."""
    c = table.c
    clauses: list[Any] = [c.status.in_(TRANSACTION_STATUSES)]
    if filter.customer_id is not None:
        clauses.append(c.customer_id == filter.customer_id)
    elif staff_row:
        clauses.append(c.customer_id == tr.ALL_CUSTOMERS)
    if first is not None:
        clauses.append(c.day >= first)
    if last is not None:
        clauses.append(c.day < last)
    if filter.status is not None:
        clauses.append(c.status == filter.status)
    if filter.operator is not None:
        clauses.append(c.operator == filter.operator)
    if filter.product is not None:
        clauses.append(c.product == filter.product)
    if filter.package_code is not None:
        clauses.append(c.package_code == filter.package_code)
    return sa.select(
        sa.func.coalesce(sa.func.sum(c.lines), 0).label("lines"),
        sa.func.coalesce(sa.func.sum(c.amount), 0).label("amount"),
        sa.func.coalesce(sa.func.sum(sa.case((c.status == "succeeded", c.amount), else_=0)), 0).label("succeeded"),
        sa.func.coalesce(sa.func.sum(sa.case((c.status == "failed", c.amount), else_=0)), 0).label("refunded"),
    ).where(*clauses)


class SqlTransactionReader(TransactionReader):
    def __init__(self, factory: async_sessionmaker[AsyncSession]) -> None:
        self._factory = factory

    def _page_query(self, filter: TransactionFilter, after: TransactionCursor | None, limit: int) -> Any:
        """The page in two steps: the ids from the (covering) index alone, then those rows and their requests.

        A filter the index does not order by (a rare status, an operator) skips index entries, not table
        rows: PostgreSQL reads the skipped ones from the index (an index-only scan), and only the page's
        rows from the table.
        """
        ids = sa.select(L.id.label("id"), L.sent_at.label("sent_at")).where(*_where(filter))
        if after is not None:
            moment, ident = after
            # a row comparison, which the index's range takes (an OR of the two would be a filter: every later
            # page would skip all the rows of the pages before it — quadratic over an export)
            ids = ids.where(sa.tuple_(L.sent_at, L.id) < sa.tuple_(sa.literal(moment, L.sent_at.type), ident))
        chosen = ids.order_by(L.sent_at.desc(), L.id.desc()).limit(limit).subquery("chosen")
        return (
            sa.select(*_COLUMNS)
            .select_from(chosen)
            .join(t.request_lines, L.id == chosen.c.id)
            .join(t.requests, R.id == L.request_id)
            .order_by(chosen.c.sent_at.desc(), chosen.c.id.desc())
        )

    async def page(
        self, filter: TransactionFilter, after: TransactionCursor | None, limit: int
    ) -> list[TransactionRow]:
        async with self._factory() as session:
            rows = (await session.execute(self._page_query(filter, after, limit))).all()
        return [_row(r) for r in rows]

    def _totals_query(self, filter: TransactionFilter) -> Any:
        if filter.request_id is not None or filter.mobile is not None:
            return _line_totals(_where(filter))  # selective and indexed; the rollup does not key them
        days = whole_days(filter.start, filter.end)
        if days is None:
            return _line_totals(_where(filter))  # less than one rollup day
        first, last = days
        parts = [_rollup_totals(tr.report_line_totals, filter, first, last, staff_row=True)]
        parts.append(_rollup_totals(tr.report_line_deltas, filter, first, last, staff_row=False))
        if first is not None and filter.start is not None and filter.start < rollup_day_start(first):
            parts.append(_line_totals(_where(filter, filter.start, rollup_day_start(first))))
        if last is not None and filter.end is not None and rollup_day_start(last) < filter.end:
            parts.append(_line_totals(_where(filter, rollup_day_start(last), filter.end)))
        both = sa.union_all(*parts).subquery("parts")
        return sa.select(*(sa.func.coalesce(sa.func.sum(column), 0) for column in both.c))

    def queries(self, filter: TransactionFilter, after: TransactionCursor | None = None) -> list[Any]:
        """The statements a page (the first, or the one after ``after``) and its totals run (the EXPLAIN test
        checks their plans)."""
        return [self._page_query(filter, after, 51), self._totals_query(filter)]

    async def totals(self, filter: TransactionFilter) -> TransactionTotals:
        query = self._totals_query(filter)
        async with self._factory() as session:
            if (await session.connection()).dialect.name == "postgresql":
                # A prepared statement turns generic after five runs, and the generic plan of a request's or a
                # mobile's totals reads the customer's whole index (its values unknown): plan for the values.
                await session.execute(sa.text("SET LOCAL plan_cache_mode = force_custom_plan"))
            count, amount, succeeded, refunded = (await session.execute(query)).one()
        return TransactionTotals(int(count), int(amount), int(succeeded), int(refunded))

    async def batches(self, filter: TransactionFilter, size: int) -> AsyncIterator[list[TransactionRow]]:
        after: TransactionCursor | None = None
        while True:
            rows = await self.page(filter, after, size)
            if not rows:
                return
            yield rows
            if len(rows) < size:
                return
            after = rows[-1].cursor
