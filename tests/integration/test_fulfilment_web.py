"""The fulfilment pieces of the portal through the real app, on SQLite and PostgreSQL: a request's
progress fragment (owner only, polling while the request runs, saying how it ended), and finance's
queue of unknown outcomes resolved from the back office with the CSRF token, refused to other roles."""

from __future__ import annotations

import re

from dishka import Provider, Scope, provide

from kook.application.fulfilment.execute_recharge_lines import ExecuteRechargeLines
from kook.application.shared.ports import Dispatcher, OperatorGateways
from kook.entrypoints.ioc.containers import make_http_container
from kook.entrypoints.settings import Settings
from kook.sandbox.demo_customers import seed_demo_customer
from tests.fakes.dispatch import RecordingDispatcher
from tests.fakes.operator import FakeOperator, FakeOperatorGateways
from tests.integration.helpers import Client, sign_up
from tests.integration.test_customers_api import staff_session, use
from tests.integration.test_requests_api import fund, new_request
from tests.integration.test_wallet_api import demo_customer

HTMX = {"HX-Request": "true"}
LOST = "09121110001"  # the fake operator applies it and loses the answer: unknown
GOOD = "09121110007"


def token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


async def run_with_fake_operator(settings: Settings, request_id: str) -> FakeOperator:
    """Carry out the request's lines as a worker would, against the in-memory operator."""
    operator = FakeOperator()

    class Overrides(Provider):
        scope = Scope.APP

        @provide(override=True)
        def gateways(self) -> OperatorGateways:
            return FakeOperatorGateways(operator)

        @provide(override=True)
        def dispatcher(self) -> Dispatcher:
            return RecordingDispatcher()

    container = make_http_container(settings, Overrides())
    try:
        async with container() as scope:
            await (await scope.get(ExecuteRechargeLines))(request_id)
    finally:
        await container.close()
    return operator


async def confirmed_request(client: Client, settings: Settings, headers: dict[str, str]) -> str:
    await fund(settings, 1_000_000)
    request_id = await new_request(client, headers)
    for mobile in (LOST, GOOD):
        added = await client.post(
            f"/api/v1/requests/{request_id}/lines", json={"mobile": mobile, "amount": 200_000}, headers=headers
        )
        assert added.status_code == 201, added.text
    confirmed = await client.post(f"/api/v1/requests/{request_id}/confirm", headers=headers)
    assert confirmed.status_code == 200, confirmed.text
    return request_id


def oob_status(html: str) -> str:
    """The status badge the progress fragment sends, out of band, for the page's heading."""
    match = re.search(r'<span id="request-status" hx-swap-oob="innerHTML"><span [^>]*data-status="([^"]+)"', html)
    assert match, html
    return match.group(1)


def oob_rows(html: str) -> dict[str, str]:
    """{mobile: line status} of the lines table's rows the progress fragment sends out of band."""
    match = re.search(r'<tbody id="request-lines" hx-swap-oob="innerHTML">(.*?)</tbody>', html, flags=re.DOTALL)
    assert match, html
    rows = re.findall(r'<td class="kook-num" dir="ltr">([^<]+)</td>.*?data-status="([^"]+)"', match.group(1), re.DOTALL)
    return dict(rows)


def oob_actions(html: str) -> str:
    """The request header's action (cancel, confirm or nothing) the progress fragment sends out of band."""
    pattern = r'<div id="request-head-actions" hx-swap-oob="innerHTML">(.*?)</div>\s*<template>'
    match = re.search(pattern, html, re.DOTALL)
    assert match, html
    return match.group(1)


def count(html: str, name: str) -> str:
    match = re.search(rf'data-count="{name}">([^<]*)<', html)
    assert match, name
    return match.group(1)


