"""The «شارژ و بسته» pages through the real app: a new request, a sheet with one bad
row, the row fixed inline, the summary and the final confirmation holding the money;
the htmx pieces (a row as a form, saved and checked again, deleted; the summary) and
the same actions without JavaScript, every write needing the CSRF token."""

from __future__ import annotations

import re

from kook.entrypoints.settings import Settings
from tests.integration.helpers import Client
from tests.integration.test_customers_api import use
from tests.integration.test_requests_api import all_lines, fund, new_request, sheet
from tests.integration.test_wallet_api import demo_customer


def token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


async def test_build_fix_and_confirm_a_request_in_the_portal(client: Client, settings: Settings) -> None:
    use(client, await demo_customer(client, settings))
    page = await client.get("/requests")
    assert page.status_code == 200 and "درخواست جدید" in page.text
    csrf = token(page.text)

    empty = await client.post("/requests", data={"name": " ", "kind": "topup", "csrf_token": csrf})
    assert empty.status_code == 422 and "این فیلد لازم است." in empty.text
    created = await client.post(
        "/requests", data={"name": "شارژ کارکنان", "kind": "topup", "csrf_token": csrf}, follow_redirects=False
    )
    assert created.status_code == 303
    path = created.headers["location"]
    request_id = path.rsplit("/", 1)[1]

    content = sheet([["09121234567", "500,000"], ["09351234567", "12.5"]], header=["شماره موبایل", "مبلغ"])
    uploaded = await client.post(
        f"{path}/uploads",
        files={"file": ("s.xlsx", content, "application/octet-stream")},
        data={"kind": "topup", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert uploaded.status_code == 303, uploaded.text
    shown = await client.get(uploaded.headers["location"])
    assert "errors.xlsx" in shown.text and "مبلغ باید عددی صحیح به ریال باشد." in shown.text
    for action in ("ویرایش درخواست", "افزودن جزئیات", "آپلود فایل اکسل", "حذف درخواست"):
        assert action in shown.text
    bad_id = re.search(r'class="table-danger" data-line="(\d+)"', shown.text)
    assert bad_id

    refused = await client.post(f"{path}/confirm", data={"csrf_token": csrf})
    assert refused.status_code == 409 and "ردیف نامعتبر" in refused.text

    fixed = await client.post(
        f"{path}/lines/{bad_id.group(1)}",
        data={"mobile": "09351234567", "amount": "۳۰۰٬۰۰۰", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert fixed.status_code == 303
    short = await client.post(f"{path}/confirm", data={"csrf_token": csrf})
    assert short.status_code == 409 and "موجودی کیف پول کافی نیست." in short.text

    await fund(settings, 1_000_000)
    confirmed = await client.post(f"{path}/confirm", data={"csrf_token": csrf}, follow_redirects=False)
    assert confirmed.status_code == 303
    done = await client.get(path)
    assert 'data-status="confirmed"' in done.text and "لغو درخواست" in done.text
    assert (await client.get("/api/v1/wallet")).json() == {"available": 200_000, "held": 800_000, "total": 1_000_000}
    assert (await client.get(f"/api/v1/requests/{request_id}")).json()["status"] == "confirmed"
    listing = await client.get("/requests")
    assert "شارژ کارکنان" in listing.text


async def test_a_person_without_the_service_is_sent_to_the_next_step(client: Client) -> None:
    assert (await client.get("/requests", follow_redirects=False)).headers["location"] == "/login"


HTMX = {"HX-Request": "true"}


async def test_rows_are_edited_and_deleted_in_place_with_htmx(client: Client, settings: Settings) -> None:
    headers = use(client, await demo_customer(client, settings))
    request_id = await new_request(client, headers)
    base, api = f"/requests/{request_id}", f"/api/v1/requests/{request_id}/lines"
    good = (await client.post(api, json={"mobile": "09121234567", "amount": 300_000}, headers=headers)).json()
    bad = (await client.post(api, json={"mobile": "09351234567", "amount": "12a"}, headers=headers)).json()
    assert bad["status"] == "invalid"

    # the edit button: a row's form (htmx) or the page with that row as a form (no JavaScript)
    form = await client.get(f"{base}/lines/{bad['id']}/edit", headers=HTMX)
    assert form.status_code == 200 and "<html" not in form.text
    assert form.text.strip().startswith("<tr") and f'hx-post="{base}/lines/{bad["id"]}"' in form.text
    assert 'name="amount"' in form.text and 'value="09351234567"' in form.text and "مبلغ" in form.text
    page = await client.get(f"{base}/lines/{bad['id']}/edit", params={"status": "invalid"})
    assert page.status_code == 200 and "<html" in page.text and 'data-testid="line-edit"' in page.text
    assert (await client.get(f"{base}/lines/{bad['id']}", headers=HTMX)).text.strip().startswith("<tr")

    # a refused save shows the form again with the error; a good one swaps back the row, checked again
    empty = await client.post(
        f"{base}/lines/{bad['id']}", data={"mobile": "09351234567", "product": "topup"}, headers=headers | HTMX
    )
    assert empty.status_code == 422 and "این فیلد لازم است." in empty.text and 'data-testid="line-edit"' in empty.text
    no_token = await client.post(
        f"{base}/lines/{bad['id']}", data={"mobile": "09351234567", "amount": "300000"}, headers=HTMX
    )
    assert no_token.status_code == 403
    assert (await all_lines(client, request_id, status="invalid"))[0]["id"] == bad["id"]  # nothing changed
    saved = await client.post(
        f"{base}/lines/{bad['id']}",
        data={"mobile": "۰۹۳۵۱۲۳۴۵۶۷", "amount": "۴۰۰٬۰۰۰", "product": "topup"},
        headers=headers | HTMX,
    )
    assert saved.status_code == 200 and saved.headers["HX-Trigger"] == "lines-changed"
    assert saved.text.strip().startswith("<tr") and f'data-line="{bad["id"]}"' in saved.text
    assert 'data-status="valid"' in saved.text and "table-danger" not in saved.text
    assert await all_lines(client, request_id, status="invalid") == []

    summary = await client.get(f"{base}/summary", params={"confirm": "1"}, headers=HTMX)
    assert summary.status_code == 200 and "<html" not in summary.text
    assert "۷۰۰٬۰۰۰" in summary.text and 'data-testid="confirm-form"' in summary.text
    no_js = await client.get(f"{base}/summary", follow_redirects=False)
    assert no_js.headers["location"] == f"{base}?dialog=summary"
    assert 'class="modal show d-block" id="dialog-summary"' in (await client.get(no_js.headers["location"])).text

    # delete: refused without the token; with it the row's answer is empty (htmx removes the row)
    assert (await client.post(f"{base}/lines/{good['id']}/delete", headers=HTMX)).status_code == 403
    deleted = await client.post(f"{base}/lines/{good['id']}/delete", headers=headers | HTMX)
    assert deleted.status_code == 200 and deleted.text == "" and deleted.headers["HX-Trigger"] == "lines-changed"
    assert [line["id"] for line in await all_lines(client, request_id)] == [bad["id"]]
    gone = await client.post(f"{base}/lines/{good['id']}/delete", headers=headers | HTMX)
    assert gone.status_code == 404

    # once confirmed, a row's action is refused with the reason aimed above the table
    await fund(settings, 400_000)
    assert (await client.post(f"/api/v1/requests/{request_id}/confirm", headers=headers)).status_code == 200
    late = await client.post(
        f"{base}/lines/{bad['id']}", data={"mobile": "09351234567", "amount": "300000"}, headers=headers | HTMX
    )
    assert late.status_code == 409 and late.headers["HX-Retarget"] == "#request-alerts"
    assert "پیش‌نویس نیست" in late.text and "<html" not in late.text


async def test_without_javascript_the_same_actions_post_and_come_back(client: Client, settings: Settings) -> None:
    headers = use(client, await demo_customer(client, settings))
    request_id = await new_request(client, headers)
    base = f"/requests/{request_id}"
    csrf = headers["x-csrftoken"]
    for dialog in ("rename", "add", "upload", "delete", "summary"):
        shown = await client.get(base, params={"dialog": dialog})
        assert f'class="modal show d-block" id="dialog-{dialog}"' in shown.text, dialog
    assert 'class="modal show' not in (await client.get(base, params={"dialog": "other"})).text

    refused = await client.post(f"{base}/lines", data={"mobile": "09121234567", "product": "topup", "csrf_token": csrf})
    assert refused.status_code == 422
    assert 'class="modal show d-block" id="dialog-add"' in refused.text and "این فیلد لازم است." in refused.text
    added = await client.post(
        f"{base}/lines",
        data={
            "mobile": "09121234567",
            "product": "package",
            "package_code": "MCI-7D-2GB",
            "amount": "9",
            "csrf_token": csrf,
        },
        follow_redirects=False,
    )
    assert added.status_code == 303
    line = (await all_lines(client, request_id))[0]
    assert line["product"] == "MCI-7D-2GB" and line["status"] == "valid"
    page = await client.get(added.headers["location"])
    assert "ردیف به درخواست اضافه شد." in page.text  # the flash

    edited = await client.post(
        f"{base}/lines/{line['id']}",
        data={
            "mobile": "0912 123 4568",
            "product": "package",
            "package_code": "MCI-7D-2GB",
            "view_status": "valid",
            "csrf_token": csrf,
        },
        follow_redirects=False,
    )
    assert edited.status_code == 303 and edited.headers["location"] == f"{base}?status=valid"
    assert (await all_lines(client, request_id))[0]["mobile"] == "09121234568"

    content = sheet([["09121234567"], ["0912"]], header=["موبایل"])
    uploaded = await client.post(
        f"{base}/uploads",
        files={"file": ("p.xlsx", content, "application/octet-stream")},
        data={"kind": "package", "operator": "1", "package_code": "MCI-7D-2GB", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert uploaded.status_code == 303
    shown = await client.get(uploaded.headers["location"])
    assert 'data-testid="upload-valid">۱<' in shown.text and 'data-testid="upload-invalid">۱<' in shown.text
    assert f"/api/v1/requests/{request_id}/uploads/" in shown.text and "errors.xlsx" in shown.text
    not_a_sheet = await client.post(
        f"{base}/uploads",
        files={"file": ("p.xlsx", b"mobile\n0912", "application/octet-stream")},
        data={"kind": "topup", "csrf_token": csrf},
    )
    assert not_a_sheet.status_code == 422 and 'class="modal show d-block" id="dialog-upload"' in not_a_sheet.text
    assert "فایل یک فایل اکسل خوانا (xlsx یا xls) نیست." in not_a_sheet.text
    headers_only = await client.post(
        f"{base}/uploads",
        files={"file": ("p.xlsx", sheet([], header=["موبایل", "مبلغ"]), "application/octet-stream")},
        data={"kind": "topup", "csrf_token": csrf},
    )
    assert headers_only.status_code == 422 and 'class="modal show d-block" id="dialog-upload"' in headers_only.text
    assert "فایل اکسل هیچ ردیفی زیر سرستون‌ها ندارد و چیزی اضافه نشد." in headers_only.text

    renamed = await client.post(f"{base}/rename", data={"name": "بسته‌های تیر", "csrf_token": csrf})
    assert renamed.status_code == 200 and "بسته‌های تیر" in renamed.text
    assert (await client.post(f"{base}/delete", data={})).status_code == 403
    removed = await client.post(f"{base}/delete", data={"csrf_token": csrf}, follow_redirects=False)
    assert removed.headers["location"] == "/requests"
    assert (await client.get(f"/api/v1/requests/{request_id}")).status_code == 404
