"""JSON API of the wallet (API.md "Wallet") and finance's deposit queue."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.params import Body, FromPath, FromQuery, JSONBody

from kook.application.wallet.approve_deposit_slip import ApproveDepositSlip
from kook.application.wallet.get_deposit import GetDeposit
from kook.application.wallet.get_statement import GetStatement
from kook.application.wallet.get_wallet import GetWallet
from kook.application.wallet.list_deposit_queue import ListDepositQueue
from kook.application.wallet.list_deposits import ListDeposits
from kook.application.wallet.list_payments import ListPayments
from kook.application.wallet.ports import SlipStore
from kook.application.wallet.reject_deposit_slip import RejectDepositSlip
from kook.application.wallet.slips import SlipKind
from kook.application.wallet.start_payment import StartPayment
from kook.application.wallet.submit_deposit_slip import SubmitDepositCommand, SubmitDepositSlip
from kook.domain.identity.staff import StaffRole
from kook.domain.shared.errors import ValidationFailed
from kook.domain.shared.jalali import parse_date
from kook.domain.shared.money import parse_amount_field
from kook.domain.wallet.deposit import DepositSlip
from kook.domain.wallet.payment import Payment
from kook.entrypoints.http.context import require_staff
from kook.entrypoints.http.cursors import decode_cursor, encode_cursor
from kook.entrypoints.http.errors import error_response
from kook.entrypoints.http.idempotency import idempotent
from kook.entrypoints.http.session_customer import customer_of
from kook.entrypoints.http.statement import described_lines

Req = Request[Any, Any, Any]
PAGE = 50
# A slip may be 5 MB; the form around it is small. Larger bodies are refused before
# they are read; between the two the inspector answers slip_too_large.
SLIP_UPLOAD_LIMIT = 8 * 1024 * 1024


def slip_body_too_large(request: Request[Any, Any, Any], exc: RequestEntityTooLarge) -> Response[Any]:
    """A deposit's body past the route's limit is a slip past its limit: the same answer, slip_too_large."""
    return error_response(request, "slip_too_large")


class WalletOut(msgspec.Struct):
    available: int
    held: int
    total: int


class EntryOut(msgspec.Struct):
    id: str
    kind: str
    memo: str
    created_at: datetime
    available_change: int
    held_change: int


class EntryList(msgspec.Struct):
    items: list[EntryOut]
    next_cursor: str | None


class PaymentBody(msgspec.Struct):
    amount: int | str


class PaymentStarted(msgspec.Struct):
    payment_id: str
    redirect_url: str


class PaymentOut(msgspec.Struct):
    id: str
    amount: int
    status: str
    gateway: str
    created_at: datetime
    verified_at: datetime | None
    reference: str | None


class PaymentList(msgspec.Struct):
    items: list[PaymentOut]
    next_cursor: str | None


class DepositOut(msgspec.Struct):
    id: str
    bank_account: str
    amount: int
    deposit_date: date
    tracking_number: str
    status: str
    created_at: datetime
    decided_at: datetime | None
    reject_reason: str | None
    slip_kind: str
    customer_id: str | None = None


class DepositList(msgspec.Struct):
    items: list[DepositOut]
    next_cursor: str | None


class RejectBody(msgspec.Struct):
    reason: Annotated[str, msgspec.Meta(max_length=1000)]


def payment_out(p: Payment) -> PaymentOut:
    return PaymentOut(p.id, p.amount, p.status.value, p.gateway, p.created_at, p.verified_at, p.reference)


def deposit_out(d: DepositSlip, *, with_customer: bool = False) -> DepositOut:
    return DepositOut(
        id=d.id,
        bank_account=d.bank_account,
        amount=d.amount,
        deposit_date=d.deposit_date,
        tracking_number=d.tracking_number,
        status=d.status.value,
        created_at=d.created_at,
        decided_at=d.decided_at,
        reject_reason=d.reject_reason,
        slip_kind=d.slip_kind,
        customer_id=d.customer_id if with_customer else None,
    )


def parse_deposit_form(form: Any) -> tuple[str, int, date, str]:
    fields: dict[str, str] = {}
    amount = 0
    deposit_date = date.min
    try:
        amount = parse_amount_field(form.get("amount") or "")
    except ValidationFailed as exc:
        fields.update(exc.fields)
    raw_date = form.get("deposit_date") or ""
    parsed = parse_date(raw_date) if isinstance(raw_date, str) else None
    if parsed is None:
        fields["deposit_date"] = "invalid"
    else:
        deposit_date = parsed
    bank = form.get("bank_account")
    tracking = form.get("tracking_number")
    if not isinstance(bank, str) or not bank:
        fields["bank_account"] = "required"
    if not isinstance(tracking, str) or not tracking:
        fields["tracking_number"] = "required"
    if fields:
        raise ValidationFailed(fields)
    return str(bank), amount, deposit_date, str(tracking)


async def read_slip(form: Any) -> tuple[bytes, str | None]:
    slip = form.get("slip")
    if not isinstance(slip, UploadFile):
        raise ValidationFailed({"slip": "required"})
    return await slip.read(), slip.filename


def slip_response(content: bytes, deposit: DepositSlip) -> Response[bytes]:
    kind = SlipKind(deposit.slip_kind)
    return Response(
        content,
        media_type=kind.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="slip-{deposit.id[:8]}.{kind.extension}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )


class WalletController(Controller):
    path = "/api/v1/wallet"
    tags = ["wallet"]

    @get("/")
    @inject
    async def wallet(self, request: Req, get_wallet: FromDishka[GetWallet]) -> WalletOut:
        customer_id, _, _ = await customer_of(request)
        wallet = await get_wallet(customer_id)
        return WalletOut(wallet.available, wallet.held, wallet.total)

    @get("/entries")
    @inject
    async def entries(
        self, request: Req, get_statement: FromDishka[GetStatement], cursor: FromQuery[str | None] = None
    ) -> EntryList:
        customer_id, _, _ = await customer_of(request)
        lines = await get_statement(customer_id, decode_cursor(cursor), PAGE + 1)
        page = lines[:PAGE]
        next_cursor = encode_cursor(page[-1].created_at, page[-1].entry_id) if len(lines) > PAGE else None
        described = await described_lines(request, customer_id, page)  # memo: the Persian description
        return EntryList(
            [
                EntryOut(line.entry_id, line.kind, line.memo, line.created_at, line.available_change, line.held_change)
                for line in described
            ],
            next_cursor,
        )

    @post("/payments", status_code=201)
    @inject
    async def start_payment(
        self, request: Req, start_payment: FromDishka[StartPayment], data: JSONBody[PaymentBody]
    ) -> Response[PaymentStarted]:
        """Starts an online payment; honours ``Idempotency-Key`` (the same key and body → the same payment)."""
        customer_id, user_id, mobile = await customer_of(request)
        amount = parse_amount_field(data.amount)

        async def run() -> PaymentStarted:
            started = await start_payment(customer_id=customer_id, user_id=user_id, amount=amount, mobile=mobile)
            return PaymentStarted(started.payment_id, started.redirect_url)

        return await idempotent(request, user_id, run, PaymentStarted, 201)

    @get("/payments")
    @inject
    async def payments(
        self, request: Req, list_payments: FromDishka[ListPayments], cursor: FromQuery[str | None] = None
    ) -> PaymentList:
        customer_id, _, _ = await customer_of(request)
        items = await list_payments(customer_id, decode_cursor(cursor), PAGE + 1)
        page = items[:PAGE]
        next_cursor = encode_cursor(page[-1].created_at, page[-1].id) if len(items) > PAGE else None
        return PaymentList([payment_out(p) for p in page], next_cursor)

    @post(
        "/deposits",
        status_code=201,
        request_max_body_size=SLIP_UPLOAD_LIMIT,
        exception_handlers={RequestEntityTooLarge: slip_body_too_large},
    )
    @inject
    async def submit_deposit(
        self,
        request: Req,
        submit_deposit: FromDishka[SubmitDepositSlip],
        data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> DepositOut:
        customer_id, user_id, _ = await customer_of(request)
        form = await request.form()
        bank, amount, deposit_date, tracking = parse_deposit_form(form)
        content, filename = await read_slip(form)
        deposit = await submit_deposit(
            SubmitDepositCommand(customer_id, user_id, bank, amount, deposit_date, tracking, content, filename)
        )
        return deposit_out(deposit)

    @get("/deposits")
    @inject
    async def deposits(
        self, request: Req, list_deposits: FromDishka[ListDeposits], cursor: FromQuery[str | None] = None
    ) -> DepositList:
        customer_id, _, _ = await customer_of(request)
        items = await list_deposits(customer_id, decode_cursor(cursor), PAGE + 1)
        page = items[:PAGE]
        next_cursor = encode_cursor(page[-1].created_at, page[-1].id) if len(items) > PAGE else None
        return DepositList([deposit_out(d) for d in page], next_cursor)

    @get("/deposits/{deposit_id:str}/slip")
    @inject
    async def slip(
        self,
        request: Req,
        get_deposit: FromDishka[GetDeposit],
        slip_store: FromDishka[SlipStore],
        deposit_id: FromPath[str],
    ) -> Response[bytes]:
        customer_id, _, _ = await customer_of(request)
        deposit = await get_deposit(deposit_id, customer_id)
        content = await slip_store.open(deposit.slip_key)
        return slip_response(content, deposit)


class AdminDepositController(Controller):
    path = "/api/v1/admin/deposits"
    tags = ["back office"]

    @get("/")
    @inject
    async def queue(
        self,
        request: Req,
        deposit_queue: FromDishka[ListDepositQueue],
        status: FromQuery[str | None] = "pending",
        cursor: FromQuery[str | None] = None,
    ) -> DepositList:
        await require_staff(request, StaffRole.FINANCE)
        if status not in (None, "", "pending", "approved", "rejected"):
            raise ValidationFailed({"status": "invalid"})
        items = await deposit_queue(status or None, decode_cursor(cursor), PAGE + 1)
        page = items[:PAGE]
        next_cursor = encode_cursor(page[-1].created_at, page[-1].id) if len(items) > PAGE else None
        return DepositList([deposit_out(d, with_customer=True) for d in page], next_cursor)

    @get("/{deposit_id:str}")
    @inject
    async def detail(self, request: Req, get_deposit: FromDishka[GetDeposit], deposit_id: FromPath[str]) -> DepositOut:
        await require_staff(request, StaffRole.FINANCE)
        deposit = await get_deposit(deposit_id, None)
        return deposit_out(deposit, with_customer=True)

    @get("/{deposit_id:str}/slip")
    @inject
    async def slip(
        self,
        request: Req,
        get_deposit: FromDishka[GetDeposit],
        slip_store: FromDishka[SlipStore],
        deposit_id: FromPath[str],
    ) -> Response[bytes]:
        await require_staff(request, StaffRole.FINANCE)
        deposit = await get_deposit(deposit_id, None)
        content = await slip_store.open(deposit.slip_key)
        return slip_response(content, deposit)

    @post("/{deposit_id:str}/approve", status_code=200)
    @inject
    async def approve(
        self, request: Req, approve_deposit: FromDishka[ApproveDepositSlip], deposit_id: FromPath[str]
    ) -> DepositOut:
        found = await require_staff(request, StaffRole.FINANCE)
        assert found.staff is not None
        deposit = await approve_deposit(deposit_id, found.staff.id)
        return deposit_out(deposit, with_customer=True)

    @post("/{deposit_id:str}/reject", status_code=200)
    @inject
    async def reject(
        self,
        request: Req,
        reject_deposit: FromDishka[RejectDepositSlip],
        deposit_id: FromPath[str],
        data: JSONBody[RejectBody],
    ) -> DepositOut:
        found = await require_staff(request, StaffRole.FINANCE)
        assert found.staff is not None
        deposit = await reject_deposit(deposit_id, found.staff.id, data.reason)
        return deposit_out(deposit, with_customer=True)
