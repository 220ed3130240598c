"""The portal's «افزایش اعتبار» pages: balance, online payment, deposit slips,
statement; the gateway's return; and finance's deposit queue."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from kook.application.customers.get_customer_names import GetCustomerNames
from kook.application.wallet.approve_deposit_slip import ApproveDepositSlip
from kook.application.wallet.complete_payment import CompletePayment
from kook.application.wallet.get_deposit import GetDeposit
from kook.application.wallet.get_statement import GetStatement
from kook.application.wallet.get_wallet import GetWallet
from kook.application.wallet.list_deposit_queue import ListDepositQueue
from kook.application.wallet.list_deposits import ListDeposits
from kook.application.wallet.list_payments import ListPayments
from kook.application.wallet.reject_deposit_slip import RejectDepositSlip
from kook.application.wallet.settings import WalletPolicy
from kook.application.wallet.start_payment import StartPayment
from kook.application.wallet.submit_deposit_slip import SubmitDepositCommand, SubmitDepositSlip
from kook.domain.identity.staff import StaffRole
from kook.domain.shared.errors import DomainError, ValidationFailed
from kook.domain.shared.money import parse_amount_field
from kook.domain.wallet.payment import PaymentStatus
from kook.entrypoints.http.api.wallet import SLIP_UPLOAD_LIMIT, parse_deposit_form, read_slip
from kook.entrypoints.http.context import caller, require_staff, resolve
from kook.entrypoints.http.documents import month_picker
from kook.entrypoints.http.messages import AMOUNT_RANGE, error_status, error_text, field_text
from kook.entrypoints.http.session_customer import ServiceRequired, portal_customer
from kook.entrypoints.http.statement import described_lines
from kook.entrypoints.http.web.filters import rials
from kook.entrypoints.http.web.rendering import form_context, form_errors, form_values, redirect, render

Req = Request[Any, Any, Any]


_AMOUNT_CODES = frozenset({"amount_out_of_range", "amount_not_whole", "amount_missing"})
# The deposit form's own wording for the generic field codes the API reports.
_DEPOSIT_FIELD_TEXTS = {
    ("tracking_number", "invalid"): "tracking_number_invalid",
    ("deposit_date", "invalid"): "deposit_date_invalid",
    ("bank_account", "required"): "bank_account_required",
    ("slip", "required"): "slip_required",
}
_SLIP_CODES = {"slip_type_invalid": "slip", "slip_too_large": "slip", "bank_account_unknown": "bank_account"}


def amount_range_text(low: int, high: int) -> str:
    """«مبلغ باید بین ۱۰٬۰۰۰ ریال و ۵۰۰٬۰۰۰٬۰۰۰ ریال باشد.»"""
    return AMOUNT_RANGE.format(min=rials(low), max=rials(high))


def payment_errors(exc: DomainError, policy: WalletPolicy) -> tuple[dict[str, str], str | None]:
    """The online-payment form's errors: amount problems under the amount, the rest above the form."""
    if exc.code == "amount_out_of_range":
        low = exc.details.get("min", policy.payments.min_amount)
        high = exc.details.get("max", policy.payments.max_amount)
        return {"amount": amount_range_text(int(low), int(high))}, None
    if isinstance(exc, ValidationFailed):
        return form_errors(exc)
    if exc.code in _AMOUNT_CODES:
        return form_errors(exc, "amount")
    return {}, error_text(exc.code)


def deposit_errors(exc: DomainError, policy: WalletPolicy) -> tuple[dict[str, str], str | None]:
    """The deposit-slip form's errors, each under its field; a duplicate slip above the form."""
    if isinstance(exc, ValidationFailed):
        errors: dict[str, str] = {}
        for name, code in exc.fields.items():
            if name == "amount" and code == "amount_out_of_range":
                errors[name] = amount_range_text(policy.deposit_min, policy.deposit_max)
            else:
                errors[name] = field_text(_DEPOSIT_FIELD_TEXTS.get((name, code), code))
        return errors, None
    return form_errors(exc, _SLIP_CODES.get(exc.code))


def service_required_redirect(_request: Req, exc: ServiceRequired) -> Response[Any]:
    """Funding needs an approved profile and the active service: send the person to the next step."""
    if exc.code == "profile_not_approved":
        return redirect("/customer", flash="profile_required")
    return redirect("/services", flash="service_required")


