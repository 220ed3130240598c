"""Exactly-once under load on real PostgreSQL: N concurrent callbacks for one
payment and M concurrent approvals of one deposit slip; prints the counts.

Usage: KOOK_TEST_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/test \
       .venv/bin/python benchmarks/money_concurrency.py [callbacks] [approvals]
(The database is migrated and its tables emptied first: use a scratch database.)
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from datetime import date
from io import BytesIO

from PIL import Image

from kook.adapters.postgres.migrate import upgrade
from kook.application.wallet.approve_deposit_slip import ApproveDepositSlip
from kook.application.wallet.complete_payment import CompletePayment
from kook.application.wallet.get_wallet import GetWallet
from kook.application.wallet.start_payment import StartPayment
from kook.application.wallet.submit_deposit_slip import SubmitDepositCommand, SubmitDepositSlip
from kook.application.wallet.verify_ledger import VerifyLedger
from kook.domain.shared.errors import DomainError
from kook.entrypoints.ioc.containers import make_http_container
from kook.entrypoints.settings import load_settings
from kook.sandbox.gateway import SandboxGatewayBook

URL = os.environ.get("KOOK_TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
CUSTOMER, USER = "b" * 32, "u" * 32


async def truncate() -> None:
    import asyncpg

    conn = await asyncpg.connect(URL.replace("postgresql+asyncpg", "postgresql"))
    try:
        await conn.execute(
            "TRUNCATE postings, journal_entries, wallets, payments, deposits, sandbox_gateway_payments, messages "
            "RESTART IDENTITY CASCADE"
        )
    finally:
        await conn.close()


async def main(callbacks: int, approvals: int) -> None:
    await truncate()
    data = tempfile.mkdtemp()
    settings = load_settings(
        {"KOOK_ENV": "test", "KOOK_DATA_DIR": data, "KOOK_DATABASE_URL": URL, "KOOK_DEMO_DATA": "false"}
    )
    container = make_http_container(settings)

    async def call(use_case: type, *args: object, **kwargs: object) -> object:
        async with container() as scope:
            return await (await scope.get(use_case))(*args, **kwargs)

    started = await call(StartPayment, customer_id=CUSTOMER, user_id=USER, amount=1_000_000, mobile=None)
    token = started.redirect_url.rsplit("/", 1)[1]  # type: ignore[attr-defined]
    async with container() as scope:
        await (await scope.get(SandboxGatewayBook)).decide(token, pay=True)
    t0 = time.perf_counter()
    results = await asyncio.gather(
        *(call(CompletePayment, started.payment_id, {"token": token, "status": "OK"}) for _ in range(callbacks))  # type: ignore[attr-defined]
    )
    t1 = time.perf_counter()
    verified = sum(1 for p in results if str(p.status) == "verified")  # type: ignore[attr-defined]
    wallet = await call(GetWallet, CUSTOMER)
    print(
        f"{callbacks} concurrent callbacks for one 1,000,000-rial payment in {t1 - t0:.2f} s: "
        f"{verified} answered verified, wallet available = {wallet.available:,}"
    )  # type: ignore[attr-defined]

    buffer = BytesIO()
    Image.new("RGB", (50, 40), (255, 255, 255)).save(buffer, format="PNG")
    deposit = await call(
        SubmitDepositSlip,
        SubmitDepositCommand(
            CUSTOMER, USER, "mellat", 2_000_000, date(2026, 5, 1), "424242", buffer.getvalue(), "s.png"
        ),
    )

    async def approve() -> str:
        try:
            await call(ApproveDepositSlip, deposit.id, "s" * 32)  # type: ignore[attr-defined]
            return "approved"
        except DomainError as exc:
            return exc.code

    t0 = time.perf_counter()
    outcomes = await asyncio.gather(*(approve() for _ in range(approvals)))
    t1 = time.perf_counter()
    wallet = await call(GetWallet, CUSTOMER)
    print(
        f"{approvals} concurrent approvals of one 2,000,000-rial slip in {t1 - t0:.2f} s: "
        f"{outcomes.count('approved')} approved, {len(outcomes) - outcomes.count('approved')} refused (409); "
        f"wallet available = {wallet.available:,}"
    )  # type: ignore[attr-defined]
    discrepancies, unbalanced = await call(VerifyLedger)  # type: ignore[misc]
    print(f"ledger verify: {len(discrepancies)} wallet differences, {len(unbalanced)} unbalanced entries")
    await container.close()


if __name__ == "__main__":
    upgrade(URL)
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    m = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    asyncio.run(main(n, m))
