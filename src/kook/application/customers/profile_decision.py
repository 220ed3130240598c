"""What approving and rejecting a profile share (SPEC §3, back office).

In one transaction: lock the customer row, check its status, decide, write the
portal message and the audit record (who, what, when, before and after). Two
reviewers deciding at once: the second finds the profile decided and gets
``invalid_transition``. After commit: the SMS to the owner's mobile.
"""

from __future__ import annotations

from dataclasses import dataclass

from kook.application.customers.ports import CustomersUnitOfWork
from kook.application.shared.ports import Clock, SmsSender
from kook.application.shared.sms import send_sms
from kook.domain.customers.customer import REVIEWER_ROLES, Customer
from kook.domain.identity.staff import StaffRole
from kook.domain.messaging.message import Message
from kook.domain.shared.errors import Forbidden, NotFound
from kook.domain.shared.ids import new_id


@dataclass(frozen=True)
class ReviewDecision:
    customer_id: str
    staff_id: str
    staff_role: StaffRole
    reason: str = ""  # required to reject

    @property
    def actor(self) -> str:
        return f"staff:{self.staff_id}"


@dataclass(frozen=True)
class Notice:
    kind: str
    title: str
    body: str
    sms: str


class ProfileDecision:
    action = ""

    def __init__(self, uow: CustomersUnitOfWork, sms: SmsSender, clock: Clock) -> None:
        self._uow = uow
        self._sms = sms
        self._clock = clock

    def _decide(self, customer: Customer, decision: ReviewDecision) -> Notice:
        raise NotImplementedError

    async def __call__(self, decision: ReviewDecision) -> Customer:
        if decision.staff_role not in REVIEWER_ROLES:
            raise Forbidden()
        now = self._clock.now()
        mobile: str | None = None
        async with self._uow as uow:
            customer = await uow.customers.get(decision.customer_id, for_update=True)
            if customer is None:
                raise NotFound()
            before = customer.snapshot()
            notice = self._decide(customer, decision)
            owner = await uow.users.get(customer.owner_user_id)
            await uow.messages.add(
                Message(
                    id=new_id(),
                    user_id=customer.owner_user_id,
                    customer_id=customer.id,
                    kind=notice.kind,
                    title=notice.title,
                    body=notice.body,
                    created_at=now,
                )
            )
            await uow.audit.record(
                actor=decision.actor,
                action=self.action,
                subject=f"customer:{customer.id}",
                before=before,
                after=customer.snapshot(),
            )
            await uow.commit()
            mobile = owner.mobile if owner is not None else None
        if mobile is not None:
            await send_sms(self._sms, mobile, notice.sms)
        return customer
