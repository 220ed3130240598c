"""Customers, review, services and messages through the real app, on SQLite and on PostgreSQL + Redis."""

from __future__ import annotations

import asyncio
import re
from typing import Any, cast

import httpx
import pytest

from kook.application.identity.create_staff import CreateStaff, CreateStaffCommand
from kook.entrypoints.http.app import create_app
from kook.entrypoints.ioc.containers import make_http_container
from kook.entrypoints.settings import Settings
from tests.fakes.customers import LEGAL, NATURAL, persian
from tests.integration.helpers import Client, csrf, sign_up

STAFF_PASSWORD = "staff-password-1405"
Jar = dict[str, str]


# --------------------------------------------------------------------------- helpers


def _token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def use(client: Client, jar: Jar) -> dict[str, str]:
    """Act as the owner of ``jar``; the headers carry its CSRF token."""
    client.cookies.clear()
    client.cookies.update(jar)
    return {"x-csrftoken": jar.get("csrftoken", "")}


async def customer_session(client: Client, mobile: str = "09121234567") -> Jar:
    client.cookies.clear()
    await sign_up(client, mobile)
    return dict(client.cookies)


async def staff_session(client: Client, settings: Settings, role: str, mobile: str) -> Jar:
    """A staff member made through CreateStaff, logged in through the staff login form."""
    # The app serves requests on its own event loop; the test's loop needs a container of its own.
    container = make_http_container(settings)
    try:
        async with container() as scope:
            create = await scope.get(CreateStaff)
            await create(CreateStaffCommand(mobile=mobile, password=STAFF_PASSWORD, role=role, created_by="test"))
    finally:
        await container.close()
    client.cookies.clear()
    page = await client.get("/admin/login")
    response = await client.post(
        "/admin/login",
        data={"mobile": mobile, "password": STAFF_PASSWORD, "csrf_token": _token(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return dict(client.cookies)


async def sms_to(client: Client, mobile: str) -> list[str]:
    """The texts (not the one-time codes) the sandbox sent to ``mobile``, newest first."""
    inbox = (await client.get("/api/v1/dev/sms", params={"mobile": mobile})).json()
    return [m["text"] for m in inbox if m["code"] is None]


async def submitted_customer(client: Client, mobile: str = "09121234567", values: dict[str, Any] = LEGAL) -> Jar:
    jar = await customer_session(client, mobile)
    headers = use(client, jar)
    assert (await client.put("/api/v1/customer", json=values, headers=headers)).status_code == 200
    assert (await client.post("/api/v1/customer/submit", headers=headers)).status_code == 200
    return jar


# --------------------------------------------------------------------------- the whole way


async def test_rejected_corrected_resubmitted_approved_and_service_activated(
    client: Client, settings: Settings
) -> None:
    mobile = "09121234567"
    me = await sign_up(client, mobile)
    customer_jar = dict(client.cookies)
    h = csrf(me)
    assert me["customer"] is None
    assert (await client.get("/api/v1/customer")).json()["code"] == "not_found"
    closed = await client.get("/api/v1/services")
    assert closed.status_code == 403 and closed.json()["code"] == "profile_not_approved"

    # The legal form, typed in Persian digits.
    saved = await client.put("/api/v1/customer", json=persian(LEGAL), headers=h)
    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert body["status"] == "draft" and body["kind"] == "legal"
    assert body["national_id"] == "10380284790" and body["phone"] == "02144200953"
    assert "first_name" not in body  # the other kind's fields are not in the answer
    customer_id = body["id"]
    assert (await client.get("/api/v1/me")).json()["customer"] == {
        "id": customer_id,
        "kind": "legal",
        "status": "draft",
        "role": "owner",  # the person's role in the customer (issue 18)
    }
    submitted = await client.post("/api/v1/customer/submit", headers=h)
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    while_reviewed = await client.put("/api/v1/customer", json=LEGAL, headers=h)
    assert while_reviewed.status_code == 409 and while_reviewed.json()["code"] == "invalid_transition"

    # A reviewer finds it in the queue and rejects it with a reason.
    reviewer = await staff_session(client, settings, "reviewer", "09351110001")
    rh = use(client, reviewer)
    queue = (await client.get("/api/v1/admin/customers", params={"status": "submitted"})).json()
    assert [item["id"] for item in queue["items"]] == [customer_id] and queue["next_cursor"] is None
    assert queue["items"][0]["owner_mobile"] == mobile and queue["items"][0]["identifier"] == "10380284790"
    detail = (await client.get(f"/api/v1/admin/customers/{customer_id}")).json()
    assert detail["customer"]["company_name"] == LEGAL["company_name"] and detail["owner"]["mobile"] == mobile
    no_reason = await client.post(f"/api/v1/admin/customers/{customer_id}/reject", json={"reason": " "}, headers=rh)
    assert no_reason.status_code == 422 and set(no_reason.json()["details"]["fields"]) == {"reason"}
    rejected = await client.post(
        f"/api/v1/admin/customers/{customer_id}/reject",
        json={"reason": "شناسه ملی با روزنامه رسمی نمی‌خواند"},
        headers=rh,
    )
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    [rejection_sms] = await sms_to(client, mobile)
    assert "شناسه ملی با روزنامه رسمی نمی‌خواند" in rejection_sms

    # The customer sees why, corrects (now as a natural person) and sends it again.
    h = use(client, customer_jar)
    mine = (await client.get("/api/v1/customer")).json()
    assert mine["status"] == "rejected" and mine["rejection_reason"] == "شناسه ملی با روزنامه رسمی نمی‌خواند"
    inbox = (await client.get("/api/v1/messages")).json()
    assert inbox["unread_count"] == 1 and inbox["items"][0]["kind"] == "profile_rejected"
    corrected = await client.put("/api/v1/customer", json=persian(NATURAL), headers=h)
    assert corrected.status_code == 200 and corrected.json()["status"] == "draft"
    assert corrected.json()["birth_date"] == "1370-05-12" and corrected.json()["birth_date_iso"] == "1991-08-03"
    assert (await client.post("/api/v1/customer/submit", headers=h)).json()["status"] == "submitted"

    rh = use(client, reviewer)
    approved = await client.post(f"/api/v1/admin/customers/{customer_id}/approve", headers=rh)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    twice = await client.post(f"/api/v1/admin/customers/{customer_id}/approve", headers=rh)
    assert twice.status_code == 409 and twice.json()["code"] == "invalid_transition"
    texts = await sms_to(client, mobile)
    assert len(texts) == 2 and "تأیید شد" in texts[0]  # newest first

    # Approved: read-only, and the services open.
    h = use(client, customer_jar)
    locked = await client.put("/api/v1/customer", json=NATURAL, headers=h)
    assert locked.status_code == 409 and locked.json()["code"] == "profile_locked"
    assert (await client.get("/api/v1/me")).json()["customer"]["status"] == "approved"
    services = (await client.get("/api/v1/services")).json()["items"]
    assert [(s["code"], s["title"], s["status"], s["terms_version"]) for s in services] == [
        ("enterprise_topup", "سرویس شارژ سازمانی", "inactive", "1"),
        ("topup_gateway", "سرویس درگاه شارژ", "not_activatable", None),
    ]
    assert services[1]["contact_phone"] == "021-44200953"
    terms = (await client.get("/api/v1/services/enterprise_topup/terms")).json()
    assert terms["version"] == "1" and "قوانین و شرایط" in terms["text"]

    activate = "/api/v1/services/enterprise_topup/activate"
    not_accepted = await client.post(activate, json={"accept_terms": False, "terms_version": "1"}, headers=h)
    assert not_accepted.status_code == 422
    assert not_accepted.json()["details"]["fields"]["accept_terms"]["code"] == "terms_not_accepted"
    old = await client.post(activate, json={"accept_terms": True, "terms_version": "0"}, headers=h)
    assert old.status_code == 409 and old.json()["code"] == "terms_version_outdated"
    assert old.json()["details"] == {"current_version": "1"}
    gateway = await client.post(
        "/api/v1/services/topup_gateway/activate", json={"accept_terms": True, "terms_version": "1"}, headers=h
    )
    assert gateway.status_code == 409 and gateway.json()["code"] == "service_not_activatable"
    done = await client.post(activate, json={"accept_terms": True, "terms_version": "1"}, headers=h)
    assert done.status_code == 200 and done.json()["status"] == "active"
    again = await client.post(activate, json={"accept_terms": True, "terms_version": "1"}, headers=h)
    assert again.status_code == 200 and again.json() == done.json()
    listed = (await client.get("/api/v1/services")).json()["items"]
    assert listed[0]["status"] == "active" and listed[0]["accepted_terms_version"] == "1"

    # Messages: two, newest first; reading one.
    inbox = (await client.get("/api/v1/messages")).json()
    assert [m["kind"] for m in inbox["items"]] == ["profile_approved", "profile_rejected"]
    assert inbox["unread_count"] == 2
    read = await client.post(f"/api/v1/messages/{inbox['items'][0]['id']}/read", headers=h)
    assert read.status_code == 200 and read.json()["read_at"] is not None
    assert (await client.get("/api/v1/messages")).json()["unread_count"] == 1

    # The audit log: who, what, when, before and after.
    admin = await staff_session(client, settings, "admin", "09351110009")
    use(client, admin)
    audit = (await client.get("/api/v1/admin/audit", params={"subject": f"customer:{customer_id}"})).json()["items"]
    assert [(e["action"], e["before"]["status"], e["after"]["status"]) for e in audit] == [
        ("customer.approve", "submitted", "approved"),
        ("customer.reject", "submitted", "rejected"),
    ]
    assert audit[1]["after"]["rejection_reason"] == "شناسه ملی با روزنامه رسمی نمی‌خواند"
    assert audit[0]["actor"].startswith("staff:") and "09351110001" in audit[0]["actor_label"]


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"kind"}),
        ({"kind": "company"}, {"kind"}),
        (dict(NATURAL, national_code="0499370898"), {"national_code"}),
        (dict(NATURAL, national_code="۱۱۱۱۱۱۱۱۱۱", birth_date="1450/01/01"), {"national_code", "birth_date"}),
        (dict(LEGAL, national_id="10380284791", economic_code="12", phone="09121234567"), None),
        (dict(LEGAL, postal_code="0123456789", representative_mobile="021"), None),
        (dict(NATURAL, email="x@", address="کوتاه"), {"email", "address"}),
        ({"kind": "natural", "first_name": 12}, {"first_name"}),
    ],
)
async def test_a_bad_form_is_422_naming_the_fields_and_writes_nothing(
    client: Client, body: dict[str, Any], fields: set[str] | None
) -> None:
    me = await sign_up(client)
    response = await client.put("/api/v1/customer", json=body, headers=csrf(me))
    assert response.status_code == 422, response.text
    payload = response.json()
    assert payload["code"] == "validation_error" and payload["message"]
    named = payload["details"]["fields"]
    if fields is not None:
        assert fields <= set(named)
    for item in named.values():
        assert item["code"] and item["message"]
    if body.get("kind") == "legal":
        expected = {
            "national_id": "legal_id_invalid",
            "economic_code": "economic_code_invalid",
            "phone": "phone_invalid",
            "postal_code": "postal_code_invalid",
            "representative_mobile": "mobile_invalid",
        }
        assert {k: v["code"] for k, v in named.items()} == {k: expected[k] for k in named}
    assert (await client.get("/api/v1/customer")).status_code == 404
    assert (await client.get("/api/v1/me")).json()["customer"] is None


