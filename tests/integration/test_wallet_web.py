"""The «افزایش اعتبار» pages through the real app (SQLite and PostgreSQL + Redis):
every refused online payment or deposit slip names its reason in Persian under
its own field of its own form, and keeps the other form untouched."""

from __future__ import annotations

import re

from kook.application.identity.ports import IdentityUnitOfWork
from kook.application.services.gate import EnterpriseTopupGate
from kook.application.shared.ledger_poster import LedgerPoster
from kook.application.wallet.ports import WalletUnitOfWork
from kook.domain.shared.ids import new_id
from kook.domain.wallet.ledger import EntryKind, bank_account
from kook.entrypoints.ioc.containers import make_http_container
from kook.entrypoints.settings import Settings
from kook.sandbox.demo import DEMO_CUSTOMER
from kook.sandbox.demo_customers import DEMO_COMPANY
from tests.integration.helpers import Client
from tests.integration.test_customers_api import staff_session, use
from tests.integration.test_requests_api import new_request
from tests.integration.test_requests_web import token
from tests.integration.test_wallet_api import demo_customer, deposit_form, png


def field_html(html: str, field_id: str) -> str:
    """The markup of one form field: its input (or select) and what follows up to the next field."""
    start = html.index(f'id="{field_id}"')
    end = html.find('<div class="mb-3">', start)
    return html[start : end if end != -1 else None]


def input_value(html: str, field_id: str) -> str | None:
    match = re.search(rf'<input id="{field_id}"[^>]*?value="([^"]*)"', html)
    return match.group(1) if match else None


def deposit_card(html: str) -> str:
    return html[html.index('action="/wallet/deposits"') : html.index('id="recent-payments"')]


def payment_card(html: str) -> str:
    return html[html.index('action="/wallet/payments"') : html.index('id="deposit-slip"')]


async def test_a_refused_online_payment_says_why_under_its_amount(client: Client, settings: Settings) -> None:
    use(client, await demo_customer(client, settings))
    page = await client.get("/wallet")
    csrf = token(page.text)
    range_text = "مبلغ باید بین ۱۰٬۰۰۰ ریال و ۵۰۰٬۰۰۰٬۰۰۰ ریال باشد."
    for amount, reason in (
        ("600,000,000", range_text),
        ("5,000", range_text),
        ("۵۰۰۰", range_text),
        ("بیست هزار", "مبلغ باید عددی صحیح به ریال باشد."),
        ("12.5", "مبلغ باید عددی صحیح به ریال باشد."),
    ):
        refused = await client.post("/wallet/payments", data={"amount": amount, "csrf_token": csrf})
        assert refused.status_code == 422, (amount, refused.text)
        amount_field = field_html(payment_card(refused.text), "f-amount")
        assert 'aria-invalid="true"' in amount_field and reason in amount_field, amount
        assert input_value(refused.text, "f-amount") == amount  # the payer's input is kept
        slip_form = deposit_card(refused.text)
        assert reason not in slip_form and "is-invalid" not in slip_form
        assert input_value(refused.text, "f-deposit-amount") is None  # not copied into the slip's amount
    assert (await client.get("/api/v1/wallet/payments")).json()["items"] == []


