"""Posts journal entries: the one way money moves (credit, hold, settle, release).

Inside the caller's unit of work: the wallets touched are locked first, in
the order of their customer ids (ARCHITECTURE convention 8), then the key is
checked, the domain builds and balances the entry, and the repository appends
it and moves the wallet figures with a conditional update. Posting a key that
was already posted changes nothing and answers False.
"""

from __future__ import annotations

from collections.abc import Sequence

from kook.application.shared.ports import Clock, LedgerRepository
from kook.domain.shared.ids import new_id
from kook.domain.wallet.ledger import (
    EntryKind,
    JournalEntry,
    Posting,
    Wallet,
    credit_postings,
    hold_postings,
    release_postings,
    settle_postings,
)


class LedgerPoster:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    async def lock_wallet(self, ledger: LedgerRepository, customer_id: str) -> Wallet:
        return await ledger.wallet_for_update(customer_id)

    async def post(
        self,
        ledger: LedgerRepository,
        *,
        key: str,
        kind: EntryKind,
        postings: Sequence[Posting],
        memo: str = "",
    ) -> bool:
        customers = sorted({p.customer_id for p in postings if p.customer_id is not None})
        wallets = [await ledger.wallet_for_update(customer_id) for customer_id in customers]
        if await ledger.has_entry(key):
            return False
        now = self._clock.now()
        entry = JournalEntry(
            id=new_id(), idempotency_key=key, kind=kind, postings=tuple(postings), created_at=now, memo=memo
        )
        changes = []
        for wallet in wallets:
            d_available, d_held = wallet.apply(entry, now)
            changes.append((wallet, d_available, d_held))
        await ledger.append(entry, changes)
        return True

    async def credit(
        self,
        ledger: LedgerRepository,
        customer_id: str,
        amount: int,
        source_account: str,
        *,
        key: str,
        kind: EntryKind,
        memo: str = "",
    ) -> bool:
        return await self.post(
            ledger, key=key, kind=kind, postings=credit_postings(customer_id, amount, source_account), memo=memo
        )

    async def hold(self, ledger: LedgerRepository, customer_id: str, amount: int, *, key: str, memo: str = "") -> bool:
        return await self.post(
            ledger, key=key, kind=EntryKind.HOLD, postings=hold_postings(customer_id, amount), memo=memo
        )

    async def settle(
        self,
        ledger: LedgerRepository,
        customer_id: str,
        amount: int,
        operator_account: str,
        *,
        key: str,
        memo: str = "",
    ) -> bool:
        return await self.post(
            ledger,
            key=key,
            kind=EntryKind.SETTLE,
            postings=settle_postings(customer_id, amount, operator_account),
            memo=memo,
        )

    async def release(
        self, ledger: LedgerRepository, customer_id: str, amount: int, *, key: str, memo: str = ""
    ) -> bool:
        return await self.post(
            ledger, key=key, kind=EntryKind.RELEASE, postings=release_postings(customer_id, amount), memo=memo
        )