async def test_malformed_bodies_are_422_and_the_routes_are_in_the_schema(client: Client) -> None:
    me = await sign_up(client)
    headers = {**csrf(me), "content-type": "application/json"}
    for raw in (b"[]", b"{not json", b"null", b'{"kind": "natural", "national_code": 123}'):
        response = await client.put("/api/v1/customer", content=raw, headers=headers)
        assert response.status_code == 422 and response.json()["code"] == "validation_error", raw
    response = await client.post("/api/v1/services/enterprise_topup/activate", content=b"[]", headers=headers)
    assert response.status_code in (403, 422)
    assert (await client.get("/api/v1/customer")).status_code == 404
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    for path in (
        "/api/v1/customer",
        "/api/v1/customer/submit",
        "/api/v1/services",
        "/api/v1/services/{code}/activate",
        "/api/v1/messages",
        "/api/v1/messages/{message_id}/read",
        "/api/v1/admin/customers",
        "/api/v1/admin/customers/{customer_id}/approve",
        "/api/v1/admin/customers/{customer_id}/reject",
        "/api/v1/admin/audit",
    ):
        assert path in paths, path
    assert "/customer" not in paths and "/admin/customers" not in paths


async def test_bad_reject_and_activate_bodies(client: Client, settings: Settings) -> None:
    customer = await submitted_customer(client)
    reviewer = await staff_session(client, settings, "reviewer", "09351110001")
    h = use(client, reviewer)
    customer_id = (await client.get("/api/v1/admin/customers")).json()["items"][0]["id"]
    for body in ({"reason": "ab"}, {"reason": "ر" * 501}, {}):
        response = await client.post(f"/api/v1/admin/customers/{customer_id}/reject", json=body, headers=h)
        assert response.status_code == 422, response.text
    unknown = await client.post("/api/v1/admin/customers/nope/approve", headers=h)
    assert unknown.status_code == 404
    bad_status = await client.get("/api/v1/admin/customers", params={"status": "nonsense"})
    assert bad_status.status_code == 422
    bad_cursor = await client.get("/api/v1/admin/customers", params={"cursor": "%%%"})
    assert bad_cursor.status_code == 422 and bad_cursor.json()["details"]["fields"]["cursor"]
    use(client, customer)
    assert (await client.get("/api/v1/customer")).json()["status"] == "submitted"
    assert await sms_to(client, "09121234567") == []  # nothing was decided


