"""Mobile-number normalisation (SPEC §6.1)."""

from __future__ import annotations

import math
import re
from decimal import Decimal

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from kook.domain.shared.errors import DomainError
from kook.domain.shared.mobile import (
    MobileInvalid,
    is_normalized_mobile,
    normalize_mobile,
    to_latin_digits,
)

CANONICAL = "09121234567"
PERSIAN = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
INVISIBLES = [
    "\u200e",
    "\u200f",
    "\u200c",
    "\u200d",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\ufeff",
    "\u00a0",
]


def _persian(text: str) -> str:
    return "".join(PERSIAN[int(c)] if c.isdigit() else c for c in text)


def _arabic(text: str) -> str:
    return "".join(ARABIC_INDIC[int(c)] if c.isdigit() else c for c in text)


def _reason(value: object) -> str:
    with pytest.raises(MobileInvalid) as caught:
        normalize_mobile(value)
    assert caught.value.code == "mobile_invalid"
    reason = caught.value.details["reason"]
    assert caught.value.reason == reason
    return str(reason)


# ---------------------------------------------------------------- accepted


@pytest.mark.parametrize(
    "spelling",
    [
        "09121234567",
        "9121234567",
        "+989121234567",
        "00989121234567",
        "989121234567",
        "+98 0912 123 4567",
        "0098 0912 123 4567",
        "+9809121234567",
        "009809121234567",
        "9809121234567",
        "0912 123 4567",
        "0912-123-4567",
        "0912.123.4567",
        "(0912) 123-4567",
        "(+98) 912 123 4567",
        "+98 (912) 123-45-67",
        "[0912] 1234567",
        "0912–123–4567",  # en dash
        "  09121234567  ",
        "\t09121234567\n",
        "\u00a009121234567\u00a0",
        "\u200e09121234567\u200f",
        "\u202a+989121234567\u202c",
        "\u2066+98 912 123 4567\u2069",
        "\ufeff09121234567",
        "0912\u200c123\u200d4567",
        "0\u200e9\u200f1\u200e2\u200f1\u200e2\u200f3\u200e4\u200f5\u200e6\u200f7",
        _persian("09121234567"),
        _arabic("09121234567"),
        _persian("+98 912 123 4567"),
        _arabic("0098-912-123-4567"),
        "۰۹۱۲" + "123" + "٤٥٦٧",  # mixed scripts
        "9121234567.0",
        "9121234567.00",
        " 9121234567.0 ",
        "989121234567.0",
        _persian("9121234567") + "٫۰",  # Persian decimal separator
        9121234567,
        989121234567,
        9121234567.0,
        989121234567.0,
        Decimal(9121234567),
        Decimal("9121234567.00"),
    ],
)
def test_accepted_spellings_normalise_to_the_canonical_form(spelling: object) -> None:
    assert normalize_mobile(spelling) == CANONICAL


@pytest.mark.parametrize("invisible", INVISIBLES)
def test_every_invisible_mark_is_ignored(invisible: str) -> None:
    assert normalize_mobile(f"{invisible}0912{invisible}1234567{invisible}") == CANONICAL


def test_other_prefixes_stay_other_numbers() -> None:
    assert normalize_mobile("09901234567") == "09901234567"
    assert normalize_mobile("9351234567") == "09351234567"
    # 10 digits starting 98 is a national number without its zero, not +98.
    assert normalize_mobile("9891234567") == "09891234567"


# ---------------------------------------------------------------- rejected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("\u200e\u200f\u00a0\ufeff", "empty"),
        (None, "empty"),
        ("0912abc4567", "not_a_number"),
        ("abc", "not_a_number"),
        ("0912_123_4567", "not_a_number"),
        ("0912/123/4567", "not_a_number"),
        ("09121234567#", "not_a_number"),
        ("۰۹۱۲۱۲۳۴۵۶۷ تلفن", "not_a_number"),
        ("\uff10\uff19121234567", "not_a_number"),  # fullwidth digits
        ("---", "not_a_number"),
        ("()", "not_a_number"),
        ("+", "not_a_number"),
        ("9121234567.5", "not_a_number"),
        ("9121234567.01", "not_a_number"),
        ("912.1234567", "not_a_number"),  # reads as a decimal number, not a spelling
        (True, "not_a_number"),
        (False, "not_a_number"),
        (-9121234567, "not_a_number"),
        (9121234567.5, "not_a_number"),
        (-9121234567.0, "not_a_number"),
        (math.nan, "not_a_number"),
        (math.inf, "not_a_number"),
        (-math.inf, "not_a_number"),
        (Decimal("NaN"), "not_a_number"),
        (Decimal("9121234567.5"), "not_a_number"),
        (b"09121234567", "not_a_number"),
        (["09121234567"], "not_a_number"),
        ("+441234567890", "foreign"),
        ("+1 202 555 0100", "foreign"),
        ("00441234567890", "foreign"),
        ("001 202 555 0100", "foreign"),
        ("+09121234567", "foreign"),
        ("0912+1234567", "foreign"),
        ("++989121234567", "foreign"),
        ("02188888888", "landline"),
        ("021-8888-8888", "landline"),
        ("2188888888", "landline"),
        ("+982188888888", "landline"),
        ("00982188888888", "landline"),
        ("982188888888", "landline"),
        ("03133333333", "landline"),
        (2188888888, "landline"),
        ("+98 00 123456789", "not_mobile"),
        ("0098 00 123456789", "not_mobile"),
        ("0912123456", "wrong_length"),
        ("091212345678", "wrong_length"),
        ("912123456", "wrong_length"),
        ("91212345678", "wrong_length"),
        ("0", "wrong_length"),
        ("12345", "wrong_length"),
        ("+98", "wrong_length"),
        ("+9", "wrong_length"),
        ("00", "wrong_length"),
        ("0098", "wrong_length"),
        ("+98912123456", "wrong_length"),
        ("+9891212345678", "wrong_length"),
        ("0218888888", "wrong_length"),
        ("912123456.0", "wrong_length"),  # a number cell, not a dotted spelling
        (912123456, "wrong_length"),
        (0, "wrong_length"),
    ],
)
def test_rejections_carry_the_right_reason(value: object, reason: str) -> None:
    assert _reason(value) == reason


