"""In-memory stand-ins for the customers, services, messaging and audit ports,
and a world that wires their use cases to them.

One ``FakeKookUnitOfWork`` plays the customers, services and messaging units
of work over one "database" (``CustomersState``, which extends the identity
state so the identity fakes for users, staff and the audit log work on it).
Transactions behave as in ``tests.fakes.identity``: ``async with`` works on a
deep copy, ``commit()`` publishes it, leaving without a commit discards it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Self

from kook.application.audit.list_audit_entries import ListAuditEntries
from kook.application.customers.approve_customer_profile import ApproveCustomerProfile
from kook.application.customers.get_customer_for_review import GetCustomerForReview
from kook.application.customers.get_customer_of_user import GetCustomerOfUser
from kook.application.customers.list_customers_for_review import ListCustomersForReview
from kook.application.customers.ports import CustomersUnitOfWork
from kook.application.customers.reject_customer_profile import RejectCustomerProfile
from kook.application.customers.save_customer_draft import SaveCustomerDraft
from kook.application.customers.submit_customer_profile import SubmitCustomerProfile
from kook.application.messaging.count_unread_messages import CountUnreadMessages
from kook.application.messaging.list_messages import ListMessages
from kook.application.messaging.mark_message_read import MarkMessageRead
from kook.application.messaging.notify_customer import NotifyCustomer
from kook.application.messaging.ports import MessagingUnitOfWork, RecipientDirectory
from kook.application.services.activate_service import ActivateService
from kook.application.services.gate import EnterpriseTopupGate
from kook.application.services.get_service_terms import GetServiceTerms
from kook.application.services.list_services import ListServices
from kook.application.services.ports import (
    ActivationRepository,
    ServiceRepository,
    ServicesUnitOfWork,
)
from kook.application.shared.ports import (
    AuditEntry,
    AuditFilter,
    AuditReader,
    CustomerRepository,
    CustomerSummary,
    MessageRepository,
    OwnerAccess,
    Position,
)
from kook.domain.customers.customer import Customer, CustomerStatus, validate_details
from kook.domain.identity.staff import StaffMember, StaffRole
from kook.domain.identity.user import User, UserStatus
from kook.domain.messaging.message import Message
from kook.domain.services.service import Service, ServiceActivation, ServiceTerms
from kook.domain.shared.errors import Conflict
from kook.domain.shared.ids import new_id
from tests.fakes.clock import FakeClock
from tests.fakes.identity import FakeAuditLog, FakeStaffRepository, FakeUserRepository, IdentityState
from tests.fakes.sms import FakeSms

PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")

# A valid form of each kind (check digits and all), as a person would fill it.
NATURAL: dict[str, Any] = {
    "kind": "natural",
    "first_name": "مریم",
    "last_name": "کاظمی",
    "father_name": "حسین",
    "national_code": "0499370899",
    "birth_date": "1370/05/12",
    "postal_code": "1966943614",
    "address": "تهران، خیابان ولیعصر، کوچه نگار، پلاک ۱۲",
    "phone": "02188776655",
    "email": "maryam@Example.IR",
}

LEGAL: dict[str, Any] = {
    "kind": "legal",
    "company_name": "شرکت بازرگانی آرمان تجارت پارس",
    "national_id": "10380284790",
    "registration_number": "456789",
    "economic_code": "411111111111",
    "postal_code": "1966943614",
    "address": "تهران، خیابان ولیعصر، بالاتر از میدان ونک، پلاک ۱۲",
    "phone": "021-44200953",
    "representative_name": "سارا محمدی",
    "representative_national_code": "0499370899",
    "representative_mobile": "09121110000",
}


def persian(values: dict[str, Any]) -> dict[str, Any]:
    """The same form typed with Persian digits."""
    return {k: v.translate(PERSIAN_DIGITS) if isinstance(v, str) else v for k, v in values.items()}


TERMS_V1 = "قوانین و شرایط سرویس شارژ سازمانی (نسخه ۱)"


def seeded_services() -> dict[str, Service]:
    """What migration 0002 seeds."""
    return {
        "enterprise_topup": Service(
            code="enterprise_topup",
            title="سرویس شارژ سازمانی",
            description="خرید گروهی شارژ و بستهٔ اینترنت",
            activatable=True,
            sort_order=1,
            current_terms_version="1",
        ),
        "topup_gateway": Service(
            code="topup_gateway",
            title="سرویس درگاه شارژ",
            description="درگاه شارژ راهکار دیگری از کوک است.",
            activatable=False,
            sort_order=2,
            contact_phone="021-44200953",
        ),
    }


@dataclass
class CustomersState(IdentityState):
    customers: dict[str, Customer] = field(default_factory=dict)
    messages: dict[str, Message] = field(default_factory=dict)
    services: dict[str, Service] = field(default_factory=seeded_services)
    terms: dict[tuple[str, str], ServiceTerms] = field(
        default_factory=lambda: {
            ("enterprise_topup", "1"): ServiceTerms(
                service_code="enterprise_topup",
                version="1",
                text=TERMS_V1,
                published_at=datetime(2026, 5, 19, tzinfo=UTC),
            )
        }
    )
    activations: list[ServiceActivation] = field(default_factory=list)


def _after(key: Position, position: Position | None, ascending: bool) -> bool:
    if position is None:
        return True
    return key > position if ascending else key < position


class FakeCustomerRepository(CustomerRepository):
    def __init__(self, state: Any) -> None:
        self._state = state

    async def get(self, customer_id: str, *, for_update: bool = False) -> Customer | None:
        found: Customer | None = self._state().customers.get(customer_id)
        return found

    async def of_owner(self, user_id: str, *, for_update: bool = False) -> Customer | None:
        return next((c for c in self._state().customers.values() if c.owner_user_id == user_id), None)

    async def add(self, customer: Customer) -> None:
        customers = self._state().customers
        if customer.id in customers or any(c.owner_user_id == customer.owner_user_id for c in customers.values()):
            raise Conflict()  # the unique constraint on owner_user_id
        customers[customer.id] = customer

    async def names(self, customer_ids: Collection[str]) -> dict[str, str]:
        customers = self._state().customers
        return {i: customers[i].display_name for i in customer_ids if i in customers}

    async def summaries(
        self, status: CustomerStatus | None, *, after: Position | None, limit: int
    ) -> list[CustomerSummary]:
        state = self._state()
        ascending = status == CustomerStatus.SUBMITTED
        rows = [c for c in state.customers.values() if status is None or c.status == status]
        rows.sort(key=lambda c: (c.status_changed_at, c.id), reverse=not ascending)
        result = []
        for c in rows:
            if not _after((c.status_changed_at, c.id), after, ascending):
                continue
            owner = state.users.get(c.owner_user_id)
            result.append(
                CustomerSummary(
                    id=c.id,
                    kind=c.kind,
                    status=c.status,
                    display_name=c.display_name,
                    identifier=c.identifier,
                    owner_mobile=owner.mobile if owner else "",
                    owner_name=f"{owner.first_name} {owner.last_name}" if owner else "",
                    status_changed_at=c.status_changed_at,
                    submitted_at=c.submitted_at,
                    decided_at=c.decided_at,
                )
            )
        return result[:limit]


class FakeMessageRepository(MessageRepository):
    def __init__(self, state: Any) -> None:
        self._state = state

    async def add(self, message: Message) -> None:
        self._state().messages[message.id] = message

    async def get(self, message_id: str, *, for_update: bool = False) -> Message | None:
        found: Message | None = self._state().messages.get(message_id)
        return found

    async def for_user(
        self, user_id: str, *, before: Position | None, limit: int, unread_only: bool = False
    ) -> list[Message]:
        rows = [
            m
            for m in self._state().messages.values()
            if m.user_id == user_id and (not unread_only or m.read_at is None)
        ]
        rows.sort(key=lambda m: (m.created_at, m.id), reverse=True)
        return [m for m in rows if _after((m.created_at, m.id), before, False)][:limit]

    async def unread_count(self, user_id: str) -> int:
        return sum(1 for m in self._state().messages.values() if m.user_id == user_id and m.read_at is None)

    async def mark_all_read(self, user_id: str, now: datetime) -> int:
        marked = [m for m in self._state().messages.values() if m.user_id == user_id and m.mark_read(now)]
        return len(marked)

    async def announce_to_all(self, title: str, body: str, now: datetime, new_id: Callable[[], str]) -> int:
        count = 0
        for customer in list(self._state().customers.values()):
            message = Message(new_id(), customer.owner_user_id, "announcement", title, body, now, customer.id)
            self._state().messages[message.id] = message
            count += 1
        return count

    def to(self, user_id: str) -> list[Message]:
        return sorted((m for m in self._state().messages.values() if m.user_id == user_id), key=lambda m: m.created_at)


class FakeRecipientDirectory(RecipientDirectory):
    def __init__(self, state: Any) -> None:
        self._state = state

    async def of_customer(self, customer_id: str) -> tuple[str, str] | None:
        state = self._state()
        customer = state.customers.get(customer_id)
        owner = state.users.get(customer.owner_user_id) if customer else None
        return (owner.id, owner.mobile) if owner else None


class FakeServiceRepository(ServiceRepository):
    def __init__(self, state: Any) -> None:
        self._state = state

    async def all(self) -> list[Service]:
        return sorted(self._state().services.values(), key=lambda s: (s.sort_order, s.code))

    async def get(self, code: str) -> Service | None:
        found: Service | None = self._state().services.get(code)
        return found

    async def terms(self, code: str, version: str) -> ServiceTerms | None:
        found: ServiceTerms | None = self._state().terms.get((code, version))
        return found


class FakeActivationRepository(ActivationRepository):
    def __init__(self, state: Any) -> None:
        self._state = state

    async def for_customer(self, customer_id: str) -> list[ServiceActivation]:
        return [a for a in self._state().activations if a.customer_id == customer_id]

    async def get(self, customer_id: str, service_code: str) -> ServiceActivation | None:
        return next(
            (a for a in self._state().activations if (a.customer_id, a.service_code) == (customer_id, service_code)),
            None,
        )

    async def access_of_owner(self, user_id: str, service_code: str) -> OwnerAccess | None:
        customer = next((c for c in self._state().customers.values() if c.owner_user_id == user_id), None)
        if customer is None:
            return None
        return OwnerAccess(customer.id, customer.is_approved, await self.get(customer.id, service_code) is not None)

    async def add(self, activation: ServiceActivation) -> None:
        if await self.get(activation.customer_id, activation.service_code) is not None:
            raise Conflict()
        self._state().activations.append(activation)


class FakeKookUnitOfWork(CustomersUnitOfWork, ServicesUnitOfWork, MessagingUnitOfWork):
    customers: FakeCustomerRepository
    users: FakeUserRepository
    staff: FakeStaffRepository
    messages: FakeMessageRepository
    audit: FakeAuditLog
    services: FakeServiceRepository
    activations: FakeActivationRepository
    recipients: FakeRecipientDirectory

    def __init__(self, clock: FakeClock, state: CustomersState | None = None) -> None:
        self._committed_state = state or CustomersState()
        self._working: CustomersState | None = None
        self.committed = 0
        self.customers = FakeCustomerRepository(self._state)
        self.users = FakeUserRepository(self._state)
        self.staff = FakeStaffRepository(self._state)
        self.messages = FakeMessageRepository(self._state)
        self.audit = FakeAuditLog(self._state, clock)
        self.services = FakeServiceRepository(self._state)
        self.activations = FakeActivationRepository(self._state)
        self.recipients = FakeRecipientDirectory(self._state)

    def _state(self) -> CustomersState:
        return self._working if self._working is not None else self._committed_state

    @property
    def state(self) -> CustomersState:
        return self._committed_state

    async def __aenter__(self) -> Self:
        if self._working is not None:
            raise RuntimeError("unit of work is not re-entrant")
        self._working = copy.deepcopy(self._committed_state)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._working = None

    async def commit(self) -> None:
        if self._working is None:
            raise RuntimeError("commit outside 'async with'")
        self._committed_state = copy.deepcopy(self._working)
        self.committed += 1


class FakeAuditReader(AuditReader):
    def __init__(self, uow: FakeKookUnitOfWork) -> None:
        self._uow = uow

    async def entries(self, filter: AuditFilter, *, before_id: int | None, limit: int) -> list[AuditEntry]:
        rows = []
        for index, record in enumerate(self._uow.state.audit, start=1):
            if filter.actor and record.actor != filter.actor:
                continue
            if filter.action and record.action != filter.action:
                continue
            if filter.subject and record.subject != filter.subject:
                continue
            if before_id is not None and index >= before_id:
                continue
            assert record.at is not None
            rows.append(
                AuditEntry(
                    id=index,
                    at=record.at,
                    actor=record.actor,
                    action=record.action,
                    subject=record.subject,
                    before=record.before,
                    after=record.after,
                    actor_label=record.actor,
                )
            )
        return list(reversed(rows))[:limit]


TODAY = date(2026, 5, 22)


class CustomersWorld:
    """Every use case of the customers, services and messaging contexts on the fakes above."""

    def __init__(self) -> None:
        self.clock = FakeClock()
        self.sms = FakeSms()
        self.uow = FakeKookUnitOfWork(self.clock)
        self.audit_reader = FakeAuditReader(self.uow)

        self.get_customer_of_user = GetCustomerOfUser(self.uow)
        self.save_draft = SaveCustomerDraft(self.uow, self.clock)
        self.submit = SubmitCustomerProfile(self.uow, self.clock)
        self.list_for_review = ListCustomersForReview(self.uow)
        self.get_for_review = GetCustomerForReview(self.uow, self.audit_reader)
        self.approve = ApproveCustomerProfile(self.uow, self.sms, self.clock)
        self.reject = RejectCustomerProfile(self.uow, self.sms, self.clock)
        self.list_services = ListServices(self.uow)
        self.get_terms = GetServiceTerms(self.uow)
        self.activate = ActivateService(self.uow, self.clock)
        self.gate = EnterpriseTopupGate(self.uow)
        self.list_messages = ListMessages(self.uow)
        self.count_unread = CountUnreadMessages(self.uow)
        self.mark_read = MarkMessageRead(self.uow, self.clock)
        self.notifier = NotifyCustomer(self.uow, self.sms, self.clock)
        self.list_audit = ListAuditEntries(self.audit_reader)

    # -- arrange -------------------------------------------------------------------
    async def given_user(self, mobile: str = "09121234567") -> User:
        now = self.clock.now()
        user = User(
            id=new_id(),
            mobile=mobile,
            first_name="سارا",
            last_name="احمدی",
            password_hash="x",
            status=UserStatus.ACTIVE,
            created_at=now,
            activated_at=now,
        )
        await self.uow.users.add(user)
        return user

    async def given_staff(self, role: StaffRole, mobile: str = "09351234567") -> StaffMember:
        staff = StaffMember(id=new_id(), mobile=mobile, role=role, password_hash="x", created_at=self.clock.now())
        await self.uow.staff.add(staff)
        return staff

    async def given_customer(
        self, user: User, values: dict[str, Any], status: CustomerStatus = CustomerStatus.DRAFT
    ) -> Customer:
        customer = Customer.start(
            id=new_id(), owner_user_id=user.id, details=validate_details(values, TODAY), now=self.clock.now()
        )
        customer.status = status
        await self.uow.customers.add(customer)
        return customer

    # -- look ----------------------------------------------------------------------
    def stored(self, customer_id: str) -> Customer:
        return self.uow.state.customers[customer_id]
