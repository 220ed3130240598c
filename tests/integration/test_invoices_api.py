"""Invoices of finished requests through the real app (SQLite and PostgreSQL): the PDF shows the seller, the
buyer from KYC, the delivered lines grouped, VAT and the total in words — rendered with Persian joined and right
to left (pdftoppm) and extracting back in order (pdftotext); another customer's or an unfinished request is a 404;
numbers are gapless per Jalali year, also under 50 issuances at once on PostgreSQL."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from kook.adapters.postgres.engine import make_engine, make_session_factory
from kook.adapters.postgres.readers.invoices import SqlInvoiceBook
from kook.adapters.postgres.tables import requests as t
from kook.entrypoints.settings import Settings
from tests.integration.helpers import Client
from tests.integration.test_customers_api import use
from tests.integration.test_reports_api import customer_id_of, line, stranger
from tests.integration.test_wallet_api import demo_customer

# 1405/09/12 10:00 in Tehran
FINISHED = datetime(2026, 12, 3, 6, 30, tzinfo=UTC)
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None, reason="poppler-utils not installed"
)


async def seed_request(
    settings: Settings, request_id: str, customer_id: str, status: str, lines: list[dict[str, Any]]
) -> None:
    engine = make_engine(settings.database_url)
    settled = sum(row["price"] for row in lines if row["status"] == "succeeded")
    released = sum(row["price"] for row in lines if row["status"] == "failed")
    try:
        async with engine.begin() as conn:
            await conn.execute(
                t.requests.insert().values(
                    id=request_id,
                    customer_id=customer_id,
                    name="شارژ کارکنان آذر",
                    kind="topup",
                    status=status,
                    created_at=FINISHED,
                    updated_at=FINISHED,
                    finished_at=FINISHED if status.startswith("completed") else None,
                    total_held=settled + released,
                    settled=settled,
                    released=released,
                )
            )
            if lines:
                await conn.execute(t.request_lines.insert(), lines)
    finally:
        await engine.dispose()


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True)
    return BIDI_CONTROLS.sub("", out.stdout)


def in_order(text: str, phrases: list[str]) -> None:
    position = 0
    for phrase in phrases:
        found = text.find(phrase, position)
        assert found >= 0, f"{phrase!r} not found (in order) in:\n{text}"
        position = found + len(phrase)


@needs_poppler
async def test_invoice_pdf_of_a_finished_request(client: Client, settings: Settings, tmp_path: Path) -> None:
    owner = await demo_customer(client, settings)
    use(client, owner)
    mine = await customer_id_of(client)
    sent = datetime(2026, 12, 3, 6, 0, tzinfo=UTC)
    rows = [line(mine, "r-done", f"0912111{i:04d}", "succeeded", sent) for i in range(3)]
    rows += [line(mine, "r-done", "09351110009", "succeeded", sent, operator=2, amount=500_000, price=500_000)]
    rows += [line(mine, "r-done", "09121119999", "failed", sent, amount=700_000, price=700_000)]
    rows += [
        line(
            mine,
            "r-done",
            "09121118888",
            "succeeded",
            sent,
            product="package",
            amount=None,
            price=350_000,
            package_code="MCI-1G",
            package_title="یک گیگ ماهانه",
        )
    ]
    await seed_request(settings, "r-done", mine, "completed_with_failures", rows)

    answer = await client.get("/api/v1/requests/r-done/invoice.pdf")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/pdf")
    assert 'filename="invoice-1405-000001.pdf"' in answer.headers["content-disposition"]
    text = pdf_text(answer.content, tmp_path)
    # 3 × 200,000 + 500,000 + 350,000 = 1,450,000 settled (the failed 700,000 was refunded: not on the invoice)
    in_order(
        text,
        [
            "صورتحساب فروش",
            "۱۴۰۵/۰۹/۱۲",
            "مشخصات فروشنده",
            "شرکت کوک",
            "۱۰۱۰۱۰۰۰۰۰۱",
            "مشخصات خریدار",
            "مهرآفرین پارس",
            "۱۰۳۲۰۷۵۶۴۱۹",
            "۴۱۱۱۵۶۷۸۹۱۲۵",
            "۱۹۹۶۸۳۴۵۱۱",
            "شارژ مستقیم",
            "۲۰۰٬۰۰۰",
            "۶۰۰٬۰۰۰",
            "شارژ مستقیم",
            "۵۰۰٬۰۰۰",
            "یک گیگ ماهانه",
            "۳۵۰٬۰۰۰",
            "۱٬۴۵۰٬۰۰۰",
            "۱٬۳۱۸٬۱۸۲",  # net: 1,450,000 × 100 / 110 = 1,318,181.8 → 1,318,182
            "۱۳۱٬۸۱۸",  # VAT = total − net
            "یک میلیون و چهارصد و پنجاه هزار ریال",
        ],
    )
    assert "۷۰۰٬۰۰۰" not in text
    assert "1405-000001" in text or "۱۴۰۵-۰۰۰۰۰۱" in text

    # the number is kept: a second download is the same invoice
    again = await client.get("/api/v1/requests/r-done/invoice.pdf")
    assert 'filename="invoice-1405-000001.pdf"' in again.headers["content-disposition"]

    # rendered as a picture: Persian shaped right to left (looked at by eye once; here: it renders, not blank)
    (tmp_path / "invoice.pdf").write_bytes(answer.content)
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(tmp_path / "invoice.pdf"), str(tmp_path / "page")],
        check=True,
    )
    pages = list(tmp_path.glob("page*.png"))
    assert pages and pages[0].stat().st_size > 5_000


async def test_invoice_is_404_for_others_unfinished_and_undelivered(client: Client, settings: Settings) -> None:
    owner = await demo_customer(client, settings)
    use(client, owner)
    mine = await customer_id_of(client)
    sent = datetime(2026, 12, 3, 6, 0, tzinfo=UTC)
    await seed_request(settings, "r-ok", mine, "completed", [line(mine, "r-ok", "09121110001", "succeeded", sent)])
    await seed_request(
        settings, "r-running", mine, "running", [line(mine, "r-running", "09121110002", "sending", sent)]
    )
    await seed_request(
        settings, "r-allfail", mine, "completed_with_failures", [line(mine, "r-allfail", "09121110003", "failed", sent)]
    )
    for request_id in ("r-running", "r-allfail", "r-missing"):
        answer = await client.get(f"/api/v1/requests/{request_id}/invoice.pdf")
        assert answer.status_code == 404, (request_id, answer.text)
        assert answer.json()["code"] == "not_found"
    other_jar, _ = await stranger(client, settings)
    use(client, other_jar)
    assert (await client.get("/api/v1/requests/r-ok/invoice.pdf")).status_code == 404
    client.cookies.clear()
    assert (await client.get("/api/v1/requests/r-ok/invoice.pdf")).status_code == 401
    # nothing was issued by the refusals: the owner's first invoice is number 1
    use(client, owner)
    first = await client.get("/api/v1/requests/r-ok/invoice.pdf")
    assert 'filename="invoice-1405-000001.pdf"' in first.headers["content-disposition"]


async def _requests(settings: Settings, count: int, customer_id: str = "c-1") -> list[str]:
    ids = [f"r-{i:03d}" for i in range(count)]
    engine = make_engine(settings.database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                t.requests.insert(),
                [
                    {
                        "id": request_id,
                        "customer_id": customer_id,
                        "name": request_id,
                        "kind": "topup",
                        "status": "completed",
                        "created_at": FINISHED,
                        "updated_at": FINISHED,
                        "finished_at": FINISHED,
                    }
                    for request_id in ids
                ],
            )
    finally:
        await engine.dispose()
    return ids


async def test_invoice_numbers_gapless_per_year(settings: Settings) -> None:
    """50 issuances at once: numbers 1..50, none twice, none skipped (PostgreSQL: the counter row locked;
    SQLite: the single writer); issuing a request again gives its number back; another year starts at 1."""
    ids = await _requests(settings, 50)
    engine = make_engine(settings.database_url, pool_size=25)
    book = SqlInvoiceBook(make_session_factory(engine))
    try:
        if settings.is_sqlite:
            issued = [await book.issue(i, "c-1", 1405, 10, FINISHED) for i in ids]
        else:
            issued = await asyncio.gather(*(book.issue(i, "c-1", 1405, 10, FINISHED) for i in ids))
        assert sorted(n.number for n in issued) == list(range(1, 51))
        stored = [await book.issued(i) for i in ids]
        assert {n.request_id: n.number for n in issued} == {n.request_id: n.number for n in stored if n}
        again = await asyncio.gather(*(book.issue(i, "c-1", 1405, 10, FINISHED) for i in ids[:5]))
        assert [n.number for n in again] == [n.number for n in issued[:5]]
        (extra,) = await _requests_more(settings)
        assert (await book.issue(extra, "c-1", 1406, 10, FINISHED)).number == 1
    finally:
        await engine.dispose()


async def _requests_more(settings: Settings) -> list[str]:
    engine = make_engine(settings.database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                t.requests.insert().values(
                    id="r-next-year",
                    customer_id="c-1",
                    name="x",
                    kind="topup",
                    status="completed",
                    created_at=FINISHED,
                    updated_at=FINISHED,
                    finished_at=FINISHED,
                )
            )
    finally:
        await engine.dispose()
    return ["r-next-year"]
