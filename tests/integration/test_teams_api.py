"""Members, roles and maker-checker through the JSON API (issue 18), on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from litestar import Litestar

from kook.adapters.postgres.tables.teams import member_invitations
from kook.application.teams.ports import TeamsUnitOfWork
from kook.entrypoints.ioc.containers import make_http_container
from kook.entrypoints.settings import Settings
from kook.sandbox.demo import DEMO_CUSTOMER
from tests.integration.helpers import Client, last_code, sign_up
from tests.integration.teams_helpers import MEMBER_MOBILES, invite, join, team
from tests.integration.test_catalog_api import log_in_staff
from tests.integration.test_customers_api import use
from tests.integration.test_requests_api import fund, new_request
from tests.integration.test_wallet_api import demo_customer

LARGE_LINES = [("09121234567", 500_000), ("09351234567", 500_000), ("09191234567", 200_000)]


async def large_request(client: Client, headers: dict[str, str]) -> str:
    request_id = await new_request(client, headers)
    for mobile, amount in LARGE_LINES:
        added = await client.post(
            f"/api/v1/requests/{request_id}/lines", json={"mobile": mobile, "amount": amount}, headers=headers
        )
        assert added.status_code == 201, added.text
    return request_id


async def set_policy(client: Client, jar: dict[str, str], threshold: int | None, operator_may_confirm: bool) -> None:
    response = await client.put(
        "/api/v1/approval-policy",
        json={"threshold": threshold, "operator_may_confirm": operator_may_confirm},
        headers=use(client, jar),
    )
    assert response.status_code == 200, response.text


async def test_the_owner_invites_and_members_get_their_roles(client: Client, settings: Settings) -> None:
    jars = await team(client, settings, ("admin", "viewer"))
    listed = await client.get("/api/v1/members", headers=use(client, jars["owner"]))
    assert listed.status_code == 200, listed.text
    roles = {item["mobile"]: item["role"] for item in listed.json()["items"]}
    assert roles == {DEMO_CUSTOMER[0]: "owner", MEMBER_MOBILES["admin"]: "admin", MEMBER_MOBILES["viewer"]: "viewer"}
    # the members see the same customer
    me = await client.get("/api/v1/me", headers=use(client, jars["viewer"]))
    owner_me = await client.get("/api/v1/me", headers=use(client, jars["owner"]))
    assert me.json()["customer"]["id"] == owner_me.json()["customer"]["id"]
    assert (me.json()["customer"]["role"], owner_me.json()["customer"]["role"]) == ("viewer", "owner")
    # a viewer reads but may not build, invite nor pay
    headers = use(client, jars["viewer"])
    assert (await client.get("/api/v1/requests", headers=headers)).status_code == 200
    refused = await client.post("/api/v1/requests", json={"name": "x", "kind": "topup"}, headers=headers)
    assert refused.status_code == 403 and refused.json()["code"] == "role_forbidden", refused.text
    assert refused.json()["message"]
    refused = await client.post(
        "/api/v1/members/invitations", json={"mobile": "09120000099", "role": "viewer"}, headers=headers
    )
    assert refused.json()["code"] == "role_forbidden"
    # an admin changes roles; the last owner stays; an owner cannot be removed
    headers = use(client, jars["admin"])
    viewer_id = next(i["user_id"] for i in listed.json()["items"] if i["role"] == "viewer")
    owner_id = next(i["user_id"] for i in listed.json()["items"] if i["role"] == "owner")
    changed = await client.patch(f"/api/v1/members/{viewer_id}", json={"role": "finance"}, headers=headers)
    assert changed.status_code == 200 and changed.json()["role"] == "finance", changed.text
    refused = await client.patch(f"/api/v1/members/{owner_id}", json={"role": "viewer"}, headers=headers)
    assert refused.status_code == 403 and refused.json()["code"] == "role_forbidden"
    refused = await client.delete(f"/api/v1/members/{owner_id}", headers=headers)
    assert refused.status_code == 409 and refused.json()["code"] == "owner_not_removable"
    headers = use(client, jars["owner"])
    refused = await client.patch(f"/api/v1/members/{owner_id}", json={"role": "admin"}, headers=headers)
    assert refused.status_code == 409 and refused.json()["code"] == "last_owner"
    removed = await client.delete(f"/api/v1/members/{viewer_id}", headers=headers)
    assert removed.status_code == 204
    # the removed person no longer reaches the customer
    gone = await client.get("/api/v1/wallet", headers=use(client, jars["viewer"]))
    assert gone.status_code == 403 and gone.json()["code"] == "profile_not_approved"


async def test_invitations_wrong_expired_or_already_a_member(client: Client, settings: Settings) -> None:
    owner = await demo_customer(client, settings)
    # no invitation for this number
    client.cookies.clear()
    await sign_up(client, "09120000031")
    stranger = dict(client.cookies)
    refused = await client.post("/api/v1/invitation/accept", headers=use(client, stranger))
    assert refused.status_code == 404 and refused.json()["code"] == "invitation_invalid"
    # the invitation is texted to the number
    assert (await invite(client, owner, "09120000032", "operator")).status_code == 201
    sms = (await client.get("/api/v1/dev/sms", params={"mobile": "09120000032"})).json()
    assert sms and "دعوت" in sms[0]["text"]
    # expired
    container = make_http_container(settings)
    try:
        async with container() as scope:
            uow: Any = await scope.get(TeamsUnitOfWork)
            async with uow:
                await uow.session.execute(
                    sa.update(member_invitations)
                    .where(member_invitations.c.mobile == "09120000032")
                    .values(expires_at=member_invitations.c.created_at)  # its seven days are over
                )
                await uow.commit()
    finally:
        await container.close()
    client.cookies.clear()
    await sign_up(client, "09120000032")
    late = dict(client.cookies)
    refused = await client.post("/api/v1/invitation/accept", headers=use(client, late))
    assert refused.status_code == 410 and refused.json()["code"] == "invitation_expired", refused.text
    # a wrong role, a wrong number
    refused = await client.post(
        "/api/v1/members/invitations", json={"mobile": "09120000033", "role": "boss"}, headers=use(client, owner)
    )
    assert refused.status_code == 422
    refused = await client.post(
        "/api/v1/members/invitations", json={"mobile": "12345", "role": "viewer"}, headers=use(client, owner)
    )
    assert refused.status_code == 422 and refused.json()["code"] == "mobile_invalid"
    refused = await client.post(
        "/api/v1/members/invitations", json={"mobile": "09120000033", "role": "owner"}, headers=use(client, owner)
    )
    assert refused.status_code == 403
    # already a member of a customer (another customer's owner, or this one's member)
    client.cookies.clear()
    other = await sign_up(client, "09120000034")
    assert other
    other_jar = dict(client.cookies)
    draft = await client.put(
        "/api/v1/customer",
        json={
            "kind": "natural",
            "first_name": "رضا",
            "last_name": "کریمی",
            "father_name": "حسن",
            "national_code": "0499370899",
            "birth_date": "1370-05-12",
            "postal_code": "1234567890",
            "address": "تهران، خیابان آزادی",
            "phone": "02144200953",
        },
        headers=use(client, other_jar),
    )
    assert draft.status_code == 200, draft.text
    refused = await invite(client, owner, "09120000034", "viewer")
    assert refused.status_code == 409 and refused.json()["code"] == "already_member"
    await join(client, owner, "09120000035", "viewer")
    refused = await invite(client, owner, "09120000035", "admin")
    assert refused.status_code == 409 and refused.json()["code"] == "already_member"


async def test_maker_checker_above_the_threshold(client: Client, settings: Settings) -> None:
    jars = await team(client, settings, ("operator", "approver"))
    await fund(settings, 5_000_000)
    await set_policy(client, jars["owner"], 1_000_000, operator_may_confirm=True)
    headers = use(client, jars["operator"])
    # below the threshold an operator (allowed by the owner) confirms alone
    small = await new_request(client, headers)
    await client.post(
        f"/api/v1/requests/{small}/lines", json={"mobile": "09121234567", "amount": 500_000}, headers=headers
    )
    confirmed = await client.post(f"/api/v1/requests/{small}/confirm", headers=headers)
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed", confirmed.text
    # above it: approval required, even for the owner
    large = await large_request(client, headers)
    refused = await client.post(f"/api/v1/requests/{large}/confirm", headers=headers)
    assert refused.status_code == 403 and refused.json()["code"] == "approval_required", refused.text
    refused = await client.post(f"/api/v1/requests/{large}/confirm", headers=use(client, jars["owner"]))
    assert refused.json()["code"] == "approval_required"
    submitted = await client.post(f"/api/v1/requests/{large}/approval", headers=use(client, jars["operator"]))
    assert submitted.status_code == 202, submitted.text
    assert submitted.json()["total"] == 1_200_000
    # the approver is told, sees the summary, asks for a code and confirms with it
    headers = use(client, jars["approver"])
    inbox = (await client.get("/api/v1/messages", headers=headers)).json()["items"]
    assert any(m["kind"] == "approval_requested" for m in inbox)
    summary = await client.get(f"/api/v1/requests/{large}/summary", headers=headers)
    assert summary.status_code == 200 and summary.json()["total"] == 1_200_000
    sent = await client.post(f"/api/v1/requests/{large}/approval/code", headers=headers)
    assert sent.status_code == 202, sent.text
    code = await last_code(client, MEMBER_MOBILES["approver"])
    done = await client.post(f"/api/v1/requests/{large}/approval/confirm", json={"code": code}, headers=headers)
    assert done.status_code == 200 and done.json()["status"] == "confirmed", done.text
    state = (await client.get(f"/api/v1/requests/{large}/approval", headers=headers)).json()
    assert state["status"] == "approved" and state["approver_user_id"]
    # the maker is told
    inbox = (await client.get("/api/v1/messages", headers=use(client, jars["operator"]))).json()["items"]
    assert any(m["kind"] == "request_approved" for m in inbox)
    # confirming again answers the same, nothing more held
    again = await client.post(f"/api/v1/requests/{large}/confirm", headers=use(client, jars["operator"]))
    assert again.status_code == 200 and again.json()["status"] in ("confirmed", "running", "completed")


async def test_the_audit_log_names_the_member_who_acted(client: Client, settings: Settings, app: Litestar) -> None:
    await team(client, settings, ("operator",))
    await log_in_staff(client, app)
    audit = await client.get("/api/v1/admin/audit", params={"action": "member.joined"})
    assert audit.status_code == 200, audit.text
    joined = audit.json()["items"]
    assert joined and MEMBER_MOBILES["operator"] in joined[0]["actor_label"]
    invited = (await client.get("/api/v1/admin/audit", params={"action": "member.invited"})).json()["items"]
    assert invited and DEMO_CUSTOMER[0] in invited[0]["actor_label"]  # the owner invited


async def test_the_maker_cannot_approve_their_own_request(client: Client, settings: Settings) -> None:
    jars = await team(client, settings, ("approver",))
    await fund(settings, 5_000_000)
    await set_policy(client, jars["owner"], 1_000_000, operator_may_confirm=False)
    headers = use(client, jars["owner"])
    large = await large_request(client, headers)
    assert (await client.post(f"/api/v1/requests/{large}/approval", headers=headers)).status_code == 202
    refused = await client.post(f"/api/v1/requests/{large}/approval/code", headers=headers)
    assert refused.status_code == 403 and refused.json()["code"] == "approval_own_request"
    refused = await client.post(f"/api/v1/requests/{large}/approval/confirm", json={"code": "123456"}, headers=headers)
    assert refused.status_code == 403 and refused.json()["code"] == "approval_own_request"
    # the approver's code does not help the maker either
    assert (
        await client.post(f"/api/v1/requests/{large}/approval/code", headers=use(client, jars["approver"]))
    ).status_code == 202
    code = await last_code(client, MEMBER_MOBILES["approver"])
    refused = await client.post(
        f"/api/v1/requests/{large}/approval/confirm", json={"code": code}, headers=use(client, jars["owner"])
    )
    assert refused.status_code == 403
    assert (await client.get(f"/api/v1/requests/{large}", headers=headers)).json()["status"] == "draft"


async def test_approval_code_brute_force_is_refused(client: Client, settings: Settings) -> None:
    jars = await team(client, settings, ("operator", "approver"))
    await fund(settings, 5_000_000)
    await set_policy(client, jars["owner"], 1_000_000, operator_may_confirm=True)
    large = await large_request(client, use(client, jars["operator"]))
    assert (
        await client.post(f"/api/v1/requests/{large}/approval", headers=use(client, jars["operator"]))
    ).status_code == 202
    headers = use(client, jars["approver"])
    assert (await client.post(f"/api/v1/requests/{large}/approval/code", headers=headers)).status_code == 202
    code = await last_code(client, MEMBER_MOBILES["approver"])
    wrong = [f"{n:06d}" for n in range(1000) if f"{n:06d}" != code][:5]
    codes = []
    for guess in wrong:
        response = await client.post(
            f"/api/v1/requests/{large}/approval/confirm", json={"code": guess}, headers=headers
        )
        codes.append(response.json()["code"])
    assert codes == ["otp_invalid"] * 4 + ["otp_locked"]
    # the right code no longer works: the code is spent by the wrong tries
    late = await client.post(f"/api/v1/requests/{large}/approval/confirm", json={"code": code}, headers=headers)
    assert late.status_code == 400 and late.json()["code"] == "otp_locked"
    assert (await client.get(f"/api/v1/requests/{large}", headers=headers)).json()["status"] == "draft"


async def test_a_single_user_customer_confirms_as_before(client: Client, settings: Settings, app: Litestar) -> None:
    owner = await team(client, settings, ())
    await fund(settings, 5_000_000)
    headers = use(client, owner["owner"])
    large = await large_request(client, headers)
    key = {"Idempotency-Key": "k-18-single"}
    first = await client.post(f"/api/v1/requests/{large}/confirm", headers={**headers, **key})
    again = await client.post(f"/api/v1/requests/{large}/confirm", headers={**headers, **key})
    assert first.status_code == again.status_code == 200, first.text
    assert first.json() == again.json() == {"status": "confirmed"}


async def test_a_request_changed_after_it_was_sent_for_approval_is_not_approved(
    client: Client, settings: Settings
) -> None:
    jars = await team(client, settings, ("operator", "approver"))
    await fund(settings, 50_000_000)
    await set_policy(client, jars["owner"], 1_000_000, operator_may_confirm=True)
    operator = use(client, jars["operator"])
    large = await large_request(client, operator)
    assert (await client.post(f"/api/v1/requests/{large}/approval", headers=operator)).status_code == 202
    # the maker adds a line after sending it: the approver sees the new summary, the approval is refused
    added = await client.post(
        f"/api/v1/requests/{large}/lines", json={"mobile": "09121112222", "amount": 200_000}, headers=operator
    )
    assert added.status_code == 201, added.text
    headers = use(client, jars["approver"])
    assert (await client.post(f"/api/v1/requests/{large}/approval/code", headers=headers)).status_code == 202
    code = await last_code(client, MEMBER_MOBILES["approver"])
    refused = await client.post(f"/api/v1/requests/{large}/approval/confirm", json={"code": code}, headers=headers)
    assert refused.status_code == 409 and refused.json()["code"] == "approval_stale", refused.text
    assert (await client.get(f"/api/v1/requests/{large}", headers=headers)).json()["status"] == "draft"
    # sent again with the new total: the code texted for the old total does not approve the new one
    resent = await client.post(f"/api/v1/requests/{large}/approval", headers=use(client, jars["operator"]))
    assert resent.status_code == 202 and resent.json()["total"] == 1_400_000
    headers = use(client, jars["approver"])
    refused = await client.post(f"/api/v1/requests/{large}/approval/confirm", json={"code": code}, headers=headers)
    assert refused.status_code == 400 and refused.json()["code"] == "otp_invalid", refused.text
    assert (await client.get(f"/api/v1/requests/{large}", headers=headers)).json()["status"] == "draft"
