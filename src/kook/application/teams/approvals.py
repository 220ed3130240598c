"""Maker-checker (issue 18): the approval rules, submitting a request for approval, and another member
approving it with a one-time SMS code (the identity context's codes: same length, life and attempt cap)."""

from __future__ import annotations

from dataclasses import dataclass

from kook.application.identity.code_sender import CodeSender
from kook.application.recharges.confirmation import ConfirmRequest, SummarizeRequest
from kook.application.shared.ports import Clock
from kook.application.teams.members import Acting
from kook.application.teams.ports import TeamsUnitOfWork
from kook.domain.customers.members import (
    Action,
    Approval,
    ApprovalPolicy,
    ApprovalStale,
    ApprovalStatus,
    Role,
    require,
)
from kook.domain.identity.one_time_code import CodePurpose, OtpInvalid, raise_for
from kook.domain.messaging.message import Message
from kook.domain.recharges.request import InvalidLines, RequestStatus
from kook.domain.shared.errors import NotFound, ValidationFailed
from kook.domain.shared.ids import new_id

APPROVAL_REQUESTED = "approval_requested"
APPROVAL_DONE = "request_approved"
MAX_THRESHOLD = 10**15


def format_rials(amount: int) -> str:
    return f"{amount:,}"


class GetApprovalPolicy:
    def __init__(self, uow: TeamsUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, acting: Acting) -> ApprovalPolicy:
        require(acting.role, Action.READ)
        async with self._uow as uow:
            return await uow.policies.get(acting.customer_id)


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


class AuthorizeConfirmation:
    """May the acting member confirm this request alone? A request no longer a draft passes (confirming it again
    answers its status); a draft above the threshold needs another member's approval (``approval_required``)."""

    def __init__(self, uow: TeamsUnitOfWork, summarize: SummarizeRequest) -> None:
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


@dataclass(frozen=True)
class ApprovalView:
    approval: Approval | None
    maker_name: str | None


class GetApproval:
    def __init__(self, uow: TeamsUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, acting: Acting, request_id: str) -> ApprovalView:
        require(acting.role, Action.READ)
        async with self._uow as uow:
            if await uow.requests.get(request_id, acting.customer_id) is None:
                raise NotFound()
            approval = await uow.approvals.get(request_id, acting.customer_id)
            maker = await uow.users.get(approval.maker_user_id) if approval else None
        return ApprovalView(approval, f"{maker.first_name} {maker.last_name}" if maker else None)


class SubmitForApproval:
    """The maker asks for another member's approval; the approvers are told (portal message)."""

    def __init__(self, uow: TeamsUnitOfWork, clock: Clock, summarize: SummarizeRequest) -> None:
        self._uow = uow
        self._clock = clock
        self._summarize = summarize

    async def __call__(self, acting: Acting, request_id: str) -> Approval:
        require(acting.role, Action.CONFIRM)
        summary = await self._summarize(request_id, acting.customer_id)
        if summary.invalid:
            raise InvalidLines(summary.invalid)
        if not summary.valid:
            raise ValidationFailed({"lines": "required"})
        now = self._clock.now()
        async with self._uow as uow:
            request = await uow.requests.get(request_id, acting.customer_id, for_update=True)
            if request is None:
                raise NotFound()
            request.ensure_draft()
            existing = await uow.approvals.get(request_id, acting.customer_id, for_update=True)
            if (
                existing is not None
                and existing.status is ApprovalStatus.PENDING
                and (existing.maker_user_id == acting.user_id and existing.total == summary.total)
            ):
                return existing  # asked again: the same
            approval = Approval(request_id, acting.customer_id, acting.user_id, summary.total, now)
            await uow.approvals.put(approval)
            for member in await uow.members.of_customer(acting.customer_id):
                if member.user_id != acting.user_id and member.role in (Role.OWNER, Role.ADMIN, Role.APPROVER):
                    await uow.messages.add(
                        Message(
                            new_id(),
                            member.user_id,
                            APPROVAL_REQUESTED,
                            f"درخواست «{request.name}» منتظر تأیید شماست",
                            f"مبلغ کل {format_rials(summary.total)} ریال. برای تأیید، صفحهٔ درخواست را باز کنید.",
                            now,
                            acting.customer_id,
                        )
                    )
            await uow.audit.record(
                actor=acting.customer_id,
                action="request.approval_requested",
                subject=request_id,
                after={"total": summary.total},
            )
            await uow.commit()
            return approval


def approval_text(code: str, total: int) -> str:
    return (
        f"کوک\nکد تأیید درخواست به مبلغ {format_rials(total)} ریال: {code}\n"
        "این کد تا ۲ دقیقه معتبر است. آن را به کسی ندهید."
    )


async def _pending(uow: TeamsUnitOfWork, acting: Acting, request_id: str) -> Approval:
    approval = await uow.approvals.get(request_id, acting.customer_id, for_update=True)
    if approval is None or approval.status is not ApprovalStatus.PENDING:
        raise NotFound()
    approval.ensure_not_maker(acting.user_id)
    return approval


class SendApprovalCode:
    """A one-time code to the approver's own mobile, within the identity context's rate limits."""

    def __init__(self, uow: TeamsUnitOfWork, sender: CodeSender) -> None:
        self._uow = uow
        self._sender = sender

    async def __call__(self, acting: Acting, request_id: str, client_address: str) -> None:
        require(acting.role, Action.APPROVE)
        async with self._uow as uow:
            await _pending(uow, acting, request_id)
            user = await uow.users.get(acting.user_id)
            if user is None:
                raise NotFound()
        await self._sender.check_limits(user.mobile, client_address, scope="approval:")
        async with self._uow as uow:
            approval = await _pending(uow, acting, request_id)
            code = await self._sender.issue(uow.codes, user.mobile, CodePurpose.APPROVAL)
            latest = await uow.codes.latest(user.mobile, CodePurpose.APPROVAL)
            approval.code_id = latest.id if latest else None
            approval.code_holder = acting.user_id
            await uow.approvals.put(approval)
            await uow.commit()
            total = approval.total
        await self._sender.send_text(user.mobile, approval_text(code, total), code=code)


class ApproveRequest:
    """The approver (not the maker) confirms the request with the code: the request is confirmed as if its owner
    had (the hold, the run), and the maker is told. Wrong codes count against the code (at most five)."""

    def __init__(
        self,
        uow: TeamsUnitOfWork,
        sender: CodeSender,
        clock: Clock,
        confirm: ConfirmRequest,
        summarize: SummarizeRequest,
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
            approval = await _pending(uow, acting, request_id)
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
            approval = await _pending(uow, acting, request_id)
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
