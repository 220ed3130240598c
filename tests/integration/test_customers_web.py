"""The customer, services, messages and back-office pages through the real app (SQLite and PostgreSQL)."""

from __future__ import annotations

import re

from kook.entrypoints.settings import Settings
from tests.fakes.customers import LEGAL, NATURAL, persian
from tests.integration.helpers import Client, sign_up
from tests.integration.test_customers_api import _token, sms_to, staff_session, use

MOBILE = "09121234567"


def menu_keys(html: str) -> list[str]:
    return re.findall(r'data-menu="([a-z]+)"', html)


def form_data(values: dict[str, str], token: str, action: str = "submit") -> dict[str, str]:
    return {**values, "csrf_token": token, "action": action}


async def test_customer_form_errors_under_fields_then_submit_review_and_services(
    client: Client, settings: Settings
) -> None:
    await sign_up(client, MOBILE)
    customer = dict(client.cookies)

    # Before approval the Services menu does not exist at all.
    page = await client.get("/customer")
    assert page.status_code == 200 and "اطلاعات مشتری" in page.text
    assert "services" not in menu_keys(page.text) and "customer" in menu_keys(page.text)
    assert 'data-jdp=""' in page.text  # the birth date has the Jalali picker
    dashboard = await client.get("/")
    assert "services" not in menu_keys(dashboard.text)
    closed = await client.get("/services")
    assert closed.status_code == 403 and "پس از تأیید اطلاعات مشتری" in closed.text

    # A bad form: Persian errors under the exact fields, the input kept.
    bad = dict(persian(LEGAL), national_id="۱۰۳۸۰۲۸۴۷۹۱", postal_code="0123456789")
    response = await client.post("/customer", data=form_data(bad, _token(page.text)))
    assert response.status_code == 422
    assert '<div id="f-national-id-error" class="invalid-feedback">شناسه ملی معتبر نیست.' in response.text
    assert '<div id="f-postal-code-error" class="invalid-feedback">کد پستی معتبر نیست.' in response.text
    assert 'value="۱۰۳۸۰۲۸۴۷۹۱"' in response.text and 'id="kind-legal" value="legal" autocomplete="off" checked' in (
        response.text
    )
    assert (await client.get("/api/v1/customer")).status_code == 404  # nothing written

    # Saved as a draft, then sent.
    draft = await client.post("/customer", data=form_data(persian(LEGAL), _token(page.text), "save"))
    assert draft.status_code == 200 and "اطلاعات مشتری ذخیره شد" in draft.text  # followed the redirect
    sent = await client.post("/customer", data=form_data(persian(LEGAL), _token(page.text)), follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"] == "/customer"
    view = await client.get("/customer")
    assert 'data-status="submitted"' in view.text and 'name="national_id"' not in view.text  # read-only
    assert "۱۰۳۸۰۲۸۴۷۹۰" in view.text

    # The reviewer's queue, the detail, a reason that is too short, then a real one.
    reviewer = await staff_session(client, settings, "reviewer", "09351110001")
    use(client, reviewer)
    queue = await client.get("/admin/customers")
    assert queue.status_code == 200 and LEGAL["company_name"] in queue.text
    customer_id = re.findall(r'href="/admin/customers/([0-9a-f]{32})"', queue.text)[0]
    detail = await client.get(f"/admin/customers/{customer_id}")
    assert "تأیید اطلاعات مشتری" in detail.text and "۰۹۱۲۱۲۳۴۵۶۷" in detail.text
    token = _token(detail.text)
    short = await client.post(f"/admin/customers/{customer_id}/reject", data={"reason": "نه", "csrf_token": token})
    assert short.status_code == 422 and 'id="f-reason-error"' in short.text and ">نه</textarea>" in short.text
    rejected = await client.post(
        f"/admin/customers/{customer_id}/reject",
        data={"reason": "کد اقتصادی با گواهی ارزش افزوده نمی‌خواند", "csrf_token": token},
        follow_redirects=False,
    )
    assert rejected.status_code == 303
    assert "پرونده‌ای در انتظار بررسی نیست" in (await client.get("/admin/customers")).text

    # The customer sees the reason, resubmits as is; the reviewer approves.
    use(client, customer)
    view = await client.get("/customer")
    assert 'data-testid="rejection-reason"' in view.text and "کد اقتصادی با گواهی ارزش افزوده" in view.text
    assert 'name="national_id"' in view.text  # editable again
    assert 'data-testid="unread-count"' in view.text and 'text-bg-warning">۱</span>' in view.text
    again = await client.post("/customer/submit", data={"csrf_token": _token(view.text)}, follow_redirects=False)
    assert again.status_code == 303
    use(client, reviewer)
    approve = await client.post(
        f"/admin/customers/{customer_id}/approve", data={"csrf_token": token}, follow_redirects=False
    )
    assert approve.status_code == 303
    twice = await client.post(f"/admin/customers/{customer_id}/approve", data={"csrf_token": token})
    assert twice.status_code == 409 and "در وضعیت فعلی" in twice.text
    assert len(await sms_to(client, MOBILE)) == 2

    # Approved: the Services menu appears; the service is activated from the table.
    use(client, customer)
    view = await client.get("/customer")
    assert "services" in menu_keys(view.text) and 'data-status="approved"' in view.text
    table = await client.get("/services")
    assert table.status_code == 200
    assert "سرویس شارژ سازمانی" in table.text and "سرویس درگاه شارژ" in table.text and "۰۲۱-۴۴۲۰۰۹۵۳" in table.text
    assert 'href="/services/enterprise_topup/terms"' in table.text
    terms = await client.get("/services/enterprise_topup/terms")
    assert terms.status_code == 200 and "قوانین و شرایط" in terms.text
    unticked = await client.post(
        "/services/enterprise_topup/activate", data={"terms_version": "1", "csrf_token": _token(table.text)}
    )
    assert unticked.status_code == 422 and "باید قوانین و شرایط را بپذیرید" in unticked.text
    done = await client.post(
        "/services/enterprise_topup/activate",
        data={"terms_version": "1", "accept_terms": "true", "csrf_token": _token(table.text)},
    )
    assert done.status_code == 200 and "سرویس شارژ سازمانی فعال شد" in done.text
    assert 'data-testid="service-status-enterprise_topup"><span class="badge rounded-pill text-bg-success"' in (
        done.text.replace("\n", "")
    )

    # Messages: listed, unread marked, read one by one.
    inbox = await client.get("/messages")
    assert inbox.status_code == 200 and "اطلاعات مشتری شما تأیید شد" in inbox.text
    assert inbox.text.count('data-read="false"') == 2
    message_id = re.findall(r'action="/messages/([0-9a-f]{32})/read"', inbox.text)[0]
    read = await client.post(f"/messages/{message_id}/read", data={"csrf_token": _token(inbox.text)})
    assert read.status_code == 200 and read.text.count('data-read="false"') == 1
    assert 'text-bg-warning">۱</span>' in read.text

    # The audit page (admins only).
    admin = await staff_session(client, settings, "admin", "09351110009")
    use(client, admin)
    audit = await client.get("/admin/audit")
    assert audit.status_code == 200
    assert 'data-action="customer.approve">تأیید اطلاعات مشتری</td>' in audit.text
    assert 'data-action="customer.reject">رد اطلاعات مشتری</td>' in audit.text
    log_html = audit.text[audit.text.index('data-testid="audit-log"') : audit.text.index("</table>")]
    shown = re.sub(r"<[^>]+>", " ", log_html)
    assert re.search(r"[a-z_]+\.[a-z_]+", shown) is None  # no action code shown as text
    assert "'" not in shown and "{" not in shown  # no dict printed as it is
    assert "وضعیت:" in shown and "نوع:" in shown and "حقوقی" in shown  # before / after: Persian labels
    assert "۰۹۳۵۱۱۱۰۰۰۱" in audit.text  # who: the reviewer's mobile
    subjects = re.findall(
        r'<a href="/admin/customers/([0-9a-f]{32})"><bdi class="kook-id" dir="ltr" title="\1">', log_html
    )
    assert subjects  # the customer's id: short, left to right, Latin digits, the whole id in the title


async def test_natural_form_in_persian_digits(client: Client) -> None:
    await sign_up(client, MOBILE)
    page = await client.get("/customer?kind=natural")
    response = await client.post(
        "/customer", data=form_data(persian(NATURAL), _token(page.text)), follow_redirects=False
    )
    assert response.status_code == 303
    body = (await client.get("/api/v1/customer")).json()
    assert body["status"] == "submitted" and body["national_code"] == "0499370899"
    assert body["birth_date"] == "1370-05-12"
    view = await client.get("/customer")
    assert "۱۳۷۰/۰۵/۱۲" in view.text


async def test_back_office_pages_check_roles(client: Client, settings: Settings) -> None:
    await sign_up(client, MOBILE)
    customer = dict(client.cookies)
    finance = await staff_session(client, settings, "finance", "09351110003")
    reviewer = await staff_session(client, settings, "reviewer", "09351110004")

    client.cookies.clear()
    for path in ("/admin/customers", "/admin/audit", "/admin/customers/abc"):
        response = await client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/admin/login", path
    for path in ("/customer", "/services", "/messages"):
        response = await client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/login", path

    use(client, customer)
    for path in ("/admin/customers", "/admin/audit"):
        response = await client.get(path)
        assert response.status_code == 403 and 'dir="rtl"' in response.text, path

    use(client, finance)
    staff_home = await client.get("/admin")
    assert 'href="/admin/customers" data-menu' not in staff_home.text  # shown disabled, not a link
    assert 'href="/admin/audit" data-menu' not in staff_home.text
    for path in ("/admin/customers", "/admin/audit"):
        assert (await client.get(path)).status_code == 403, path

    use(client, reviewer)
    staff_home = await client.get("/admin")
    assert 'href="/admin/customers" data-menu="customers"' in staff_home.text
    assert 'data-menu="audit"' in staff_home.text and 'href="/admin/audit"' not in staff_home.text
    assert (await client.get("/admin/audit")).status_code == 403
    assert (await client.get("/admin/customers/" + "0" * 32)).status_code == 404


async def test_web_writes_check_who_calls(client: Client, settings: Settings) -> None:
    # A submitted customer (and a message for it) to aim at.
    await sign_up(client, MOBILE)
    owner = dict(client.cookies)
    page = await client.get("/customer")
    await client.post("/customer", data=form_data(NATURAL, _token(page.text)))
    reviewer = await staff_session(client, settings, "reviewer", "09351110001")
    use(client, reviewer)
    customer_id = re.findall(r'href="/admin/customers/([0-9a-f]{32})"', (await client.get("/admin/customers")).text)[0]
    detail = await client.get(f"/admin/customers/{customer_id}")
    await client.post(
        f"/admin/customers/{customer_id}/reject", data={"reason": "ناقص است", "csrf_token": _token(detail.text)}
    )
    use(client, owner)
    inbox = await client.get("/messages")
    message_id = re.findall(r'action="/messages/([0-9a-f]{32})/read"', inbox.text)[0]

    decisions = [f"/admin/customers/{customer_id}/approve", f"/admin/customers/{customer_id}/reject"]

    # Anonymous: the customer's forms send to the login page; the back office refuses.
    client.cookies.clear()
    token = _token((await client.get("/login")).text)
    for path in (
        "/customer",
        "/customer/submit",
        "/services/enterprise_topup/activate",
        f"/messages/{message_id}/read",
    ):
        response = await client.post(path, data={"csrf_token": token}, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/login", path
    for path in decisions:
        response = await client.post(path, data={"csrf_token": token, "reason": "دلیل کافی"})
        assert response.status_code == 401, path

    # Another customer: someone else's message is not found; the back office is forbidden.
    await sign_up(client, "09351234567")
    other = dict(client.cookies)
    page = await client.get("/messages")
    foreign = await client.post(f"/messages/{message_id}/read", data={"csrf_token": _token(page.text)})
    assert foreign.status_code == 404 and 'dir="rtl"' in foreign.text
    for path in decisions:
        response = await client.post(path, data={"csrf_token": _token(page.text), "reason": "دلیل کافی"})
        assert response.status_code == 403, path
    services = await client.post(
        "/services/enterprise_topup/activate",
        data={"csrf_token": _token(page.text), "accept_terms": "true", "terms_version": "1"},
    )
    assert services.status_code == 403 and "پس از تأیید اطلاعات مشتری" in services.text

    # Finance may not decide.
    finance = await staff_session(client, settings, "finance", "09351110003")
    use(client, finance)
    page = await client.get("/admin")
    for path in decisions:
        response = await client.post(path, data={"csrf_token": _token(page.text), "reason": "دلیل کافی"})
        assert response.status_code == 403, path

    # Nothing changed for the owner.
    use(client, owner)
    assert (await client.get("/api/v1/customer")).json()["status"] == "rejected"
    assert (await client.get("/api/v1/messages")).json()["unread_count"] == 1
    use(client, other)
    assert (await client.get("/api/v1/customer")).status_code == 404
