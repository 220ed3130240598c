"""Helpers of the teams and approvals tests (issue 18): a demo owner and members of each role."""

from __future__ import annotations

from typing import Any

from kook.entrypoints.settings import Settings
from tests.integration.helpers import Client, sign_up
from tests.integration.test_customers_api import use
from tests.integration.test_wallet_api import demo_customer

Jar = dict[str, str]
MEMBER_MOBILES = {
    "admin": "09120000011",
    "operator": "09120000012",
    "approver": "09120000013",
    "finance": "09120000014",
    "viewer": "09120000015",
}


async def invite(client: Client, owner: Jar, mobile: str, role: str) -> Any:
    return await client.post(
        "/api/v1/members/invitations", json={"mobile": mobile, "role": role}, headers=use(client, owner)
    )


async def join(client: Client, owner: Jar, mobile: str, role: str) -> Jar:
    """Invite ``mobile`` as ``role``; they sign up with their own number and code, and accept."""
    response = await invite(client, owner, mobile, role)
    assert response.status_code == 201, response.text
    client.cookies.clear()
    await sign_up(client, mobile)
    jar = dict(client.cookies)
    accepted = await client.post("/api/v1/invitation/accept", headers=use(client, jar))
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["role"] == role
    return jar


async def team(client: Client, settings: Settings, roles: tuple[str, ...] = tuple(MEMBER_MOBILES)) -> dict[str, Jar]:
    """The demo customer's owner and one member of each of ``roles``."""
    owner = await demo_customer(client, settings)
    jars = {"owner": owner}
    for role in roles:
        jars[role] = await join(client, owner, MEMBER_MOBILES[role], role)
    return jars
