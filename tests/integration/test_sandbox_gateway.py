"""The sandbox bank gateway: the adapter and its page, on SQLite and PostgreSQL.

Each test gets a database holding only ``sandbox_gateway_payments``: a fresh
SQLite file, or the PostgreSQL test database where the table is created (and
dropped afterwards) unless the migrations already made it — then only this
test's rows are deleted. The page is served by a minimal Litestar app: the
controller, the CSRF check, the error handlers and a dishka container with the
sandbox gateway's book (on its own engine, made in the app's loop) and a clock.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import pytest_asyncio
import sqlalchemy as sa
from dishka import Provider, Scope, from_context, make_async_container, provide
from dishka.integrations.litestar import setup_dishka
from litestar import Litestar, Request, post
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template import TemplateConfig
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from kook.adapters.postgres.engine import make_engine, make_session_factory
from kook.adapters.postgres.tables.metadata import metadata
from kook.adapters.postgres.tables.sandbox import sandbox_gateway_payments
from kook.application.shared.ports import Clock
from kook.application.wallet.ports import (
    GatewayError,
    InquiryStatus,
    PaymentGateway,
    PaymentStart,
    VerifyStatus,
)
from kook.entrypoints.http.app import TEMPLATES
from kook.entrypoints.http.csrf import check_csrf
from kook.entrypoints.http.errors import EXCEPTION_HANDLERS
from kook.entrypoints.http.web.filters import register_filters
from kook.entrypoints.settings import load_settings
from kook.sandbox.gateway import (
    SandboxGatewayBook,
    SandboxGatewayController,
    SandboxPaymentGateway,
    SandboxPaymentStatus,
    sandbox_reference,
)
from tests.fakes.clock import FakeClock

PUBLIC_URL = "http://portal.test:8000/"
CALLBACK = "http://portal.test:8000/wallet/payments/callback"
AMOUNT = 250_000
T = sandbox_gateway_payments


@dataclass
class Store:
    url: str
    factory: async_sessionmaker[AsyncSession]
    clock: FakeClock
    gateway: SandboxPaymentGateway
    book: SandboxGatewayBook
    run_id: str

    def start(self, amount: int = AMOUNT, callback_url: str = CALLBACK) -> PaymentStart:
        return PaymentStart(
            payment_id=f"{self.run_id}-{secrets.token_hex(4)}",
            amount=amount,
            callback_url=callback_url,
            description="افزایش اعتبار کیف پول",
            mobile="09121234567",
        )

    async def row(self, token: str) -> Any:
        async with self.factory() as db:
            return (await db.execute(sa.select(T).where(T.c.token == token))).one()


async def _table_exists(engine: AsyncEngine) -> bool:
    async with engine.connect() as connection:
        return await connection.run_sync(lambda sync: sa.inspect(sync).has_table(T.name))


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'sandbox_gateway.db'}"
    else:
        yield str(request.getfixturevalue("pg_url"))


@pytest_asyncio.fixture
async def store(database_url: str) -> AsyncIterator[Store]:
    engine = make_engine(database_url, pool_size=5)
    created = False
    if not await _table_exists(engine):
        async with engine.begin() as connection:
            await connection.run_sync(lambda sync: metadata.create_all(sync, tables=[T]))
        created = True
    factory = make_session_factory(engine)
    clock = FakeClock(datetime(2026, 3, 1, 8, 30, tzinfo=UTC))
    run_id = f"t{secrets.token_hex(6)}"
    SandboxPaymentGateway.clear_test_hooks()
    try:
        yield Store(
            url=database_url,
            factory=factory,
            clock=clock,
            gateway=SandboxPaymentGateway(factory, PUBLIC_URL, clock),
            book=SandboxGatewayBook(factory, clock),
            run_id=run_id,
        )
    finally:
        SandboxPaymentGateway.clear_test_hooks()
        async with engine.begin() as connection:
            if created:
                await connection.run_sync(lambda sync: T.drop(sync))
            else:
                await connection.execute(sa.delete(T).where(T.c.payment_id.startswith(run_id)))
        await engine.dispose()


# ---------------------------------------------------------------- the adapter


def test_is_a_payment_gateway() -> None:
    assert PaymentGateway in SandboxPaymentGateway.__mro__
    assert SandboxPaymentGateway.name == "sandbox"


async def test_start_records_the_payment_and_points_at_its_page(store: Store) -> None:
    start = store.start()
    first = await store.gateway.start(start)
    second = await store.gateway.start(store.start())

    assert first.redirect_url == f"http://portal.test:8000/sandbox/gateway/{first.token}"
    assert len(first.token) >= 32 and first.token != second.token
    row = await store.row(first.token)
    assert (row.payment_id, row.amount, row.callback_url) == (start.payment_id, AMOUNT, CALLBACK)
    assert (row.status, row.verify_count, row.paid_at) == ("created", 0, None)
    assert row.created_at == store.clock.now()
    assert row.description == "افزایش اعتبار کیف پول"


@pytest.mark.parametrize("amount", [0, -10_000])
async def test_start_refuses_a_non_positive_amount(store: Store, amount: int) -> None:
    with pytest.raises(GatewayError) as caught:
        await store.gateway.start(store.start(amount=amount))

    assert caught.value.reason == "sandbox_amount_invalid" and caught.value.retryable is False
    async with store.factory() as db:
        count = await db.scalar(sa.select(sa.func.count()).where(T.c.payment_id.startswith(store.run_id)))
    assert count == 0


async def test_verify_twice_is_verified_then_already_verified(store: Store) -> None:
    token = (await store.gateway.start(store.start())).token
    store.clock.advance(seconds=40)
    await store.book.decide(token, pay=True)

    first = await store.gateway.verify(token, AMOUNT)
    second = await store.gateway.verify(token, AMOUNT)

    assert first.status == VerifyStatus.VERIFIED
    assert first.amount == AMOUNT
    assert first.reference is not None and len(first.reference) == 12 and first.reference.isdigit()
    assert first.card_mask is not None and first.card_mask.startswith("603799******")
    assert second.status == VerifyStatus.ALREADY_VERIFIED
    assert (second.reference, second.card_mask, second.amount) == (first.reference, first.card_mask, AMOUNT)
    row = await store.row(token)
    assert (row.status, row.verify_count) == ("verified", 2)
    assert row.paid_at == store.clock.now()


async def test_amount_mismatch_fails_and_verifies_nothing(store: Store) -> None:
    token = (await store.gateway.start(store.start())).token
    await store.book.decide(token, pay=True)

    wrong = await store.gateway.verify(token, AMOUNT * 10)

    assert (wrong.status, wrong.code) == (VerifyStatus.FAILED, "amount_mismatch")
    assert wrong.reference is None and wrong.amount is None
    assert (await store.row(token)).status == "paid"
    assert (await store.gateway.verify(token, AMOUNT)).status == VerifyStatus.VERIFIED
    after = await store.gateway.verify(token, AMOUNT - 1)
    assert (after.status, after.code) == (VerifyStatus.FAILED, "amount_mismatch")


async def test_unfinished_cancelled_and_unknown_payments_fail(store: Store) -> None:
    unfinished = (await store.gateway.start(store.start())).token
    cancelled = (await store.gateway.start(store.start())).token
    await store.book.decide(cancelled, pay=False)

    results = [
        await store.gateway.verify(unfinished, AMOUNT),
        await store.gateway.verify(cancelled, AMOUNT),
        await store.gateway.verify("x" * 32, AMOUNT),
    ]

    assert [(r.status, r.code) for r in results] == [
        (VerifyStatus.FAILED, "not_paid"),
        (VerifyStatus.FAILED, "cancelled"),
        (VerifyStatus.FAILED, "unknown_token"),
    ]
    assert (await store.row(unfinished)).status == "created"  # the payer may still pay
    assert (await store.row(cancelled)).verify_count == 1


async def test_inquiry_follows_the_payment(store: Store) -> None:
    token = (await store.gateway.start(store.start())).token
    seen = [await store.gateway.inquire(token)]
    await store.book.decide(token, pay=True)
    seen.append(await store.gateway.inquire(token))
    await store.gateway.verify(token, AMOUNT)
    seen.append(await store.gateway.inquire(token))
    await store.gateway.reverse(token)
    seen.append(await store.gateway.inquire(token))
    cancelled = (await store.gateway.start(store.start())).token
    await store.book.decide(cancelled, pay=False)
    seen.append(await store.gateway.inquire(cancelled))
    seen.append(await store.gateway.inquire("x" * 32))

    assert [i.status for i in seen] == [
        InquiryStatus.PENDING,
        InquiryStatus.PAID,
        InquiryStatus.VERIFIED,
        InquiryStatus.REVERSED,
        InquiryStatus.FAILED,
        InquiryStatus.FAILED,
    ]
    assert seen[1].amount == AMOUNT and seen[1].reference is None
    assert seen[2].reference == sandbox_reference(token) == seen[3].reference


async def test_reverse_gives_back_only_a_verified_payment(store: Store) -> None:
    token = (await store.gateway.start(store.start())).token
    await store.book.decide(token, pay=True)

    assert await store.gateway.reverse(token) is False  # paid, not verified
    verified = await store.gateway.verify(token, AMOUNT)
    assert verified.status == VerifyStatus.VERIFIED
    assert await store.gateway.reverse(token) is True
    assert await store.gateway.reverse(token) is True  # asking again: still given back
    assert await store.gateway.reverse("x" * 32) is False
    assert (await store.row(token)).status == "reversed"
    after = await store.gateway.verify(token, AMOUNT)
    assert (after.status, after.code) == (VerifyStatus.FAILED, "reversed")  # never a credit


async def test_fail_next_verify_answers_unknown_once_and_changes_nothing(store: Store) -> None:
    token = (await store.gateway.start(store.start())).token
    await store.book.decide(token, pay=True)
    SandboxPaymentGateway.fail_next_verify(token)

    lost = await store.gateway.verify(token, AMOUNT)

    assert (lost.status, lost.code) == (VerifyStatus.UNKNOWN, "sandbox_timeout")
    assert (await store.gateway.inquire(token)).status == InquiryStatus.PAID
    other_instance = SandboxPaymentGateway(store.factory, PUBLIC_URL, store.clock)
    assert (await other_instance.verify(token, AMOUNT)).status == VerifyStatus.VERIFIED


async def test_fail_next_verify_applied_verifies_but_loses_the_answer(store: Store) -> None:
    token = (await store.gateway.start(store.start())).token
    await store.book.decide(token, pay=True)
    SandboxPaymentGateway.fail_next_verify(token, applied=True)

    lost = await store.gateway.verify(token, AMOUNT)

    assert lost.status == VerifyStatus.UNKNOWN
    assert (await store.gateway.inquire(token)).status == InquiryStatus.VERIFIED
    assert (await store.gateway.verify(token, AMOUNT)).status == VerifyStatus.ALREADY_VERIFIED


async def test_verifies_at_once_verify_exactly_once(store: Store) -> None:
    token = (await store.gateway.start(store.start())).token
    await store.book.decide(token, pay=True)
    gateways = [SandboxPaymentGateway(store.factory, PUBLIC_URL, store.clock) for _ in range(6)]

    results = await asyncio.gather(*(g.verify(token, AMOUNT) for g in gateways))

    statuses = sorted(r.status.value for r in results)
    assert statuses == ["already_verified"] * 5 + ["verified"]
    assert (await store.row(token)).verify_count == 6


async def test_the_payers_choice_is_taken_once(store: Store) -> None:
    token = (await store.gateway.start(store.start())).token
    store.clock.advance(seconds=30)
    paid = await store.book.decide(token, pay=True)
    store.clock.advance(seconds=30)
    again = await store.book.decide(token, pay=False)

    assert paid is not None and again is not None
    assert paid.status == again.status == SandboxPaymentStatus.PAID
    assert again.paid_at == paid.paid_at
    assert await store.book.decide("x" * 32, pay=True) is None
    assert await store.book.find("../../etc") is None
    assert store.book.session_factory is store.factory


def test_parse_callback_reads_token_and_status() -> None:
    gateway = SandboxPaymentGateway(async_sessionmaker(), PUBLIC_URL)
    token = secrets.token_urlsafe(24)

    ok = gateway.parse_callback({"token": token, "status": "OK"})
    nok = gateway.parse_callback({"token": token, "status": "NOK"})
    missing = gateway.parse_callback({"status": "OK"})
    forged = gateway.parse_callback({"token": "' OR 1=1 --", "status": "OK"})

    assert (ok.token, ok.says_ok) == (token, True)
    assert (nok.token, nok.says_ok) == (token, False)
    assert missing.token is None and forged.token is None


# ---------------------------------------------------------------- the page


@post("/elsewhere", status_code=204)
async def _elsewhere() -> None:
    """A Kook form handler, to show that the test app really checks CSRF."""


def _page_app(store: Store) -> Litestar:
    url = store.url

    class Context(Provider):
        """Like the portal's providers: an engine and its session factory, made in the app's own loop."""

        scope = Scope.APP
        clock = from_context(provides=Clock, scope=Scope.APP)

        @provide
        async def session_factory(self) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
            engine = make_engine(url, pool_size=2)
            yield make_session_factory(engine)
            await engine.dispose()

        @provide
        def book(self, factory: async_sessionmaker[AsyncSession], clock: Clock) -> SandboxGatewayBook:
            return SandboxGatewayBook(factory, clock)

    container = make_async_container(Context(), context={Clock: store.clock})

    async def before_request(request: Request[Any, Any, Any]) -> None:
        await check_csrf(request)

    async def close_container() -> None:
        await container.close()

    app = Litestar(
        route_handlers=[SandboxGatewayController, _elsewhere],
        exception_handlers=EXCEPTION_HANDLERS,
        before_request=before_request,
        template_config=TemplateConfig(
            directory=TEMPLATES,
            engine=JinjaTemplateEngine,
            engine_callback=lambda engine: register_filters(engine.engine),
        ),
        on_shutdown=[close_container],
        debug=False,
        logging_config=None,
    )
    setup_dishka(container, app)
    app.state.settings = load_settings({"KOOK_ENV": "test"})  # the CSRF check names its cookies from them
    return app


@pytest_asyncio.fixture
async def page(store: Store) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app=_page_app(store)) as client:
        yield client


def _path(redirect_url: str) -> str:
    return urlsplit(redirect_url).path


def _returned(location: str) -> tuple[str, dict[str, list[str]]]:
    parts = urlsplit(location)
    return f"{parts.scheme}://{parts.netloc}{parts.path}", parse_qs(parts.query)


async def test_the_page_shows_the_amount_and_two_buttons(store: Store, page: AsyncTestClient[Litestar]) -> None:
    started = await store.gateway.start(store.start(amount=1_250_000))

    response = await page.get(_path(started.redirect_url))

    assert response.status_code == 200
    html = response.text
    assert 'lang="fa"' in html and 'dir="rtl"' in html
    assert "درگاه بانکی آزمایشی کوک" in html
    assert "۱٬۲۵۰٬۰۰۰ ریال" in html
    assert f'action="/sandbox/gateway/{started.token}"' in html and 'method="post"' in html
    assert 'name="action" value="pay"' in html and ">پرداخت</button>" in html
    assert 'name="action" value="cancel"' in html and ">انصراف</button>" in html


async def test_pay_returns_to_the_callback_with_ok(store: Store, page: AsyncTestClient[Litestar]) -> None:
    started = await store.gateway.start(store.start())

    response = await page.post(_path(started.redirect_url), data={"action": "pay"}, follow_redirects=False)

    assert response.status_code == 303
    target, query = _returned(response.headers["location"])
    assert target == CALLBACK
    assert query == {"token": [started.token], "status": ["OK"]}
    assert store.gateway.parse_callback({k: v[0] for k, v in query.items()}).token == started.token
    assert (await store.gateway.verify(started.token, AMOUNT)).status == VerifyStatus.VERIFIED


async def test_cancel_returns_to_the_callback_with_nok(store: Store, page: AsyncTestClient[Litestar]) -> None:
    started = await store.gateway.start(store.start())

    response = await page.post(_path(started.redirect_url), data={"action": "cancel"}, follow_redirects=False)

    assert response.status_code == 303
    _, query = _returned(response.headers["location"])
    assert query == {"token": [started.token], "status": ["NOK"]}
    assert (await store.row(started.token)).status == "cancelled"
    failed = await store.gateway.verify(started.token, AMOUNT)
    assert (failed.status, failed.code) == (VerifyStatus.FAILED, "cancelled")


@pytest.mark.parametrize(
    ("first", "second", "status", "says"),
    [("pay", "cancel", "paid", "OK"), ("cancel", "pay", "cancelled", "NOK"), ("pay", "pay", "paid", "OK")],
)
async def test_a_second_post_changes_nothing(
    store: Store, page: AsyncTestClient[Litestar], first: str, second: str, status: str, says: str
) -> None:
    started = await store.gateway.start(store.start())
    path = _path(started.redirect_url)
    await page.post(path, data={"action": first}, follow_redirects=False)
    before = await store.row(started.token)
    store.clock.advance(seconds=60)

    response = await page.post(path, data={"action": second}, follow_redirects=False)

    assert response.status_code == 303
    assert _returned(response.headers["location"])[1]["status"] == [says]
    after = await store.row(started.token)
    assert (after.status, after.paid_at) == (status, before.paid_at)


async def test_a_decided_payment_shows_the_way_back_not_the_buttons(
    store: Store, page: AsyncTestClient[Litestar]
) -> None:
    started = await store.gateway.start(store.start())
    path = _path(started.redirect_url)
    await page.post(path, data={"action": "pay"}, follow_redirects=False)

    html = (await page.get(path)).text

    assert "بازگشت به سایت پذیرنده" in html
    assert f"token={started.token}&amp;status=OK" in html
    assert 'value="pay"' not in html


async def test_the_callback_keeps_its_own_query(store: Store, page: AsyncTestClient[Litestar]) -> None:
    started = await store.gateway.start(store.start(callback_url=f"{CALLBACK}?lang=fa&status=forged"))

    response = await page.post(_path(started.redirect_url), data={"action": "cancel"}, follow_redirects=False)

    _, query = _returned(response.headers["location"])
    assert query == {"lang": ["fa"], "token": [started.token], "status": ["NOK"]}


async def test_unknown_token_is_404(page: AsyncTestClient[Litestar]) -> None:
    token = secrets.token_urlsafe(24)

    assert (await page.get(f"/sandbox/gateway/{token}")).status_code == 404
    response = await page.post(f"/sandbox/gateway/{token}", data={"action": "pay"}, follow_redirects=False)
    assert response.status_code == 404


@pytest.mark.parametrize("data", [{"action": "refund"}, {}, {"action": ""}])
async def test_a_bad_action_is_422_and_changes_nothing(
    store: Store, page: AsyncTestClient[Litestar], data: dict[str, str]
) -> None:
    started = await store.gateway.start(store.start())

    response = await page.post(_path(started.redirect_url), data=data, follow_redirects=False)

    assert response.status_code == 422
    assert 'dir="rtl"' in response.text
    assert (await store.row(started.token)).status == "created"


async def test_the_page_needs_no_kook_csrf_token_but_kook_forms_do(
    store: Store, page: AsyncTestClient[Litestar]
) -> None:
    started = await store.gateway.start(store.start())
    page.cookies.set("kook_anon_csrf", "a-token-the-bank-never-sends")

    refused = await page.post("/elsewhere", data={"x": "1"})
    paid = await page.post(_path(started.redirect_url), data={"action": "pay"}, follow_redirects=False)

    assert refused.status_code == 403
    assert paid.status_code == 303
