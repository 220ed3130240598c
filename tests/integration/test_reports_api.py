"""ریز تراکنش through the real app, on SQLite and PostgreSQL: the filter (Tehran's days in Jalali,
mobiles as people type them, status, operator, product, request), keyset pages, the whole filter's
totals, the same filter as an Excel file that opens right (and never runs a formula a customer typed),
the portal page, and one customer never seeing another's lines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import BytesIO
from typing import Any

from openpyxl import load_workbook  # type: ignore[import-untyped, unused-ignore]

from kook.adapters.postgres.engine import make_engine
from kook.adapters.postgres.tables import requests as t
from kook.entrypoints.ioc.containers import make_http_container
from kook.entrypoints.settings import Settings
from kook.sandbox.demo_customers import seed_demo_customer
from tests.integration.helpers import Client, sign_up
from tests.integration.test_customers_api import use
from tests.integration.test_wallet_api import demo_customer

# 1405/09/11 23:59 and 1405/09/12 00:00 in Tehran (UTC+03:30)
LAST_MINUTE = datetime(2026, 12, 2, 20, 29, tzinfo=UTC)
MIDNIGHT = datetime(2026, 12, 2, 20, 30, tzinfo=UTC)
EVIL_NAME = '=HYPERLINK("http://evil.example","x")'


async def customer_id_of(client: Client) -> str:
    found = await client.get("/api/v1/customer")
    assert found.status_code == 200, found.text
    return str(found.json()["id"])


async def stranger(client: Client, settings: Settings) -> tuple[dict[str, str], str]:
    client.cookies.clear()
    await sign_up(client, "09127654321")
    jar = dict(client.cookies)
    container = make_http_container(settings)
    try:
        async with container() as scope:
            await seed_demo_customer(scope, "09127654321")
    finally:
        await container.close()
    use(client, jar)
    return jar, await customer_id_of(client)


def line(
    customer_id: str, request_id: str, mobile: str, status: str, sent_at: datetime | None, **extra: Any
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "customer_id": customer_id,
        "request_id": request_id,
        "mobile": mobile,
        "operator": 1,
        "product": "airtime",
        "amount": 200_000,
        "price": 200_000,
        "status": status,
        "created_at": datetime(2026, 12, 1, tzinfo=UTC),
        "sent_at": sent_at,
        "provider_ref": f"OP-{mobile[-4:]}" if status == "succeeded" else None,
        "package_code": None,
        "package_title": None,
    }
    row.update(extra)
    return row


async def seed(settings: Settings, rows: list[dict[str, Any]], requests: list[tuple[str, str, str]]) -> None:
    engine = make_engine(settings.database_url)
    now = datetime(2026, 12, 1, tzinfo=UTC)
    try:
        async with engine.begin() as conn:
            for request_id, customer_id, name in requests:
                await conn.execute(
                    t.requests.insert().values(
                        id=request_id,
                        customer_id=customer_id,
                        name=name,
                        kind="topup",
                        status="completed_with_failures",
                        created_at=now,
                        updated_at=now,
                    )
                )
            await conn.execute(t.request_lines.insert(), rows)
    finally:
        await engine.dispose()


async def test_transactions_filter_pages_totals_and_isolation(client: Client, settings: Settings) -> None:
    owner = await demo_customer(client, settings)
    use(client, owner)
    mine = await customer_id_of(client)
    other_jar, other = await stranger(client, settings)
    rows = [
        line(mine, "r-mine", "09121110001", "succeeded", LAST_MINUTE),
        line(mine, "r-mine", "09121110002", "failed", MIDNIGHT, amount=500_000),
        line(mine, "r-mine", "09351110003", "unknown", MIDNIGHT + timedelta(hours=1), operator=2),
        line(
            mine,
            "r-pack",
            "09121110004",
            "succeeded",
            MIDNIGHT + timedelta(hours=2),
            product="package",
            amount=None,
            price=350_000,
            package_code="MCI-1G",
            package_title="یک گیگ",
        ),
        line(mine, "r-mine", "09121110005", "valid", None),  # never sent: not a transaction
        line(mine, "r-mine", "09121110006", "invalid", None),
        line(other, "r-other", "09121110001", "succeeded", MIDNIGHT),
    ]
    rows += [
        line(mine, "r-many", f"0912200{i:04d}", "succeeded", MIDNIGHT - timedelta(days=3, minutes=i)) for i in range(60)
    ]
    await seed(
        settings,
        rows,
        [
            ("r-mine", mine, "حقوق آذر"),
            ("r-pack", mine, EVIL_NAME),
            ("r-many", mine, "پاداش"),
            ("r-other", other, "دیگری"),
        ],
    )

    use(client, owner)
    everything = await client.get("/api/v1/reports/transactions")
    assert everything.status_code == 200, everything.text
    body = everything.json()
    assert body["totals"] == {
        "count": 64,
        "amount": 60 * 200_000 + 200_000 + 500_000 + 200_000 + 350_000,
        "succeeded": 61 * 200_000 + 350_000,
        "refunded": 500_000,
    }
    assert len(body["items"]) == 50 and body["next_cursor"]
    assert body["items"][0]["mobile"] == "09121110004" and body["items"][0]["amount"] == 350_000
    assert body["items"][0]["request_name"] == EVIL_NAME
    second = (await client.get("/api/v1/reports/transactions", params={"cursor": body["next_cursor"]})).json()
    assert len(second["items"]) == 14 and second["next_cursor"] is None
    ids = [i["id"] for i in body["items"] + second["items"]]
    assert len(set(ids)) == 64
    times = [i["sent_at"] for i in body["items"] + second["items"]]
    assert times == sorted(times, reverse=True)

    # Tehran's day, typed in Persian digits: 00:00 belongs to the 12th, 23:59 to the 11th
    day12 = (await client.get("/api/v1/reports/transactions", params={"from": "۱۴۰۵/۰۹/۱۲", "to": "1405-09-12"})).json()
    assert sorted(i["mobile"] for i in day12["items"]) == ["09121110002", "09121110004", "09351110003"]
    day11 = (await client.get("/api/v1/reports/transactions", params={"from": "1405/9/11", "to": "2026-12-02"})).json()
    assert [i["mobile"] for i in day11["items"]] == ["09121110001"]

    for typed in ("+989121110001", "9121110001", "۰۹۱۲۱۱۱۰۰۰۱"):
        found = (await client.get("/api/v1/reports/transactions", params={"mobile": typed})).json()
        assert [i["id"] for i in found["items"]] == [day11["items"][0]["id"]], typed  # not the other customer's

    failed = (await client.get("/api/v1/reports/transactions", params={"status": "failed"})).json()
    assert failed["totals"] == {"count": 1, "amount": 500_000, "succeeded": 0, "refunded": 500_000}
    irancell = (await client.get("/api/v1/reports/transactions", params={"operator": "ایرانسل"})).json()
    assert [i["mobile"] for i in irancell["items"]] == ["09351110003"]
    packages = (await client.get("/api/v1/reports/transactions", params={"product": "package"})).json()
    assert [i["package_code"] for i in packages["items"]] == ["MCI-1G"]
    topups = await client.get("/api/v1/reports/transactions", params={"product": "topup", "request_id": "r-mine"})
    assert topups.json()["totals"]["count"] == 3

    for params, field in (
        ({"from": "1405/13/40"}, "from"),
        ({"from": "1405/09/12", "to": "1405/09/01"}, "to"),
        ({"status": "valid"}, "status"),
        ({"operator": "9"}, "operator"),
        ({"product": "gift"}, "product"),
        ({"mobile": "12345"}, "mobile"),
        ({"cursor": "bm90LWEtY3Vyc29y"}, "cursor"),
        ({"cursor": "MjAyNi0xMi0wMlQyMDozMDowMHwx"}, "cursor"),  # a time without an offset
        ({"cursor": "%%%"}, "cursor"),
    ):
        refused = await client.get("/api/v1/reports/transactions", params=params)
        assert refused.status_code == 422, (params, refused.text)
        assert refused.json()["code"] == "validation_error" and field in refused.json()["details"]["fields"], params

    # the other customer sees only its own line, even when asking for the owner's request
    use(client, other_jar)
    theirs = (await client.get("/api/v1/reports/transactions")).json()
    assert [i["request_id"] for i in theirs["items"]] == ["r-other"]
    assert (await client.get("/api/v1/reports/transactions", params={"request_id": "r-mine"})).json()["items"] == []
    client.cookies.clear()
    assert (await client.get("/api/v1/reports/transactions")).status_code == 401


async def test_transactions_as_an_excel_file(client: Client, settings: Settings) -> None:
    owner = await demo_customer(client, settings)
    use(client, owner)
    mine = await customer_id_of(client)
    rows = [
        line(mine, "r-1", "09121110001", "succeeded", MIDNIGHT),
        line(mine, "r-1", "09121110002", "failed", LAST_MINUTE, amount=1_000_000),
        line(mine, "r-1", "09121110003", "succeeded", LAST_MINUTE - timedelta(days=40)),
    ]
    await seed(settings, rows, [("r-1", mine, EVIL_NAME)])
    use(client, owner)
    answer = await client.get("/api/v1/reports/transactions", params={"format": "xlsx", "from": "1405/09/01"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(BytesIO(answer.content))
    sheet = workbook["ریز تراکنش"]
    assert sheet.sheet_view.rightToLeft and sheet.freeze_panes == "A2"
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    assert values[0][:4] == ["تاریخ", "ساعت", "درخواست", "شماره موبایل"]
    assert [r[3] for r in values[1:]] == ["09121110001", "09121110002"]  # the same rows as the page
    assert values[1][:2] == ["1405/09/12", "00:00"] and values[2][:2] == ["1405/09/11", "23:59"]
    name_cell = sheet.cell(row=2, column=3)
    assert name_cell.value == EVIL_NAME and name_cell.data_type == "s"  # text, never a formula
    amount = sheet.cell(row=3, column=8)
    assert amount.value == 1_000_000 and amount.number_format == "#,##0"
    assert values[1][8] == "موفق" and values[2][8] == "ناموفق"
    summary = [[c.value for c in r] for r in workbook["جمع"].iter_rows()]
    assert summary[0] == ["تعداد تراکنش", 2] and summary[3] == ["برگشتی به کیف پول (ریال)", 1_000_000]
    by_accept = await client.get(
        "/api/v1/reports/transactions",
        headers={"accept": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    )
    assert by_accept.status_code == 200 and len(list(load_workbook(BytesIO(by_accept.content))["ریز تراکنش"].rows)) == 4


async def test_the_report_page(client: Client, settings: Settings) -> None:
    anonymous = await client.get("/reports/transactions", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/login"
    owner = await demo_customer(client, settings)
    use(client, owner)
    mine = await customer_id_of(client)
    empty = await client.get("/reports")
    assert empty.status_code == 200 and "هنوز تراکنشی ندارید" in empty.text
    rows = [
        line(mine, "r-1", "09121110001", "succeeded", MIDNIGHT),
        line(mine, "r-1", "09121110002", "failed", LAST_MINUTE),
    ]
    await seed(settings, rows, [("r-1", mine, "حقوق آذر")])
    use(client, owner)
    page = await client.get("/reports/transactions", params={"from": "۱۴۰۵/۰۹/۱۲", "to": "۱۴۰۵/۰۹/۱۲"})
    assert page.status_code == 200
    assert "۰۹۱۲۱۱۱۰۰۰۱" in page.text and "۰۹۱۲۱۱۱۰۰۰۲" not in page.text and "حقوق آذر" in page.text
    assert 'data-total="count">۱<' in page.text and 'data-total="amount">۲۰۰٬۰۰۰ ریال<' in page.text
    assert 'href="/reports/transactions.xlsx?from=' in page.text
    assert 'value="۱۴۰۵/۰۹/۱۲"' in page.text  # the filter is kept
    nothing = await client.get("/reports/transactions", params={"status": "failed", "from": "1405/09/12"})
    assert "تراکنشی با این فیلترها پیدا نشد" in nothing.text
    bad = await client.get("/reports/transactions", params={"from": "1405/13/45"})
    assert bad.status_code == 422 and "تاریخ معتبر نیست" in bad.text
    download = await client.get("/reports/transactions.xlsx", params={"to": "1405/09/11"})
    assert download.status_code == 200
    assert [[c.value for c in r][3] for r in load_workbook(BytesIO(download.content))["ریز تراکنش"].iter_rows()][
        1:
    ] == ["09121110002"]
