"""The sandbox bank gateway: a stand-in for Zarinpal in dev and test (API.md "Sandbox").

It behaves like a Shaparak gateway from the portal's side: ``start`` gives a
token and the URL of the gateway's page; the page (``SandboxGatewayController``)
shows the amount and two buttons, and its answer is a 303 to the portal's
callback (``?token=…&status=OK|NOK``), exactly like a real gateway's return.
A ``POST`` of ``action=pay`` or ``action=cancel`` to the page's URL does what
the buttons do, so tests and scripts can pay without a browser.

``verify`` checks OUR amount and the state kept in ``sandbox_gateway_payments``
(the database, so web and worker processes share it): the first verify of a
paid payment is VERIFIED, every later one ALREADY_VERIFIED (Zarinpal's 101);
a wrong amount, a cancelled or unfinished payment and an unknown token are
FAILED. The state changes are single conditional UPDATEs, so two verifies at
once cannot both be VERIFIED.

Test hook: ``SandboxPaymentGateway.fail_next_verify(token)`` makes the next
verify of that token answer UNKNOWN (in this process), as a timeout would;
with ``applied=True`` the gateway verifies first and only the answer is lost.

Wiring: the page (``SandboxGatewayController``) resolves ``SandboxGatewayBook``
from the request's dishka container; build it on the same database as the
gateway. On SQLite give both their own database file: a real gateway is
another system, and a portal transaction that holds SQLite's one write lock
while it verifies would otherwise wait on the sandbox's own write (measured:
verify blocks until the busy timeout).
"""

from __future__ import annotations

import enum
import hashlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import sqlalchemy as sa
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kook.adapters.postgres.tables.sandbox import sandbox_gateway_payments
from kook.adapters.system.clock import SystemClock
from kook.application.shared.ports import Clock
from kook.application.wallet.ports import (
    CallbackData,
    GatewayError,
    Inquiry,
    InquiryStatus,
    PaymentGateway,
    PaymentStart,
    StartedPayment,
    Verification,
    VerifyStatus,
)
from kook.domain.shared.errors import NotFound, ValidationFailed

PAGE_PATH = "/sandbox/gateway"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_T = sandbox_gateway_payments


class SandboxPaymentStatus(enum.StrEnum):
    CREATED = "created"  # the payer has not decided yet
    PAID = "paid"  # «پرداخت» pressed; not verified
    CANCELLED = "cancelled"  # «انصراف» pressed
    VERIFIED = "verified"
    REVERSED = "reversed"  # verified, then given back


@dataclass(frozen=True)
class SandboxPayment:
    token: str
    payment_id: str
    amount: int
    callback_url: str
    description: str
    status: SandboxPaymentStatus
    verify_count: int
    created_at: datetime
    paid_at: datetime | None

    @property
    def says_ok(self) -> bool:
        """What the return to the portal says: OK once paid (even if later verified or reversed)."""
        return self.status not in (SandboxPaymentStatus.CREATED, SandboxPaymentStatus.CANCELLED)


def sandbox_reference(token: str) -> str:
    """A stable 12-digit bank reference for a token (like Zarinpal's ref_id)."""
    return str(int(hashlib.sha256(token.encode()).hexdigest()[:15], 16) % 10**12).zfill(12)


def sandbox_card_mask(token: str) -> str:
    return f"603799******{sandbox_reference(token)[-4:]}"


def return_url(payment: SandboxPayment) -> str:
    """The portal's callback with ``token`` and ``status`` (OK/NOK) added to its query."""
    parts = urlsplit(payment.callback_url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in ("token", "status")]
    query += [("token", payment.token), ("status", "OK" if payment.says_ok else "NOK")]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _row_to_payment(row: Any) -> SandboxPayment:
    return SandboxPayment(
        token=row.token,
        payment_id=row.payment_id,
        amount=int(row.amount),
        callback_url=row.callback_url,
        description=row.description,
        status=SandboxPaymentStatus(row.status),
        verify_count=int(row.verify_count),
        created_at=row.created_at,
        paid_at=row.paid_at,
    )


