"""The approver (not the maker) confirms the request with the code: the request is confirmed as if its owner
had (the hold, the run), and the maker is told. Wrong codes count against the code (at most five)."""

from __future__ import annotations

from kook.application.shared.ports import Clock
from kook.application.teams.approval_texts import format_rials, pending_approval
from kook.application.teams.ports import ApprovalCodes, RequestConfirmation, RequestSummaries, TeamsUnitOfWork
from kook.application.teams.team import Acting
from kook.domain.customers.members import Action, ApprovalStale, require
from kook.domain.identity.one_time_code import CodePurpose, OtpInvalid, raise_for
from kook.domain.messaging.message import Message
from kook.domain.recharges.request import InvalidLines, RequestStatus
from kook.domain.shared.ids import new_id

APPROVAL_DONE = "request_approved"


class ApproveRequest:
    """The approver (not the maker) confirms the request with the code: the request is confirmed as if its owner
    had (the hold, the run), and the maker is told. Wrong codes count against the code (at most five)."""

    def __init__(
        self,
        uow: TeamsUnitOfWork,
        sender: ApprovalCodes,
        clock: Clock,
        confirm: RequestConfirmation,
        summarize: RequestSummaries,
    ) -> None:
        self._uow = uow
        self._sender = sender
        self._clock = clock
        self._confirm = confirm
        self._summarize = summarize

    async def __call__(self, acting: Acting, request_id: str, code: str) -> RequestStatus:
        require(acting.role, Action.APPROVE)
        summary = await self._summarize(request_id, acting.customer_id)
        if summary.invalid:
            raise InvalidLines(summary.invalid)  # before the code is tried: it stays usable
        async with self._uow as uow:
            approval = await pending_approval(uow, acting, request_id)
            if summary.total != approval.total:
                raise ApprovalStale(details={"approved": approval.total, "total": summary.total})
            user = await uow.users.get(acting.user_id)
            latest = await uow.codes.latest(user.mobile, CodePurpose.APPROVAL) if user else None
            if (
                user is None
                or latest is None
                or approval.code_holder != acting.user_id
                or latest.id != approval.code_id
            ):
                raise OtpInvalid()
            outcome = await self._sender.attempt(uow.codes, user.mobile, CodePurpose.APPROVAL, code)
            await uow.commit()  # the try counts whatever its outcome
        raise_for(outcome)
        status = await self._confirm(request_id, acting.customer_id, expected_total=approval.total)
        now = self._clock.now()
        async with self._uow as uow:
            approval = await pending_approval(uow, acting, request_id)
            approval.approve(acting.user_id, now)
            await uow.approvals.put(approval)
            request = await uow.requests.get(request_id, acting.customer_id)
            name = request.name if request else request_id
            await uow.messages.add(
                Message(
                    new_id(),
                    approval.maker_user_id,
                    APPROVAL_DONE,
                    f"درخواست «{name}» تأیید شد",
                    f"درخواست شما به مبلغ {format_rials(approval.total)} ریال تأیید و ثبت نهایی شد.",
                    now,
                    acting.customer_id,
                )
            )
            await uow.audit.record(
                actor=acting.customer_id,
                action="request.approved",
                subject=request_id,
                after={"maker": approval.maker_user_id, "total": approval.total},
            )
            await uow.commit()
        return status