def test_mobile_invalid_is_a_domain_error() -> None:
    error = MobileInvalid("landline")
    assert isinstance(error, DomainError)
    assert error.code == "mobile_invalid"
    assert error.details == {"reason": "landline"}


# ---------------------------------------------------------------- helpers


def test_is_normalized_mobile() -> None:
    assert is_normalized_mobile("09121234567")
    assert not is_normalized_mobile("9121234567")
    assert not is_normalized_mobile("0912123456")
    assert not is_normalized_mobile("091212345678")
    assert not is_normalized_mobile("+989121234567")
    assert not is_normalized_mobile(_persian("09121234567"))
    assert not is_normalized_mobile("09121234567\n")
    assert not is_normalized_mobile("02188888888")


def test_to_latin_digits() -> None:
    assert to_latin_digits(PERSIAN) == "0123456789"
    assert to_latin_digits(ARABIC_INDIC) == "0123456789"
    assert to_latin_digits("کد: ۱۲۳-٤٥٦ abc") == "کد: 123-456 abc"
    assert to_latin_digits("") == ""


# ---------------------------------------------------------------- properties

SEPARATORS = [" ", "-", ".", "(", ")", *INVISIBLES]
PREFIXES = ["0", "", "+98", "0098", "98", "+980", "00980", "+98 ", "0098 ", "+98-"]
SCRIPTS = ["0123456789", PERSIAN, ARABIC_INDIC]
NUMERIC_CELL = re.compile(r"[1-9][0-9]*[.\u066b][0-9]+")

valid_mobiles = st.text(alphabet="0123456789", min_size=9, max_size=9).map(lambda tail: "09" + tail)


@st.composite
def spelled_mobiles(draw: st.DrawFn) -> tuple[str, object]:
    """A valid mobile and one random spelling of it."""
    mobile = draw(valid_mobiles)
    significant = mobile[1:]  # "9XXXXXXXXX"
    prefix = draw(st.sampled_from(PREFIXES))
    if prefix == "" and draw(st.booleans()):
        cell = draw(st.sampled_from(["int", "float", "float_text"]))
        if cell == "int":
            return mobile, int(significant)
        if cell == "float":
            return mobile, float(significant)
        return mobile, significant + "." + "0" * draw(st.integers(1, 3))
    parts: list[str] = [prefix]
    for digit in significant:
        script = draw(st.sampled_from(SCRIPTS))
        parts.append(script[int(digit)])
        parts.append("".join(draw(st.lists(st.sampled_from(SEPARATORS), max_size=2))))
    spaces = st.text(alphabet=" \t\u00a0\u200e\u200f", max_size=3)
    spelling = draw(spaces) + "".join(parts) + draw(spaces)
    # A dotted spelling that happens to read as a decimal number ("912.1234567")
    # is taken for a number cell (see the module docstring), so it is not a spelling of ``mobile``.
    assume(not _looks_like_numeric_cell(spelling))
    return mobile, spelling


def _looks_like_numeric_cell(spelling: str) -> bool:
    cleaned = "".join(ch for ch in to_latin_digits(spelling) if not ch.isspace() and ch not in INVISIBLES)
    return NUMERIC_CELL.fullmatch(cleaned) is not None


@given(spelled_mobiles())
@example(("09121234567", "+98 (912) 123-4567"))
@example(("09121234567", 9121234567.0))
@example(("09121234560", "912123456 0"))
def test_every_spelling_normalises_back(case: tuple[str, object]) -> None:
    mobile, spelling = case
    assert normalize_mobile(spelling) == mobile


@given(valid_mobiles)
def test_canonical_form_is_a_fixed_point(mobile: str) -> None:
    assert is_normalized_mobile(mobile)
    assert normalize_mobile(mobile) == mobile


@given(st.one_of(st.text(), st.integers(), st.floats(), spelled_mobiles().map(lambda c: c[1])))
def test_idempotent(value: object) -> None:
    try:
        once = normalize_mobile(value)
    except MobileInvalid:
        return
    assert is_normalized_mobile(once)
    assert normalize_mobile(once) == once


@given(
    st.one_of(
        st.text(),
        st.text(alphabet="0123456789+-. ()۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩\u200e\u00a0"),
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.decimals(),
        st.booleans(),
        st.none(),
        st.binary(),
    )
)
def test_random_input_only_ever_raises_mobile_invalid(value: object) -> None:
    try:
        result = normalize_mobile(value)
    except MobileInvalid as error:
        assert error.details["reason"] in {
            "empty",
            "not_a_number",
            "wrong_length",
            "landline",
            "foreign",
            "not_mobile",
        }
    else:
        assert is_normalized_mobile(result)