# --------------------------------------------------------------------------- two reviewers at once


async def test_two_reviewers_deciding_at_once_one_wins_the_other_gets_409(settings: Settings) -> None:
    """Four decisions on each of three profiles at the same moment: exactly one each is applied.

    Litestar's test client runs one request at a time, so this drives the app
    through httpx's ASGI transport on the test's own event loop: the requests
    really overlap (each waits on the database while the others run).
    """
    app = create_app(settings)
    transport = httpx.ASGITransport(app=cast(Any, app), client=("198.51.100.7", 50000))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as raw:
            client = cast(Client, raw)
            await _race(client, settings)
    finally:
        await app.state.dishka_container.close()


async def _race(client: Client, settings: Settings) -> None:
    mobiles = ["09121234567", "09121234568", "09121234569"]
    for mobile in mobiles:
        await submitted_customer(client, mobile, NATURAL)
    first = await staff_session(client, settings, "reviewer", "09351110001")
    second = await staff_session(client, settings, "admin", "09351110002")
    use(client, first)
    queue = (await client.get("/api/v1/admin/customers")).json()["items"]
    ids = {item["owner_mobile"]: item["id"] for item in queue}
    client.cookies.clear()

    def as_(jar: Jar) -> dict[str, str]:
        return {"cookie": "; ".join(f"{k}={v}" for k, v in jar.items()), "x-csrftoken": jar["csrftoken"]}

    def decisions(customer_id: str) -> list[Any]:
        url = f"/api/v1/admin/customers/{customer_id}"
        return [
            client.post(f"{url}/approve", headers=as_(first)),
            client.post(f"{url}/reject", json={"reason": "ناقص است"}, headers=as_(second)),
            client.post(f"{url}/approve", headers=as_(second)),
            client.post(f"{url}/reject", json={"reason": "دوباره"}, headers=as_(first)),
        ]

    answers = await asyncio.gather(*(call for mobile in mobiles for call in decisions(ids[mobile])))

    use(client, second)
    for index, mobile in enumerate(mobiles):
        mine = answers[index * 4 : index * 4 + 4]
        codes = sorted(r.status_code for r in mine)
        assert codes == [200, 409, 409, 409], [r.text for r in mine]
        assert all(r.json()["code"] == "invalid_transition" for r in mine if r.status_code == 409)
        winner = next(r.json()["status"] for r in mine if r.status_code == 200)
        subject = f"customer:{ids[mobile]}"
        audit = (await client.get("/api/v1/admin/audit", params={"subject": subject})).json()["items"]
        assert len(audit) == 1 and audit[0]["after"]["status"] == winner
        assert len(await sms_to(client, mobile)) == 1
        detail = (await client.get(f"/api/v1/admin/customers/{ids[mobile]}")).json()
        assert detail["customer"]["status"] == winner