class SandboxGatewayBook:
    """The gateway's side of its payments: what the page shows and what its buttons do."""

    def __init__(self, factory: async_sessionmaker[AsyncSession], clock: Clock | None = None) -> None:
        self._factory = factory
        self._clock = clock or SystemClock()

    @property
    def session_factory(self) -> async_sessionmaker[AsyncSession]:
        """For wiring a ``SandboxPaymentGateway`` on the same database as this book."""
        return self._factory

    async def find(self, token: str) -> SandboxPayment | None:
        if not _TOKEN.fullmatch(token):
            return None
        async with self._factory() as db:
            row = (await db.execute(sa.select(_T).where(_T.c.token == token))).first()
        return None if row is None else _row_to_payment(row)

    async def decide(self, token: str, *, pay: bool) -> SandboxPayment | None:
        """The payer's choice, taken once: only a payment still ``created`` changes."""
        if not _TOKEN.fullmatch(token):
            return None
        values: dict[str, Any] = {
            "status": (SandboxPaymentStatus.PAID if pay else SandboxPaymentStatus.CANCELLED).value
        }
        if pay:
            values["paid_at"] = self._clock.now()
        async with self._factory() as db, db.begin():
            await db.execute(
                sa.update(_T)
                .where(_T.c.token == token, _T.c.status == SandboxPaymentStatus.CREATED.value)
                .values(**values)
            )
        return await self.find(token)


class SandboxPaymentGateway(PaymentGateway):
    """The ``PaymentGateway`` port over the sandbox gateway's own table."""

    name = "sandbox"

    # token -> whether the verify still happens before its answer is "lost"
    _unknown_next: ClassVar[dict[str, bool]] = {}

    def __init__(self, factory: async_sessionmaker[AsyncSession], public_url: str, clock: Clock | None = None) -> None:
        self._factory = factory
        self._clock = clock or SystemClock()
        self._public_url = public_url.rstrip("/")

    # ------------------------------------------------------------------ test hooks

    @classmethod
    def fail_next_verify(cls, token: str, *, applied: bool = False) -> None:
        """The next verify of ``token`` answers UNKNOWN, as a timeout would.

        ``applied=False``: the verify never reached the gateway (nothing changes).
        ``applied=True``: the gateway verified, the answer was lost — the next
        verify says ALREADY_VERIFIED and an inquiry says VERIFIED.
        """
        cls._unknown_next[token] = applied

    @classmethod
    def clear_test_hooks(cls) -> None:
        cls._unknown_next.clear()

    # ------------------------------------------------------------------ port

    async def start(self, payment: PaymentStart) -> StartedPayment:
        if type(payment.amount) is not int or payment.amount <= 0:
            raise GatewayError("sandbox_amount_invalid", retryable=False)
        token = secrets.token_urlsafe(24)
        async with self._factory() as db, db.begin():
            await db.execute(
                sa.insert(_T).values(
                    token=token,
                    payment_id=payment.payment_id,
                    amount=payment.amount,
                    callback_url=payment.callback_url,
                    description=payment.description,
                    status=SandboxPaymentStatus.CREATED.value,
                    verify_count=0,
                    created_at=self._clock.now(),
                    paid_at=None,
                )
            )
        return StartedPayment(token=token, redirect_url=f"{self._public_url}{PAGE_PATH}/{token}")

    async def verify(self, token: str, amount: int) -> Verification:
        forced = self._unknown_next.pop(token, None)
        if forced is False:
            return Verification(status=VerifyStatus.UNKNOWN, code="sandbox_timeout")
        result = await self._verify(token, amount)
        if forced is True:
            return Verification(status=VerifyStatus.UNKNOWN, code="sandbox_timeout")
        return result

    async def _verify(self, token: str, amount: int) -> Verification:
        async with self._factory() as db, db.begin():
            verified = (
                await db.execute(
                    sa.update(_T)
                    .where(_T.c.token == token, _T.c.status == SandboxPaymentStatus.PAID.value, _T.c.amount == amount)
                    .values(status=SandboxPaymentStatus.VERIFIED.value, verify_count=_T.c.verify_count + 1)
                    .returning(_T.c.token)
                )
            ).first()
            if verified is not None:
                return self._verified(VerifyStatus.VERIFIED, token, amount)
            row = (
                await db.execute(
                    sa.update(_T)
                    .where(_T.c.token == token)
                    .values(verify_count=_T.c.verify_count + 1)
                    .returning(_T.c.status, _T.c.amount)
                )
            ).first()
        if row is None:
            return Verification(status=VerifyStatus.FAILED, code="unknown_token")
        if int(row.amount) != amount:
            return Verification(status=VerifyStatus.FAILED, code="amount_mismatch")
        status = SandboxPaymentStatus(row.status)
        if status == SandboxPaymentStatus.VERIFIED:
            return self._verified(VerifyStatus.ALREADY_VERIFIED, token, amount)
        # created: not paid yet; cancelled; reversed: the money went back — never a credit
        return Verification(
            status=VerifyStatus.FAILED, code="not_paid" if status == SandboxPaymentStatus.CREATED else status.value
        )

    @staticmethod
    def _verified(status: VerifyStatus, token: str, amount: int) -> Verification:
        return Verification(
            status=status,
            amount=amount,
            reference=sandbox_reference(token),
            card_mask=sandbox_card_mask(token),
            code=status.value,
        )

    async def inquire(self, token: str) -> Inquiry:
        payment = await SandboxGatewayBook(self._factory, self._clock).find(token)
        if payment is None:
            return Inquiry(status=InquiryStatus.FAILED)
        status = {
            SandboxPaymentStatus.CREATED: InquiryStatus.PENDING,
            SandboxPaymentStatus.PAID: InquiryStatus.PAID,
            SandboxPaymentStatus.CANCELLED: InquiryStatus.FAILED,
            SandboxPaymentStatus.VERIFIED: InquiryStatus.VERIFIED,
            SandboxPaymentStatus.REVERSED: InquiryStatus.REVERSED,
        }[payment.status]
        paid = payment.status in (SandboxPaymentStatus.VERIFIED, SandboxPaymentStatus.REVERSED)
        return Inquiry(status=status, amount=payment.amount, reference=sandbox_reference(token) if paid else None)

    async def reverse(self, token: str) -> bool:
        """Verified → reversed (True). Asking again for a reversed one is True too; anything else False."""
        async with self._factory() as db, db.begin():
            row = (
                await db.execute(
                    sa.update(_T)
                    .where(
                        _T.c.token == token,
                        _T.c.status.in_([SandboxPaymentStatus.VERIFIED.value, SandboxPaymentStatus.REVERSED.value]),
                    )
                    .values(status=SandboxPaymentStatus.REVERSED.value)
                    .returning(_T.c.token)
                )
            ).first()
        return row is not None

    def parse_callback(self, params: Mapping[str, str]) -> CallbackData:
        token = (params.get("token") or "").strip()
        return CallbackData(
            token=token if _TOKEN.fullmatch(token) else None,
            says_ok=(params.get("status") or "").strip().upper() == "OK",
        )


