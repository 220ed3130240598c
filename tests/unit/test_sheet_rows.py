"""From a grid of cells to upload rows: headers in any spelling and order, blank rows, positions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kook.domain.recharges.sheet_rows import (
    HEADER_COLUMNS,
    SheetRow,
    is_header_row,
    normalize_header,
    rows_from_grid,
    sheet_layout,
)

MOBILE_NAMES = ["شماره موبایل", "شماره همراه", "موبایل", "همراه", "شماره", "mobile", "mobile number", "msisdn", "phone"]
AMOUNT_NAMES = ["مبلغ", "مبلغ (ریال)", "مبلغ شارژ", "amount", "price"]
OPERATOR_NAMES = ["اپراتور", "کد اپراتور", "operator", "operator code"]
EXTRA_NAMES = ["نام", "ردیف", "توضیحات", "name", "note", "", None]

ZWNJ = "\u200c"


def spelled(name: str, draw: Callable[[st.SearchStrategy[Any]], Any]) -> str:
    """``name`` as a person might type it: any case, stray spaces, Arabic letters, ZWNJ, _ or -."""
    text = name
    if draw(st.booleans()):
        text = text.upper()
    elif draw(st.booleans()):
        text = text.title()
    if draw(st.booleans()):
        text = text.replace("ی", "ي").replace("ک", "ك")
    separator: str = draw(st.sampled_from([" ", "  ", "_", "-", ZWNJ, "\u00a0"]))
    before: str = draw(st.sampled_from(["", " ", "  ", "\t"]))
    after: str = draw(st.sampled_from(["", " ", "\u00a0"]))
    return before + text.replace(" ", separator) + after


def as_rows(result: Sequence[SheetRow]) -> list[tuple[int, object, object, object]]:
    return [(row.row, row.mobile, row.amount, row.operator) for row in result]


@st.composite
def topup_sheets(draw: st.DrawFn) -> tuple[list[list[object]], list[tuple[int, object, object, object]]]:
    columns = ["mobile", "amount", "operator", *draw(st.lists(st.sampled_from(EXTRA_NAMES), max_size=3))]
    order = draw(st.permutations(columns))
    names = {"mobile": MOBILE_NAMES, "amount": AMOUNT_NAMES, "operator": OPERATOR_NAMES}
    header: list[object] = []
    for column in order:
        if column in names:
            header.append(spelled(draw(st.sampled_from(names[column])), draw))
        else:
            header.append(column)
    leading_blank = draw(st.integers(0, 3))
    blank: list[object] = [None, "  "]
    grid: list[list[object]] = [blank[: draw(st.integers(0, 2))] for _ in range(leading_blank)]
    grid.append(header)
    expected: list[tuple[int, object, object, object]] = []
    for number in range(draw(st.integers(0, 8))):
        if draw(st.booleans()) and number % 3 == 0:
            grid.append(draw(st.sampled_from([[], [None, None], ["", " ", "\t"]])))
            continue
        mobile = draw(st.sampled_from(["09121234567", 9121234567, 9121234567.0, "۰۹۱۲۱۲۳۴۵۶۷", "junk"]))
        amount = draw(st.sampled_from([200000, 200000.0, "۲۰۰٬۰۰۰", "1,000,000", None]))
        operator = draw(st.sampled_from([None, 1, 2.0, "2", "ایرانسل"]))
        values = {"mobile": mobile, "amount": amount, "operator": operator}
        row = [values.get(column, "x") if column is not None else "x" for column in order]
        if all(value is None or (isinstance(value, str) and not value.strip()) for value in row):
            row[order.index("mobile")] = "09121234567"
            mobile = "09121234567"
        grid.append(row)
        expected.append((len(grid), mobile, amount, operator))
    return grid, expected


@settings(max_examples=200, deadline=None)
@given(topup_sheets())
def test_headers_in_any_spelling_and_order_find_the_columns(
    sheet: tuple[list[list[object]], list[tuple[int, object, object, object]]],
) -> None:
    grid, expected = sheet
    assert as_rows(rows_from_grid(grid, "topup")) == expected


@settings(max_examples=100, deadline=None)
@given(topup_sheets())
def test_a_package_sheet_ignores_the_amount(
    sheet: tuple[list[list[object]], list[tuple[int, object, object, object]]],
) -> None:
    grid, expected = sheet
    assert as_rows(rows_from_grid(grid, "package")) == [(row, mobile, None, op) for row, mobile, _, op in expected]


@given(st.sampled_from(MOBILE_NAMES + AMOUNT_NAMES + OPERATOR_NAMES), st.data())
def test_every_spelling_of_a_known_name_is_a_header(name: str, data: st.DataObject) -> None:
    assert is_header_row([spelled(name, data.draw)])


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        (" Mobile_Number ", "mobilenumber"),
        ("شماره\u200cموبايل", "شمارهموبایل"),
        ("مبلغ (ریال)", "مبلغریال"),
        ("OPERATOR-CODE", "operatorcode"),
        ("كد اپراتور", "کداپراتور"),
    ],
)
def test_normalized_header(text: str, normal: str) -> None:
    assert normalize_header(text) == normal


def test_the_row_as_uploaded_and_the_header_are_kept() -> None:
    grid: list[list[object]] = [
        [None, None],
        ["نام", "Mobile ", "مبلغ (ریال)"],
        ["علی", "09121234567", 500000, "extra"],
    ]
    layout = sheet_layout(grid, "topup")
    assert layout.header_row == 2
    assert layout.headers == ("نام", "Mobile ", "مبلغ (ریال)")
    (row,) = rows_from_grid(grid, "topup")
    assert row == SheetRow(
        row=3, mobile="09121234567", amount=500000, operator=None, cells=("علی", "09121234567", 500000, "extra")
    )


def test_a_sheet_without_header_is_read_by_position() -> None:
    grid: list[list[object]] = [
        [],
        [9121234567, 200000, 2],
        ["   ", None],
        ["09351234567", "۵۰۰٬۰۰۰"],
        [9121234567.0],
    ]
    layout = sheet_layout(grid, "topup")
    assert layout.header_row is None
    assert layout.headers == HEADER_COLUMNS["topup"]
    assert as_rows(rows_from_grid(grid, "topup")) == [
        (2, 9121234567, 200000, 2),
        (4, "09351234567", "۵۰۰٬۰۰۰", None),
        (5, 9121234567.0, None, None),
    ]


def test_a_package_sheet_without_header_is_mobile_then_operator() -> None:
    grid: list[list[object]] = [["09121234567", 2], ["09351234567"]]
    assert as_rows(rows_from_grid(grid, "package")) == [(1, "09121234567", None, 2), (2, "09351234567", None, None)]
    assert sheet_layout(grid, "package").headers == HEADER_COLUMNS["package"]


def test_an_unknown_first_row_is_data_so_it_is_never_dropped_silently() -> None:
    grid: list[list[object]] = [["Tel", "Sum"], ["09121234567", 200000]]
    assert as_rows(rows_from_grid(grid, "topup")) == [(1, "Tel", "Sum", None), (2, "09121234567", 200000, None)]


def test_a_header_without_a_mobile_column_gives_rows_without_mobile() -> None:
    grid: list[list[object]] = [["amount", "operator"], [200000, 1]]
    assert as_rows(rows_from_grid(grid, "topup")) == [(2, None, 200000, 1)]


def test_only_the_first_matching_column_counts() -> None:
    grid: list[list[object]] = [["mobile", "موبایل"], ["09121234567", "09351234567"]]
    assert as_rows(rows_from_grid(grid, "topup")) == [(2, "09121234567", None, None)]


def test_empty_sheets_give_no_rows() -> None:
    assert rows_from_grid([], "topup") == []
    assert rows_from_grid([[], [None, " "]], "topup") == []
    assert rows_from_grid([["mobile", "amount"]], "topup") == []


def test_dates_and_other_values_become_text() -> None:
    from datetime import date

    (row,) = rows_from_grid([["mobile", "amount"], [date(2024, 1, 2), 1.5]], "topup")
    assert row.mobile == "2024-01-02"
    assert row.amount == 1.5
