"""Products (SPEC §6.3): airtime amounts as forms and sheets spell them, bounds, packages and snapshots."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kook.domain.catalog.product import (
    AirtimeBounds,
    AmountOutOfRange,
    Package,
    PackageInactive,
    PackageNotFound,
    PackageSnapshot,
    PackageTerms,
    PriceList,
    SimType,
    check_package_code,
)
from kook.domain.routing.operator import Operator
from kook.domain.shared.errors import DomainError, ValidationFailed
from kook.domain.shared.money import AmountMissing, AmountNotWhole, parse_rials
from tests.fakes.catalog import seeded_state

NOW = datetime(2026, 5, 22, 6, 50, tzinfo=UTC)
LATER = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
PERSIAN = "۰۱۲۳۴۵۶۷۸۹"
ARABIC = "٠١٢٣٤٥٦٧٨٩"


def _script(text: str, digits: str) -> str:
    return "".join(digits[int(c)] if c.isdigit() else c for c in text)


# --------------------------------------------------------------------------- amounts


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (200000, 200_000),
        (200000.0, 200_000),
        (Decimal("350000"), 350_000),
        ("200000", 200_000),
        ("200,000", 200_000),
        ("۲۰۰٬۰۰۰", 200_000),
        ("٢٠٠,٠٠٠", 200_000),
        ("200000.0", 200_000),
        ("۵۰۰۰۰۰٫۰", 500_000),
        ("1.000.000", 1_000_000),
        ("1 000 000", 1_000_000),
        ("۱٬۰۰۰٬۰۰۰ ریال", 1_000_000),
        (" 250,000 rials ", 250_000),
        ("\u200f۳۰۰٬۰۰۰\u200e", 300_000),
        ("+400000", 400_000),
    ],
)
def test_amounts_as_forms_and_sheets_spell_them(value: object, expected: int) -> None:
    assert parse_rials(value) == expected


@pytest.mark.parametrize(
    ("value", "error", "reason"),
    [
        (None, AmountMissing, None),
        ("", AmountMissing, None),
        ("  ", AmountMissing, None),
        ("ریال", AmountMissing, None),
        ("200000.5", AmountNotWhole, "fraction"),
        (200000.5, AmountNotWhole, "fraction"),
        (Decimal("1.5"), AmountNotWhole, "fraction"),
        ("-200000", AmountNotWhole, "negative"),
        (-5, AmountNotWhole, "negative"),
        ("abc", AmountNotWhole, "not_a_number"),
        ("200k", AmountNotWhole, "not_a_number"),
        ("2e5", AmountNotWhole, "not_a_number"),
        (float("nan"), AmountNotWhole, "not_a_number"),
        (True, AmountNotWhole, "not_a_number"),
        ([200000], AmountNotWhole, "not_a_number"),
        ("1..0", AmountNotWhole, "not_a_number"),
        ("۲۰۰ هزار", AmountNotWhole, "not_a_number"),
    ],
)
def test_amounts_that_are_not_whole_rials(value: object, error: type[DomainError], reason: str | None) -> None:
    with pytest.raises(error) as caught:
        parse_rials(value)
    if reason is not None:
        assert caught.value.details == {"reason": reason}
    assert caught.value.code in ("amount_missing", "amount_not_whole")


@given(
    amount=st.integers(min_value=0, max_value=10**12),
    separator=st.sampled_from(["", ",", "٬", "،", " ", "'"]),
    digits=st.sampled_from(["0123456789", PERSIAN, ARABIC]),
    cell=st.sampled_from(["", ".0", "٫۰", ".00"]),
    unit=st.sampled_from(["", " ریال", " rial"]),
)
def test_every_spelling_of_an_amount_round_trips(
    amount: int, separator: str, digits: str, cell: str, unit: str
) -> None:
    grouped = f"{amount:,}".replace(",", separator)
    text = _script(grouped + cell, digits) + unit
    assert parse_rials(text) == amount


def test_airtime_bounds_default_to_the_manual() -> None:
    bounds = AirtimeBounds()
    assert (bounds.minimum, bounds.maximum) == (200_000, 1_000_000)
    assert bounds.parse("۲۰۰٬۰۰۰") == 200_000
    assert bounds.parse(1_000_000) == 1_000_000
    for outside in (199_999, 1_000_001, 0):
        with pytest.raises(AmountOutOfRange) as caught:
            bounds.check(outside)
        assert caught.value.code == "amount_out_of_range"
        assert caught.value.details == {"amount": outside, "min": 200_000, "max": 1_000_000}


@given(st.integers(min_value=200_000, max_value=1_000_000))
def test_every_whole_amount_within_bounds_is_accepted(amount: int) -> None:
    assert AirtimeBounds().parse(f"{amount:,}") == amount


@pytest.mark.parametrize(("low", "high"), [(0, 10), (500, 100), (1, 10**9)])
def test_bounds_that_make_no_sense_are_refused(low: int, high: int) -> None:
    with pytest.raises(ValidationFailed):
        AirtimeBounds(low, high)


# --------------------------------------------------------------------------- packages


def _package(**overrides: object) -> Package:
    terms = PackageTerms.checked(
        title="بسته ماهانه ۱۰ گیگابایت", volume_mb="10240", duration_days="۳۰", price="1,250,000", sim_type="both"
    )
    package = Package.create(id="p1", operator=Operator.MCI, code="mci-30d-10gb", terms=terms, now=NOW)
    for name, value in overrides.items():
        setattr(package, name, value)
    return package


def test_a_package_is_created_from_what_staff_type() -> None:
    package = _package()
    assert package.code == "MCI-30D-10GB"
    assert (package.volume_mb, package.duration_days, package.price) == (10240, 30, 1_250_000)
    assert package.active and package.sim_type is SimType.BOTH


def test_package_terms_collect_every_bad_field() -> None:
    with pytest.raises(ValidationFailed) as caught:
        PackageTerms.checked(title=" ", volume_mb="0", duration_days="400", price="12.5", sim_type="gold")
    assert caught.value.fields == {
        "title": "required",
        "volume_mb": "out_of_range",
        "duration_days": "out_of_range",
        "price": "not_whole",
        "sim_type": "invalid",
    }


@pytest.mark.parametrize("code", ["", "A", "a b", "ÄB", "X" * 33, "airtime", "AIRTIME", "-AB"])
def test_bad_package_codes(code: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        check_package_code(code)
    assert caught.value.fields == {"code": "package_code_invalid"}


def test_a_line_keeps_the_price_and_title_it_was_added_with() -> None:
    package = _package()
    snapshot = package.snapshot()
    package.revise(
        PackageTerms(
            title="بسته ماهانه جدید", volume_mb=20480, duration_days=30, price=2_000_000, sim_type=SimType.BOTH
        ),
        LATER,
    )
    assert (snapshot.title, snapshot.price, snapshot.volume_mb) == ("بسته ماهانه ۱۰ گیگابایت", 1_250_000, 10240)
    assert package.snapshot().price == 2_000_000
    assert PackageSnapshot.from_dict(snapshot.as_dict()) == snapshot


def test_an_inactive_package_is_not_sold() -> None:
    package = _package()
    package.deactivate(LATER)
    assert not package.active and package.updated_at == LATER
    with pytest.raises(PackageInactive) as caught:
        package.snapshot()
    assert caught.value.code == "package_inactive"
    package.activate(LATER)
    assert package.snapshot().code == "MCI-30D-10GB"


# --------------------------------------------------------------------------- the seeded catalogue and the price list


def test_every_operator_has_at_least_eight_packages_of_every_duration() -> None:
    state = seeded_state(NOW)
    for operator in Operator:
        mine = [p for p in state.packages.values() if p.operator is operator]
        assert len(mine) >= 8, operator
        days = {p.duration_days for p in mine}
        assert {1, 7, 30, 90} <= days, (operator, days)  # daily, weekly, monthly, three-monthly
        assert len({p.volume_mb for p in mine}) >= 5
        for p in mine:
            assert p.code.startswith(operator.slug.upper() + "-")
            check_package_code(p.code)
            assert p.title.startswith("بسته ") and "گیگابایت" in p.title
            assert 100_000 <= p.price <= 10_000_000
            assert p.active


def test_the_price_list_prices_many_lines() -> None:
    state = seeded_state(NOW)
    state.operator_settings[Operator.RIGHTEL].set_bounds(300_000, 2_000_000, NOW)
    prices = PriceList({s.operator: s.bounds for s in state.operator_settings.values()}, list(state.packages.values()))
    assert prices.airtime_amount(Operator.MCI, "200,000") == 200_000
    assert prices.airtime_amount(Operator.RIGHTEL, "۲٬۰۰۰٬۰۰۰") == 2_000_000
    with pytest.raises(AmountOutOfRange):
        prices.airtime_amount(Operator.RIGHTEL, 200_000)
    snapshot = prices.package(" mtn-30d-12gb ")
    assert (snapshot.code, snapshot.operator, snapshot.price) == ("MTN-30D-12GB", Operator.IRANCELL, 1_390_000)
    with pytest.raises(PackageNotFound) as caught:
        prices.package("NOPE-1")
    assert caught.value.code == "package_not_found"
    assert [p.duration_days for p in prices.active_packages(Operator.SHATEL)] == sorted(
        p.duration_days for p in prices.active_packages(Operator.SHATEL)
    )
