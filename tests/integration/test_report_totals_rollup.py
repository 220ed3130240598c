"""The transaction report's totals from the rollup (migration 0015) equal the lines' own figures.

Generated line histories — lines sent or not, then changed (status, send time, operator, package,
amount, customer) and deleted, with the rollup folded at random moments in between, on SQLite and
PostgreSQL — and generated filters (any time range, day-aligned in Tehran or not, across Iran's old
daylight-saving change, with each narrowing, for a customer or for staff): the reader's totals equal
totals computed here, in Python, from the lines as the test wrote them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from kook.adapters.postgres.engine import make_engine, make_session_factory
from kook.adapters.postgres.migrate import upgrade
from kook.adapters.postgres.readers.transactions import SqlTransactionReader
from kook.adapters.postgres.repositories.report_totals import SqlTransactionTotalsFolder
from kook.adapters.postgres.tables import requests as t
from kook.application.reporting.ports import TRANSACTION_STATUSES, TransactionFilter, TransactionTotals
from kook.domain.shared.jalali import TEHRAN
from tests.integration.conftest import _clean_pg

# Around Nowruz 1405 and, to cross Iran's old daylight saving (Tehran +4:30 until September 2022), 1401.
ANCHORS = (datetime(2026, 3, 19, 20, 30, tzinfo=UTC), datetime(2022, 9, 20, 19, 30, tzinfo=UTC))
STATUSES = (*TRANSACTION_STATUSES, "waiting", "cancelled")
PACKAGES = (None, "MCI-1G", "MTN-2G")


@dataclass(frozen=True)
class Line:
    customer: int
    sent_at: datetime | None
    status: str
    operator: int | None
    package: str | None
    amount: int

    @property
    def value(self) -> int:
        return self.amount


moments = st.builds(
    lambda anchor, minutes: anchor + timedelta(minutes=minutes),
    st.sampled_from(ANCHORS),
    st.integers(-3 * 1440, 3 * 1440).map(lambda m: m - m % 30) | st.integers(-3 * 1440, 3 * 1440),
)
lines = st.builds(
    Line,
    customer=st.integers(0, 2),
    sent_at=st.none() | moments,
    status=st.sampled_from(STATUSES),
    operator=st.none() | st.integers(1, 3),
    package=st.sampled_from(PACKAGES),
    amount=st.integers(1, 5).map(lambda n: n * 100_000),
)
changes = st.tuples(
    st.integers(0, 10_000),  # which line
    st.sampled_from(("status", "sent_at", "operator", "package", "amount", "customer", "delete", "fold")),
    st.integers(0, 10_000),  # the new value's seed
    moments,
)
scenarios = st.tuples(st.lists(lines, min_size=5, max_size=30), st.lists(changes, max_size=25))


def _tehran_midnight(moment: datetime) -> datetime:
    local = moment.astimezone(TEHRAN)
    return datetime(local.year, local.month, local.day, tzinfo=TEHRAN)


ranges = st.builds(
    lambda start, minutes, open_start, open_end, aligned: (
        None if open_start else start,
        None if open_end else start + timedelta(minutes=minutes),
        aligned,
    ),
    moments,
    st.integers(0, 4 * 1440),
    st.booleans(),
    st.booleans(),
    st.booleans(),
)
filters = st.builds(
    lambda customer, bounds, status, operator, product, package: (customer, bounds, status, operator, product, package),
    st.sampled_from((0, 1, 2, None)),
    ranges,
    st.sampled_from((None, None, None, None, *TRANSACTION_STATUSES)),  # each narrowing in about a third
    st.sampled_from((None, None, None, None, 1, 2, 3)),
    st.sampled_from((None, None, None, None, "airtime", "package")),
    st.sampled_from((None, None, None, None, None, None, *PACKAGES[1:])),
)


def _filter(prefix: str, raw: Any) -> TransactionFilter:
    customer, (start, end, aligned), status, operator, product, package = raw
    if aligned:  # what a person's Jalali day picker asks: Tehran's midnights
        start = _tehran_midnight(start) if start else None
        end = _tehran_midnight(end) if end else None
    return TransactionFilter(
        customer_id=None if customer is None else f"{prefix}{customer}",
        start=start,
        end=end,
        status=status,
        operator=operator,
        product=product,
        package_code=package,
    )


def _expected(prefix: str, rows: dict[int, Line], filter: TransactionFilter) -> tuple[int, int, int, int]:
    count = amount = succeeded = refunded = 0
    for line in rows.values():
        product = "package" if line.package else "airtime"
        if line.sent_at is None or line.status not in TRANSACTION_STATUSES:
            continue
        if filter.customer_id is not None and f"{prefix}{line.customer}" != filter.customer_id:
            continue
        if filter.start is not None and line.sent_at < filter.start:
            continue
        if filter.end is not None and line.sent_at >= filter.end:
            continue
        if filter.status not in (None, line.status) or filter.operator not in (None, line.operator):
            continue
        if filter.product not in (None, product) or filter.package_code not in (None, line.package):
            continue
        count += 1
        amount += line.value
        succeeded += line.value if line.status == "succeeded" else 0
        refunded += line.value if line.status == "failed" else 0
    return count, amount, succeeded, refunded


def _values(prefix: str, request_id: str, line: Line) -> dict[str, Any]:
    package = line.package is not None
    return {
        "customer_id": f"{prefix}{line.customer}",
        "request_id": request_id,
        "mobile": "09121234567",
        "operator": line.operator,
        "product": "package" if package else "airtime",
        "amount": None if package else line.amount,
        "package_code": line.package,
        "price": line.amount if package else 0,  # an airtime line's value is its amount, a package's its price
        "status": line.status,
        "created_at": ANCHORS[0],
        "sent_at": line.sent_at,
    }


def _changed(line: Line, what: str, seed: int, moment: datetime) -> Line:
    if what == "status":
        return replace(line, status=STATUSES[seed % len(STATUSES)])
    if what == "sent_at":
        return replace(line, sent_at=None if seed % 5 == 0 else moment)
    if what == "operator":
        return replace(line, operator=None if seed % 4 == 0 else seed % 3 + 1)
    if what == "package":
        return replace(line, package=PACKAGES[seed % len(PACKAGES)])
    if what == "amount":
        return replace(line, amount=(seed % 7 + 1) * 50_000)
    return replace(line, customer=seed % 3)


@pytest.fixture(params=["sqlite", "postgres"])
def rollup_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty migrated database (staff's totals are checked against every line in it)."""
    if request.param == "postgres":
        url = str(request.getfixturevalue("migrated_pg"))
        asyncio.run(_clean_pg(url))
        yield url
        asyncio.run(_clean_pg(url))
        return
    url = f"sqlite+aiosqlite:///{tmp_path / 'kook.db'}"
    with ThreadPoolExecutor(max_workers=1) as pool:  # alembic runs its own event loop
        pool.submit(upgrade, url).result()
    yield url