class WalletPages(Controller):
    path = "/wallet"
    include_in_schema = False
    exception_handlers = {ServiceRequired: service_required_redirect}

    async def _page(
        self, request: Req, customer_id: str, extra: dict[str, Any] | None = None, status_code: int = 200
    ) -> Template:
        wallet = await (await resolve(request, GetWallet))(customer_id)
        payments = await (await resolve(request, ListPayments))(customer_id, None, 10)
        deposits = await (await resolve(request, ListDeposits))(customer_id, None, 10)
        policy = await resolve(request, WalletPolicy)
        context: dict[str, Any] = {
            "active_menu": "wallet",
            "wallet": wallet,
            "payments": payments,
            "deposits": deposits,
            "accounts": policy.bank_accounts,
            "payment_min": policy.payments.min_amount,
            "payment_max": policy.payments.max_amount,
            "payment_errors": {},
            "deposit_errors": {},
            "payment_values": {},
            "deposit_values": {},
        }
        context.update(extra or {})
        return await render(request, "wallet/index.html", context, status_code=status_code)

    @get("/")
    async def index(self, request: Req) -> Response[Any] | Template:
        found = await portal_customer(request)
        if found is None:
            return redirect("/login")
        return await self._page(request, found[0])

    @post("/payments")
    @inject
    async def pay(self, request: Req, start_payment: FromDishka[StartPayment]) -> Response[Any] | Template:
        found = await portal_customer(request)
        if found is None:
            return redirect("/login")
        customer_id, user_id, mobile = found
        form = await request.form()
        values = form_values(form, "amount")
        try:
            started = await start_payment(
                customer_id=customer_id, user_id=user_id, amount=parse_amount_field(values["amount"]), mobile=mobile
            )
        except DomainError as exc:
            errors, general = payment_errors(exc, await resolve(request, WalletPolicy))
            return await self._page(
                request,
                customer_id,
                {"payment_errors": errors, "payment_error": general, "payment_values": values},
                status_code=422 if errors else error_status(exc.code),
            )
        return redirect(started.redirect_url)

    @post("/deposits", request_max_body_size=SLIP_UPLOAD_LIMIT)
    @inject
    async def deposit(self, request: Req, submit_deposit: FromDishka[SubmitDepositSlip]) -> Response[Any] | Template:
        found = await portal_customer(request)
        if found is None:
            return redirect("/login")
        customer_id, user_id, _ = found
        form = await request.form()
        values = form_values(form, "bank_account", "amount", "deposit_date", "tracking_number")
        try:
            bank, amount, deposit_date, tracking = parse_deposit_form(form)
            content, filename = await read_slip(form)
            await submit_deposit(
                SubmitDepositCommand(customer_id, user_id, bank, amount, deposit_date, tracking, content, filename)
            )
        except DomainError as exc:
            errors, general = deposit_errors(exc, await resolve(request, WalletPolicy))
            return await self._page(
                request,
                customer_id,
                {"deposit_errors": errors, "deposit_error": general, "deposit_values": values},
                status_code=422 if errors else error_status(exc.code),
            )
        return redirect("/wallet", flash="deposit_submitted")

    @get("/payments/{payment_id:str}/callback")
    @inject
    async def callback_get(
        self, request: Req, complete_payment: FromDishka[CompletePayment], payment_id: FromPath[str]
    ) -> Template:
        return await self._callback(request, complete_payment, payment_id, dict(request.query_params))

    @post("/payments/{payment_id:str}/callback")
    @inject
    async def callback_post(
        self, request: Req, complete_payment: FromDishka[CompletePayment], payment_id: FromPath[str]
    ) -> Template:
        form = await request.form()
        params = {k: v for k, v in form.items() if isinstance(v, str)}
        params.update({k: v for k, v in request.query_params.items() if k not in params})
        return await self._callback(request, complete_payment, payment_id, params)

    async def _callback(
        self, request: Req, complete_payment: CompletePayment, payment_id: str, params: dict[str, str]
    ) -> Template:
        """The payer's return from the gateway: verify, then say what happened.

        The outcome is shown to whoever holds the URL (the payer's session may have
        expired at the bank); the amount, the bank's reference and the balance only to
        the logged-in customer user who started the payment."""
        payment = await complete_payment(payment_id, params)
        found = await caller(request)
        owner = found.user is not None and found.user.id == payment.user_id
        wallet = await (await resolve(request, GetWallet))(payment.customer_id) if owner else None
        return await render(
            request,
            "wallet/payment_result.html",
            {
                "active_menu": "wallet",
                "payment": payment if owner else None,
                "owner": owner,
                "signed_in": found.user is not None,
                "succeeded": payment.status == PaymentStatus.VERIFIED,
                "pending": payment.status == PaymentStatus.PENDING and not payment.bank_said_unpaid,
                "wallet": wallet,
            },
        )

    @get("/statement")
    @inject
    async def statement(
        self, request: Req, get_wallet: FromDishka[GetWallet], get_statement: FromDishka[GetStatement]
    ) -> Response[Any] | Template:
        found = await portal_customer(request)
        if found is None:
            return redirect("/login")
        lines = await described_lines(request, found[0], await get_statement(found[0], None, 200))
        wallet = await get_wallet(found[0])
        return await render(
            request,
            "wallet/statement.html",
            {
                "active_menu": "wallet",
                "lines": lines,
                "wallet": wallet,
                "month_picker": month_picker(datetime.now(UTC)),
            },
        )


