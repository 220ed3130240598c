"""JSON API: the customer's own profile, and the back office's review and audit log (API.md)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Request, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody

from kook.application.audit.list_audit_entries import ListAuditEntries
from kook.application.customers.approve_customer_profile import ApproveCustomerProfile
from kook.application.customers.get_customer_for_review import GetCustomerForReview
from kook.application.customers.get_customer_of_user import GetCustomerOfUser
from kook.application.customers.list_customers_for_review import ListCustomersForReview
from kook.application.customers.profile_decision import ReviewDecision
from kook.application.customers.reject_customer_profile import RejectCustomerProfile
from kook.application.customers.save_customer_draft import SaveCustomerDraft, SaveCustomerDraftCommand
from kook.application.customers.submit_customer_profile import SubmitCustomerProfile
from kook.application.shared.ports import AuditEntry, AuditFilter, CustomerSummary
from kook.domain.customers.customer import Customer, CustomerKind, CustomerStatus
from kook.domain.identity.staff import StaffMember, StaffRole
from kook.domain.shared.errors import Forbidden, NotFound, ValidationFailed
from kook.entrypoints.http.context import caller, require_staff, require_user
from kook.entrypoints.http.cursors import decode_cursor, decode_id_cursor, encode_cursor

Req = Request[Any, Any, Any]
Text = Annotated[str, msgspec.Meta(max_length=1000)]
PAGE = 20


# --------------------------------------------------------------------------- schemas


class CustomerBody(msgspec.Struct, forbid_unknown_fields=False):
    """The draft. ``kind`` picks which fields count; dates as Jalali ``1370-05-12`` (or ISO)."""

    kind: Text | None = None
    first_name: Text | None = None
    last_name: Text | None = None
    father_name: Text | None = None
    national_code: Text | None = None
    birth_date: Text | None = None
    email: Text | None = None
    company_name: Text | None = None
    national_id: Text | None = None
    registration_number: Text | None = None
    economic_code: Text | None = None
    representative_name: Text | None = None
    representative_national_code: Text | None = None
    representative_mobile: Text | None = None
    postal_code: Text | None = None
    address: Text | None = None
    phone: Text | None = None


class CustomerOut(msgspec.Struct, omit_defaults=True):
    id: str
    kind: str
    status: str
    rejection_reason: str | None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    decided_at: datetime | None
    postal_code: str | None = None
    address: str | None = None
    phone: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    father_name: str | None = None
    national_code: str | None = None
    birth_date: str | None = None  # Jalali, as the form takes it
    birth_date_iso: date | None = None
    email: str | None = None
    company_name: str | None = None
    national_id: str | None = None
    registration_number: str | None = None
    economic_code: str | None = None
    representative_name: str | None = None
    representative_national_code: str | None = None
    representative_mobile: str | None = None


class StatusOut(msgspec.Struct):
    id: str
    status: str
    rejection_reason: str | None = None


def customer_out(customer: Customer) -> CustomerOut:
    jalali = customer.birth_date_jalali
    out = CustomerOut(
        id=customer.id,
        kind=customer.kind.value,
        status=customer.status.value,
        rejection_reason=customer.rejection_reason,
        created_at=customer.created_at,
        updated_at=customer.updated_at,
        submitted_at=customer.submitted_at,
        decided_at=customer.decided_at,
        postal_code=customer.postal_code,
        address=customer.address,
        phone=customer.phone,
    )
    if customer.kind == CustomerKind.NATURAL:
        out.first_name = customer.first_name
        out.last_name = customer.last_name
        out.father_name = customer.father_name
        out.national_code = customer.national_code
        out.birth_date = jalali.isoformat() if jalali else None
        out.birth_date_iso = customer.birth_date
        out.email = customer.email
    else:
        out.company_name = customer.company_name
        out.national_id = customer.national_id
        out.registration_number = customer.registration_number
        out.economic_code = customer.economic_code
        out.representative_name = customer.representative_name
        out.representative_national_code = customer.representative_national_code
        out.representative_mobile = customer.representative_mobile
    return out


class SummaryOut(msgspec.Struct):
    id: str
    kind: str
    status: str
    name: str
    identifier: str
    owner_mobile: str
    owner_name: str
    submitted_at: datetime | None
    decided_at: datetime | None


class SummaryList(msgspec.Struct):
    items: list[SummaryOut]
    next_cursor: str | None


class PersonOut(msgspec.Struct):
    id: str
    mobile: str
    name: str


class AuditOut(msgspec.Struct):
    id: int
    at: datetime
    actor: str
    actor_label: str
    action: str
    subject: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    address: str | None = None  # the client address the action came from; null for background work


class AuditList(msgspec.Struct):
    items: list[AuditOut]
    next_cursor: str | None


class ReviewOut(msgspec.Struct):
    customer: CustomerOut
    owner: PersonOut | None
    decided_by: PersonOut | None
    history: list[AuditOut]


class RejectBody(msgspec.Struct):
    reason: Annotated[str, msgspec.Meta(max_length=2000)] = ""


def summary_out(item: CustomerSummary) -> SummaryOut:
    return SummaryOut(
        id=item.id,
        kind=item.kind.value,
        status=item.status.value,
        name=item.display_name,
        identifier=item.identifier,
        owner_mobile=item.owner_mobile,
        owner_name=item.owner_name,
        submitted_at=item.submitted_at,
        decided_at=item.decided_at,
    )


def audit_out(entry: AuditEntry) -> AuditOut:
    return AuditOut(
        id=entry.id,
        at=entry.at,
        actor=entry.actor,
        actor_label=entry.actor_label,
        action=entry.action,
        subject=entry.subject,
        before=entry.before,
        after=entry.after,
        address=entry.address,
    )


def parse_status(value: str | None) -> CustomerStatus | None:
    if not value or value == "all":
        return None
    try:
        return CustomerStatus(value)
    except ValueError:
        raise ValidationFailed({"status": "invalid"}) from None


# --------------------------------------------------------------------------- who may


async def require_reviewer(request: Req) -> StaffMember:
    """A reviewer or an admin. A customer's session is refused (403), never let in."""
    if (await caller(request)).user is not None:
        raise Forbidden()
    found = await require_staff(request, StaffRole.REVIEWER)
    assert found.staff is not None
    return found.staff


