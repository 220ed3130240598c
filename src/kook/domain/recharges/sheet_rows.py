"""From a sheet's grid of cells to upload rows (SPEC §7, Uploads).

Columns are found by their header — Persian or English names, in any order,
any case, with stray spaces, ZWNJs, underscores or dashes, Arabic ي/ك for
Persian ی/ک. The header is the first non-blank row; when none of its cells is
a known name the sheet has no header and is read by position: mobile, amount,
operator (package sheets: mobile, operator). Blank rows are skipped. Row
numbers are the sheet's own (1-based, as Excel shows them).

Nothing is validated here: the cells pass through as read (a number that lost
its leading zero stays ``9121234567`` or ``9121234567.0``) for the request's
rules (``normalize_mobile``, ``parse_rials``, the operator code) to judge.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal, NamedTuple

Cell = str | int | float | bool | None
Kind = Literal["topup", "package"]
Column = Literal["mobile", "amount", "operator"]

# The headers of the sample file and of an error workbook for a sheet read by position.
HEADER_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "topup": ("شماره موبایل", "مبلغ (ریال)", "اپراتور"),
    "package": ("شماره موبایل", "اپراتور"),
}

# Which column each position holds when the sheet has no header row.
POSITIONS: Final[dict[str, tuple[Column, ...]]] = {
    "topup": ("mobile", "amount", "operator"),
    "package": ("mobile", "operator"),
}

_ALIASES: Final[dict[Column, tuple[str, ...]]] = {
    "mobile": (
        "شماره موبایل",
        "شماره همراه",
        "شماره تلفن همراه",
        "موبایل",
        "همراه",
        "شماره",
        "mobile",
        "mobile number",
        "mobile no",
        "msisdn",
        "phone",
        "phone number",
        "cell",
    ),
    "amount": (
        "مبلغ",
        "مبلغ (ریال)",
        "مبلغ ریال",
        "مبلغ شارژ",
        "مبلغ شارژ (ریال)",
        "amount",
        "amount (rials)",
        "price",
    ),
    "operator": (
        "اپراتور",
        "کد اپراتور",
        "operator",
        "operator code",
    ),
}

# Removed before comparing header texts: spaces of every kind are handled by
# ``str.isspace``; these are the rest.
_IGNORED: Final = frozenset(
    "_-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"  # underscore, hyphen, dashes, minus
    "()[]{}"
    ".:"
    "\u0640"  # tatweel
    "\u200b\u200c\u200d\u200e\u200f"  # ZWSP, ZWNJ, ZWJ, LRM, RLM
    "\u061c\u2060\ufeff"  # ALM, word joiner, BOM
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"  # bidi embeddings and isolates
)
_ARABIC_TO_PERSIAN: Final = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "ۀ": "ه"})


def normalize_header(text: str) -> str:
    """The comparable form of a header text: ``" Mobile_Number "`` → ``"mobilenumber"``."""
    folded = text.translate(_ARABIC_TO_PERSIAN).casefold()
    return "".join(ch for ch in folded if not ch.isspace() and ch not in _IGNORED)


_BY_HEADER: Final[dict[str, Column]] = {
    normalize_header(alias): column for column, aliases in _ALIASES.items() for alias in aliases
}


class SheetRow(NamedTuple):
    """One data row. A named tuple: an upload makes 100,000 of them, and a tuple is the cheapest to build."""

    row: int  # the sheet's 1-based row number
    mobile: Cell
    amount: Cell  # always None on a package sheet
    operator: Cell
    cells: tuple[Cell, ...]  # the row as uploaded (for the error workbook)


_PLAIN: Final = frozenset({str, int, float, bool, type(None)})


@dataclass(frozen=True)
class SheetLayout:
    """Where the columns are. ``header_row`` is 1-based, or None for a sheet read by position."""

    header_row: int | None
    headers: tuple[str, ...]  # the header texts as uploaded, or HEADER_COLUMNS[kind] by position
    mobile: int | None
    amount: int | None
    operator: int | None


def to_cell(value: object) -> Cell:
    """A grid value as a cell: scalars pass through, dates become ISO text, anything else text."""
    if value is None or isinstance(value, str | bool | int | float):
        return value
    isoformat = getattr(value, "isoformat", None)
    if callable(isoformat):
        return str(isoformat())
    return str(value)


def is_blank(cells: Sequence[object]) -> bool:
    """True when every cell is empty or whitespace."""
    for cell in cells:  # noqa: SIM110  (a loop: no generator per row on the 100,000-row path)
        if cell is not None and (not isinstance(cell, str) or cell.strip()):
            return False
    return True


def header_columns(cells: Sequence[object]) -> dict[Column, int]:
    """The known columns a row names (first match wins); empty when it is not a header row."""
    found: dict[Column, int] = {}
    for index, cell in enumerate(cells):
        if not isinstance(cell, str):
            continue
        column = _BY_HEADER.get(normalize_header(cell))
        if column is not None and column not in found:
            found[column] = index
    return found


def is_header_row(cells: Sequence[object]) -> bool:
    return bool(header_columns(cells))


def sheet_layout(grid_rows: Sequence[Sequence[object]], kind: Kind) -> SheetLayout:
    """Find the header (the first non-blank row) or fall back to reading by position."""
    for index, cells in enumerate(grid_rows):
        if is_blank(cells):
            continue
        found = header_columns(cells)
        if found:
            return SheetLayout(
                header_row=index + 1,
                headers=tuple("" if cell is None else str(to_cell(cell)) for cell in cells),
                mobile=found.get("mobile"),
                amount=found.get("amount") if kind == "topup" else None,
                operator=found.get("operator"),
            )
        break
    positions = POSITIONS[kind]
    return SheetLayout(
        header_row=None,
        headers=HEADER_COLUMNS[kind],
        mobile=positions.index("mobile"),
        amount=positions.index("amount") if "amount" in positions else None,
        operator=positions.index("operator"),
    )


def rows_from_grid(grid_rows: Sequence[Sequence[object]], kind: Kind) -> list[SheetRow]:
    """Every non-blank row below the header (or every non-blank row when there is none)."""
    layout = sheet_layout(grid_rows, kind)
    mobile, amount, operator = layout.mobile, layout.amount, layout.operator
    # The columns a row must reach for the plain tuple indexing below; shorter rows go the long way.
    width = 1 + max(-1 if column is None else column for column in (mobile, amount, operator))
    rows: list[SheetRow] = []
    append = rows.append
    for index in range(layout.header_row or 0, len(grid_rows)):
        raw = grid_rows[index]
        if not raw or is_blank(raw):
            continue
        if raw.__class__ is tuple and all(map(_PLAIN.__contains__, map(type, raw))):
            cells: tuple[Cell, ...] = raw  # checked: every cell is a Cell already
        else:
            cells = tuple([to_cell(cell) for cell in raw])
        if len(cells) >= width:
            append(
                SheetRow(
                    index + 1,
                    None if mobile is None else cells[mobile],
                    None if amount is None else cells[amount],
                    None if operator is None else cells[operator],
                    cells,
                )
            )
        else:
            append(SheetRow(index + 1, _at(cells, mobile), _at(cells, amount), _at(cells, operator), cells))
    return rows


def _at(cells: tuple[Cell, ...], index: int | None) -> Cell:
    if index is None or index >= len(cells):
        return None
    return cells[index]
