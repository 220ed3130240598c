"""A one-time code to the approver's own mobile, within the identity context's rate limits."""

from __future__ import annotations

from kook.application.teams.approval_texts import format_rials, pending_approval
from kook.application.teams.ports import ApprovalCodes, TeamsUnitOfWork
from kook.application.teams.team import Acting
from kook.domain.customers.members import Action, require
from kook.domain.identity.one_time_code import CodePurpose
from kook.domain.shared.errors import NotFound


def approval_text(code: str, total: int) -> str:
    return (
        f"کوک\nکد تأیید درخواست به مبلغ {format_rials(total)} ریال: {code}\n"
        "این کد تا ۲ دقیقه معتبر است. آن را به کسی ندهید."
    )


class SendApprovalCode:
    """A one-time code to the approver's own mobile, within the identity context's rate limits."""

    def __init__(self, uow: TeamsUnitOfWork, sender: ApprovalCodes) -> None:
        self._uow = uow
        self._sender = sender

    async def __call__(self, acting: Acting, request_id: str, client_address: str) -> None:
        require(acting.role, Action.APPROVE)
        async with self._uow as uow:
            await pending_approval(uow, acting, request_id)
            user = await uow.users.get(acting.user_id)
            if user is None:
                raise NotFound()
        await self._sender.check_limits(user.mobile, client_address, scope="approval:")
        async with self._uow as uow:
            approval = await pending_approval(uow, acting, request_id)
            code = await self._sender.issue(uow.codes, user.mobile, CodePurpose.APPROVAL)
            latest = await uow.codes.latest(user.mobile, CodePurpose.APPROVAL)
            approval.code_id = latest.id if latest else None
            approval.code_holder = acting.user_id
            await uow.approvals.put(approval)
            await uow.commit()
            total = approval.total
        await self._sender.send_text(user.mobile, approval_text(code, total), code=code)
