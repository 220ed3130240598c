"""Bulk request rules: a line is checked (never dropped), duplicates flagged, the request's states."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kook.domain.catalog.product import AirtimeBounds, Package, PackageTerms, PriceList, SimType
from kook.domain.recharges.line import LineStatus, ProductKind, check_line, flag_duplicates
from kook.domain.recharges.request import Request, RequestKind, RequestNotDraft, RequestStatus, check_kind, check_name
from kook.domain.routing.operator import Operator
from kook.domain.routing.prefix_table import PrefixRule, PrefixTable
from kook.domain.shared.errors import ValidationFailed

NOW = datetime(2026, 5, 22, 6, 50, tzinfo=UTC)
TABLE = PrefixTable(
    [
        PrefixRule("0912", Operator.MCI),
        PrefixRule("0935", Operator.IRANCELL),
        PrefixRule("0921", Operator.RIGHTEL),
        PrefixRule("0999", None),
    ]
)


def package(code: str, operator: Operator, price: int, *, active: bool = True) -> Package:
    terms = PackageTerms(title=f"بسته {code}", volume_mb=1024, duration_days=7, price=price, sim_type=SimType.BOTH)
    found = Package.create(id=code.lower(), operator=operator, code=code, terms=terms, now=NOW)
    if not active:
        found.deactivate(NOW)
    return found


PRICES = PriceList(
    {Operator.MCI: AirtimeBounds(200_000, 1_000_000)},
    [
        package("MCI-7D", Operator.MCI, 350_000),
        package("MTN-7D", Operator.IRANCELL, 400_000),
        package("OLD-1", Operator.MCI, 1_000, active=False),
    ],
)


def line(**kwargs: object):  # type: ignore[no-untyped-def]
    return check_line(TABLE, PRICES, **kwargs)  # type: ignore[arg-type]


def test_a_good_airtime_line_is_priced_at_its_amount() -> None:
    found = line(mobile="۰۹۱۲ ۱۲۳ ۴۵۶۷", amount="۵۰۰٬۰۰۰")
    assert found.status is LineStatus.VALID and found.error_code is None
    assert (found.mobile, found.operator, found.product, found.amount, found.price) == (
        "09121234567",
        1,
        ProductKind.AIRTIME,
        500_000,
        500_000,
    )
    assert not found.ported


def test_a_ported_number_takes_the_given_operator() -> None:
    found = line(mobile="09121234567", amount=300_000, operator="ایرانسل")
    assert found.valid and found.operator == int(Operator.IRANCELL) and found.ported


@pytest.mark.parametrize(
    ("kwargs", "code", "column"),
    [
        ({"mobile": None, "amount": 300_000}, "mobile_missing", "mobile"),
        ({"mobile": "  ", "amount": 300_000}, "mobile_missing", "mobile"),
        ({"mobile": "12345", "amount": 300_000}, "mobile_invalid", "mobile"),
        ({"mobile": "09121234567", "amount": None}, "amount_missing", "amount"),
        ({"mobile": "09121234567", "amount": "250000.5"}, "amount_not_whole", "amount"),
        ({"mobile": "09121234567", "amount": 100}, "amount_out_of_range", "amount"),
        ({"mobile": "09121234567", "amount": 300_000, "operator": "9"}, "operator_code_invalid", "operator"),
        ({"mobile": "09991234567", "amount": 300_000}, "operator_unknown", "mobile"),
        ({"mobile": "09801234567", "amount": 300_000}, "mobile_prefix_unassigned", "mobile"),
        ({"mobile": "09121234567", "package_code": "NOPE"}, "package_not_found", "package_code"),
        ({"mobile": "09121234567", "package_code": "OLD-1"}, "package_inactive", "package_code"),
        ({"mobile": "09351234567", "package_code": "MCI-7D"}, "operator_mismatch", "operator"),
    ],
)
def test_a_bad_line_is_kept_invalid_with_its_reason(kwargs: dict[str, object], code: str, column: str) -> None:
    found = line(**kwargs)
    assert found.status is LineStatus.INVALID
    assert (found.error_code, found.error_column, found.price) == (code, column, 0)


def test_package_lines_take_the_package_price_and_a_ported_code_to_its_operator() -> None:
    found = line(mobile="09351234567", package_code="mci-7d", operator=1, package_operator=Operator.MCI)
    assert found.valid and found.product is ProductKind.PACKAGE
    assert (found.package_code, found.price, found.amount, found.ported) == ("MCI-7D", 350_000, None, True)
    mismatch = line(mobile="09351234567", package_code="MCI-7D", package_operator=Operator.MCI)
    assert mismatch.error_code == "operator_mismatch"


def test_duplicates_are_flagged_not_refused() -> None:
    lines = [line(mobile=m, amount=300_000) for m in ("09121234567", "9121234567", "09351234567", "bad")]
    seen = {"09351234567"}
    assert flag_duplicates(lines, seen) == 2
    assert [x.duplicate for x in lines] == [False, True, True, False]
    assert lines[3].status is LineStatus.INVALID


@given(st.integers(min_value=200_000, max_value=1_000_000), st.sampled_from([",", "٬", "", " "]))
def test_amounts_with_any_separator_and_digits_read_the_same(amount: int, sep: str) -> None:
    text = f"{amount:,}".replace(",", sep)
    persian = text.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    for spelled in (text, persian, float(amount)):
        found = line(mobile="09121234567", amount=spelled)
        assert found.valid and found.amount == amount


def test_request_states() -> None:
    request = Request("r1", "c1", "اسفند", RequestKind.TOPUP, RequestStatus.DRAFT, NOW, NOW)
    request.rename("  شارژ   کارکنان ", NOW)
    assert request.name == "شارژ کارکنان"
    request.confirm(900_000, NOW)
    assert request.status is RequestStatus.CONFIRMED and request.total_held == 900_000
    with pytest.raises(RequestNotDraft):
        request.rename("x", NOW)
    with pytest.raises(RequestNotDraft):
        request.confirm(1, NOW)
    assert request.cancel(NOW) is True  # the hold must be released
    assert request.cancel(NOW) is False
    draft = Request("r2", "c1", "x", RequestKind.PACKAGE, RequestStatus.DRAFT, NOW, NOW)
    assert draft.cancel(NOW) is False


def test_name_and_kind_are_checked() -> None:
    with pytest.raises(ValidationFailed) as empty:
        check_name("   ")
    assert empty.value.fields == {"name": "required"}
    with pytest.raises(ValidationFailed):
        check_name("x" * 121)
    with pytest.raises(ValidationFailed) as kind:
        check_kind("airtime")
    assert kind.value.fields == {"kind": "invalid"}
    assert check_kind("package") is RequestKind.PACKAGE