# --------------------------------------------------------------------------- isolation


CUSTOMER_ROUTES = [
    ("GET", "/api/v1/customer", None),
    ("PUT", "/api/v1/customer", NATURAL),
    ("POST", "/api/v1/customer/submit", None),
    ("GET", "/api/v1/services", None),
    ("GET", "/api/v1/services/enterprise_topup/terms", None),
    ("POST", "/api/v1/services/enterprise_topup/activate", {"accept_terms": True, "terms_version": "1"}),
    ("GET", "/api/v1/messages", None),
    ("POST", "/api/v1/messages/some-id/read", None),
]
REVIEW_ROUTES = [
    ("GET", "/api/v1/admin/customers", None),
    ("GET", "/api/v1/admin/customers/{id}", None),
    ("POST", "/api/v1/admin/customers/{id}/approve", None),
    ("POST", "/api/v1/admin/customers/{id}/reject", {"reason": "دلیل کافی"}),
]
ADMIN_ROUTES = [("GET", "/api/v1/admin/audit", None)]


async def _call(client: Client, method: str, path: str, body: Any, headers: dict[str, str]) -> Any:
    if method == "GET":
        return await client.get(path, headers=headers)
    if method == "PUT":
        return await client.put(path, json=body, headers=headers)
    return await client.post(path, json=body, headers=headers)


