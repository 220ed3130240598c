"""The Persian portal's customer pages: the customer form (/customer), and the
back office's review queue, submission detail with approve / reject, and the
audit log."""

from __future__ import annotations

from typing import Any

from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from kook.application.audit.list_audit_entries import ListAuditEntries
from kook.application.customers.approve_customer_profile import ApproveCustomerProfile
from kook.application.customers.get_customer_for_review import GetCustomerForReview
from kook.application.customers.get_customer_of_user import GetCustomerOfUser
from kook.application.customers.list_customers_for_review import ListCustomersForReview
from kook.application.customers.profile_decision import ReviewDecision
from kook.application.customers.reject_customer_profile import RejectCustomerProfile
from kook.application.customers.save_customer_draft import SaveCustomerDraft, SaveCustomerDraftCommand
from kook.application.customers.submit_customer_profile import SubmitCustomerProfile
from kook.application.shared.ports import AuditFilter
from kook.domain.customers.customer import FORM_FIELDS, Customer, CustomerStatus, form_values
from kook.domain.shared.errors import DomainError, ValidationFailed
from kook.entrypoints.http.api.customers import (
    PAGE,
    parse_status,
    require_admin,
    require_reviewer,
)
from kook.entrypoints.http.context import caller, resolve
from kook.entrypoints.http.cursors import decode_cursor, decode_id_cursor, encode_cursor
from kook.entrypoints.http.messages import AUDIT_ACTIONS, error_status
from kook.entrypoints.http.web.audit_view import audit_rows
from kook.entrypoints.http.web.rendering import form_context, form_errors, redirect, render
from kook.entrypoints.http.web.rendering import form_values as read_form

Req = Request[Any, Any, Any]


class CustomerPages(Controller):
    path = "/customer"
    include_in_schema = False

    @get("/")
    @inject
    async def form(self, request: Req, get_customer_of_user: FromDishka[GetCustomerOfUser]) -> Response[Any] | Template:
        found = await caller(request)
        if found.user is None:
            return redirect("/admin" if found.staff else "/login")
        customer = await get_customer_of_user(found.user.id)
        values = form_values(customer) if customer else {"kind": _kind(request.query_params.get("kind"))}
        return await self._page(request, customer, values)

    async def _page(
        self,
        request: Req,
        customer: Customer | None,
        values: dict[str, str],
        extra: dict[str, Any] | None = None,
        status_code: int = 200,
    ) -> Template:
        context: dict[str, Any] = {
            "active_menu": "customer",
            "customer": customer,
            "editable": customer is None or customer.is_editable,
            "values": values,
        }
        context.update(extra or {})
        return await render(request, "customers/form.html", context, status_code=status_code)

    @post("/")
    @inject
    async def save(self, request: Req, save_customer_draft: FromDishka[SaveCustomerDraft]) -> Response[Any] | Template:
        found = await caller(request)
        if found.user is None:
            return redirect("/login")
        form = await request.form()
        values = read_form(form, *FORM_FIELDS)
        values["kind"] = _kind(values["kind"])
        submit = form.get("action") == "submit"
        try:
            customer = await save_customer_draft(
                SaveCustomerDraftCommand(user_id=found.user.id, values=values, submit=submit)
            )
        except DomainError as exc:
            errors, general = form_errors(exc)
            current = await (await resolve(request, GetCustomerOfUser))(found.user.id)
            if not isinstance(exc, ValidationFailed) and current is not None:
                values = form_values(current)
            return await self._page(
                request,
                current,
                values,
                {"errors": errors, "form_error": general or (_SUMMARY if errors else None)},
                status_code=error_status(exc.code),
            )
        return redirect(
            "/customer", flash="customer_submitted" if customer.status == CustomerStatus.SUBMITTED else "customer_saved"
        )

    @post("/submit")
    @inject
    async def submit(
        self, request: Req, submit_customer_profile: FromDishka[SubmitCustomerProfile]
    ) -> Response[Any] | Template:
        found = await caller(request)
        if found.user is None:
            return redirect("/login")
        await submit_customer_profile(found.user.id)
        return redirect("/customer", flash="customer_submitted")


