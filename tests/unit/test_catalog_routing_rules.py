"""Operators, the prefix table and routes (SPEC §6.1, §6.2, §8): the domain rules, with properties."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kook.adapters.postgres.seed.catalog import prefix_rows
from kook.domain.routing.operator import (
    Operator,
    OperatorCodeInvalid,
    operator_from_code,
    parse_operator,
    parse_optional_operator,
)
from kook.domain.routing.operator_routing import OperatorRouting, RouteUnavailable
from kook.domain.routing.prefix_table import (
    OperatorUnknown,
    PrefixRule,
    PrefixTable,
    PrefixUnassigned,
    check_prefix,
)
from kook.domain.shared.errors import Conflict, DomainError, ValidationFailed
from kook.domain.shared.mobile import MobileInvalid, normalize_mobile
from tests.fakes.catalog import seeded_state

NOW = datetime(2026, 5, 22, 6, 50, tzinfo=UTC)
PERSIAN = "۰۱۲۳۴۵۶۷۸۹"
ARABIC = "٠١٢٣٤٥٦٧٨٩"
SEED = [(row["prefix"], Operator(row["operator"]) if row["operator"] is not None else None) for row in prefix_rows(NOW)]
TABLE = PrefixTable(PrefixRule(prefix, operator) for prefix, operator in SEED)

# The allocations the issue names, written out once more by hand: the seed must say exactly this.
EXPECTED = {
    **{f"09{n}": Operator.MCI for n in range(10, 20)},
    **{f"099{n}": Operator.MCI for n in range(0, 7)},
    "0932": Operator.MCI,
    **{f"090{n}": Operator.IRANCELL for n in range(0, 6)},
    "0930": Operator.IRANCELL,
    "0933": Operator.IRANCELL,
    **{f"093{n}": Operator.IRANCELL for n in range(5, 10)},
    "0941": Operator.IRANCELL,
    **{f"092{n}": Operator.RIGHTEL for n in range(0, 4)},
    "09981": Operator.SHATEL,
    "09982": Operator.SHATEL,
}


def _script(text: str, digits: str) -> str:
    return "".join(digits[int(c)] if c.isdigit() else c for c in text)


# --------------------------------------------------------------------------- operators


def test_the_manual_codes_and_names() -> None:
    assert [(int(op), op.name_fa) for op in Operator] == [
        (1, "همراه اول"),
        (2, "ایرانسل"),
        (3, "رایتل"),
        (5, "شاتل"),
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, Operator.MCI),
        (2.0, Operator.IRANCELL),
        (Decimal("3"), Operator.RIGHTEL),
        ("5", Operator.SHATEL),
        ("۲", Operator.IRANCELL),
        ("٣", Operator.RIGHTEL),
        ("1.0", Operator.MCI),
        ("۵٫۰", Operator.SHATEL),
        (" 2 ", Operator.IRANCELL),
        ("همراه اول", Operator.MCI),
        ("همراه‌اول", Operator.MCI),  # with a zero-width non-joiner
        ("همراه", Operator.MCI),
        ("MCI", Operator.MCI),
        ("mci", Operator.MCI),
        ("Hamrah-e Aval", Operator.MCI),
        ("hamrahe aval", Operator.MCI),
        ("ایرانسل", Operator.IRANCELL),
        ("ايرانسل", Operator.IRANCELL),  # Arabic yeh
        ("Irancell", Operator.IRANCELL),
        ("MTN Irancell", Operator.IRANCELL),
        ("MTN", Operator.IRANCELL),
        ("رایتل", Operator.RIGHTEL),
        ("RighTel", Operator.RIGHTEL),
        ("شاتل", Operator.SHATEL),
        ("شاتل موبایل", Operator.SHATEL),
        ("Shatel Mobile", Operator.SHATEL),
    ],
)
def test_codes_and_names_people_write(value: object, expected: Operator) -> None:
    assert parse_operator(value) is expected


@pytest.mark.parametrize(
    "value", [0, 4, 6, 9, -1, 12, "4", "۴", "1.5", 2.5, "abc", "همراه دوم", "MCI2", True, False, [1], "1 2", "1e3"]
)
def test_any_other_code_is_operator_code_invalid(value: object) -> None:
    with pytest.raises(OperatorCodeInvalid) as caught:
        parse_operator(value)
    assert caught.value.code == "operator_code_invalid"


@pytest.mark.parametrize("value", [None, "", "   ", "\u200c"])
def test_blank_means_not_given(value: object) -> None:
    assert parse_optional_operator(value) is None
    with pytest.raises(OperatorCodeInvalid):
        parse_operator(value)


@given(
    operator=st.sampled_from(list(Operator)),
    digits=st.sampled_from(["0123456789", PERSIAN, ARABIC]),
    cell=st.booleans(),
    pad=st.sampled_from(["", " ", "  ", "\u200f", "\u00a0"]),
)
def test_every_spelling_of_a_code_round_trips(operator: Operator, digits: str, cell: bool, pad: str) -> None:
    text = _script(f"{int(operator)}.0" if cell else str(int(operator)), digits)
    assert parse_operator(pad + text + pad) is operator
    assert parse_operator(float(operator)) is operator
    assert parse_operator(operator.name_fa) is operator
    assert parse_operator(operator.name_en.upper()) is operator


@given(st.integers(min_value=-1000, max_value=1000).filter(lambda n: n not in (1, 2, 3, 5)))
def test_no_other_integer_is_an_operator(code: int) -> None:
    with pytest.raises(OperatorCodeInvalid):
        operator_from_code(code)
    with pytest.raises(OperatorCodeInvalid):
        parse_operator(str(code))


# --------------------------------------------------------------------------- the seeded prefix table


def test_the_seed_is_exactly_the_public_allocations() -> None:
    assigned = {prefix: op for prefix, op in SEED if op is not None}
    assert assigned == EXPECTED
    assert TABLE.shared_prefixes() == ["0999"]


def test_no_two_seeded_rows_overlap_ambiguously() -> None:
    prefixes = [prefix for prefix, _ in SEED]
    assert len(prefixes) == len(set(prefixes))
    # Nested rows (one prefix of another) would be legal, but the seed has none.
    assert not [(a, b) for a in prefixes for b in prefixes if a != b and b.startswith(a)]


@given(row=st.sampled_from(SEED), rest=st.text(alphabet="0123456789", min_size=7, max_size=7))
def test_every_seeded_prefix_resolves_to_its_operator(row: tuple[str, Operator | None], rest: str) -> None:
    prefix, operator = row
    mobile = (prefix + rest)[:11]
    if operator is None:
        with pytest.raises(OperatorUnknown) as caught:
            TABLE.resolve(mobile)
        assert caught.value.code == "operator_unknown"
        for given_op in Operator:  # a shared block needs, and accepts, an explicit code
            found = TABLE.resolve(mobile, int(given_op))
            assert found.operator is given_op and found.source == "given" and not found.ported
        return
    found = TABLE.resolve(mobile)
    assert (found.mobile, found.operator, found.source, found.prefix, found.ported) == (
        mobile,
        operator,
        "prefix",
        prefix,
        False,
    )


def _spell(national: str, style: str, sep: str, digits: str) -> str:
    body = national[1:]  # 9XXXXXXXXX
    grouped = sep.join([body[:3], body[3:6], body[6:]]) if sep else body
    text = {
        "national": "0" + grouped,
        "excel": body,
        "excel_cell": body + ".0",
        "plus": "+98" + sep + grouped,
        "double_zero": "0098" + sep + grouped,
        "bare_country": "98" + grouped,
    }[style]
    if style in ("excel", "excel_cell"):
        text = body if style == "excel" else body + ".0"
    return _script(text, digits)


@given(
    row=st.sampled_from([r for r in SEED if r[1] is not None]),
    rest=st.text(alphabet="0123456789", min_size=7, max_size=7),
    style=st.sampled_from(["national", "excel", "excel_cell", "plus", "double_zero", "bare_country"]),
    sep=st.sampled_from(["", " ", "-", "."]),
    digits=st.sampled_from(["0123456789", PERSIAN, ARABIC]),
)
def test_every_spelling_of_section_6_1_normalises_and_finds_the_same_operator(
    row: tuple[str, Operator], rest: str, style: str, sep: str, digits: str
) -> None:
    prefix, operator = row
    national = (prefix + rest)[:11]
    spelling = _spell(national, style, "" if style == "bare_country" else sep, digits)
    assert normalize_mobile(spelling) == national
    found = TABLE.resolve(spelling)
    assert found.mobile == national and found.operator is operator


@given(
    row=st.sampled_from([r for r in SEED if r[1] is not None]),
    given_op=st.sampled_from(list(Operator)),
    spelled=st.sampled_from(["code", "persian", "name"]),
)
def test_a_given_code_wins_over_the_prefix_and_marks_a_port(
    row: tuple[str, Operator], given_op: Operator, spelled: str
) -> None:
    prefix, prefix_operator = row
    mobile = (prefix + "1234567")[:11]
    code = {"code": int(given_op), "persian": PERSIAN[int(given_op)], "name": given_op.name_fa}[spelled]
    found = TABLE.resolve(mobile, code)
    assert found.operator is given_op
    assert found.source == "given"
    assert found.prefix_operator is prefix_operator
    assert found.ported is (given_op is not prefix_operator)


@pytest.mark.parametrize("mobile", ["09801234567", "09401234567", "09971234567", "09983123456", "09251234567"])
def test_an_unassigned_prefix_is_refused_even_with_a_code(mobile: str) -> None:
    for code in (None, 1):
        with pytest.raises(PrefixUnassigned) as caught:
            TABLE.resolve(mobile, code)
        assert caught.value.code == "mobile_prefix_unassigned"


@pytest.mark.parametrize(
    ("mobile", "operator", "error"),
    [
        ("02188888888", None, MobileInvalid),
        ("0912123456", None, MobileInvalid),
        ("+447911123456", None, MobileInvalid),
        ("09121234567", 4, OperatorCodeInvalid),
        ("09121234567", "ایرانسل۲", OperatorCodeInvalid),
        ("", None, MobileInvalid),
    ],
)
def test_bad_numbers_and_codes_are_refused_with_their_codes(mobile: str, operator: object, error: type) -> None:
    with pytest.raises(error):
        TABLE.resolve(mobile, operator)


def test_the_longest_prefix_wins() -> None:
    table = PrefixTable(
        [PrefixRule("0999", None), PrefixRule("09991", Operator.IRANCELL), PrefixRule("099912", Operator.RIGHTEL)]
    )
    assert table.resolve("09991234567").operator is Operator.RIGHTEL
    assert table.resolve("09991134567").operator is Operator.IRANCELL
    with pytest.raises(OperatorUnknown):
        table.resolve("09995134567")


@given(
    prefixes=st.lists(
        st.text(alphabet="0123456789", min_size=2, max_size=5).map(lambda s: "09" + s), min_size=1, max_size=30
    ),
    rest=st.text(alphabet="0123456789", min_size=9, max_size=9),
)
def test_match_is_the_longest_matching_row(prefixes: list[str], rest: str) -> None:
    unique = sorted(set(prefixes))
    table = PrefixTable(PrefixRule(p, Operator.MCI) for p in unique)
    mobile = "09" + rest
    candidates = [p for p in unique if mobile.startswith(p)]
    expected = max(candidates, key=len) if candidates else None
    found = table.match(mobile)
    assert (found.prefix if found else None) == expected


def test_the_same_prefix_twice_is_refused() -> None:
    with pytest.raises(Conflict):
        PrefixTable([PrefixRule("0912", Operator.MCI), PrefixRule("0912", Operator.IRANCELL)])


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("0912", "0912"), ("۰۹۹۸۱", "09981"), ("912", "0912"), ("+98912", "0912"), (" 0999 ", "0999")],
)
def test_prefixes_as_staff_type_them(typed: str, stored: str) -> None:
    assert check_prefix(typed) == stored


@pytest.mark.parametrize("typed", ["", "09", "091", "0812", "09123456789", "09a1", "12345"])
def test_bad_prefixes_are_refused(typed: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        check_prefix(typed)
    assert caught.value.fields == {"prefix": "prefix_invalid"}


# --------------------------------------------------------------------------- routes


def test_every_operator_has_a_seeded_route_in_the_manual_numbering() -> None:
    routing = OperatorRouting(seeded_state(NOW).routes.values())
    for operator in Operator:
        route = routing.route_for(operator)
        assert route.code_for(operator) == str(int(operator))
        assert route.base_url is None  # the deployment's default: the simulator under kook serve
        assert route.rate_limit_per_second > 0 and route.max_concurrency > 0
        assert route.connect_timeout_ms < route.read_timeout_ms


def test_a_route_keeps_its_own_numbering() -> None:
    """One Iranian aggregator numbers Irancell 1 and Hamrah-e Aval 2: the route says so, nothing assumes ours."""
    route = seeded_state(NOW).routes[Operator.IRANCELL]
    aggregator = route.changed(NOW, operator_codes={Operator.IRANCELL: "1", Operator.MCI: "2"}, name="aggregator-x")
    assert aggregator.code_for(Operator.IRANCELL) == "1"
    assert aggregator.code_for(Operator.MCI) == "2"
    with pytest.raises(RouteUnavailable):
        aggregator.code_for(Operator.RIGHTEL)


def test_an_inactive_or_missing_route_is_unavailable() -> None:
    routes = seeded_state(NOW).routes
    off = routes[Operator.RIGHTEL].changed(NOW, active=False)
    routing = OperatorRouting([routes[Operator.MCI], off])
    assert routing.route_for(Operator.MCI).operator is Operator.MCI
    for operator in (Operator.RIGHTEL, Operator.SHATEL):
        with pytest.raises(RouteUnavailable) as caught:
            routing.route_for(operator)
        assert caught.value.code == "route_unavailable"


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"rate_limit_per_second": 0}, {"rate_limit_per_second": "out_of_range"}),
        ({"max_concurrency": 5000}, {"max_concurrency": "out_of_range"}),
        ({"read_timeout_ms": 10}, {"read_timeout_ms": "out_of_range"}),
        ({"base_url": "ftp://x"}, {"base_url": "invalid"}),
        ({"name": ""}, {"name": "invalid"}),
        ({"adapter": "smtp"}, {"adapter": "invalid"}),
        ({"operator_codes": {Operator.MCI: "1"}}, {"operator_codes": "route_code_missing"}),
        ({"operator_codes": {Operator.IRANCELL: "a b"}}, {"operator_codes": "invalid"}),
        ({"colour": "red"}, {"colour": "invalid"}),
    ],
)
def test_route_changes_are_checked(changes: dict[str, object], fields: dict[str, str]) -> None:
    route = seeded_state(NOW).routes[Operator.IRANCELL]
    with pytest.raises(ValidationFailed) as caught:
        route.changed(NOW, **changes)
    assert caught.value.fields == fields


def test_route_base_url_and_credentials_can_go_back_to_the_default() -> None:
    route = seeded_state(NOW).routes[Operator.MCI]
    custom = route.changed(NOW, base_url="https://topup.example.ir/api/", credential_name="aggregator")
    assert custom.base_url == "https://topup.example.ir/api" and custom.credential_name == "aggregator"
    back = custom.changed(NOW, base_url="", credential_name=None)
    assert back.base_url is None and back.credential_name is None


@given(st.lists(st.text("0123456789", min_size=9, max_size=9), max_size=40), st.sampled_from([None, *Operator]))
def test_route_decides_as_resolve_does_cached_or_not(numbers: list[str], code: Operator | None) -> None:
    """``route`` (the upload's fast path, cached by prefix) agrees with ``resolve`` on every number, twice."""
    table = PrefixTable(PrefixRule(prefix, operator) for prefix, operator in SEED)
    for _ in range(2):
        for tail in numbers:
            mobile = "09" + tail
            try:
                expected = table.resolve(mobile, int(code) if code is not None else None)
                outcome: object = (expected.operator, expected.ported)
            except DomainError as error:
                outcome = error.code
            try:
                got: object = table.route(mobile, code)
            except DomainError as error:
                got = error.code
            assert got == outcome, mobile
