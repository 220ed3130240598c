"""The «افزایش اعتبار» pages through the real app (SQLite and PostgreSQL + Redis):
every refused online payment or deposit slip names its reason in Persian under
its own field of its own form, and keeps the other form untouched."""

from __future__ import annotations

import re

from kook.entrypoints.settings import Settings
from kook.sandbox.demo_customers import DEMO_COMPANY
from tests.integration.helpers import Client
from tests.integration.test_customers_api import staff_session, use
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
