"""Kook's own bank accounts, the destinations of deposit slips (SPEC §5).

The manual lists two accounts; they are the default configuration and the
deposit form offers exactly these. A deposit names its destination by key
(``"mellat"``) or by account number; ``find_account`` resolves either, and
anything else is ``bank_account_unknown``.

Each account's Sheba is checked (format and mod-97) when the account is built,
so a mistyped number in the configuration fails at import, not at a deposit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from kook.domain.shared.errors import DomainError
from kook.domain.shared.mobile import to_latin_digits
from kook.domain.wallet.sheba import normalize_sheba

KOOK_ACCOUNT_HOLDER: Final = "مبتکران الکترونیک کیش"

_KEY: Final = re.compile(r"[a-z][a-z0-9_]{0,31}")
_ACCOUNT_NUMBER: Final = re.compile(r"[0-9]{6,20}")


# The one table of Iranian banks' Persian names by their code (the code is the
# key of an account of that bank; a second account of one bank: "mellat_2").
BANK_NAMES_FA: Final[Mapping[str, str]] = MappingProxyType(
    {
        "mellat": "ملت",
        "melli": "ملی",
        "saman": "سامان",
        "tejarat": "تجارت",
        "sepah": "سپه",
        "saderat": "صادرات",
        "pasargad": "پاسارگاد",
        "parsian": "پارسیان",
        "keshavarzi": "کشاورزی",
        "maskan": "مسکن",
        "refah": "رفاه",
        "eghtesad_novin": "اقتصاد نوین",
        "ayandeh": "آینده",
        "sina": "سینا",
        "shahr": "شهر",
        "dey": "دی",
        "karafarin": "کارآفرین",
        "sarmayeh": "سرمایه",
        "post_bank": "پست بانک ایران",
        "tosee_taavon": "توسعه تعاون",
        "tosee_saderat": "توسعه صادرات",
        "sanat_madan": "صنعت و معدن",
        "middle_east": "خاورمیانه",
        "resalat": "قرض‌الحسنه رسالت",
        "mehr_iran": "قرض‌الحسنه مهر ایران",
    }
)


def bank_name_fa(key: str, accounts: Iterable[KookBankAccount] | None = None) -> str:
    """The Persian name of the bank of an account key ("mellat" → «ملت»): the
    configured account's own name first, then the table by code (a numbered
    second account "mellat_2" too); an unknown key is shown as it is."""
    for account in accounts if accounts is not None else DEFAULT_KOOK_ACCOUNTS:
        if account.key == key:
            return account.bank_name_fa
    if key in BANK_NAMES_FA:
        return BANK_NAMES_FA[key]
    base = re.sub(r"_?[0-9]+$", "", key)
    return BANK_NAMES_FA.get(base, key)


class BankAccountUnknown(DomainError):
    code = "bank_account_unknown"


@dataclass(frozen=True, slots=True)
class KookBankAccount:
    key: str  # stable short name, used in forms and stored on the deposit ("mellat")
    bank_name_fa: str
    bank_name_en: str
    account_number: str  # Latin digits
    sheba: str  # canonical "IR" + 24 digits
    holder: str = KOOK_ACCOUNT_HOLDER

    def __post_init__(self) -> None:
        if _KEY.fullmatch(self.key) is None:
            raise ValueError(f"bank account key {self.key!r} must be lower-case letters, digits and _")
        if _ACCOUNT_NUMBER.fullmatch(self.account_number) is None:
            raise ValueError(f"bank account number {self.account_number!r} must be 6-20 Latin digits")
        canonical = normalize_sheba(self.sheba)  # ShebaInvalid on a typo
        if canonical != self.sheba:
            raise ValueError(f"Sheba {self.sheba!r} must be written canonically: {canonical!r}")


DEFAULT_KOOK_ACCOUNTS: Final[tuple[KookBankAccount, ...]] = (
    KookBankAccount(
        key="mellat",
        bank_name_fa=BANK_NAMES_FA["mellat"],
        bank_name_en="Mellat",
        account_number="5558740184",
        sheba="IR640120020000005558740184",
    ),
    KookBankAccount(
        key="saman",
        bank_name_fa=BANK_NAMES_FA["saman"],
        bank_name_en="Saman",
        account_number="869810105050001",
        sheba="IR950560086981010505000001",
    ),
)


def find_account(
    key_or_number: str,
    accounts: Iterable[KookBankAccount] = DEFAULT_KOOK_ACCOUNTS,
) -> KookBankAccount:
    """The account whose key, account number or Sheba is ``key_or_number``.

    Keys compare case-insensitively; numbers may be in Persian digits and carry
    spaces or dashes. Raises ``BankAccountUnknown`` (``bank_account_unknown``).
    """
    if not isinstance(key_or_number, str):
        raise BankAccountUnknown()
    text = "".join(ch for ch in to_latin_digits(key_or_number) if not ch.isspace() and ch != "-")
    lowered = text.lower()
    upper = text.upper()
    for account in accounts:
        if lowered == account.key or text == account.account_number or upper == account.sheba:
            return account
    raise BankAccountUnknown()
