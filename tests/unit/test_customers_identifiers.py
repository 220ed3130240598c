"""Every identifier on the customer form against its published check-digit rule.

The check digits are computed here independently of the code under test, and
hypothesis tries many numbers, spellings (Persian, Arabic-Indic, separators)
and near misses.
"""

from __future__ import annotations

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from kook.domain.customers.identifiers import (
    IdentifierInvalid,
    check_economic_code,
    check_landline,
    check_legal_id,
    check_national_code,
    check_postal_code,
    check_registration_number,
)

PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

digits = st.text(alphabet="0123456789", min_size=1, max_size=1)


def digit_string(n: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=n, max_size=n)


# --------------------------------------------------------------------------- the rules, written again


def national_code_is_valid(code: str) -> bool:
    """کد ملی: weights 10..2 over the first nine digits; r = s mod 11; check r if r < 2 else 11 − r."""
    if len(code) != 10 or not code.isdigit() or code == code[0] * 10:
        return False
    total = 0
    for position in range(9):
        total += int(code[position]) * (10 - position)
    remainder = total % 11
    expected = remainder if remainder < 2 else 11 - remainder
    return int(code[9]) == expected


def national_code_check(nine: str) -> str:
    """The check digit that fits ``nine`` (also for repeated-digit codes, which are refused anyway)."""
    total = sum(int(nine[i]) * (10 - i) for i in range(9))
    remainder = total % 11
    return str(remainder if remainder < 2 else 11 - remainder)


def legal_id_check(ten: str) -> str:
    """شناسه ملی: c = d9 + 2; s = Σ (d_i + c)·w_i; r = s mod 11, 10 → 0."""
    weights = [29, 27, 23, 19, 17, 29, 27, 23, 19, 17]
    c = int(ten[9]) + 2
    s = 0
    for d, w in zip(ten, weights, strict=True):
        s += (int(d) + c) * w
    r = s % 11
    return "0" if r == 10 else str(r)


def spelled(code: str, how: str) -> str:
    if how == "persian":
        return code.translate(PERSIAN)
    if how == "arabic":
        return code.translate(ARABIC)
    if how == "spaced":
        return " ".join(code[i : i + 3] for i in range(0, len(code), 3))
    if how == "dashed":
        return code[:3] + "-" + code[3:]
    if how == "rtl":
        return "\u200f" + code.translate(PERSIAN) + "\u200e "
    return code


spellings = st.sampled_from(["latin", "persian", "arabic", "spaced", "dashed", "rtl"])


# --------------------------------------------------------------------------- national code


@given(nine=digit_string(9), how=spellings)
def test_a_national_code_with_its_check_digit_is_accepted_in_any_digits(nine: str, how: str) -> None:
    code = nine + national_code_check(nine)
    assume(code != code[0] * 10)
    assert check_national_code(spelled(code, how)) == code


@given(nine=digit_string(9), wrong=digits)
def test_any_other_check_digit_is_refused(nine: str, wrong: str) -> None:
    assume(wrong != national_code_check(nine))
    with pytest.raises(IdentifierInvalid) as error:
        check_national_code(nine + wrong)
    assert error.value.code == "national_code_invalid"


@given(code=digit_string(10))
def test_national_code_agrees_with_the_rule(code: str) -> None:
    try:
        result = check_national_code(code)
    except IdentifierInvalid:
        assert not national_code_is_valid(code)
    else:
        assert national_code_is_valid(code) and result == code


@pytest.mark.parametrize("digit", "0123456789")
def test_repeated_digit_codes_are_refused_even_when_the_check_digit_fits(digit: str) -> None:
    code = digit * 10
    with pytest.raises(IdentifierInvalid):
        check_national_code(code)


@given(
    first=st.sampled_from("123456789"),
    rest=st.text(alphabet="0123456789", min_size=6, max_size=7),
    how=spellings,
)
@example(first="4", rest="993708", how="latin")
def test_eight_or_nine_digits_are_zero_padded_first(first: str, rest: str, how: str) -> None:
    nine = (first + rest).zfill(9)
    code = nine + national_code_check(nine)
    short = code.lstrip("0")
    assert len(short) in (8, 9)
    assert check_national_code(spelled(short, how)) == code


def test_known_national_codes() -> None:
    assert check_national_code("0499370899") == "0499370899"
    assert check_national_code("۰۴۹۹۳۷۰۸۹۹") == "0499370899"
    assert check_national_code("499370899") == "0499370899"  # a spreadsheet dropped the zero
    for bad in ("0499370898", "04993708", "049937089901", "abc4993708", "", "   ", "04993-7O899"):
        with pytest.raises(IdentifierInvalid):
            check_national_code(bad)