# ---------------------------------------------------------------------- the page


async def _book(request: Request[Any, Any, Any]) -> SandboxGatewayBook:
    """The book from the request's dishka container: the composition root builds it on the
    same database as the ``SandboxPaymentGateway`` it wires, so the page and verify agree."""
    book: SandboxGatewayBook = await request.state.dishka_container.get(SandboxGatewayBook)
    return book


class SandboxGatewayController(Controller):
    """The gateway's page (another site, in real life): ``GET`` shows it, ``POST`` is its buttons."""

    path = PAGE_PATH
    include_in_schema = False

    @get("/{token:str}")
    async def page(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Template:
        payment = await (await _book(request)).find(token)
        if payment is None:
            raise NotFound()
        return Template(
            template_name="sandbox/gateway.html",
            context={
                "payment": payment,
                "action_url": f"{PAGE_PATH}/{payment.token}",
                "return_url": return_url(payment),
            },
        )

    @post("/{token:str}", status_code=303)
    async def decide(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Response[Any]:
        form = await request.form()
        action = form.get("action")
        if action not in ("pay", "cancel"):
            raise ValidationFailed({"action": "invalid"})
        payment = await (await _book(request)).decide(token, pay=action == "pay")
        if payment is None:
            raise NotFound()
        return Redirect(return_url(payment), status_code=303)
