from __future__ import annotations

from dataclasses import dataclass, field

from kook.domain.wallet.bank_accounts import DEFAULT_KOOK_ACCOUNTS, KookBankAccount
from kook.domain.wallet.payment import PaymentPolicy


@dataclass(frozen=True)
class WalletPolicy:
    payments: PaymentPolicy = field(default_factory=PaymentPolicy)
    deposit_min: int = 10_000
    deposit_max: int = 100_000_000_000
    bank_accounts: tuple[KookBankAccount, ...] = DEFAULT_KOOK_ACCOUNTS
    public_url: str = "http://127.0.0.1:8000"
