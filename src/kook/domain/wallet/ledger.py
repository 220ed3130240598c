"""The double-entry ledger (SPEC §5, ARCHITECTURE "Money").

Every change of money is a journal entry: postings over named accounts that
sum to zero, with an idempotency key that can be posted only once. A
customer's wallet is two accounts, ``available`` and ``held``; Kook's side of
each movement is an external account (the gateway's clearing account, a bank
account, an operator's settlement account).

Sign convention: a posting's amount is what it adds to the account's balance.
A wallet's balances are what Kook owes the customer, so money coming in adds
to ``available`` and is taken from the outside account, which goes negative.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from kook.domain.shared.errors import DomainError


class LedgerError(DomainError):
    code = "ledger_error"


class InsufficientFunds(DomainError):
    code = "insufficient_funds"

    def __init__(self, shortfall: int) -> None:
        super().__init__(details={"shortfall": shortfall})
        self.shortfall = shortfall


class EntryKind(enum.StrEnum):
    PAYMENT = "payment"  # online payment verified at the gateway
    DEPOSIT = "deposit"  # deposit slip approved by finance
    HOLD = "hold"  # available → held (a confirmed request)
    SETTLE = "settle"  # held → operator (a line succeeded)
    RELEASE = "release"  # held → available (a line failed, a request cancelled)
    REVERSAL = "reversal"  # money given back to the outside


# An entry's memo is a reference, not prose: "request <id>" for a request's hold,
# settlement or release; the tracking number of a deposit; the gateway's
# reference of a payment. Rows written before carry the Persian kind in front
# ("فیش واریزی 555", "پرداخت آنلاین 123"). People read a description composed
# from the kind and this reference (entrypoints), never the memo itself.
_REQUEST_MEMO = re.compile(r"request[ :]([0-9A-Za-z_-]{1,64})")
_WORDS_OF_OLD_MEMOS = ("فیش واریزی", "پرداخت آنلاین")


def request_memo(request_id: str) -> str:
    return f"request {request_id}"


@dataclass(frozen=True)
class MemoReference:
    request_id: str | None = None  # the request the money was held, settled or released for
    reference: str | None = None  # a deposit's tracking number, a payment's gateway reference, …


def memo_reference(memo: str) -> MemoReference:
    text = " ".join((memo or "").split())
    found = _REQUEST_MEMO.fullmatch(text)
    if found is not None:
        return MemoReference(request_id=found.group(1))
    for words in _WORDS_OF_OLD_MEMOS:
        if text.startswith(words):
            text = text[len(words) :].strip()
    return MemoReference(reference=text or None)


def available_account(customer_id: str) -> str:
    return f"customer:{customer_id}:available"


def held_account(customer_id: str) -> str:
    return f"customer:{customer_id}:held"


def gateway_account(gateway: str) -> str:
    return f"gateway:{gateway}"


def bank_account(key: str) -> str:
    return f"bank:{key}"


def operator_account(operator_code: int | str) -> str:
    return f"operator:{operator_code}"


@dataclass(frozen=True)
class Posting:
    account: str
    amount: int  # rials added to the account's balance (negative: taken from it)
    customer_id: str | None = None  # set on a customer's wallet accounts


@dataclass(frozen=True)
class JournalEntry:
    id: str
    idempotency_key: str
    kind: EntryKind
    postings: tuple[Posting, ...]
    created_at: datetime
    memo: str = ""

    def __post_init__(self) -> None:
        check_balanced(self.postings)
        if not self.idempotency_key or len(self.idempotency_key) > 200:
            raise LedgerError(details={"reason": "idempotency_key"})


def check_balanced(postings: Sequence[Posting]) -> None:
    if len(postings) < 2:
        raise LedgerError(details={"reason": "too_few_postings"})
    for posting in postings:
        if type(posting.amount) is not int or posting.amount == 0:
            raise LedgerError(details={"reason": "amount_not_integer_or_zero"})
    if sum(p.amount for p in postings) != 0:
        raise LedgerError(details={"reason": "unbalanced"})


def _positive(amount: int) -> int:
    if type(amount) is not int or amount <= 0:
        raise LedgerError(details={"reason": "amount_not_positive"})
    return amount


def credit_postings(customer_id: str, amount: int, source_account: str) -> tuple[Posting, ...]:
    """Money from outside (gateway, bank) into the customer's available balance."""
    amount = _positive(amount)
    return (
        Posting(available_account(customer_id), amount, customer_id),
        Posting(source_account, -amount),
    )


def hold_postings(customer_id: str, amount: int) -> tuple[Posting, ...]:
    amount = _positive(amount)
    return (
        Posting(available_account(customer_id), -amount, customer_id),
        Posting(held_account(customer_id), amount, customer_id),
    )


def settle_postings(customer_id: str, amount: int, operator: str) -> tuple[Posting, ...]:
    amount = _positive(amount)
    return (
        Posting(held_account(customer_id), -amount, customer_id),
        Posting(operator, amount),
    )


def release_postings(customer_id: str, amount: int) -> tuple[Posting, ...]:
    amount = _positive(amount)
    return (
        Posting(held_account(customer_id), -amount, customer_id),
        Posting(available_account(customer_id), amount, customer_id),
    )


@dataclass(eq=False)
class Wallet:
    """A customer's figures, kept in step with the postings in the same transaction."""

    customer_id: str
    available: int = 0
    held: int = 0
    updated_at: datetime | None = None

    @property
    def total(self) -> int:
        return self.available + self.held

    def effect_of(self, entry: JournalEntry) -> tuple[int, int]:
        """(change to available, change to held) that the entry makes to this wallet."""
        d_available = sum(p.amount for p in entry.postings if p.account == available_account(self.customer_id))
        d_held = sum(p.amount for p in entry.postings if p.account == held_account(self.customer_id))
        return d_available, d_held

    def apply(self, entry: JournalEntry, now: datetime) -> tuple[int, int]:
        """Apply the entry's effect; refuse anything that would make a figure negative."""
        d_available, d_held = self.effect_of(entry)
        if self.available + d_available < 0:
            raise InsufficientFunds(shortfall=-(self.available + d_available))
        if self.held + d_held < 0:
            raise LedgerError(details={"reason": "held_below_zero"})
        self.available += d_available
        self.held += d_held
        self.updated_at = now
        return d_available, d_held


@dataclass(frozen=True)
class Discrepancy:
    customer_id: str
    stored_available: int
    stored_held: int
    posted_available: int
    posted_held: int