async def test_progress_and_the_unknown_queue_through_the_portal(client: Client, settings: Settings) -> None:
    customer = await demo_customer(client, settings)
    headers = use(client, customer)
    request_id = await confirmed_request(client, settings, headers)
    page = await client.get(f"/requests/{request_id}")
    assert f'hx-get="/requests/{request_id}/progress" hx-trigger="load"' in page.text

    waiting = await client.get(f"/requests/{request_id}/progress", headers=HTMX)
    assert waiting.status_code == 200 and "<html" not in waiting.text
    assert 'data-status="confirmed"' in waiting.text and 'hx-trigger="every 2s"' in waiting.text
    assert count(waiting.text, "pending") == "۲" and 'data-money="held">۴۰۰٬۰۰۰ ریال<' in waiting.text

    operator = await run_with_fake_operator(settings, request_id)
    assert [call.mobile for call in operator.calls].count(LOST) == 1
    running = await client.get(f"/requests/{request_id}/progress", headers=HTMX)
    assert 'data-status="running"' in running.text and 'hx-trigger="every 2s"' in running.text
    assert (count(running.text, "succeeded"), count(running.text, "unknown")) == ("۱", "۱")
    assert 'data-money="held">۲۰۰٬۰۰۰ ریال<' in running.text

    # another customer (approved, with the service) does not see it
    client.cookies.clear()
    await sign_up(client, "09127654321")
    stranger = dict(client.cookies)
    container = make_http_container(settings)
    try:
        async with container() as scope:
            await seed_demo_customer(scope, "09127654321")
    finally:
        await container.close()
    use(client, stranger)
    assert (await client.get(f"/requests/{request_id}/progress", headers=HTMX)).status_code == 404
    client.cookies.clear()
    anonymous = await client.get(f"/requests/{request_id}/progress", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/login"

    # a reviewer may not open finance's queue nor decide
    use(client, await staff_session(client, settings, "reviewer", "09350000001"))
    refused = await client.get("/admin/lines")
    assert refused.status_code == 403

    finance = await staff_session(client, settings, "finance", "09350000002")
    use(client, finance)
    queue = await client.get("/admin/lines")
    assert queue.status_code == 200 and 'href="/admin/lines"' in queue.text
    match = re.search(r'<tr data-line="(\d+)">(.*?)</tr>', queue.text, flags=re.DOTALL)
    assert match
    line_id, row = match.group(1), match.group(2)
    assert "۰۹۱۲۱۱۱۰۰۰۱" in row and "همراه اول" in row and "۲۰۰٬۰۰۰ ریال" in row and "شارژ کارکنان" in row
    assert len(re.findall(r'<tr data-line="', queue.text)) == 1
    csrf = token(queue.text)

    resolve = f"/admin/lines/{line_id}/resolve"
    no_token = await client.post(resolve, data={"outcome": "failed"}, follow_redirects=False)
    assert no_token.status_code == 403
    bogus = await client.post(resolve, data={"outcome": "maybe", "csrf_token": csrf}, follow_redirects=False)
    assert bogus.status_code == 422 and f'data-line="{line_id}"' in bogus.text  # nothing changed

    reviewer = await staff_session(client, settings, "reviewer", "09350000003")
    use(client, reviewer)
    page = await client.get("/admin")
    assert (await client.post(resolve, data={"outcome": "failed", "csrf_token": token(page.text)})).status_code == 403

    use(client, finance)
    done = await client.post(resolve, data={"outcome": "failed", "csrf_token": csrf}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/admin/lines"
    after = await client.get("/admin/lines")
    assert "ردیف ناموفق اعلام شد و مبلغ آن به موجودی مشتری برگشت." in after.text
    assert 'data-line="' not in after.text and "تراکنش نامشخصی نیست" in after.text
    other = await client.post(resolve, data={"outcome": "succeeded", "csrf_token": csrf}, follow_redirects=False)
    assert other.status_code == 409 and "این ردیف پیش‌تر با نتیجهٔ دیگری تعیین تکلیف شده است." in other.text
    missing = await client.post("/admin/lines/999999/resolve", data={"outcome": "failed", "csrf_token": csrf})
    assert missing.status_code == 404

    # the customer sees it finished, the failed line's money back
    use(client, customer)
    finished = await client.get(f"/requests/{request_id}/progress", headers=HTMX)
    assert 'data-status="completed_with_failures"' in finished.text and "hx-trigger" not in finished.text
    assert 'data-testid="progress-refunded">۲۰۰٬۰۰۰ ریال<' in finished.text
    assert (count(finished.text, "succeeded"), count(finished.text, "failed")) == ("۱", "۱")
    # a poll that finds it finished brings the page's heading and lines along (no reload)
    polled = await client.get(f"/requests/{request_id}/progress?live=1", headers=HTMX)
    assert "hx-refresh" not in polled.headers and "hx-trigger" not in polled.text
    assert oob_status(polled.text) == "completed_with_failures"
    assert (await client.get("/api/v1/wallet")).json() == {"available": 800_000, "held": 0, "total": 800_000}


FAILING = "09121110000"  # the fake operator refuses a number ending 0000


async def test_the_progress_brings_the_whole_page_along_and_stops_when_finished(
    client: Client, settings: Settings
) -> None:
    """The badge in the heading, the header's «لغو درخواست» and every line's status follow the live progress
    (out-of-band swaps on each poll), and once finished the last answer carries the final state and stops."""
    headers = use(client, await demo_customer(client, settings))
    await fund(settings, 1_000_000)
    request_id = await new_request(client, headers)
    for mobile in (GOOD, FAILING):
        added = await client.post(
            f"/api/v1/requests/{request_id}/lines", json={"mobile": mobile, "amount": 200_000}, headers=headers
        )
        assert added.status_code == 201, added.text
    assert (await client.post(f"/api/v1/requests/{request_id}/confirm", headers=headers)).status_code == 200

    page = await client.get(f"/requests/{request_id}")
    assert 'id="request-status"' in page.text and '<tbody id="request-lines"' in page.text
    assert 'id="request-head-actions"' in page.text and f'action="/requests/{request_id}/cancel"' in page.text

    waiting = await client.get(f"/requests/{request_id}/progress?live=1", headers=HTMX)
    assert 'hx-trigger="every 2s"' in waiting.text
    assert oob_status(waiting.text) == "confirmed"
    assert f'action="/requests/{request_id}/cancel"' in oob_actions(waiting.text)
    assert oob_rows(waiting.text) == {"۰۹۱۲۱۱۱۰۰۰۷": "pending", "۰۹۱۲۱۱۱۰۰۰۰": "pending"}
    assert 'id="summary-card"' not in waiting.text  # the summary only once finished

    await run_with_fake_operator(settings, request_id)
    finished = await client.get(f"/requests/{request_id}/progress?live=1", headers=HTMX)
    assert finished.status_code == 200 and "hx-refresh" not in finished.headers
    assert 'data-status="completed_with_failures"' in finished.text and "hx-trigger" not in finished.text
    assert oob_status(finished.text) == "completed_with_failures"
    actions = oob_actions(finished.text)
    assert "/cancel" not in actions  # nothing left to cancel; what was delivered has its invoice
    assert f'href="/api/v1/requests/{request_id}/invoice.pdf"' in actions
    assert oob_rows(finished.text) == {"۰۹۱۲۱۱۱۰۰۰۷": "succeeded", "۰۹۱۲۱۱۱۰۰۰۰": "failed"}
    summary = re.search(r'<div id="summary-card" hx-swap-oob="innerHTML">(.*?)</dl>', finished.text, re.DOTALL)
    assert summary and 'data-testid="summary-available">۸۰۰٬۰۰۰ ریال<' in summary.group(1)

    # the page's view of the table (a status filter) is kept by the poll
    filtered = await client.get(f"/requests/{request_id}/progress?live=1&status=failed", headers=HTMX)
    assert oob_rows(filtered.text) == {"۰۹۱۲۱۱۱۰۰۰۰": "failed"}
    page = await client.get(f"/requests/{request_id}?status=failed")
    assert f'hx-get="/requests/{request_id}/progress?status=failed"' in page.text


async def test_the_requests_list_shows_what_each_request_still_holds(client: Client, settings: Settings) -> None:
    """A finished or cancelled request holds nothing; a confirmed one holds its total."""
    headers = use(client, await demo_customer(client, settings))
    await fund(settings, 1_000_000)
    ids = []
    for _ in range(3):
        request_id = await new_request(client, headers)
        added = await client.post(
            f"/api/v1/requests/{request_id}/lines", json={"mobile": GOOD, "amount": 200_000}, headers=headers
        )
        assert added.status_code == 201, added.text
        assert (await client.post(f"/api/v1/requests/{request_id}/confirm", headers=headers)).status_code == 200
        ids.append(request_id)
    finished, cancelled, waiting = ids
    await run_with_fake_operator(settings, finished)
    assert (await client.post(f"/api/v1/requests/{cancelled}/cancel", headers=headers)).status_code == 200

    listed = await client.get("/requests")
    held = dict(
        re.findall(r'href="/requests/([0-9a-f]+)">.*?data-testid="request-held">([^<]*)<', listed.text, re.DOTALL)
    )
    assert held == {finished: "۰ ریال", cancelled: "۰ ریال", waiting: "۲۰۰٬۰۰۰ ریال"}
