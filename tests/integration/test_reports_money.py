"""خلاصه سر جمع فروش, گزارش پرداخت and the staff reports (with finance's daily totals) through the real
app, on SQLite and PostgreSQL: only succeeded lines are sales, Tehran's days in Jalali (23:59/00:00, the
Nowruz boundary, leap Esfand 30), keyset pages of payments and slips, the same rows in the Excel file
(never a formula from outside text), one customer never seeing another's rows, staff's customer filter."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from typing import Any

from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import load_workbook  # type: ignore[import-untyped, unused-ignore]

from kook.adapters.postgres.engine import make_engine
from kook.adapters.postgres.tables import wallet as w
from kook.entrypoints.settings import Settings
from tests.integration.helpers import Client
from tests.integration.test_customers_api import staff_session, use
from tests.integration.test_reports_api import EVIL_NAME, LAST_MINUTE, MIDNIGHT, customer_id_of, line, seed, stranger
from tests.integration.test_wallet_api import demo_customer

# 1404/12/29 23:59 and 1405/01/01 00:00 (Nowruz) in Tehran
BEFORE_NOWRUZ = datetime(2026, 3, 20, 20, 29, tzinfo=UTC)
NOWRUZ = datetime(2026, 3, 20, 20, 30, tzinfo=UTC)
# 1403/12/30 (Esfand 30 of the leap year 1403) at 12:00 in Tehran
LEAP_ESFAND_30 = datetime(2025, 3, 20, 8, 30, tzinfo=UTC)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def payment(customer_id: str, ident: str, status: str, created_at: datetime, **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": ident,
        "customer_id": customer_id,
        "user_id": "u-" + ident,
        "amount": 1_000_000,
        "gateway": "sandbox",
        "status": status,
        "created_at": created_at,
        "token": "t-" + ident,
        "updated_at": created_at,
        "verified_at": created_at + timedelta(minutes=1) if status == "verified" else None,
        "reference": f"REF-{ident}" if status == "verified" else None,
        "card_mask": "6037-99**-****-1234" if status == "verified" else None,
        "result_code": None,
    }
    row.update(extra)
    return row


def slip(customer_id: str, ident: str, status: str, created_at: datetime, **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": ident,
        "customer_id": customer_id,
        "user_id": "u-" + ident,
        "bank_account": "mellat",
        "amount": 2_000_000,
        "deposit_date": created_at.date(),
        "tracking_number": "".join(str(ord(c)) for c in ident)[:30],  # d000 → 100484848
        "slip_key": "k-" + ident,
        "slip_kind": "png",
        "slip_size": 100,
        "status": status,
        "created_at": created_at,
        "decided_at": created_at + timedelta(hours=1) if status != "pending" else None,
        "decided_by": "s-1" if status != "pending" else None,
        "reject_reason": "نامعتبر" if status == "rejected" else None,
    }
    row.update(extra)
    return row


async def seed_money(settings: Settings, payments: list[dict[str, Any]], slips: list[dict[str, Any]]) -> None:
    engine = make_engine(settings.database_url)
    try:
        async with engine.begin() as conn:
            if payments:
                await conn.execute(w.payments.insert(), payments)
            if slips:
                await conn.execute(w.deposits.insert(), slips)
    finally:
        await engine.dispose()


def refused(response: Any, field: str) -> bool:
    body = response.json()
    return response.status_code == 422 and body["code"] == "validation_error" and field in body["details"]["fields"]


async def test_sales_summary_counts_only_succeeded_lines_per_product_and_operator(
    client: Client, settings: Settings
) -> None:
    owner = await demo_customer(client, settings)
    use(client, owner)
    mine = await customer_id_of(client)
    other_jar, other = await stranger(client, settings)
    pack = {"product": "package", "amount": None, "package_code": "MCI-1G", "package_title": "یک گیگ"}
    rows = [
        line(mine, "r-1", "09121110001", "succeeded", LAST_MINUTE),  # 1405/09/11 23:59
        line(mine, "r-1", "09121110002", "succeeded", MIDNIGHT, amount=300_000),  # 1405/09/12 00:00
        line(mine, "r-1", "09121110003", "failed", MIDNIGHT, amount=500_000),
        line(mine, "r-1", "09351110004", "succeeded", MIDNIGHT, operator=2, amount=100_000),
        line(mine, "r-1", "09121110005", "unknown", MIDNIGHT, amount=700_000),
        line(mine, "r-1", "09121110006", "succeeded", MIDNIGHT, price=350_000, **pack),
        line(mine, "r-1", "09121110007", "succeeded", MIDNIGHT, price=350_000, **pack),
        line(mine, "r-1", "09121110008", "valid", None),  # never sent: not a sale
        line(mine, "r-1", "09121110009", "succeeded", BEFORE_NOWRUZ, amount=11_000),
        line(mine, "r-1", "09121110010", "succeeded", NOWRUZ, amount=13_000),
        line(mine, "r-1", "09121110011", "succeeded", LEAP_ESFAND_30, amount=17_000),
        line(other, "r-2", "09121110001", "succeeded", MIDNIGHT, amount=9_000_000),
    ]
    await seed(settings, rows, [("r-1", mine, "حقوق"), ("r-2", other, "دیگری")])
    use(client, owner)

    day = await client.get("/api/v1/reports/sales-summary", params={"from": "۱۴۰۵/۰۹/۱۲", "to": "2026-12-03"})
    assert day.status_code == 200, day.text
    body = day.json()
    products = {p["key"]: p for p in body["products"]}
    assert list(products) == ["airtime", "package:MCI-1G"]
    assert (products["airtime"]["count"], products["airtime"]["amount"]) == (2, 400_000)
    assert (products["airtime"]["failed_count"], products["airtime"]["failed_amount"]) == (1, 500_000)
    assert (products["airtime"]["pending_count"], products["airtime"]["pending_amount"]) == (1, 700_000)
    assert products["package:MCI-1G"]["count"] == 2 and products["package:MCI-1G"]["amount"] == 700_000
    assert products["package:MCI-1G"]["package_title"] == "یک گیگ"
    operators = {o["operator"]: (o["count"], o["amount"]) for o in body["operators"]}
    assert operators == {1: (3, 1_000_000), 2: (1, 100_000)}
    assert body["totals"]["count"] == 4 and body["totals"]["amount"] == 1_100_000  # not the other customer's

    def sales(params: dict[str, str]) -> Any:
        return client.get("/api/v1/reports/sales-summary", params=params)

    assert (await sales({"from": "1405/09/11", "to": "1405/09/11"})).json()["totals"]["amount"] == 200_000
    assert (await sales({"to": "1404/12/29"})).json()["totals"]["amount"] == 11_000 + 17_000
    assert (await sales({"from": "1405/01/01", "to": "1405/01/01"})).json()["totals"]["amount"] == 13_000
    assert (await sales({"from": "1403/12/30", "to": "1403/12/30"})).json()["totals"]["amount"] == 17_000
    for params, field in (
        ({"from": "1404/12/30"}, "from"),  # 1404 is not a leap year
        ({"to": "not-a-day"}, "to"),
        ({"from": "1405/09/12", "to": "1405/09/11"}, "to"),
        ({"from": "1400/01/01", "to": "1405/01/01"}, "to"),
    ):
        assert refused(await sales(params), field), params

    export = await client.get(
        "/api/v1/reports/sales-summary", params={"from": "1405/09/12", "to": "1405/09/12", "format": "xlsx"}
    )
    assert export.status_code == 200 and export.headers["content-type"].startswith(XLSX)
    workbook = load_workbook(BytesIO(export.content))
    sheet = workbook["فروش به تفکیک محصول"]
    assert sheet.sheet_view.rightToLeft and sheet.freeze_panes == "A2"
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    assert values[0][:3] == ["شرح", "تعداد فروش", "مبلغ فروش (ریال)"]
    assert values[1][:5] == ["شارژ", 2, 400_000, 1, 500_000]
    assert values[2][:3] == ["بسته اینترنت — یک گیگ", 2, 700_000] and values[3][:3] == ["جمع", 4, 1_100_000]
    assert sheet.cell(row=2, column=3).number_format == "#,##0"
    by_operator = [[c.value for c in r] for r in workbook["فروش به تفکیک اپراتور"].iter_rows()]
    assert [r[0] for r in by_operator[1:]] == ["همراه اول", "ایرانسل", "جمع"]

    use(client, other_jar)
    theirs = (await client.get("/api/v1/reports/sales-summary")).json()
    assert theirs["totals"]["count"] == 1 and theirs["totals"]["amount"] == 9_000_000


async def test_payments_report_pages_filters_totals_export_and_isolation(client: Client, settings: Settings) -> None:
    owner = await demo_customer(client, settings)
    use(client, owner)
    mine = await customer_id_of(client)
    other_jar, other = await stranger(client, settings)
    start = MIDNIGHT - timedelta(days=5)
    payments = [payment(mine, f"p{i:03d}", "verified", start + timedelta(minutes=i)) for i in range(40)]
    payments += [
        payment(mine, "pfail", "failed", MIDNIGHT),
        payment(mine, "plast", "verified", LAST_MINUTE, reference=EVIL_NAME),
        payment(other, "pother", "verified", MIDNIGHT, amount=77_000_000),
    ]
    slips = [slip(mine, f"d{i:03d}", "approved", start + timedelta(minutes=i, seconds=30)) for i in range(20)]
    slips += [
        slip(mine, "dpend", "pending", MIDNIGHT + timedelta(hours=1)),
        slip(mine, "drej", "rejected", MIDNIGHT + timedelta(hours=2), bank_account="=1+1"),
        slip(other, "dother", "approved", MIDNIGHT, amount=55_000_000),
    ]
    await seed_money(settings, payments, slips)
    use(client, owner)

    first = await client.get("/api/v1/reports/payments")
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["totals"] == {
        "count": 64,
        "amount": 42 * 1_000_000 + 22 * 2_000_000,
        "settled": 41 * 1_000_000 + 20 * 2_000_000,
        "pending": 2_000_000,
    }
    assert len(body["items"]) == 50 and body["next_cursor"]
    assert [i["id"] for i in body["items"][:3]] == ["drej", "dpend", "pfail"]
    assert body["items"][3]["reference"] == EVIL_NAME and body["items"][3]["kind"] == "online"
    second = (await client.get("/api/v1/reports/payments", params={"cursor": body["next_cursor"]})).json()
    assert len(second["items"]) == 14 and second["next_cursor"] is None
    everything = body["items"] + second["items"]
    assert len({i["id"] for i in everything}) == 64 and not {"pother", "dother"} & {i["id"] for i in everything}
    times = [i["created_at"] for i in everything]
    assert times == sorted(times, reverse=True)

    async def ids(params: dict[str, str]) -> list[str]:
        found = await client.get("/api/v1/reports/payments", params=params)
        assert found.status_code == 200, found.text
        return [i["id"] for i in found.json()["items"]]

    assert await ids({"kind": "slip", "status": "pending"}) == ["dpend"]
    assert await ids({"status": "failed"}) == ["pfail"]
    assert await ids({"from": "۱۴۰۵/۰۹/۱۱", "to": "1405-09-11"}) == ["plast"]  # 23:59 is still the 11th
    assert await ids({"from": "1405/09/12", "kind": "ONLINE"}) == ["pfail"]
    slip_row = next(i for i in everything if i["id"] == "d000")
    assert slip_row["bank"] == "mellat" and slip_row["reference"] == "100484848" and slip_row["settled_at"]
    for params, field in (
        ({"kind": "cash"}, "kind"),
        ({"kind": "slip", "status": "verified"}, "status"),
        ({"status": "paid"}, "status"),
        ({"from": "1405/02/32"}, "from"),
        ({"cursor": "bm90LWEtY3Vyc29y"}, "cursor"),
    ):
        assert refused(await client.get("/api/v1/reports/payments", params=params), field), params

    export = await client.get("/api/v1/reports/payments", params={"format": "xlsx", "from": "1405/09/11"})
    assert export.status_code == 200 and export.headers["content-type"].startswith(XLSX)
    workbook = load_workbook(BytesIO(export.content))
    sheet = workbook["گزارش پرداخت"]
    assert sheet.sheet_view.rightToLeft and sheet.freeze_panes == "A2"
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    assert values[0][:6] == ["تاریخ", "ساعت", "نوع", "وضعیت", "مبلغ (ریال)", "شماره پیگیری / مرجع"]
    assert [r[2] for r in values[1:]] == ["فیش واریزی", "فیش واریزی", "پرداخت اینترنتی", "پرداخت اینترنتی"]
    assert values[4][:2] == ["1405/09/11", "23:59"] and values[3][:2] == ["1405/09/12", "00:00"]
    assert values[4][5] == EVIL_NAME and sheet.cell(row=5, column=6).data_type == "s"  # text, never a formula
    assert values[1][6] == "=1+1" and sheet.cell(row=2, column=7).data_type == "s"
    assert sheet.cell(row=5, column=5).value == 1_000_000 and sheet.cell(row=5, column=5).number_format == "#,##0"
    summary = [[c.value for c in r] for r in workbook["جمع"].iter_rows()]
    assert summary[0] == ["تعداد", 4]

    use(client, other_jar)
    theirs = (await client.get("/api/v1/reports/payments")).json()
    assert sorted(i["id"] for i in theirs["items"]) == ["dother", "pother"]
    other_export = await client.get("/api/v1/reports/payments", params={"format": "xlsx"})
    assert len(list(load_workbook(BytesIO(other_export.content))["گزارش پرداخت"].rows)) == 3
    assert other != mine
    client.cookies.clear()
    assert (await client.get("/api/v1/reports/payments")).status_code == 401
    assert (await client.get("/api/v1/reports/sales-summary")).status_code == 401


@hypothesis_settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    start=st.one_of(st.none(), st.integers(min_value=0, max_value=6)),
    length=st.one_of(st.none(), st.integers(min_value=0, max_value=4)),
    kind=st.sampled_from([None, "online", "slip"]),
    status=st.sampled_from([None, "pending", "verified", "approved", "failed", "rejected"]),
)
async def test_payment_rows_on_screen_are_the_rows_in_the_export(
    client: Client, settings: Settings, start: int | None, length: int | None, kind: str | None, status: str | None
) -> None:
    jar: dict[str, str] | None = getattr(client, "_payments_owner", None)
    if jar is None:  # seeded once for every example of this run
        jar = await demo_customer(client, settings)
        use(client, jar)
        mine = await customer_id_of(client)
        base = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)
        statuses = ["verified", "failed", "pending", "verified", "expired"]
        slip_statuses = ["approved", "pending", "rejected"]
        await seed_money(
            settings,
            [payment(mine, f"h{i:03d}", statuses[i % 5], base + timedelta(hours=9 * i)) for i in range(70)],
            [slip(mine, f"s{i:03d}", slip_statuses[i % 3], base + timedelta(hours=7 * i)) for i in range(60)],
        )
        client._payments_owner = jar  # type: ignore[attr-defined]
    use(client, jar)
    if (kind == "online" and status in ("approved", "rejected")) or (
        kind == "slip" and status in ("verified", "failed")
    ):
        status = None
    params: dict[str, str] = {k: v for k, v in (("kind", kind), ("status", status)) if v}
    first_day = date(2026, 12, 1) + timedelta(days=start or 0)
    if start is not None:
        params["from"] = first_day.isoformat()
    if length is not None:
        params["to"] = (first_day + timedelta(days=length)).isoformat()
    on_screen: list[tuple[str, int]] = []
    cursor: str | None = None
    while True:
        page = await client.get("/api/v1/reports/payments", params={**params, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200, page.text
        body = page.json()
        on_screen += [(i["reference"] or "", i["amount"]) for i in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert len(on_screen) == body["totals"]["count"]
    export = await client.get("/api/v1/reports/payments", params={**params, "format": "xlsx"})
    assert export.status_code == 200
    rows = list(load_workbook(BytesIO(export.content))["گزارش پرداخت"].iter_rows(min_row=2, values_only=True))
    assert [(r[5] or "", r[4]) for r in rows] == on_screen


async def test_staff_reports_across_customers_with_a_customer_filter_and_daily_totals(
    client: Client, settings: Settings
) -> None:
    owner = await demo_customer(client, settings)
    use(client, owner)
    mine = await customer_id_of(client)
    _, other = await stranger(client, settings)
    await seed(
        settings,
        [
            line(mine, "r-1", "09121110001", "succeeded", LAST_MINUTE, finished_at=LAST_MINUTE),
            line(mine, "r-1", "09121110002", "succeeded", MIDNIGHT, finished_at=MIDNIGHT, amount=300_000),
            line(mine, "r-1", "09121110003", "failed", MIDNIGHT, finished_at=MIDNIGHT, amount=900_000),
            line(other, "r-2", "09121110004", "succeeded", MIDNIGHT, finished_at=MIDNIGHT, amount=5_000_000),
        ],
        [("r-1", mine, "حقوق"), ("r-2", other, "دیگری")],
    )
    await seed_money(
        settings,
        [
            payment(mine, "p1", "verified", MIDNIGHT - timedelta(minutes=30), verified_at=LAST_MINUTE),
            payment(other, "p2", "verified", MIDNIGHT, verified_at=MIDNIGHT, amount=4_000_000),
            payment(other, "p3", "failed", MIDNIGHT),
        ],
        [
            slip(mine, "d1", "approved", MIDNIGHT - timedelta(days=1), decided_at=MIDNIGHT + timedelta(hours=3)),
            slip(other, "d2", "pending", MIDNIGHT),
        ],
    )
    # a customer cannot reach the staff reports
    use(client, owner)
    assert (await client.get("/api/v1/admin/reports/sales-summary")).status_code in (401, 403)
    reviewer = await staff_session(client, settings, "reviewer", "09350000001")
    use(client, reviewer)
    for path in ("transactions", "sales-summary", "payments", "daily-totals"):
        assert (await client.get(f"/api/v1/admin/reports/{path}")).status_code == 403, path
    assert (await client.get("/admin/reports/sales")).status_code == 403
    staff_home = await client.get("/admin")
    assert 'data-menu="reports"' in staff_home.text and 'href="/admin/reports"' not in staff_home.text  # disabled

    finance = await staff_session(client, settings, "finance", "09350000002")
    use(client, finance)
    everyone = (await client.get("/api/v1/admin/reports/sales-summary")).json()
    assert everyone["totals"]["amount"] == 200_000 + 300_000 + 5_000_000
    only_mine = (await client.get("/api/v1/admin/reports/sales-summary", params={"customer": mine})).json()
    assert only_mine["totals"]["amount"] == 500_000 and only_mine["totals"]["failed_amount"] == 900_000
    lines = (await client.get("/api/v1/admin/reports/transactions", params={"customer": other})).json()
    assert [(i["mobile"], i["customer_id"]) for i in lines["items"]] == [("09121110004", other)]
    money = (await client.get("/api/v1/admin/reports/payments", params={"customer": other})).json()
    assert sorted(i["id"] for i in money["items"]) == ["d2", "p2", "p3"]
    assert {i["customer_id"] for i in money["items"]} == {other}
    assert refused(await client.get("/api/v1/admin/reports/payments", params={"customer": "x' or 1=1"}), "customer")

    daily = await client.get("/api/v1/admin/reports/daily-totals", params={"from": "1405/09/11", "to": "1405/09/12"})
    assert daily.status_code == 200, daily.text
    days = {d["day"]: d for d in daily.json()["days"]}
    assert list(days) == ["2026-12-03", "2026-12-02"]  # newest first; Tehran's 1405/09/12 and 1405/09/11
    assert (days["2026-12-02"]["gateway"], days["2026-12-02"]["operators"]) == (1_000_000, 200_000)
    assert days["2026-12-03"]["gateway"] == 4_000_000 and days["2026-12-03"]["slips"] == 2_000_000
    assert days["2026-12-03"]["operators"] == 5_300_000 and days["2026-12-03"]["money_in"] == 6_000_000
    assert daily.json()["totals"]["net"] == 7_000_000 - 5_500_000
    one = (
        await client.get("/api/v1/admin/reports/daily-totals", params={"from": "1405/09/12", "customer": mine})
    ).json()
    assert [(d["slips"], d["operators"]) for d in one["days"]] == [(2_000_000, 300_000)]
    assert refused(await client.get("/api/v1/admin/reports/daily-totals", params={"from": "1403/01/01"}), "to")

    page = await client.get("/admin/reports/daily", params={"from": "۱۴۰۵/۰۹/۱۱", "to": "۱۴۰۵/۰۹/۱۲"})
    assert page.status_code == 200
    assert "۶٬۰۰۰٬۰۰۰ ریال" in page.text and "۱۴۰۵/۰۹/۱۲" in page.text
    sales_page = await client.get("/admin/reports/sales", params={"customer": other})
    assert sales_page.status_code == 200 and 'id="sales-chart-data"' in sales_page.text
    assert "۵٬۰۰۰٬۰۰۰ ریال" in sales_page.text and "۵۰۰٬۰۰۰ ریال" not in sales_page.text
    payments_page = await client.get("/admin/reports/payments")
    assert payments_page.status_code == 200 and 'data-payment="p2"' in payments_page.text
    assert 'href="/admin/reports"' in payments_page.text  # the back office's menu entry
    lines_page = await client.get("/admin/reports/transactions", params={"customer": mine})
    assert lines_page.status_code == 200 and "۰۹۱۲۱۱۱۰۰۰۱" in lines_page.text and "۰۹۱۲۱۱۱۰۰۰۴" not in lines_page.text
    download = await client.get("/admin/reports/payments.xlsx", params={"customer": mine})
    assert download.status_code == 200
    assert len(list(load_workbook(BytesIO(download.content))["گزارش پرداخت"].rows)) == 3
    across = load_workbook(BytesIO((await client.get("/admin/reports/payments.xlsx")).content))["گزارش پرداخت"]
    customers = [r[0] for r in across.iter_rows(values_only=True)]
    assert customers[0] == "شناسه مشتری" and set(customers[1:]) == {mine, other}  # each row names its customer
    client.cookies.clear()
    assert (await client.get("/admin/reports/daily", follow_redirects=False)).headers["location"] == "/admin/login"


async def test_the_sales_and_payments_pages(client: Client, settings: Settings) -> None:
    anonymous = await client.get("/reports/sales", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/login"
    owner = await demo_customer(client, settings)
    use(client, owner)
    mine = await customer_id_of(client)
    empty = await client.get("/reports/sales")
    assert empty.status_code == 200 and "هنوز فروشی ثبت نشده است" in empty.text and "sales-chart-data" not in empty.text
    assert "به‌زودی" not in empty.text.split('data-testid="report-tabs"')[1].split("</ul>")[0]
    assert "هنوز پرداختی ندارید" in (await client.get("/reports/payments")).text
    pack = {"product": "package", "amount": None, "package_code": "MCI-1G", "package_title": "یک گیگ"}
    await seed(
        settings,
        [
            line(mine, "r-1", "09121110001", "succeeded", MIDNIGHT, amount=1_200_000),
            line(mine, "r-1", "09121110002", "succeeded", MIDNIGHT, price=350_000, **pack),
            line(mine, "r-1", "09121110003", "failed", LAST_MINUTE, amount=400_000),
        ],
        [("r-1", mine, "حقوق")],
    )
    await seed_money(settings, [payment(mine, "p1", "verified", MIDNIGHT, reference="=cmd|' /C calc'!A0")], [])
    use(client, owner)

    page = await client.get("/reports/sales", params={"from": "۱۴۰۵/۰۹/۱۲", "to": "۱۴۰۵/۰۹/۱۲"})
    assert page.status_code == 200
    block = page.text.split('<script type="application/json" id="sales-chart-data">')[1].split("</script>")[0]
    chart = json.loads(block)
    assert chart["labels"] == ["شارژ", "بسته اینترنت — یک گیگ"]
    assert chart["datasets"][0]["data"] == [1_200_000, 350_000] and chart["datasets"][1]["data"] == [0, 0]
    assert 'data-total="amount">۱٬۵۵۰٬۰۰۰ ریال<' in page.text and 'data-total="count">۲<' in page.text
    assert 'value="۱۴۰۵/۰۹/۱۲"' in page.text and 'href="/reports/sales.xlsx?from=' in page.text
    assert '<script src="/static/reports_chart.js" defer></script>' in page.text
    assert (await client.get("/static/reports_chart.js")).status_code == 200
    assert (await client.get("/static/vendor/chart.umd.min.js")).status_code == 200
    whole = await client.get("/reports/sales")
    assert 'data-total="failed">۴۰۰٬۰۰۰ ریال<' in whole.text
    bad = await client.get("/reports/sales", params={"from": "1404/12/30"})
    assert bad.status_code == 422 and "تاریخ معتبر نیست" in bad.text
    download = await client.get("/reports/sales.xlsx", params={"from": "1405/09/12"})
    assert download.status_code == 200
    rows = list(load_workbook(BytesIO(download.content))["فروش به تفکیک محصول"].iter_rows(values_only=True))
    assert [r[:3] for r in rows[1:]] == [
        ("شارژ", 1, 1_200_000),
        ("بسته اینترنت — یک گیگ", 1, 350_000),
        ("جمع", 2, 1_550_000),
    ]

    payments_page = await client.get("/reports/payments", params={"kind": "online"})
    assert payments_page.status_code == 200 and 'data-payment="p1"' in payments_page.text
    assert "۱٬۰۰۰٬۰۰۰ ریال" in payments_page.text and "۱۴۰۵/۰۹/۱۲ ۰۰:۰۰" in payments_page.text
    assert "=cmd|&#39; /C calc&#39;!A" in payments_page.text  # escaped on the page
    assert 'href="/reports/payments.xlsx?kind=online"' in payments_page.text
    assert (await client.get("/reports/payments", params={"kind": "cash"})).status_code == 422
    sheet = load_workbook(BytesIO((await client.get("/reports/payments.xlsx")).content))["گزارش پرداخت"]
    assert sheet.cell(row=2, column=6).value == "=cmd|' /C calc'!A0" and sheet.cell(row=2, column=6).data_type == "s"


@hypothesis_settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    start=st.one_of(st.none(), st.integers(min_value=0, max_value=6)),
    length=st.one_of(st.none(), st.integers(min_value=0, max_value=4)),
    status=st.sampled_from([None, "succeeded", "failed", "unknown"]),
    operator=st.sampled_from([None, "1", "2"]),
    product=st.sampled_from([None, "airtime", "package"]),
)
async def test_transaction_rows_on_screen_are_the_rows_in_the_export(
    client: Client,
    settings: Settings,
    start: int | None,
    length: int | None,
    status: str | None,
    operator: str | None,
    product: str | None,
) -> None:
    jar: dict[str, str] | None = getattr(client, "_lines_owner", None)
    if jar is None:  # seeded once for every example of this run
        jar = await demo_customer(client, settings)
        use(client, jar)
        mine = await customer_id_of(client)
        base = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)
        statuses = ["succeeded", "failed", "unknown", "succeeded"]
        pack = {"product": "package", "amount": None, "package_code": "MCI-1G", "package_title": "=1+2"}
        rows = [
            line(
                mine,
                "r-h",
                f"09{(i % 2) * 2 + 1}2{i:07d}",
                statuses[i % 4],
                base + timedelta(hours=5 * i, minutes=i),
                operator=1 + i % 2,
                **(pack if i % 3 == 0 else {}),
            )
            for i in range(120)
        ]
        await seed(settings, rows, [("r-h", mine, "+SUM(A1)")])
        client._lines_owner = jar  # type: ignore[attr-defined]
    use(client, jar)
    params = {k: v for k, v in (("status", status), ("operator", operator), ("product", product)) if v}
    first_day = date(2026, 12, 1) + timedelta(days=start or 0)
    if start is not None:
        params["from"] = first_day.isoformat()
    if length is not None:
        params["to"] = (first_day + timedelta(days=length)).isoformat()
    on_screen: list[tuple[str, int]] = []
    cursor: str | None = None
    while True:
        page = await client.get(
            "/api/v1/reports/transactions", params={**params, **({"cursor": cursor} if cursor else {})}
        )
        assert page.status_code == 200, page.text
        body = page.json()
        on_screen += [(i["mobile"], i["amount"]) for i in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert len(on_screen) == body["totals"]["count"]
    export = await client.get("/api/v1/reports/transactions", params={**params, "format": "xlsx"})
    assert export.status_code == 200
    sheet = load_workbook(BytesIO(export.content))["ریز تراکنش"]
    exported = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[3], r[7]) for r in exported] == on_screen
    assert all(r[2] == "+SUM(A1)" for r in exported)  # the request's name, as text


async def test_the_reports_are_in_the_api_schema(client: Client) -> None:
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    for path in ("sales-summary", "payments"):
        assert f"/api/v1/reports/{path}" in paths
    for path in ("transactions", "sales-summary", "payments", "daily-totals"):
        assert f"/api/v1/admin/reports/{path}" in paths
    assert not [p for p in paths if p.startswith(("/reports", "/admin/reports"))]  # portal pages are not API