@pytest.fixture
async def engine(rollup_url: str) -> AsyncIterator[AsyncEngine]:
    built = make_engine(rollup_url)
    try:
        yield built
    finally:
        await built.dispose()


async def test_rollup_totals_equal_the_lines(engine: AsyncEngine) -> None:
    examples: list[tuple[Any, list[Any]]] = []

    @hypothesis_settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(scenarios, st.lists(filters, min_size=6, max_size=6))
    def collect(scenario: Any, asked: list[Any]) -> None:
        examples.append((scenario, asked))

    collect()
    factory = make_session_factory(engine)
    reader = SqlTransactionReader(factory)
    folder = SqlTransactionTotalsFolder(factory)
    seen: list[tuple[str, dict[int, Line]]] = []
    for n, ((initial, history), asked) in enumerate(examples):
        prefix = f"c{n:04d}{'x' * 20}"  # a customer id of this example only; staff filters see every example
        request_id = f"r{n:04d}{'x' * 20}"
        rows: dict[int, Line] = {}
        async with engine.begin() as conn:
            await conn.execute(
                sa.insert(t.requests).values(
                    id=request_id,
                    customer_id=f"{prefix}0",
                    name="درخواست",
                    kind="topup",
                    status="completed",
                    created_at=ANCHORS[0],
                    updated_at=ANCHORS[0],
                )
            )
            for line in initial:
                found = await conn.execute(
                    sa.insert(t.request_lines)
                    .values(**_values(prefix, request_id, line))
                    .returning(t.request_lines.c.id)
                )
                rows[found.scalar_one()] = line
        for which, what, seed, moment in history:
            if what == "fold":
                await folder.fold()
                continue
            if not rows:
                break
            ident = sorted(rows)[which % len(rows)]
            async with engine.begin() as conn:
                where = t.request_lines.c.id == ident
                if what == "delete":
                    await conn.execute(sa.delete(t.request_lines).where(where))
                    del rows[ident]
                    continue
                line = _changed(rows[ident], what, seed, moment)
                await conn.execute(sa.update(t.request_lines).where(where).values(**_values(prefix, request_id, line)))
                rows[ident] = line
        seen.append((prefix, rows))
        for raw in asked:
            filter = _filter(prefix, raw)
            if filter.customer_id is None:
                continue  # staff: checked below against every example's lines at once
            got = await reader.totals(filter)
            assert got == TransactionTotals(*_expected(prefix, rows, filter)), (filter, rows)
    # staff across customers: every example's lines together, before and after a fold
    for fold in (False, True):
        if fold:
            await folder.fold()
        for _, asked in examples[:8]:
            for raw in asked:
                filter = replace(_filter("", raw), customer_id=None)
                expected = [0, 0, 0, 0]
                for prefix, rows in seen:
                    for i, figure in enumerate(_expected(prefix, rows, filter)):
                        expected[i] += figure
                assert await reader.totals(filter) == TransactionTotals(*expected), filter
