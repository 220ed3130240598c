"""May the acting member confirm this request alone? A request no longer a draft passes (confirming it again
answers its status); a draft above the threshold needs another member's approval (``approval_required``)."""

from __future__ import annotations

from kook.application.teams.ports import RequestSummaries, TeamsUnitOfWork
from kook.application.teams.team import Acting
from kook.domain.customers.members import Action, Role, require
from kook.domain.recharges.request import RequestStatus
from kook.domain.shared.errors import NotFound


class AuthorizeConfirmation:
    """May the acting member confirm this request alone? A request no longer a draft passes (confirming it again
    answers its status); a draft above the threshold needs another member's approval (``approval_required``)."""

    def __init__(self, uow: TeamsUnitOfWork, summarize: RequestSummaries) -> None:
        self._uow = uow
        self._summarize = summarize

    async def __call__(self, acting: Acting, request_id: str) -> None:
        require(acting.role, Action.CONFIRM)
        async with self._uow as uow:
            request = await uow.requests.get(request_id, acting.customer_id)
            if request is None:
                raise NotFound()
            if request.status is not RequestStatus.DRAFT:
                return
            policy = await uow.policies.get(acting.customer_id)
        if policy.threshold is None and acting.role is not Role.OPERATOR:
            return
        summary = await self._summarize(request_id, acting.customer_id)
        policy.check_confirm(acting.role, summary.total)
