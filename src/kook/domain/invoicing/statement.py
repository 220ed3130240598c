"""The monthly wallet statement (صورت‌حساب ماهانه کیف پول).

A Jalali month in Tehran's days: from the first day's 00:00 to the next month's
first day's 00:00 (Tehran), end exclusive. The opening balance is the sum of
every posting to the wallet before the month; each entry of the month moves it;
the closing balance is the opening plus the month's movements — the same figure
``kook ledger verify`` recomputes from the postings for a month that is over
(or, for the running month, for everything posted so far).

A wallet has two figures, available and held (money reserved for requests being
sent); the statement carries both and their total.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time

from kook.domain.shared.errors import ValidationFailed
from kook.domain.shared.jalali import MAX_YEAR, TEHRAN, to_gregorian

FIRST_YEAR = 1300


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """[start, end) of the Jalali month in Tehran, as timezone-aware moments; ValidationFailed when not a month."""
    if not (FIRST_YEAR <= year < MAX_YEAR) or not 1 <= month <= 12:
        raise ValidationFailed({"month": "invalid"})
    start = datetime.combine(to_gregorian(year, month, 1), time(0), TEHRAN)
    next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    end = datetime.combine(to_gregorian(next_year, next_month, 1), time(0), TEHRAN)
    return start, end


@dataclass(frozen=True, slots=True)
class Balance:
    available: int = 0
    held: int = 0

    @property
    def total(self) -> int:
        return self.available + self.held

    def moved(self, available: int, held: int) -> Balance:
        return Balance(self.available + available, self.held + held)


@dataclass(frozen=True, slots=True)
class Movement:
    """One journal entry's effect on the wallet."""

    entry_id: str
    kind: str
    memo: str
    created_at: datetime
    available_change: int
    held_change: int


@dataclass(frozen=True, slots=True)
class StatementRow:
    movement: Movement
    balance: Balance  # after the movement

    @property
    def credit(self) -> int:
        """What the movement added to the available balance (0 if it took)."""
        return max(self.movement.available_change, 0)

    @property
    def debit(self) -> int:
        """What the movement took from the available balance (0 if it added)."""
        return max(-self.movement.available_change, 0)


@dataclass(frozen=True, slots=True)
class MonthlyStatement:
    customer_id: str
    year: int
    month: int
    opening: Balance
    rows: list[StatementRow]
    closing: Balance

    @property
    def credits(self) -> int:
        return sum(r.credit for r in self.rows)

    @property
    def debits(self) -> int:
        return sum(r.debit for r in self.rows)


def build_statement(
    customer_id: str, year: int, month: int, opening: Balance, movements: Sequence[Movement]
) -> MonthlyStatement:
    """The rows with the balance after each (movements oldest first), and the closing balance."""
    balance = opening
    rows: list[StatementRow] = []
    for movement in movements:
        balance = balance.moved(movement.available_change, movement.held_change)
        rows.append(StatementRow(movement, balance))
    return MonthlyStatement(customer_id, year, month, opening, rows, balance)
