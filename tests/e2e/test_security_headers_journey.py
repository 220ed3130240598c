"""The portal's main pages under its Content-Security-Policy in a real browser (issue 20).

The policy allows no inline script, style or handler; every page a customer and a staff member open here must
render and work with nothing blocked (the ``page`` fixture fails the test on any reported violation): the
Jalali date picker opens, htmx swaps, the package list follows the operator, and the OpenAPI UI at /schema
runs from the portal's own files.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import Screens
from tests.e2e.test_wallet_journey import DEMO_CUSTOMER, _log_in

DEMO_ADMIN = ("09120000000", "kook-admin-1405")
CUSTOMER_PAGES = ["/", "/customer", "/services", "/wallet", "/wallet/statement", "/requests", "/messages", "/profile"]
STAFF_PAGES = ["/admin", "/admin/customers", "/admin/deposits", "/admin/catalog", "/admin/prefixes", "/admin/lines"]


def _visit(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, (path, response and response.status)
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy, (path, policy)
    page.wait_for_load_state("networkidle")


def test_the_main_pages_run_under_the_content_security_policy(page: Page, screens: Screens) -> None:
    _log_in(page, "/login", *DEMO_CUSTOMER)
    expect(page).not_to_have_url(re.compile(r"/login"))
    for path in CUSTOMER_PAGES:
        _visit(page, path)
        screens.take(page, path)

    # the date picker (scripted styles only)
    page.goto("/wallet")
    page.locator("input[data-jdp]").first.click()
    expect(page.locator("jdp-container")).to_be_visible()

    # a request's page: htmx loads its progress and summary; the package list follows the chosen operator
    page.goto("/requests")
    form = page.get_by_test_id("new-request-form")
    form.get_by_label("نام درخواست").fill("بسته‌های آذر")
    form.get_by_label("بسته اینترنت", exact=True).check()
    form.get_by_role("button", name="تایید").click()
    expect(page).to_have_url(re.compile(r"/requests/[0-9a-f]{32}"))
    page.wait_for_load_state("networkidle")
    screens.take(page, "request")
    with page.expect_request(re.compile(r"/catalog/packages\?.*operator=2")) as asked:
        page.locator("#a-package-operator").select_option("2", force=True)
    assert "format=options" in asked.value.url

    _log_in(page, "/admin/login", *DEMO_ADMIN)
    expect(page).not_to_have_url(re.compile(r"/login"))
    for path in STAFF_PAGES:
        _visit(page, path)
        screens.take(page, path)


def test_the_openapi_ui_is_served_by_the_portal_itself(page: Page, screens: Screens) -> None:
    outside: list[str] = []
    page.on("request", lambda request: outside.append(request.url) if "127.0.0.1" not in request.url else None)
    _visit(page, "/schema/swagger")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    expect(page.get_by_text("/api/v1/auth/login").first).to_be_visible()
    screens.take(page, "swagger")
    assert outside == []
