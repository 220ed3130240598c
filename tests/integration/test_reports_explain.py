"""The transaction report's statements never read the whole lines table: on PostgreSQL, with a seeded and
analysed table (the planner has real statistics; no ``enable_seqscan`` tricks), EXPLAIN of every filter
combination the reader produces — a page and its totals, for a customer with and without each filter (alone and
with a period), and for staff across customers with a period and each filter (or a request, a mobile, a status
alone) — shows no sequential scan of ``request_lines``."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from kook.adapters.postgres.engine import make_engine, make_session_factory
from kook.adapters.postgres.readers.transactions import SqlTransactionReader
from kook.application.reporting.ports import TransactionFilter
from kook.domain.shared.jalali import TEHRAN
from tests.integration.conftest import _clean_pg

CUSTOMERS = [f"c{n:031d}" for n in range(40)]
START = datetime(2026, 1, 1, tzinfo=UTC)
PACKAGES = ["MCI-1G", "MCI-5G", "MTN-2G", "RTL-1G"]
STATUSES = ["succeeded"] * 90 + ["failed"] * 6 + ["unknown"] * 3 + ["sending"]
LINES = 24_000


def _day(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=TEHRAN)


async def _seed(engine: AsyncEngine) -> None:
    rng = random.Random(14)
    requests = []
    lines = []
    for n in range(LINES // 200):
        customer = CUSTOMERS[n % len(CUSTOMERS)]
        request_id = f"r{n:031d}"
        began = START + timedelta(days=rng.uniform(0, 300))
        requests.append((request_id, customer, f"درخواست {n}", "topup", "completed", began, began))
        for i in range(200):
            status = rng.choice(STATUSES) if i % 50 else "invalid"  # a few never sent (no sent_at)
            package = rng.choice(PACKAGES) if i % 5 == 0 else None
            lines.append(
                (
                    customer,
                    request_id,
                    f"0912{rng.randrange(10**7):07d}",
                    rng.choice((1, 1, 2, 3)),
                    "package" if package else "airtime",
                    None if package else 200_000,
                    package,
                    300_000 if package else 200_000,
                    status,
                    began,
                    None if status == "invalid" else began + timedelta(seconds=i),
                )
            )
    async with engine.connect() as conn:
        raw = await conn.get_raw_connection()
        driver: Any = raw.driver_connection
        await driver.copy_records_to_table(
            "requests",
            records=requests,
            columns=("id", "customer_id", "name", "kind", "status", "created_at", "updated_at"),
        )
        await driver.copy_records_to_table(
            "request_lines",
            records=lines,
            columns=(
                "customer_id",
                "request_id",
                "mobile",
                "operator",
                "product",
                "amount",
                "package_code",
                "price",
                "status",
                "created_at",
                "sent_at",
            ),
        )
        await driver.execute("VACUUM ANALYZE request_lines")
        await driver.execute("VACUUM ANALYZE requests")


@pytest.fixture
async def engine(migrated_pg: str) -> AsyncIterator[AsyncEngine]:
    await _clean_pg(migrated_pg)
    built = make_engine(migrated_pg)
    await _seed(built)
    try:
        yield built
    finally:
        await built.dispose()
        await _clean_pg(migrated_pg)


def filters() -> Iterator[tuple[str, TransactionFilter]]:
    month: dict[str, Any] = {"start": _day(date(2026, 6, 1)), "end": _day(date(2026, 7, 1))}
    narrowing: dict[str, dict[str, Any]] = {
        "status": {"status": "unknown"},
        "operator": {"operator": 3},
        "product": {"product": "package"},
        "package": {"package_code": "MTN-2G"},
        "request": {"request_id": f"r{7:031d}"},
        "mobile": {"mobile": "09121234567"},
    }
    yield "customer, nothing", TransactionFilter(customer_id=CUSTOMERS[3])
    yield "customer, dates", TransactionFilter(customer_id=CUSTOMERS[3], **month)
    yield "customer, from only", TransactionFilter(customer_id=CUSTOMERS[3], start=month["start"])
    yield "staff, dates", TransactionFilter(customer_id=None, **month)
    yield "staff, the last weeks", TransactionFilter(customer_id=None, start=_day(date(2026, 10, 20)))
    for name, fields in narrowing.items():
        yield f"customer, {name}", TransactionFilter(customer_id=CUSTOMERS[3], **fields)
        yield f"customer, dates+{name}", TransactionFilter(customer_id=CUSTOMERS[3], **month, **fields)
        # Staff look across every customer for a period: a question about everyone's whole history is a
        # read of the whole table by nature (a page of staff's report carries a period, or a request or mobile).
        if name in ("request", "mobile", "status"):
            yield f"staff, {name}", TransactionFilter(customer_id=None, **fields)
        yield f"staff, dates+{name}", TransactionFilter(customer_id=None, **month, **fields)


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


async def test_no_filter_combination_scans_the_lines_table(engine: AsyncEngine) -> None:
    reader = SqlTransactionReader(make_session_factory(engine))
    scans: list[str] = []
    async with engine.connect() as conn:
        for name, filter in filters():
            for kind, query in zip(("page", "totals"), reader.queries(filter), strict=True):
                compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
                params = compiled.construct_params()
                args = tuple(params[key] for key in compiled.positiontup or ())
                result = await conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}", args)
                plan = result.scalar_one()[0]["Plan"]
                for node in _nodes(plan):
                    if node["Node Type"] == "Seq Scan" and node.get("Relation Name") == "request_lines":
                        scans.append(f"{name} ({kind})")
    assert not scans, "sequential scans of request_lines: " + "; ".join(scans)


async def test_a_later_page_starts_in_the_index_not_after_filtering_the_earlier_ones(engine: AsyncEngine) -> None:
    """The keyset cursor is a range of the index (a filter on it would make every page of an export skip all
    the rows before it)."""
    reader = SqlTransactionReader(make_session_factory(engine))
    after = (START + timedelta(days=150), 10**9)
    filtered: list[str] = []
    async with engine.connect() as conn:
        for name, filter in filters():
            compiled = reader.queries(filter, after)[0].compile(
                dialect=conn.dialect, compile_kwargs={"render_postcompile": True}
            )
            params = compiled.construct_params()
            args = tuple(params[key] for key in compiled.positiontup or ())
            plan = (await conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}", args)).scalar_one()[0]["Plan"]
            for node in _nodes(plan):
                if node.get("Relation Name") == "request_lines" and "sent_at <" in node.get("Filter", ""):
                    filtered.append(name)
    assert not filtered, "the cursor is a filter, not an index range: " + "; ".join(filtered)
