"""Finance's daily totals in SQL: three grouped sums (verified payments, approved slips, succeeded
lines) by Tehran's day of their settling time.

PostgreSQL converts with the zone database (``timezone('Asia/Tehran', t)``), exact for every date;
SQLite (UTC kept as naive text) shifts by Tehran's offset at the period's start (a fixed +03:30 since
Iran stopped daylight saving in 2022).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kook.adapters.postgres.tables import requests as t
from kook.adapters.postgres.tables import wallet as w
from kook.application.reporting.ports import DailyTotalsReader, DayTotals
from kook.domain.shared.jalali import TEHRAN

L = t.request_lines.c
P = w.payments.c
D = w.deposits.c
_LINE_AMOUNT = sa.case((L.product == "airtime", sa.func.coalesce(L.amount, 0)), else_=L.price)


def _day(column: Any, dialect: str, start: datetime) -> Any:
    if dialect == "postgresql":
        return sa.func.date(sa.func.timezone("Asia/Tehran", column))
    offset = start.astimezone(TEHRAN).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 210
    return sa.func.date(column, f"{minutes:+d} minutes")


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


class SqlDailyTotalsReader(DailyTotalsReader):
    def __init__(self, factory: async_sessionmaker[AsyncSession]) -> None:
        self._factory = factory

    async def days(self, start: datetime, end: datetime, customer_id: str | None) -> list[DayTotals]:
        found: dict[date, DayTotals] = {}
        async with self._factory() as session:
            dialect = session.bind.dialect.name if session.bind is not None else "postgresql"
            for name, column, amount, customer, condition in (
                ("gateway", P.verified_at, P.amount, P.customer_id, P.status == "verified"),
                ("slips", D.decided_at, D.amount, D.customer_id, D.status == "approved"),
                ("operators", L.finished_at, _LINE_AMOUNT, L.customer_id, L.status == "succeeded"),
            ):
                day = _day(column, dialect, start).label("day")
                clauses = [condition, column >= start, column < end]
                if customer_id is not None:
                    clauses.append(customer == customer_id)
                query = sa.select(day, sa.func.count(), sa.func.coalesce(sa.func.sum(amount), 0)).where(*clauses)
                for value, count, total in (await session.execute(query.group_by(day))).all():
                    totals = found.setdefault(_as_date(value), DayTotals(_as_date(value)))
                    setattr(totals, name, int(total))
                    setattr(totals, f"{name}_count", int(count))
        return list(found.values())