class DepositReviewPages(Controller):
    path = "/admin/deposits"
    include_in_schema = False

    @get("/")
    @inject
    async def queue(
        self,
        request: Req,
        deposit_queue: FromDishka[ListDepositQueue],
        customer_names: FromDishka[GetCustomerNames],
        status: FromQuery[str | None] = "pending",
    ) -> Response[Any] | Template:
        found = await caller(request)
        if found.staff is None:
            return redirect("/admin/login")
        await require_staff(request, StaffRole.FINANCE)
        chosen = status if status in ("pending", "approved", "rejected") else None
        items = await deposit_queue(chosen, None, 100)
        names = await customer_names({d.customer_id for d in items})
        return await render(
            request,
            "wallet/admin_deposits.html",
            {"active_menu": "deposits", "deposits": items, "status": chosen, "customer_names": names},
        )

    @get("/{deposit_id:str}")
    async def detail(self, request: Req, deposit_id: FromPath[str]) -> Response[Any] | Template:
        found = await caller(request)
        if found.staff is None:
            return redirect("/admin/login")
        await require_staff(request, StaffRole.FINANCE)
        return await render(request, "wallet/admin_deposit.html", await self._detail_context(request, deposit_id))

    async def _detail_context(self, request: Req, deposit_id: str) -> dict[str, Any]:
        deposit = await (await resolve(request, GetDeposit))(deposit_id, None)
        policy = await resolve(request, WalletPolicy)
        account = next((a for a in policy.bank_accounts if a.key == deposit.bank_account), None)
        names = await (await resolve(request, GetCustomerNames))([deposit.customer_id])
        return {
            "active_menu": "deposits",
            "deposit": deposit,
            "account": account,
            "customer_name": names.get(deposit.customer_id, ""),
        }

    @post("/{deposit_id:str}/approve")
    @inject
    async def approve(
        self, request: Req, approve_deposit: FromDishka[ApproveDepositSlip], deposit_id: FromPath[str]
    ) -> Response[Any] | Template:
        found = await require_staff(request, StaffRole.FINANCE)
        assert found.staff is not None
        try:
            await approve_deposit(deposit_id, found.staff.id)
        except DomainError as exc:
            return await self._detail_with_error(request, deposit_id, exc)
        return redirect("/admin/deposits", flash="deposit_approved")

    @post("/{deposit_id:str}/reject")
    @inject
    async def reject(
        self, request: Req, reject_deposit: FromDishka[RejectDepositSlip], deposit_id: FromPath[str]
    ) -> Response[Any] | Template:
        found = await require_staff(request, StaffRole.FINANCE)
        assert found.staff is not None
        form = await request.form()
        values = form_values(form, "reason")
        try:
            await reject_deposit(deposit_id, found.staff.id, values["reason"])
        except DomainError as exc:
            return await self._detail_with_error(request, deposit_id, exc, values)
        return redirect("/admin/deposits", flash="deposit_rejected")

    async def _detail_with_error(
        self, request: Req, deposit_id: str, exc: DomainError, values: dict[str, str] | None = None
    ) -> Template:
        context = await self._detail_context(request, deposit_id)
        context.update(form_context(exc, "reason" if exc.code == "validation_error" else None, values=values or {}))
        return await render(
            request,
            "wallet/admin_deposit.html",
            context,
            status_code=409 if exc.code in ("invalid_transition", "conflict") else 422,
        )