@given(text=st.text(max_size=14))
def test_national_code_never_crashes_and_answers_ten_latin_digits(text: str) -> None:
    try:
        result = check_national_code(text)
    except IdentifierInvalid as exc:
        assert exc.code == "national_code_invalid"
    else:
        assert len(result) == 10 and result.isascii() and result.isdigit()
        assert national_code_is_valid(result)


# --------------------------------------------------------------------------- legal national ID


@given(ten=digit_string(10), how=spellings)
def test_a_legal_id_with_its_check_digit_is_accepted(ten: str, how: str) -> None:
    code = ten + legal_id_check(ten)
    assert check_legal_id(spelled(code, how)) == code


@given(ten=digit_string(10), wrong=digits)
def test_a_legal_id_with_another_check_digit_is_refused(ten: str, wrong: str) -> None:
    assume(wrong != legal_id_check(ten))
    with pytest.raises(IdentifierInvalid) as error:
        check_legal_id(ten + wrong)
    assert error.value.code == "legal_id_invalid"


def test_known_legal_ids_and_lengths() -> None:
    assert check_legal_id("10380284790") == "10380284790"
    assert check_legal_id("۱۰۳۸۰۲۸۴۷۹۰") == "10380284790"
    for bad in ("10380284791", "1038028479", "103802847900", "1038028479O"):
        with pytest.raises(IdentifierInvalid):
            check_legal_id(bad)


# --------------------------------------------------------------------------- postal code


def postal_is_valid(code: str) -> bool:
    return len(code) == 10 and code.isdigit() and code[0] not in "02" and code[4] != "2" and len(set(code)) > 1


@given(code=digit_string(10), how=spellings)
@example(code="1966943614", how="persian")
@example(code="2966943614", how="latin")
@example(code="1966243614", how="latin")
@example(code="3333333333", how="latin")
def test_postal_code_rule(code: str, how: str) -> None:
    if postal_is_valid(code):
        assert check_postal_code(spelled(code, how)) == code
    else:
        with pytest.raises(IdentifierInvalid) as error:
            check_postal_code(spelled(code, how))
        assert error.value.code == "postal_code_invalid"


@pytest.mark.parametrize("bad", ["196694361", "19669436140", "19669-4361x", ""])
def test_postal_code_length_and_letters(bad: str) -> None:
    with pytest.raises(IdentifierInvalid):
        check_postal_code(bad)


# --------------------------------------------------------------------------- landline


@given(area=st.sampled_from("12345678"), rest=digit_string(9), how=spellings)
def test_a_landline_with_its_area_code_is_accepted(area: str, rest: str, how: str) -> None:
    number = "0" + area + rest
    assert check_landline(spelled(number, how)) == number


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("021-44200953", "02144200953"),
        ("۰۲۱ ۴۴۲۰ ۰۹۵۳", "02144200953"),
        ("(021) 44200953", "02144200953"),
        ("+98 21 4420 0953", "02144200953"),
        ("00982144200953", "02144200953"),
        ("٠٣١٣٢٢٢٤٤٥٥", "03132224455"),
    ],
)
def test_landline_spellings(typed: str, expected: str) -> None:
    assert check_landline(typed) == expected


@pytest.mark.parametrize("bad", ["09121234567", "2144200953", "0214420095", "021442009531", "00214420095", "x"])
def test_mobiles_and_wrong_lengths_are_not_landlines(bad: str) -> None:
    with pytest.raises(IdentifierInvalid) as error:
        check_landline(bad)
    assert error.value.code == "phone_invalid"


# --------------------------------------------------------------------------- economic code


@given(code=digit_string(12), how=spellings)
def test_twelve_digit_economic_codes_are_accepted(code: str, how: str) -> None:
    assert check_economic_code(spelled(code, how)) == code


@given(ten=digit_string(10))
def test_an_eleven_digit_economic_code_must_be_a_valid_legal_id(ten: str) -> None:
    valid = ten + legal_id_check(ten)
    assert check_economic_code(valid) == valid
    wrong = ten + str((int(legal_id_check(ten)) + 1) % 10)
    with pytest.raises(IdentifierInvalid) as error:
        check_economic_code(wrong)
    assert error.value.code == "economic_code_invalid"


@given(n=st.integers(min_value=1, max_value=16).filter(lambda n: n not in (11, 12)), data=st.data())
def test_other_lengths_are_not_economic_codes(n: int, data: st.DataObject) -> None:
    with pytest.raises(IdentifierInvalid):
        check_economic_code(data.draw(digit_string(n)))


def test_registration_number_is_digits() -> None:
    assert check_registration_number("۴۵۶۷۸۹") == "456789"
    for bad in ("12a", "1" * 21):
        with pytest.raises(IdentifierInvalid):
            check_registration_number(bad)
