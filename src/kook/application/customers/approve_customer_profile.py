from __future__ import annotations

from kook.application.customers.profile_decision import Notice, ProfileDecision, ReviewDecision
from kook.application.customers.texts import approved_message, approved_sms
from kook.domain.customers.customer import Customer
from kook.domain.messaging.message import MessageKind


class ApproveCustomerProfile(ProfileDecision):
    """A reviewer (or admin) approves a submitted profile."""

    action = "customer.approve"

    def _decide(self, customer: Customer, decision: ReviewDecision) -> Notice:
        customer.approve(decision.actor, self._clock.now())
        title, body = approved_message()
        return Notice(kind=MessageKind.PROFILE_APPROVED.value, title=title, body=body, sms=approved_sms())
