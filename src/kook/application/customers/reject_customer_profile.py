from __future__ import annotations

from kook.application.customers.profile_decision import Notice, ProfileDecision, ReviewDecision
from kook.application.customers.texts import rejected_message, rejected_sms
from kook.domain.customers.customer import Customer
from kook.domain.messaging.message import MessageKind


class RejectCustomerProfile(ProfileDecision):
    """A reviewer (or admin) rejects a submitted profile with a reason (3–500 characters)."""

    action = "customer.reject"

    def _decide(self, customer: Customer, decision: ReviewDecision) -> Notice:
        customer.reject(decision.actor, decision.reason, self._clock.now())
        reason = customer.rejection_reason or ""
        title, body = rejected_message(reason)
        return Notice(kind=MessageKind.PROFILE_REJECTED.value, title=title, body=body, sms=rejected_sms(reason))
