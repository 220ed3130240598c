"""Opening balance, the month's entries oldest first, closing balance; a month not begun is refused."""

from __future__ import annotations

from kook.application.reporting.ports import StatementReader
from kook.application.shared.ports import Clock
from kook.domain.invoicing.statement import MonthlyStatement, build_statement, month_bounds
from kook.domain.shared.errors import ValidationFailed


class GetMonthlyStatement:
    """Opening balance, the month's entries oldest first, closing balance; a month not begun is refused."""

    def __init__(self, reader: StatementReader, clock: Clock) -> None:
        self._reader = reader
        self._clock = clock

    async def __call__(self, customer_id: str, year: int, month: int) -> MonthlyStatement:
        start, end = month_bounds(year, month)
        if start > self._clock.now():
            raise ValidationFailed({"month": "invalid"})
        opening = await self._reader.balance_before(customer_id, start)
        movements = await self._reader.movements(customer_id, start, end)
        return build_statement(customer_id, year, month, opening, movements)
