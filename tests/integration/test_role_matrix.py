"""Every customer route × every member role (issue 18), generated from the app's route table.

A route the permission map does not list fails the test (add it to ``ROUTE_ACTIONS`` in
``entrypoints/http/roles.py`` with the action it needs). For each listed route and each role the domain's table
forbids, the real call answers 403 ``role_forbidden``; for each role it allows, a read (GET) is not refused by
role (it answers what the route answers: 200, 404 for a made-up id, …). Writes by allowed roles are not sent here
(they would delete the fixtures the other calls need); the API tests drive them.
"""

from __future__ import annotations

import re

from litestar import Litestar
from litestar.routes import HTTPRoute

from kook.domain.customers.members import PERMISSIONS, Role
from kook.entrypoints.http.roles import OPEN, OPEN_PREFIXES, ROUTE_ACTIONS, route_action
from kook.entrypoints.settings import Settings
from tests.integration.helpers import Client
from tests.integration.teams_helpers import team
from tests.integration.test_customers_api import use
from tests.integration.test_requests_api import new_request


def customer_routes(app: Litestar) -> list[tuple[str, str]]:
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path_format.startswith(OPEN_PREFIXES):
            continue
        for handler in route.route_handlers:
            for method in sorted(handler.http_methods - {"HEAD", "OPTIONS"}):
                found.append((method, route.path_format))
    return sorted(found)


def test_every_customer_route_names_its_action(app: Litestar) -> None:
    routes = customer_routes(app)
    assert len(routes) > 100  # the route table was read
    unknown = [f"{method} {path}" for method, path in routes if (method, path) not in ROUTE_ACTIONS]
    assert not unknown, "routes missing from ROUTE_ACTIONS (entrypoints/http/roles.py): " + ", ".join(unknown)
    stale = sorted(f"{m} {p}" for m, p in set(ROUTE_ACTIONS) - set(routes))
    assert not stale, "ROUTE_ACTIONS lists routes the app does not have: " + ", ".join(stale)
    # an unlisted route is owners' and admins' only
    assert route_action("POST", "/api/v1/some-new-thing") in PERMISSIONS and not route_action("GET", "/admin/x")


def fill(template: str, ids: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: ids.get(m.group(1), "0" * 32), template)


async def test_every_route_for_every_role(client: Client, settings: Settings, app: Litestar) -> None:
    jars = await team(client, settings)
    owner = use(client, jars["owner"])
    request_id = await new_request(client, owner)
    line = await client.post(
        f"/api/v1/requests/{request_id}/lines", json={"mobile": "09121234567", "amount": 500_000}, headers=owner
    )
    assert line.status_code == 201, line.text
    ids = {"request_id": request_id, "line_id": str(line.json()["id"]), "year": "1405", "month_file": "1.pdf"}
    failures: list[str] = []
    checked = 0
    for method, template in customer_routes(app):
        action = ROUTE_ACTIONS[(method, template)]
        if action is OPEN:
            continue
        url = fill(template, ids)
        for role in Role:
            allowed = role in PERMISSIONS[action]
            if allowed and method != "GET":
                continue
            headers = use(client, jars[role.value])
            response = await client.request(method, url, headers=headers, follow_redirects=False)
            checked += 1
            refused_by_role = response.status_code == 403 and (
                "role_forbidden" in response.text or "نقش شما" in response.text
            )
            if allowed and refused_by_role:
                failures.append(f"{role} {method} {template}: refused, the table allows it")
            if not allowed and not refused_by_role:
                failures.append(f"{role} {method} {template}: {response.status_code}, expected 403 role_forbidden")
            if response.status_code >= 500:
                failures.append(f"{role} {method} {template}: {response.status_code}")
    assert checked > 300
    assert not failures, "\n".join(failures)