async def test_a_refused_deposit_slip_says_why_under_each_field_and_keeps_the_rest(
    client: Client, settings: Settings
) -> None:
    use(client, await demo_customer(client, settings))
    csrf = token((await client.get("/wallet")).text)

    async def submit(slip: tuple[str, bytes, str] | None, **changes: str) -> tuple[int, str]:
        files = {"slip": slip} if slip is not None else None
        response = await client.post(
            "/wallet/deposits", data={**deposit_form(**changes), "csrf_token": csrf}, files=files
        )
        return response.status_code, response.text

    good = ("slip.png", png(), "image/png")
    cases: list[tuple[tuple[str, bytes, str] | None, dict[str, str], str, str]] = [
        (("slip.png", b"<html>not an image</html>", "image/png"), {}, "f-slip", "تصویر JPEG یا PNG یا فایل PDF"),
        (
            ("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * (6 * 1024 * 1024), "image/png"),
            {},
            "f-slip",
            "حداکثر ۵ مگابایت",
        ),
        (None, {}, "f-slip", "تصویر یا فایل PDF فیش را انتخاب کنید."),
        (good, {"bank_account": "tejarat"}, "f-bank-account", "حساب مقصد از حساب‌های کوک نیست."),
        (good, {"deposit_date": "1405/13/40"}, "f-deposit-date", "تاریخ واریز معتبر نیست."),
        (good, {"tracking_number": "12"}, "f-tracking-number", "شماره پیگیری معتبر نیست"),
        (good, {"amount": "12.5"}, "f-deposit-amount", "مبلغ باید عددی صحیح به ریال باشد."),
        (good, {"amount": "5000"}, "f-deposit-amount", "مبلغ باید بین ۱۰٬۰۰۰ ریال و"),
    ]
    for slip, changes, field_id, reason in cases:
        status, html = await submit(slip, **changes)
        assert status == 422, (changes, field_id, html[:300])
        form = deposit_card(html)
        assert reason in field_html(form, field_id), (field_id, reason)
        typed = deposit_form(**changes)
        if field_id != "f-deposit-amount":
            assert input_value(form, "f-deposit-amount") == typed["amount"]  # the other inputs are kept
        if field_id != "f-tracking-number":
            assert input_value(form, "f-tracking-number") == typed["tracking_number"]
        assert reason not in payment_card(html)
        assert input_value(html, "f-amount") is None  # the payment form is left alone
    assert (await client.get("/api/v1/wallet/deposits")).json()["items"] == []

    status, _ = await submit(good)
    assert status == 200  # followed the redirect back to the wallet
    status, html = await submit(good, bank_account="5558740184", tracking_number="555-01234")
    assert status == 409
    alert = re.search(r'data-testid="deposit-error">([^<]*)<', deposit_card(html))
    assert alert and "فیشی با این شماره پیگیری برای این حساب پیش‌تر ثبت شده است." in alert.group(1)
    assert input_value(deposit_card(html), "f-deposit-amount") == deposit_form()["amount"]
    assert len((await client.get("/api/v1/wallet/deposits")).json()["items"]) == 1


async def test_finance_sees_whose_deposit_and_the_banks_persian_name(client: Client, settings: Settings) -> None:
    headers = use(client, await demo_customer(client, settings))
    sent = await client.post(
        "/api/v1/wallet/deposits", data=deposit_form(), files={"slip": ("s.png", png(), "image/png")}, headers=headers
    )
    deposit_id = sent.json()["id"]
    company = DEMO_COMPANY["company_name"]

    use(client, await staff_session(client, settings, "finance", "09350000002"))
    queue = await client.get("/admin/deposits")
    assert queue.status_code == 200
    row = queue.text[queue.text.index('data-testid="deposit-customer"') :]
    row = row[: row.index("</tr>")]
    assert company in row and "<td>ملت</td>" in row and "mellat" not in row
    detail = await client.get(f"/admin/deposits/{deposit_id}")
    assert company in detail.text and "ملت" in detail.text and "mellat" not in detail.text
    refused = await client.post(
        f"/admin/deposits/{deposit_id}/reject", data={"reason": " ", "csrf_token": token(detail.text)}
    )
    assert refused.status_code == 422 and company in refused.text and "mellat" not in refused.text

    use(client, await staff_session(client, settings, "admin", "09350000003"))  # may open the customer's review
    queue = await client.get("/admin/deposits")
    link = re.search(r'<a href="/admin/customers/([0-9a-f]+)">([^<]+)</a>', queue.text)
    assert link and link.group(2) == company
    review = await client.get(f"/admin/customers/{link.group(1)}")
    assert review.status_code == 200 and company in review.text


async def old_deposit_row(settings: Settings, memo: str, amount: int) -> None:
    """An entry as deposits were written before: the Persian kind stored in front of the tracking number."""
    container = make_http_container(settings)
    try:
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
                    uow.ledger,
                    customer_id,
                    amount,
                    bank_account("mellat"),
                    key=new_id(),
                    kind=EntryKind.DEPOSIT,
                    memo=memo,
                )
                await uow.commit()
    finally:
        await container.close()


async def test_the_statement_names_each_movement_in_persian(client: Client, settings: Settings) -> None:
    customer = await demo_customer(client, settings)
    headers = use(client, customer)
    await old_deposit_row(settings, "فیش واریزی 77712345", 1_000_000)
    sent = await client.post(
        "/api/v1/wallet/deposits", data=deposit_form(), files={"slip": ("s.png", png(), "image/png")}, headers=headers
    )
    finance = use(client, await staff_session(client, settings, "finance", "09350000002"))
    approved = await client.post(f"/api/v1/admin/deposits/{sent.json()['id']}/approve", headers=finance)
    assert approved.status_code == 200

    headers = use(client, customer)
    request_id = await new_request(client, headers)  # «شارژ کارکنان»
    base = f"/api/v1/requests/{request_id}"
    line = await client.post(f"{base}/lines", json={"mobile": "09121234567", "amount": 500_000}, headers=headers)
    assert line.status_code == 201
    assert (await client.post(f"{base}/confirm", headers=headers)).status_code == 200
    assert (await client.post(f"{base}/cancel", headers=headers)).status_code == 200

    page = await client.get("/wallet/statement")
    assert page.status_code == 200
    table = page.text[page.text.index("<tbody>") : page.text.index("</tbody>")]
    cells = re.findall(r'<td data-kind="(\w+)">(.*?)</td>', table, flags=re.S)
    described = {kind: [re.sub(r"<[^>]+>", "", html) for k, html in cells if k == kind] for kind, _ in cells}
    assert described["hold"] == [f"رزرو مبلغ درخواست «شارژ کارکنان» — شماره {request_id[:8]}…"]
    assert described["release"] == [f"برگشت رزرو درخواست «شارژ کارکنان» به موجودی — شماره {request_id[:8]}…"]
    assert sorted(described["deposit"]) == [
        "افزایش اعتبار با فیش واریزی — شماره پیگیری ۵۵۵۰۱۲۳۴",
        "افزایش اعتبار با فیش واریزی — شماره پیگیری ۷۷۷۱۲۳۴۵",
    ]
    assert f'href="/requests/{request_id}"' in table and f'title="{request_id}"' in table
    assert "request " not in table and "فیش واریزی فیش واریزی" not in table
    persian_digits = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
    assert request_id[:8].translate(persian_digits) not in table  # an id is never half Persian digits

    memos = {e["kind"]: e["memo"] for e in (await client.get("/api/v1/wallet/entries")).json()["items"]}
    assert memos["hold"] == f"رزرو مبلغ درخواست «شارژ کارکنان» — شماره {request_id[:8]}"
    assert memos["release"].startswith("برگشت رزرو درخواست «شارژ کارکنان»")
    assert memos["deposit"].startswith("افزایش اعتبار با فیش واریزی — شماره پیگیری ")
