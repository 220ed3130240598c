"""Reading and writing spreadsheets for bulk requests (SPEC §7, Uploads).

The adapter reads a workbook into a plain grid of cells (refusing hostile or
oversized files whole); the domain (``kook.domain.recharges.sheet_rows``)
finds the columns by their headers and turns the grid into rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

Cell = str | int | float | bool | None


@dataclass(frozen=True)
class Grid:
    """The first visible sheet: ``rows[i]`` is sheet row ``i + 1`` (1-based, as Excel shows it)."""

    rows: Sequence[Sequence[Cell]]


class SheetReader(Protocol):
    def read(self, content: bytes, filename: str | None = None) -> Grid:
        """Raises DomainError with code file_not_spreadsheet, file_encrypted,
        file_too_large, too_many_rows or file_bomb — and nothing is read past that."""
        ...


@dataclass(frozen=True)
class ErrorRow:
    row: int
    cells: Sequence[Cell]  # the row as uploaded
    column: str | None
    code: str
    message: str  # Persian


class WorkbookWriter(Protocol):
    def error_workbook(self, headers: Sequence[str], rows: Sequence[ErrorRow]) -> bytes:
        """The rejected rows as uploaded, with «خطا» columns added (ready to fix and upload again)."""
        ...

    def sample(self, kind: str) -> bytes:
        """The sample file for ``topup`` or ``package``: Persian headers, example rows, an instructions sheet."""
        ...