_SUMMARY = "برخی از اطلاعات واردشده درست نیست. خطای هر فیلد زیر همان فیلد آمده است."


def _kind(value: str | None) -> str:
    return "legal" if value == "legal" else "natural"


class CustomerReviewPages(Controller):
    path = "/admin/customers"
    include_in_schema = False

    @get("/")
    @inject
    async def queue(
        self,
        request: Req,
        list_customers_for_review: FromDishka[ListCustomersForReview],
        status: FromQuery[str | None] = "submitted",
        cursor: FromQuery[str | None] = None,
    ) -> Template:
        await require_reviewer(request)
        wanted = parse_status(status or "submitted")
        items = await list_customers_for_review(wanted, after=decode_cursor(cursor), limit=PAGE + 1)
        page = items[:PAGE]
        return await render(
            request,
            "customers/admin_queue.html",
            {
                "active_menu": "customers",
                "items": page,
                "status": wanted.value if wanted else "all",
                "next_cursor": encode_cursor(*page[-1].position) if len(items) > PAGE else None,
            },
        )

    async def _detail(
        self, request: Req, customer_id: str, extra: dict[str, Any] | None = None, status_code: int = 200
    ) -> Template:
        review = await (await resolve(request, GetCustomerForReview))(customer_id)
        context: dict[str, Any] = {"active_menu": "customers", "review": review}
        context.update(extra or {})
        return await render(request, "customers/admin_detail.html", context, status_code=status_code)

    @get("/{customer_id:str}")
    async def detail(self, request: Req, customer_id: FromPath[str]) -> Template:
        await require_reviewer(request)
        return await self._detail(request, customer_id)

    @post("/{customer_id:str}/approve")
    @inject
    async def approve(
        self, request: Req, approve_customer_profile: FromDishka[ApproveCustomerProfile], customer_id: FromPath[str]
    ) -> Response[Any] | Template:
        staff = await require_reviewer(request)
        try:
            await approve_customer_profile(
                ReviewDecision(customer_id=customer_id, staff_id=staff.id, staff_role=staff.role)
            )
        except DomainError as exc:
            if exc.code in ("not_found", "forbidden"):
                raise
            _errors, general = form_errors(exc)
            return await self._detail(request, customer_id, {"form_error": general}, error_status(exc.code))
        return redirect("/admin/customers", flash="customer_approved")

    @post("/{customer_id:str}/reject")
    @inject
    async def reject(
        self, request: Req, reject_customer_profile: FromDishka[RejectCustomerProfile], customer_id: FromPath[str]
    ) -> Response[Any] | Template:
        staff = await require_reviewer(request)
        form = await request.form()
        values = read_form(form, "reason")
        try:
            await reject_customer_profile(
                ReviewDecision(
                    customer_id=customer_id, staff_id=staff.id, staff_role=staff.role, reason=values["reason"]
                )
            )
        except DomainError as exc:
            if exc.code in ("not_found", "forbidden"):
                raise
            return await self._detail(request, customer_id, form_context(exc, values=values), error_status(exc.code))
        return redirect("/admin/customers", flash="customer_rejected")


class AuditPages(Controller):
    path = "/admin/audit"
    include_in_schema = False

    @get("/")
    @inject
    async def audit(
        self,
        request: Req,
        list_audit_entries: FromDishka[ListAuditEntries],
        cursor: FromQuery[str | None] = None,
        action: FromQuery[str | None] = None,
        subject: FromQuery[str | None] = None,
    ) -> Template:
        await require_admin(request)
        size = PAGE * 2
        entries = await list_audit_entries(
            AuditFilter(action=action or None, subject=subject or None),
            before_id=decode_id_cursor(cursor),
            limit=size + 1,
        )
        page = entries[:size]
        return await render(
            request,
            "customers/admin_audit.html",
            {
                "active_menu": "audit",
                "entries": page,
                "rows": audit_rows(page),
                "actions": AUDIT_ACTIONS,
                "next_cursor": str(page[-1].id) if len(entries) > size else None,
                "filters": {"action": action or "", "subject": subject or ""},
            },
        )
