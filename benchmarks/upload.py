"""Upload a 100,000-row top-up sheet through the HTTP app, on SQLite and on PostgreSQL.

Prints, per backend: the upload's seconds and rows per second, the ratio to a
bare python-calamine read of the same file in the same run, the process's peak
memory (resource.getrusage), and the time to confirm the 100,000-line request.
Targets (issue 6): upload within 4x the bare read, peak memory within 300 MB,
confirmation within 0.5 s.

Usage: KOOK_TEST_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/kook_bench \
       .venv/bin/python benchmarks/upload.py [rows]
(PostgreSQL's public schema is dropped and migrated again: use a scratch database.
Without a reachable PostgreSQL only SQLite is measured.)
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

URL = os.environ.get("KOOK_TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/kook_bench")


def build_sheet(path: str, rows: int) -> None:
    """In a child process, so openpyxl's memory does not count against the upload."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet("شارژ")
    ws.append(["شماره موبایل", "مبلغ", "اپراتور"])
    prefixes = ["0912", "0935", "0921", "0919", "0901"]
    for n in range(rows):
        ws.append([f"{prefixes[n % 5]}{n:07d}", 200_000 + (n % 9) * 100_000, None])
    book.save(path)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bare_read(path: str) -> float:
    import python_calamine

    started = time.perf_counter()
    workbook = python_calamine.CalamineWorkbook.from_path(path)
    rows = workbook.get_sheet_by_index(0).to_python()
    elapsed = time.perf_counter() - started
    del rows
    return elapsed


async def pg_ready() -> bool:
    try:
        import asyncpg

        conn = await asyncpg.connect(URL.replace("postgresql+asyncpg", "postgresql"), timeout=5)
        await conn.execute("DROP SCHEMA public CASCADE")
        await conn.execute("CREATE SCHEMA public")
        await conn.close()
        return True
    except Exception as error:  # report and go on with SQLite
        print(f"PostgreSQL not measured: {error!r}")
        return False


async def run(backend: str, content: bytes, rows: int, bare: float) -> None:
    from litestar.testing import AsyncTestClient

    from kook.adapters.postgres.migrate import upgrade
    from kook.application.identity.ports import IdentityUnitOfWork
    from kook.application.services.gate import EnterpriseTopupGate
    from kook.application.shared.ledger_poster import LedgerPoster
    from kook.application.wallet.ports import WalletUnitOfWork
    from kook.domain.wallet.ledger import EntryKind, bank_account
    from kook.entrypoints.http.app import create_app
    from kook.entrypoints.ioc.containers import make_http_container
    from kook.entrypoints.settings import load_settings
    from kook.sandbox.demo import DEMO_CUSTOMER, seed_demo_data

    data = tempfile.mkdtemp()
    env = {"KOOK_ENV": "test", "KOOK_DATA_DIR": data, "KOOK_DEMO_DATA": "false", "KOOK_HTTP_SECURE_COOKIES": "false"}
    if backend == "postgresql":
        env["KOOK_DATABASE_URL"] = URL
    settings = load_settings(env)
    await asyncio.to_thread(upgrade, settings.database_url)
    container = make_http_container(settings)
    await seed_demo_data(container)
    async with container() as scope:
        identity = await scope.get(IdentityUnitOfWork)
        async with identity:
            user = await identity.users.by_mobile(DEMO_CUSTOMER[0])
        assert user is not None
        customer_id = await (await scope.get(EnterpriseTopupGate))(user.id)
        uow = await scope.get(WalletUnitOfWork)
        poster = await scope.get(LedgerPoster)
        async with uow:
            await poster.credit(
                uow.ledger, customer_id, rows * 1_000_000, bank_account("bench"), key="bench", kind=EntryKind.DEPOSIT
            )
            await uow.commit()
    await container.close()

    async with AsyncTestClient(app=create_app(settings)) as client:
        login = await client.post("/api/v1/auth/login", json={"mobile": DEMO_CUSTOMER[0], "password": DEMO_CUSTOMER[1]})
        headers = {"x-csrftoken": login.json()["csrf_token"]}
        created = await client.post("/api/v1/requests", json={"name": "bench", "kind": "topup"}, headers=headers)
        request_id = created.json()["id"]
        started = time.perf_counter()
        response = await client.post(
            f"/api/v1/requests/{request_id}/uploads",
            files={"file": ("bench.xlsx", content, "application/octet-stream")},
            data={"kind": "topup"},
            headers=headers,
        )
        upload = time.perf_counter() - started
        assert response.status_code == 201, response.text
        result = response.json()
        started = time.perf_counter()
        confirmed = await client.post(f"/api/v1/requests/{request_id}/confirm", headers=headers)
        confirm = time.perf_counter() - started
    print(
        f"{backend:10} upload {upload:6.2f} s  {rows / upload:9,.0f} rows/s  ratio {upload / bare:4.1f}x bare read  "
        f"peak RSS {peak_mb():6.0f} MB  valid {result['valid']:,} invalid {result['invalid']:,}  "
        f"confirm {confirm:5.2f} s ({confirmed.json().get('status', confirmed.json().get('code'))})"
    )


async def main(rows: int) -> None:
    path = str(Path(tempfile.mkdtemp()) / "bench.xlsx")
    child = multiprocessing.get_context("spawn").Process(target=build_sheet, args=(path, rows))
    child.start()
    child.join()
    content = await asyncio.to_thread(Path(path).read_bytes)
    bare = min(bare_read(path) for _ in range(2))
    print(
        f"{rows:,} rows, {len(content) / 1e6:.1f} MB; bare python-calamine read {bare:.2f} s; "
        f"peak RSS {peak_mb():.0f} MB"
    )
    await run("sqlite", content, rows, bare)
    if await pg_ready():
        await run("postgresql", content, rows, bare)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000))
