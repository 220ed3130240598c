"""Sheba numbers (ISO 13616 mod-97) and Kook's destination bank accounts (SPEC §5)."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kook.domain.shared.errors import DomainError
from kook.domain.wallet.bank_accounts import (
    DEFAULT_KOOK_ACCOUNTS,
    KOOK_ACCOUNT_HOLDER,
    KookBankAccount,
    find_account,
)
from kook.domain.wallet.sheba import ShebaInvalid, is_valid_sheba, normalize_sheba

MELLAT = "IR640120020000005558740184"
SAMAN = "IR950560086981010505000001"
PERSIAN = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"


# An independent mod-97: digit by digit (Horner), letters spelled out by hand,
# rather than the implementation's one big integer.
_LETTER_VALUES = {"I": "18", "R": "27"}


def reference_mod97(iban: str) -> int:
    rearranged = iban[4:] + iban[:4]
    remainder = 0
    for char in rearranged:
        for digit in _LETTER_VALUES.get(char, char):
            remainder = (remainder * 10 + int(digit)) % 97
    return remainder


def make_sheba(bban: str) -> str:
    """A valid Sheba for a 22-digit account part: check digits = 98 - mod97(bban + "IR00")."""
    check = 98 - reference_mod97("IR00" + bban)
    return f"IR{check:02d}{bban}"


def _reason(text: str) -> str:
    with pytest.raises(ShebaInvalid) as caught:
        normalize_sheba(text)
    assert caught.value.code == "sheba_invalid"
    assert isinstance(caught.value, DomainError)
    return str(caught.value.details["reason"])


def test_reference_mod97_agrees_with_published_example() -> None:
    # The ISO 13616 example from the standard's annex (a GB IBAN), spelled out with the full letter table.
    gb = "GB82WEST12345698765432"
    letters = {c: str(ord(c) - 55) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
    remainder = 0
    for char in gb[4:] + gb[:4]:
        for digit in letters.get(char, char):
            remainder = (remainder * 10 + int(digit)) % 97
    assert remainder == 1
    assert make_sheba("0120020000005558740184") == MELLAT


@pytest.mark.parametrize("sheba", [MELLAT, SAMAN])
def test_the_manuals_accounts_are_valid(sheba: str) -> None:
    assert reference_mod97(sheba) == 1
    assert normalize_sheba(sheba) == sheba
    assert is_valid_sheba(sheba)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("IR-640120020000005558740184", MELLAT),  # the manual's spelling
        ("IR-64 0120 0200 0000 5558 7401 84", MELLAT),
        ("ir640120020000005558740184", MELLAT),
        ("  IR95 0560 0869 8101 0505 0000 01  ", SAMAN),
        ("IR95-0560-0869-8101-0505-0000-01", SAMAN),
        ("IR" + "".join(PERSIAN[int(c)] for c in SAMAN[2:]), SAMAN),
        ("IR" + "".join(ARABIC_INDIC[int(c)] for c in MELLAT[2:]), MELLAT),
        ("\u200fIR640120020000005558740184\u200e", MELLAT),  # right-to-left copy-paste marks
        ("IR\u00a064\u2013012002000000\u20095558740184", MELLAT),  # NBSP, en dash, thin space
    ],
)
def test_accepted_spellings_normalise(text: str, expected: str) -> None:
    assert normalize_sheba(text) == expected
    assert is_valid_sheba(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "640120020000005558740184",  # no country code
        "IR64012002000000555874018",  # 23 digits
        "IR6401200200000055587401840",  # 25 digits
        "DE640120020000005558740184",  # another country
        "IR64012002000000555874018X",
        "IR64.0120.0200.0000.5558.7401.84",  # dots are not an accepted separator
        "IRIR640120020000005558740184",
        "I R640120020000005558740184x",
    ],
)
def test_wrong_format_is_refused(text: str) -> None:
    assert _reason(text) == "format"
    assert not is_valid_sheba(text)


def test_non_string_is_refused() -> None:
    assert not is_valid_sheba(640120020000005558740184)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        "IR640120020000005558740185",  # last digit
        "IR650120020000005558740184",  # check digit
        "IR460120020000005558740184",  # check digits swapped
        "IR950560086981010505000002",
        "IR000000000000000000000000",
    ],
)
def test_checksum_failures_are_refused(text: str) -> None:
    assert _reason(text) == "checksum"


BBAN = st.text(alphabet="0123456789", min_size=22, max_size=22)


@given(bban=BBAN)
def test_any_correctly_built_sheba_is_accepted(bban: str) -> None:
    sheba = make_sheba(bban)
    assert normalize_sheba(sheba) == sheba
    spaced = " ".join(sheba[i : i + 4] for i in range(0, len(sheba), 4)).lower()
    assert normalize_sheba(spaced) == sheba


@given(bban=BBAN, position=st.integers(min_value=2, max_value=25), delta=st.integers(min_value=1, max_value=9))
def test_every_single_digit_change_is_caught(bban: str, position: int, delta: int) -> None:
    sheba = make_sheba(bban)
    changed_digit = str((int(sheba[position]) + delta) % 10)
    typo = sheba[:position] + changed_digit + sheba[position + 1 :]
    assert reference_mod97(typo) != 1
    assert _reason(typo) == "checksum"
    assert not is_valid_sheba(typo)


@given(bban=BBAN, position=st.integers(min_value=2, max_value=24))
def test_adjacent_transpositions_are_caught(bban: str, position: int) -> None:
    sheba = make_sheba(bban)
    a, b = sheba[position], sheba[position + 1]
    if a == b:
        return
    swapped = sheba[:position] + b + a + sheba[position + 2 :]
    assert not is_valid_sheba(swapped)


# ------------------------------------------------------------------ accounts


def test_default_accounts_are_the_manuals_two() -> None:
    by_key = {account.key: account for account in DEFAULT_KOOK_ACCOUNTS}
    assert set(by_key) == {"mellat", "saman"}
    mellat, saman = by_key["mellat"], by_key["saman"]
    assert (mellat.account_number, mellat.sheba, mellat.bank_name_fa) == ("5558740184", MELLAT, "ملت")
    assert (saman.account_number, saman.sheba, saman.bank_name_fa) == ("869810105050001", SAMAN, "سامان")
    assert mellat.sheba.endswith(mellat.account_number)  # Mellat's Sheba carries the account number, padded
    assert mellat.sheba[4:7] == "012" and saman.sheba[4:7] == "056"  # the banks' Sheba codes
    for account in DEFAULT_KOOK_ACCOUNTS:
        assert account.holder == KOOK_ACCOUNT_HOLDER == "مبتکران الکترونیک کیش"
        assert reference_mod97(account.sheba) == 1
        assert normalize_sheba(account.sheba) == account.sheba


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("mellat", "mellat"),
        ("Saman", "saman"),
        ("5558740184", "mellat"),
        ("۵۵۵۸۷۴۰۱۸۴", "mellat"),
        (" 869810105050001 ", "saman"),
        ("8698-1010-5050-001", "saman"),
        (SAMAN, "saman"),
        ("ir640120020000005558740184", "mellat"),
    ],
)
def test_find_account(query: str, key: str) -> None:
    assert find_account(query).key == key


@pytest.mark.parametrize("query", ["", "melli", "5558740185", "IR640120020000005558740185", "../mellat"])
def test_unknown_account_is_refused(query: str) -> None:
    with pytest.raises(DomainError) as caught:
        find_account(query)
    assert caught.value.code == "bank_account_unknown"


def test_find_account_over_configured_accounts() -> None:
    other = KookBankAccount(
        key="tejarat",
        bank_name_fa="تجارت",
        bank_name_en="Tejarat",
        account_number="123456789",
        sheba=make_sheba("0180000000000123456789"),
    )
    assert find_account("123456789", accounts=[other]) is other
    with pytest.raises(DomainError):
        find_account("mellat", accounts=[other])


def test_a_mistyped_configured_sheba_fails_when_built() -> None:
    mellat = DEFAULT_KOOK_ACCOUNTS[0]
    with pytest.raises(ShebaInvalid):
        dataclasses.replace(mellat, sheba="IR640120020000005558740185")
    with pytest.raises(ValueError):
        dataclasses.replace(mellat, sheba="IR-640120020000005558740184")  # valid but not canonical
    with pytest.raises(ValueError):
        dataclasses.replace(mellat, key="Mellat Bank")
