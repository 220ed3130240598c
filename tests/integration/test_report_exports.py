"""Exports of ریز تراکنش through the real app, on SQLite and PostgreSQL: up to the limit the file streams at
once; above it the GET says so (422 ``export_too_large`` pointing at the export route) and the export is made
in the background — queued, run by the worker's use case, followed, downloaded by its owner only, purged once
expired. The limit is lowered for the test (the real one, 50,000, is pinned in tests/unit)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped, unused-ignore]

from kook.adapters.excel.export_files import LocalExportFiles
from kook.adapters.postgres.engine import make_engine, make_session_factory
from kook.adapters.postgres.repositories.report_exports import SqlExportRepository
from kook.application.reporting import export_transactions
from kook.application.reporting.purge_expired_exports import PurgeExpiredExports
from kook.application.reporting.run_transaction_export import RunTransactionExport
from kook.entrypoints.http.web import reports as report_pages
from kook.entrypoints.ioc.containers import make_http_container
from kook.entrypoints.settings import Settings
from tests.integration.helpers import Client
from tests.integration.test_customers_api import use
from tests.integration.test_reports_api import EVIL_NAME, MIDNIGHT, customer_id_of, line, seed, stranger
from tests.integration.test_requests_web import token
from tests.integration.test_wallet_api import demo_customer

LIMIT = 3


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now


@pytest.fixture(autouse=True)
def small_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export_transactions, "MAX_EXPORT_ROWS", LIMIT)
    monkeypatch.setattr(report_pages, "MAX_EXPORT_ROWS", LIMIT)


async def run_export(settings: Settings, export_id: str) -> None:
    """What the ``reports.export`` actor does with its message."""
    container = make_http_container(settings)
    try:
        async with container() as scope:
            run = await scope.get(RunTransactionExport)
            await run(export_id)
    finally:
        await container.close()


def export_files(settings: Settings) -> list[str]:
    folder = Path(settings.data_dir) / "exports"
    return sorted(os.listdir(folder)) if folder.is_dir() else []


def sheet_rows(content: bytes) -> list[list[Any]]:
    return [[c.value for c in r] for r in load_workbook(BytesIO(content))["ریز تراکنش"].iter_rows()]


async def five_lines(client: Client, settings: Settings) -> tuple[dict[str, str], str]:
    owner = await demo_customer(client, settings)
    use(client, owner)
    mine = await customer_id_of(client)
    rows = [
        line(mine, "r-1", f"0912111000{i}", "failed" if i == 0 else "succeeded", MIDNIGHT - timedelta(hours=i))
        for i in range(5)
    ]
    await seed(settings, rows, [("r-1", mine, EVIL_NAME)])
    return owner, mine


async def test_small_exports_stream_at_once_and_large_ones_point_at_the_export_route(
    client: Client, settings: Settings
) -> None:
    owner, _ = await five_lines(client, settings)
    use(client, owner)
    small = await client.get("/api/v1/reports/transactions", params={"format": "xlsx", "status": "failed"})
    assert small.status_code == 200, small.text
    assert small.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert [r[3] for r in sheet_rows(small.content)[1:]] == ["09121110000"]
    assert export_files(settings) == []  # the streamed file is deleted once sent

    large = await client.get("/api/v1/reports/transactions", params={"format": "xlsx"})
    assert large.status_code == 422
    body = large.json()
    assert body["code"] == "export_too_large" and "پس‌زمینه" in body["message"]
    assert body["details"] == {"rows": 5, "limit": LIMIT, "export_url": "/api/v1/reports/transactions/exports"}
    assert export_files(settings) == []


async def test_a_background_export_for_its_owner_only(client: Client, settings: Settings) -> None:
    owner, _ = await five_lines(client, settings)
    headers = use(client, owner)
    refused = await client.post(
        "/api/v1/reports/transactions/exports", json={"filter": {"from": "1405/13/01"}}, headers=headers
    )
    assert refused.status_code == 422 and refused.json()["details"]["fields"]["from"]["code"] == "date_invalid"

    started = await client.post(
        "/api/v1/reports/transactions/exports",
        json={"filter": {"from": "۱۴۰۵/۰۹/۱۱", "to": "1405/09/12"}},
        headers=headers,
    )
    assert started.status_code == 202, started.text
    export = started.json()
    assert export["status"] == "queued" and export["rows_total"] == 5 and export["file_url"] is None
    status_url = f"/api/v1/reports/exports/{export['id']}"
    queued = (await client.get(status_url)).json()
    assert queued["status"] == "queued" and queued["rows_done"] == 0 and queued["percent"] == 0
    assert (await client.get(f"{status_url}/file")).status_code == 404  # not made yet

    await run_export(settings, export["id"])
    await run_export(settings, export["id"])  # a redelivered message: done already, nothing made twice
    assert len(export_files(settings)) == 1
    done = (await client.get(status_url)).json()
    assert done["status"] == "done" and done["rows_done"] == 5 and done["percent"] == 100
    assert done["file_url"] == f"{status_url}/file"
    download = await client.get(done["file_url"])
    assert download.status_code == 200 and download.headers["content-type"].startswith("application/vnd.openxml")
    rows = sheet_rows(download.content)
    page = (await client.get("/api/v1/reports/transactions", params={"from": "1405/09/11", "to": "1405/09/12"})).json()
    assert [r[3] for r in rows[1:]] == [i["mobile"] for i in page["items"]]  # the rows of the page, in order
    assert rows[1][2] == EVIL_NAME  # a formula-looking name stays text
    assert load_workbook(BytesIO(download.content))["ریز تراکنش"].cell(row=2, column=3).data_type == "s"

    # anyone else: 404, whether it exists or not
    other_jar, _ = await stranger(client, settings)
    use(client, other_jar)
    for url in (status_url, f"{status_url}/file", "/api/v1/reports/exports/nothing-here/file"):
        answer = await client.get(url)
        assert answer.status_code == 404 and answer.json()["code"] == "export_not_found", url

    # a day later the scheduler's purge removes it and its file
    engine = make_engine(settings.database_url)
    try:
        purge = PurgeExpiredExports(
            SqlExportRepository(make_session_factory(engine)),
            LocalExportFiles(Path(settings.data_dir) / "exports"),
            FixedClock(datetime.now(UTC) + timedelta(days=1, minutes=1)),
        )
        assert await purge() == 1
    finally:
        await engine.dispose()
    assert export_files(settings) == []
    use(client, owner)
    assert (await client.get(status_url)).status_code == 404


async def test_the_page_starts_a_background_export_and_follows_it(client: Client, settings: Settings) -> None:
    owner, _ = await five_lines(client, settings)
    use(client, owner)
    page = await client.get("/reports/transactions", params={"to": "1405/09/12"})
    assert page.status_code == 200
    assert 'data-testid="report-export-start"' in page.text and 'data-testid="report-export"' not in page.text
    small = await client.get("/reports/transactions", params={"status": "failed"})
    assert 'data-testid="report-export"' in small.text and "report-export-start" not in small.text

    started = await client.post(
        "/reports/transactions/exports",
        data={"to": "1405/09/12", "csrf_token": token(page.text)},
        follow_redirects=False,
    )
    assert started.status_code == 303, started.text
    location = started.headers["location"]
    assert location.startswith("/reports/transactions?to=1405%2F09%2F12&export=")
    export_id = location.rsplit("=", 1)[1]
    following = await client.get(location)
    assert 'data-status="queued"' in following.text and f'hx-get="/reports/exports/{export_id}"' in following.text
    assert 'hx-trigger="every 2s"' in following.text

    await run_export(settings, export_id)
    fragment = await client.get(f"/reports/exports/{export_id}", headers={"hx-request": "true"})
    assert fragment.status_code == 200 and 'data-status="done"' in fragment.text
    assert "hx-trigger" not in fragment.text and f'href="/reports/exports/{export_id}/file"' in fragment.text
    download = await client.get(f"/reports/exports/{export_id}/file")
    assert download.status_code == 200 and len(sheet_rows(download.content)) == 6

    other_jar, _ = await stranger(client, settings)
    use(client, other_jar)
    assert (await client.get(f"/reports/exports/{export_id}/file")).status_code == 404
    assert (await client.get(f"/reports/exports/{export_id}", headers={"hx-request": "true"})).status_code == 404
    # and the owner's export in someone else's address is not shown to them
    assert f"/reports/exports/{export_id}" not in (await client.get(location)).text


async def test_rows_on_screen_are_the_rows_in_the_export(
    client: Client, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """For many generated filters, walking the pages (cursor after cursor) shows exactly the export's rows."""
    monkeypatch.setattr(export_transactions, "MAX_EXPORT_ROWS", 50_000)
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hypothesis_settings
    from hypothesis import strategies as st

    from kook.application.reporting.export_transactions import ExportTransactions
    from kook.application.reporting.list_transactions import ListTransactions
    from kook.application.reporting.ports import TransactionQuery

    owner = await demo_customer(client, settings)
    use(client, owner)
    mine = await customer_id_of(client)
    _, other = await stranger(client, settings)
    statuses = ("succeeded", "failed", "unknown", "sending")
    rows = []
    for i in range(130):
        package = i % 4 == 0
        rows.append(
            line(
                mine if i % 9 else other,
                f"r-{i % 3}" if i % 9 else "r-other",
                f"09{(12, 35, 21)[i % 3]}11100{i % 40:02d}",
                statuses[i % 7 % 4],
                MIDNIGHT - timedelta(hours=7 * i) + timedelta(seconds=i % 2),  # some share a minute
                operator=1 + i % 3,
                product="package" if package else "airtime",
                amount=None if package else 100_000 * (1 + i % 5),
                price=350_000 if package else 100_000 * (1 + i % 5),
                package_code=("MCI-1G", "MCI-5G")[i % 2] if package else None,
                package_title="یک گیگ" if package else None,
            )
        )
    await seed(
        settings, rows, [("r-0", mine, "الف"), ("r-1", mine, "=1+2"), ("r-2", mine, "ج"), ("r-other", other, "د")]
    )

    def often_none(*values: str, nones: int = 3) -> st.SearchStrategy[str | None]:
        return st.sampled_from([None] * nones + list(values))  # most filters narrow by a few fields, not all

    days = often_none("1405/08/20", "1405/08/28", "1405/09/05", "1405/09/11", "1405/09/12", nones=4)
    queries = st.builds(
        TransactionQuery,
        start=days,
        end=days,
        status=often_none(*statuses),
        operator=often_none("1", "2", "3"),
        product=often_none("airtime", "package", nones=2),
        package_code=often_none("MCI-1G", "MCI-5G", nones=6),
        request_id=often_none("r-0", "r-1", "r-other", nones=4),
        mobile=often_none("09121110000", "۰۹۳۵۱۱۱۰۰۰۱", "9211110002", nones=8),
    )
    container = make_http_container(settings)
    try:
        async with container() as scope:
            listing = await scope.get(ListTransactions)
            exporting = await scope.get(ExportTransactions)
            examples: list[TransactionQuery] = []

            @hypothesis_settings(
                max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
            )
            @given(queries)
            def collect(query: TransactionQuery) -> None:
                examples.append(query)

            collect()
            with_rows = 0
            for query in examples:
                if query.start and query.end and query.end < query.start:
                    continue  # refused on both sides alike (validation), not a row question
                on_screen: list[list[Any]] = []
                cursor = None
                while True:
                    page = await listing(mine, query, after=cursor, limit=7)
                    on_screen += [[r.mobile, r.amount, r.request_name] for r in page.rows]
                    if page.next_cursor is None:
                        break
                    cursor = page.next_cursor
                exported = await exporting(mine, query)
                try:
                    with open(exported.path, "rb") as handle:
                        in_file = [[r[3], r[7], r[2]] for r in sheet_rows(handle.read())[1:]]
                finally:
                    os.unlink(exported.path)
                assert in_file == on_screen, query
                assert exported.rows == len(on_screen) == page.totals.count, query
                with_rows += bool(on_screen)
            assert with_rows >= 10  # the generated filters find rows, not only empty answers
    finally:
        await container.close()
