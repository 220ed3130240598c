"""Maker-checker (issue 18): the approval rules, submitting a request for approval, and another member"""

from __future__ import annotations

from kook.application.shared.ports import Clock
from kook.application.teams.ports import TeamsUnitOfWork
from kook.application.teams.team import Acting
from kook.domain.customers.members import Action, ApprovalPolicy, require
from kook.domain.shared.errors import ValidationFailed

MAX_THRESHOLD = 10**15


class SetApprovalPolicy:
    def __init__(self, uow: TeamsUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(self, acting: Acting, threshold: int | None, operator_may_confirm: bool) -> ApprovalPolicy:
        require(acting.role, Action.SETTINGS)
        if threshold is not None and not 0 <= threshold <= MAX_THRESHOLD:
            raise ValidationFailed({"threshold": "out_of_range"})
        policy = ApprovalPolicy(threshold, operator_may_confirm)
        async with self._uow as uow:
            before = await uow.policies.get(acting.customer_id)
            await uow.policies.put(acting.customer_id, policy, self._clock.now())
            await uow.audit.record(
                actor=acting.customer_id,
                action="approval_policy.changed",
                subject=acting.customer_id,
                before={"threshold": before.threshold, "operator_may_confirm": before.operator_may_confirm},
                after={"threshold": threshold, "operator_may_confirm": operator_may_confirm},
            )
            await uow.commit()
        return policy
