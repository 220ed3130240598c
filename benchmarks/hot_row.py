"""The hot wallet row: how many ledger postings per second one customer's wallet takes on PostgreSQL.

Every money move of a customer locks its wallet row (``SELECT … FOR UPDATE``), writes a balanced journal entry
with its postings and updates the row, in one transaction (``LedgerPoster`` through the real unit of work): the
moves of one wallet are serial by design. This posts ``seconds`` long from ``concurrency`` tasks to one wallet
(credit, hold, release — the moves fulfilment makes), then the same spread over ``concurrency`` wallets, and
prints entries per second and the latency of one entry (p50, p99) for both.

    KOOK_BENCH_DATABASE_URL=postgresql+asyncpg://…/bench .venv/bin/python benchmarks/hot_row.py [seconds] [concurrency]

Use a scratch database: it empties the wallet tables. Afterwards ``VerifyLedger`` must find nothing wrong.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from typing import Any

from kook.adapters.postgres.migrate import upgrade
from kook.application.shared.ledger_poster import LedgerPoster
from kook.application.wallet.ports import WalletUnitOfWork
from kook.application.wallet.verify_ledger import VerifyLedger
from kook.domain.shared.ids import new_id
from kook.domain.wallet.ledger import EntryKind, bank_account
from kook.entrypoints.ioc.containers import make_worker_container
from kook.entrypoints.settings import load_settings


async def _empty(url: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        await conn.execute("TRUNCATE postings, journal_entries, wallets CASCADE")
    finally:
        await conn.close()


async def _run(container: Any, wallets: list[str], seconds: float, concurrency: int) -> tuple[int, list[float]]:
    latencies: list[float] = []
    stop_at = time.monotonic() + seconds

    async def one(task: int) -> None:
        customer = wallets[task % len(wallets)]
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            async with container() as scope:
                uow = await scope.get(WalletUnitOfWork)
                poster = await scope.get(LedgerPoster)
                async with uow:
                    await poster.lock_wallet(uow.ledger, customer)
                    key = new_id()
                    await poster.credit(
                        uow.ledger, customer, 1_000, bank_account("bench"), key=f"c:{key}", kind=EntryKind.DEPOSIT
                    )
                    await uow.commit()
            latencies.append(time.perf_counter() - started)

    await asyncio.gather(*(one(i) for i in range(concurrency)))
    return len(latencies), latencies


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def main() -> None:
    url = os.environ.get("KOOK_BENCH_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        raise SystemExit("set KOOK_BENCH_DATABASE_URL to a scratch PostgreSQL database")
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0
    concurrency = int(sys.argv[2]) if len(sys.argv) > 2 else 16
    await asyncio.to_thread(upgrade, url)
    await _empty(url)
    data = tempfile.mkdtemp(prefix="kook-hot-row-")
    settings = load_settings(
        {"KOOK_ENV": "test", "KOOK_DATA_DIR": data, "KOOK_DATABASE_URL": url, "KOOK_DEMO_DATA": "false"}
    )
    container = make_worker_container(settings)
    try:
        one_wallet = ["h" * 32]
        many = [f"{i:032d}" for i in range(concurrency)]
        for label, wallets in ((f"one wallet, {concurrency} tasks", one_wallet), (f"{concurrency} wallets", many)):
            count, latencies = await _run(container, wallets, seconds, concurrency)
            mean = statistics.fmean(latencies) * 1000
            print(
                f"{label:<28} {count / seconds:8.0f} entries/s   p50 {_pct(latencies, 0.5):6.1f} ms   "
                f"p99 {_pct(latencies, 0.99):6.1f} ms   ({count} entries, mean {mean:.1f} ms)"
            )
        async with container() as scope:
            wrong, unbalanced = await (await scope.get(VerifyLedger))()
        print(f"ledger verify: {len(wrong)} wallet(s) and {len(unbalanced)} entr(y/ies) wrong")
    finally:
        await container.close()


if __name__ == "__main__":
    asyncio.run(main())
