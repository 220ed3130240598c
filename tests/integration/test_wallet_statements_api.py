"""The monthly wallet statement through the real app (SQLite and PostgreSQL): opening balance, every entry of
the Jalali month with its reference and Persian description, closing balance — as .xlsx and PDF; the closing
balance is the figure ``kook ledger verify`` recomputes from the postings; each customer sees only their own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook  # type: ignore[import-untyped, unused-ignore]

from kook.adapters.postgres.engine import make_engine
from kook.adapters.postgres.tables import wallet as tw
from kook.application.shared.ledger_poster import LedgerPoster
from kook.application.wallet.ports import WalletUnitOfWork
from kook.application.wallet.verify_ledger import VerifyLedger
from kook.domain.shared.jalali import TEHRAN, JalaliDate
from kook.domain.wallet.ledger import EntryKind, bank_account, gateway_account, operator_account, request_memo
from kook.entrypoints.ioc.containers import make_http_container
from kook.entrypoints.settings import Settings
from tests.fakes.clock import FakeClock
from tests.integration.helpers import Client
from tests.integration.test_customers_api import use
from tests.integration.test_invoices_api import in_order, needs_poppler, pdf_text
from tests.integration.test_reports_api import customer_id_of, stranger
from tests.integration.test_wallet_api import demo_customer


def jalali_month(moment: datetime) -> tuple[int, int]:
    day = JalaliDate.from_date(moment.astimezone(TEHRAN).date())
    return day.year, day.month


async def post_entries(settings: Settings, customer_id: str) -> tuple[datetime, datetime]:
    """A deposit in the month before this one; this month a payment, a hold, a settlement and a release."""
    now = datetime.now(UTC)
    year, month = jalali_month(now)
    first = JalaliDate(year, month, 1).to_date()
    last_month = datetime.combine(first - timedelta(days=3), datetime.min.time(), TEHRAN)
    container = make_http_container(settings)
    try:
        async with container() as scope:
            uow = await scope.get(WalletUnitOfWork)
            old = LedgerPoster(FakeClock(last_month))
            fresh = LedgerPoster(FakeClock(now - timedelta(seconds=5)))
            async with uow:
                await old.credit(
                    uow.ledger,
                    customer_id,
                    5_000_000,
                    bank_account("mellat"),
                    key="dep-1",
                    kind=EntryKind.DEPOSIT,
                    memo="55501234",
                )
                await uow.commit()
            async with uow:
                await fresh.credit(
                    uow.ledger,
                    customer_id,
                    1_000_000,
                    gateway_account("sandbox"),
                    key="pay-1",
                    kind=EntryKind.PAYMENT,
                    memo="778899",
                )
                await fresh.hold(uow.ledger, customer_id, 600_000, key="hold-1", memo=request_memo("r-statement-1"))
                await fresh.settle(
                    uow.ledger,
                    customer_id,
                    400_000,
                    operator_account(1),
                    key="settle-1",
                    memo=request_memo("r-statement-1"),
                )
                await fresh.release(uow.ledger, customer_id, 200_000, key="rel-1", memo=request_memo("r-statement-1"))
                await uow.commit()
    finally:
        await container.close()
    return last_month, now


def sheet_rows(content: bytes) -> list[tuple[object, ...]]:
    workbook = load_workbook(BytesIO(content))
    sheet = workbook.worksheets[0]
    assert sheet.sheet_view.rightToLeft
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


async def verified_figures(settings: Settings, customer_id: str) -> tuple[int, int]:
    """What ``kook ledger verify`` recomputes for the wallet: the stored figures are nudged so that the verifier
    reports the wallet, with the figures it recomputed from the postings."""
    engine = make_engine(settings.database_url)
    try:
        async with engine.begin() as conn:
            c = tw.wallets.c
            await conn.execute(
                tw.wallets.update().where(c.customer_id == customer_id).values(available=c.available + 1)
            )
    finally:
        await engine.dispose()
    container = make_http_container(settings)
    try:
        async with container() as scope:
            discrepancies, unbalanced = await (await scope.get(VerifyLedger))()
    finally:
        await container.close()
    assert unbalanced == []
    (mine,) = [d for d in discrepancies if d.customer_id == customer_id]
    return mine.posted_available, mine.posted_held


async def test_monthly_statement_xlsx_and_pdf_close_at_the_verified_figure(
    client: Client, settings: Settings, tmp_path: Path
) -> None:
    use(client, await demo_customer(client, settings))
    mine = await customer_id_of(client)
    last_month, now = await post_entries(settings, mine)
    year, month = jalali_month(now)
    prev_year, prev_month = jalali_month(last_month)

    answer = await client.get(f"/api/v1/wallet/statements/{year}/{month}.xlsx")
    assert answer.status_code == 200, answer.text
    assert f"wallet-statement-{year:04d}-{month:02d}.xlsx" in answer.headers["content-disposition"]
    rows = sheet_rows(answer.content)
    header, opening, *entries, closing = rows
    assert header[2] == "شرح" and header[7] == "مانده قابل استفاده (ریال)"
    assert opening[2] == "مانده ابتدای دوره" and opening[7:9] == (5_000_000, 0)
    assert [e[2] for e in entries] == [
        "افزایش اعتبار با پرداخت آنلاین",
        "رزرو مبلغ درخواست",
        "تسویهٔ درخواست با اپراتور",
        "برگشت رزرو درخواست به موجودی",
    ]
    assert entries[0][3] == "کد پیگیری 778899"
    assert entries[1][3] == "شماره r-statem"
    assert [(e[4], e[5], e[6]) for e in entries] == [
        (1_000_000, 0, 0),
        (0, 600_000, 600_000),
        (0, 0, -400_000),
        (200_000, 0, -200_000),
    ]
    assert closing[2] == "مانده پایان دوره" and closing[7:9] == (5_600_000, 0)
    assert closing[7:9] == await verified_figures(settings, mine)

    previous = sheet_rows((await client.get(f"/api/v1/wallet/statements/{prev_year}/{prev_month:02d}.xlsx")).content)
    assert previous[1][7:9] == (0, 0)
    assert [r[2] for r in previous[2:-1]] == ["افزایش اعتبار با فیش واریزی"]
    assert previous[2][3] == "شماره پیگیری 55501234"
    assert previous[-1][7:9] == (5_000_000, 0)


@needs_poppler
async def test_monthly_statement_pdf(client: Client, settings: Settings, tmp_path: Path) -> None:
    use(client, await demo_customer(client, settings))
    mine = await customer_id_of(client)
    _, now = await post_entries(settings, mine)
    year, month = jalali_month(now)
    answer = await client.get(f"/api/v1/wallet/statements/{year}/{month}.pdf")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/pdf")
    in_order(
        pdf_text(answer.content, tmp_path),
        [
            "صورت گردش کیف پول",
            "مانده ابتدای دوره",
            "۵٬۰۰۰٬۰۰۰",
            "افزایش اعتبار با پرداخت",  # (a لا ligature extracts with its letters swapped: not asked for)
            "رزرو مبلغ درخواست",
            "برگشت رزرو درخواست",
            "مانده پایان دوره",
            "۵٬۶۰۰٬۰۰۰",
        ],
    )


async def test_statement_isolation_and_bad_months(client: Client, settings: Settings) -> None:
    owner = await demo_customer(client, settings)
    use(client, owner)
    mine = await customer_id_of(client)
    _, now = await post_entries(settings, mine)
    year, month = jalali_month(now)
    for path in (f"{year}/13.xlsx", f"{year}/0.pdf", f"{year}/{month}.csv", "14x5/1.pdf", f"{year + 1}/{month}.pdf"):
        refused = await client.get(f"/api/v1/wallet/statements/{path}")
        assert refused.status_code in (404, 422), (path, refused.text)
        if refused.status_code == 422:
            assert refused.json()["code"] == "validation_error"
    # another customer reads only their own wallet: nothing of the first customer's
    other_jar, _ = await stranger(client, settings)
    use(client, other_jar)
    theirs = sheet_rows((await client.get(f"/api/v1/wallet/statements/{year}/{month}.xlsx")).content)
    assert theirs[1][7:9] == (0, 0) and theirs[-1][7:9] == (0, 0) and len(theirs) == 3
    client.cookies.clear()
    assert (await client.get(f"/api/v1/wallet/statements/{year}/{month}.pdf")).status_code == 401
    # the month picker of the statement page sends to the file
    use(client, owner)
    page = await client.get("/wallet/statement")
    assert 'data-testid="statement-month-picker"' in page.text and 'action="/wallet/statements/download"' in page.text
    picked = await client.get(
        "/wallet/statements/download", params={"year": "۱۴۰۵", "month": "۹", "format": "xlsx"}, follow_redirects=False
    )
    assert picked.status_code == 303
    assert picked.headers["location"] == "/api/v1/wallet/statements/1405/9.xlsx"
