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
from kook.application.reporting.exports import PurgeExpiredExports, RunTransactionExport
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
