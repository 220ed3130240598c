"""The ledger's rules, and a hypothesis state machine over credits, holds,
settles, releases and replays: every entry balances, available never goes
below zero, the wallet figures always equal the sum of their postings, and a
key posts once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from kook.application.shared.ledger_poster import LedgerPoster
from kook.domain.wallet.ledger import (
    EntryKind,
    InsufficientFunds,
    JournalEntry,
    LedgerError,
    MemoReference,
    Posting,
    Wallet,
    credit_postings,
    gateway_account,
    hold_postings,
    memo_reference,
    operator_account,
    request_memo,
)
from tests.fakes.clock import FakeClock
from tests.fakes.wallet import FakeWalletUnitOfWork

NOW = datetime(2026, 5, 22, 6, 50, tzinfo=UTC)


def test_an_unbalanced_entry_cannot_be_built() -> None:
    with pytest.raises(LedgerError):
        JournalEntry("e", "k", EntryKind.PAYMENT, (Posting("a", 10), Posting("b", -9)), NOW)
    with pytest.raises(LedgerError):
        JournalEntry("e", "k", EntryKind.PAYMENT, (Posting("a", 10),), NOW)
    with pytest.raises(LedgerError):
        JournalEntry("e", "k", EntryKind.PAYMENT, (Posting("a", 0), Posting("b", 0)), NOW)
    with pytest.raises(LedgerError):
        JournalEntry("e", "k", EntryKind.PAYMENT, (Posting("a", 1.5), Posting("b", -1.5)), NOW)  # type: ignore[arg-type]


def test_amounts_must_be_positive_whole_rials() -> None:
    for bad in (0, -5, 2.0, True):
        with pytest.raises(LedgerError):
            credit_postings("c", bad, gateway_account("sandbox"))  # type: ignore[arg-type]


def test_a_wallet_never_goes_below_zero() -> None:
    wallet = Wallet("c", available=100, held=0)
    entry = JournalEntry("e", "k", EntryKind.HOLD, hold_postings("c", 150), NOW)
    with pytest.raises(InsufficientFunds) as raised:
        wallet.apply(entry, NOW)
    assert raised.value.shortfall == 50
    assert (wallet.available, wallet.held) == (100, 0)


CUSTOMERS = ("c1", "c2")


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.uow = FakeWalletUnitOfWork()
        self.poster = LedgerPoster(FakeClock(NOW))
        self.keys: list[str] = []
        self.model = {c: [0, 0] for c in CUSTOMERS}  # what we expect: available, held
        self.posted_keys: set[str] = set()

    def _run(self, op: str, customer: str, amount: int, key: str) -> bool | str:
        async def go() -> bool | str:
            async with self.uow as uow:
                method = getattr(self.poster, op)
                try:
                    if op == "credit":
                        posted = await method(
                            uow.ledger, customer, amount, gateway_account("g"), key=key, kind=EntryKind.PAYMENT
                        )
                    elif op == "settle":
                        posted = await method(uow.ledger, customer, amount, operator_account(1), key=key)
                    else:
                        posted = await method(uow.ledger, customer, amount, key=key)
                except InsufficientFunds:
                    return "insufficient"
                except LedgerError:
                    return "refused"
                await uow.commit()
                return bool(posted)

        return asyncio.run(go())

    def _expect(self, op: str, customer: str, amount: int, key: str, result: bool | str) -> None:
        available, held = self.model[customer]
        if key in self.posted_keys:
            assert result is False, "a key must post only once"
            return
        change = {
            "credit": (amount, 0),
            "hold": (-amount, amount),
            "settle": (0, -amount),
            "release": (amount, -amount),
        }[op]
        if available + change[0] < 0:
            assert result == "insufficient"
            return
        if held + change[1] < 0:
            assert result == "refused"
            return
        assert result is True
        self.model[customer] = [available + change[0], held + change[1]]
        self.posted_keys.add(key)

    @rule(
        op=st.sampled_from(["credit", "hold", "settle", "release"]),
        customer=st.sampled_from(CUSTOMERS),
        amount=st.integers(min_value=1, max_value=1_000_000),
        fresh=st.booleans(),
        data=st.data(),
    )
    def move(self, op: str, customer: str, amount: int, fresh: bool, data: st.DataObject) -> None:
        if fresh or not self.keys:
            key = f"{op}:{len(self.keys)}"
            self.keys.append(key)
        else:
            key = data.draw(st.sampled_from(self.keys))  # a replay (or a reused key)
        result = self._run(op, customer, amount, key)
        self._expect(op, customer, amount, key, result)

    @invariant()
    def books_balance(self) -> None:
        state = self.uow.committed
        for entry in state.entries.values():
            assert sum(p.amount for p in entry.postings) == 0
        for customer, wallet in state.wallets.items():
            assert wallet.available >= 0 and wallet.held >= 0
            assert [wallet.available, wallet.held] == self.model[customer]
        assert asyncio.run(FakeLedgerVerify(self.uow).run()) == []


class FakeLedgerVerify:
    def __init__(self, uow: FakeWalletUnitOfWork) -> None:
        self.uow = uow

    async def run(self) -> list[object]:
        async with self.uow as uow:
            return [*await uow.ledger.verify(), *await uow.ledger.unbalanced_entries()]


TestLedgerMachine = LedgerMachine.TestCase
TestLedgerMachine.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)


@pytest.mark.parametrize(
    ("memo", "reference"),
    [
        (request_memo("ac92e01f5b7c4d3e"), MemoReference(request_id="ac92e01f5b7c4d3e")),
        ("request ac92e01f5b7c4d3e", MemoReference(request_id="ac92e01f5b7c4d3e")),
        ("55501234", MemoReference(reference="55501234")),
        ("فیش واریزی 77712345", MemoReference(reference="77712345")),  # as deposits were written before
        ("پرداخت آنلاین 0123456789", MemoReference(reference="0123456789")),
        ("پرداخت آنلاین", MemoReference()),
        ("", MemoReference()),
    ],
)
def test_an_entrys_memo_is_read_as_a_reference(memo: str, reference: MemoReference) -> None:
    assert memo_reference(memo) == reference