async def test_every_route_checks_who_calls(client: Client, settings: Settings) -> None:
    customer = await submitted_customer(client, "09121234567")
    finance = await staff_session(client, settings, "finance", "09351110003")
    reviewer = await staff_session(client, settings, "reviewer", "09351110004")
    use(client, reviewer)
    customer_id = (await client.get("/api/v1/admin/customers")).json()["items"][0]["id"]

    def routes(table: list[tuple[str, str, Any]]) -> list[tuple[str, str, Any]]:
        return [(m, p.replace("{id}", customer_id), b) for m, p, b in table]

    # Nobody logged in: 401 everywhere.
    client.cookies.clear()
    for method, path, body in routes(CUSTOMER_ROUTES + REVIEW_ROUTES + ADMIN_ROUTES):
        response = await _call(client, method, path, body, {})
        assert response.status_code == 401, (method, path, response.status_code)

    # A customer never reaches the back office.
    h = use(client, customer)
    for method, path, body in routes(REVIEW_ROUTES + ADMIN_ROUTES):
        response = await _call(client, method, path, body, h)
        assert response.status_code == 403 and response.json()["code"] == "forbidden", (method, path)

    # Staff are not customers.
    h = use(client, reviewer)
    for method, path, body in routes(CUSTOMER_ROUTES):
        response = await _call(client, method, path, body, h)
        assert response.status_code in (401, 403), (method, path, response.status_code)

    # Finance may not review profiles or read the audit log; a reviewer may not read the audit log.
    h = use(client, finance)
    for method, path, body in routes(REVIEW_ROUTES + ADMIN_ROUTES):
        response = await _call(client, method, path, body, h)
        assert response.status_code == 403, (method, path)
    h = use(client, reviewer)
    for method, path, body in routes(ADMIN_ROUTES):
        assert (await _call(client, method, path, body, h)).status_code == 403

    # Nothing was decided by any of that.
    use(client, customer)
    assert (await client.get("/api/v1/customer")).json()["status"] == "submitted"


async def test_a_customer_sees_only_its_own(client: Client, settings: Settings) -> None:
    first = await submitted_customer(client, "09121234567", LEGAL)
    reviewer = await staff_session(client, settings, "reviewer", "09351110001")
    rh = use(client, reviewer)
    first_id = (await client.get("/api/v1/admin/customers")).json()["items"][0]["id"]
    await client.post(f"/api/v1/admin/customers/{first_id}/approve", headers=rh)

    second = await customer_session(client, "09351234567")
    h = use(client, second)
    assert (await client.get("/api/v1/customer")).status_code == 404
    assert (await client.get("/api/v1/messages")).json() == {"items": [], "next_cursor": None, "unread_count": 0}
    assert (await client.get("/api/v1/services")).json()["code"] == "profile_not_approved"
    own = await client.put("/api/v1/customer", json=NATURAL, headers=h)
    assert own.status_code == 200 and own.json()["id"] != first_id

    h = use(client, first)
    message_id = (await client.get("/api/v1/messages")).json()["items"][0]["id"]
    h = use(client, second)
    foreign = await client.post(f"/api/v1/messages/{message_id}/read", headers=h)
    assert foreign.status_code == 404 and foreign.json()["code"] == "not_found"
    use(client, first)
    assert (await client.get("/api/v1/customer")).json()["kind"] == "legal"
    assert (await client.get("/api/v1/messages")).json()["items"][0]["read_at"] is None


async def test_queue_pages_with_a_cursor(settings_factory: Any) -> None:
    from litestar.testing import AsyncTestClient

    settings = settings_factory(KOOK_OTP_PER_ADDRESS_PER_HOUR="100")
    async with AsyncTestClient(app=create_app(settings)) as client:
        for i in range(23):
            await submitted_customer(client, f"091200000{i:02d}", NATURAL)
        reviewer = await staff_session(client, settings, "reviewer", "09351110001")
        use(client, reviewer)
        first = (await client.get("/api/v1/admin/customers", params={"status": "submitted"})).json()
        assert len(first["items"]) == 20 and first["next_cursor"]
        params = {"status": "submitted", "cursor": first["next_cursor"]}
        second = (await client.get("/api/v1/admin/customers", params=params)).json()
        assert len(second["items"]) == 3 and second["next_cursor"] is None
        mobiles = [i["owner_mobile"] for i in first["items"] + second["items"]]
        assert mobiles == [f"091200000{i:02d}" for i in range(23)]  # oldest first
        assert (await client.get("/api/v1/admin/customers", params={"status": "approved"})).json()["items"] == []