async def require_admin(request: Req) -> StaffMember:
    if (await caller(request)).user is not None:
        raise Forbidden()
    found = await require_staff(request, StaffRole.ADMIN)
    assert found.staff is not None
    return found.staff


# --------------------------------------------------------------------------- the customer's own


class CustomerController(Controller):
    path = "/api/v1/customer"
    tags = ["customers"]

    @get("/")
    @inject
    async def get_customer(self, request: Req, get_customer_of_user: FromDishka[GetCustomerOfUser]) -> CustomerOut:
        found = await require_user(request)
        assert found.user is not None
        customer = await get_customer_of_user(found.user.id)
        if customer is None:
            raise NotFound()
        return customer_out(customer)

    @put("/")
    @inject
    async def put_customer(
        self, request: Req, save_customer_draft: FromDishka[SaveCustomerDraft], data: JSONBody[CustomerBody]
    ) -> CustomerOut:
        found = await require_user(request)
        assert found.user is not None
        values = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not None}
        customer = await save_customer_draft(SaveCustomerDraftCommand(user_id=found.user.id, values=values))
        return customer_out(customer)

    @post("/submit", status_code=200)
    @inject
    async def submit(self, request: Req, submit_customer_profile: FromDishka[SubmitCustomerProfile]) -> StatusOut:
        found = await require_user(request)
        assert found.user is not None
        customer = await submit_customer_profile(found.user.id)
        return StatusOut(id=customer.id, status=customer.status.value)


# --------------------------------------------------------------------------- back office


class AdminCustomersController(Controller):
    path = "/api/v1/admin/customers"
    tags = ["back office"]

    @get("/")
    @inject
    async def queue(
        self,
        request: Req,
        list_customers_for_review: FromDishka[ListCustomersForReview],
        status: FromQuery[str | None] = None,
        cursor: FromQuery[str | None] = None,
    ) -> SummaryList:
        await require_reviewer(request)
        wanted = parse_status(status)
        items = await list_customers_for_review(wanted, after=decode_cursor(cursor), limit=PAGE + 1)
        page = items[:PAGE]
        next_cursor = encode_cursor(*page[-1].position) if len(items) > PAGE else None
        return SummaryList(items=[summary_out(i) for i in page], next_cursor=next_cursor)

    @get("/{customer_id:str}")
    @inject
    async def detail(
        self, request: Req, get_customer_for_review: FromDishka[GetCustomerForReview], customer_id: FromPath[str]
    ) -> ReviewOut:
        await require_reviewer(request)
        review = await get_customer_for_review(customer_id)
        owner = review.owner
        staff = review.decided_by
        return ReviewOut(
            customer=customer_out(review.customer),
            owner=PersonOut(id=owner.id, mobile=owner.mobile, name=f"{owner.first_name} {owner.last_name}")
            if owner
            else None,
            decided_by=PersonOut(id=staff.id, mobile=staff.mobile, name=staff.role.value) if staff else None,
            history=[audit_out(e) for e in review.history],
        )

    @post("/{customer_id:str}/approve", status_code=200)
    @inject
    async def approve(
        self, request: Req, approve_customer_profile: FromDishka[ApproveCustomerProfile], customer_id: FromPath[str]
    ) -> StatusOut:
        staff = await require_reviewer(request)
        customer = await approve_customer_profile(
            ReviewDecision(customer_id=customer_id, staff_id=staff.id, staff_role=staff.role)
        )
        return StatusOut(id=customer.id, status=customer.status.value)

    @post("/{customer_id:str}/reject", status_code=200)
    @inject
    async def reject(
        self,
        request: Req,
        reject_customer_profile: FromDishka[RejectCustomerProfile],
        customer_id: FromPath[str],
        data: JSONBody[RejectBody],
    ) -> StatusOut:
        staff = await require_reviewer(request)
        customer = await reject_customer_profile(
            ReviewDecision(customer_id=customer_id, staff_id=staff.id, staff_role=staff.role, reason=data.reason)
        )
        return StatusOut(id=customer.id, status=customer.status.value, rejection_reason=customer.rejection_reason)


class AdminAuditController(Controller):
    path = "/api/v1/admin/audit"
    tags = ["back office"]

    @get("/")
    @inject
    async def entries(
        self,
        request: Req,
        list_audit_entries: FromDishka[ListAuditEntries],
        cursor: FromQuery[str | None] = None,
        actor: FromQuery[str | None] = None,
        action: FromQuery[str | None] = None,
        subject: FromQuery[str | None] = None,
    ) -> AuditList:
        await require_admin(request)
        before_id = decode_id_cursor(cursor)
        items = await list_audit_entries(
            AuditFilter(actor=actor or None, action=action or None, subject=subject or None),
            before_id=before_id,
            limit=PAGE * 2 + 1,
        )
        page = items[: PAGE * 2]
        next_cursor = str(page[-1].id) if len(items) > len(page) else None
        return AuditList(items=[audit_out(e) for e in page], next_cursor=next_cursor)
