"""JSON API: a customer's members and roles, invitations, the approval rules and approvals (issue 18).

The role each route needs is checked once, at the door (``entrypoints/http/roles.py``); the use cases check it
again for their own action.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Request, delete, get, patch, post, put
from litestar.params import FromPath, JSONBody

from kook.application.teams.accept_invitation import AcceptInvitation
from kook.application.teams.approve_request import ApproveRequest
from kook.application.teams.change_member_role import ChangeMemberRole
from kook.application.teams.get_approval import GetApproval
from kook.application.teams.get_approval_policy import GetApprovalPolicy
from kook.application.teams.get_pending_invitation import GetPendingInvitation
from kook.application.teams.invite_member import InviteMember
from kook.application.teams.list_team import ListTeam
from kook.application.teams.remove_member import RemoveMember
from kook.application.teams.send_approval_code import SendApprovalCode
from kook.application.teams.set_approval_policy import SetApprovalPolicy
from kook.application.teams.submit_for_approval import SubmitForApproval
from kook.application.teams.withdraw_invitation import WithdrawInvitation
from kook.domain.customers.members import Approval, ApprovalPolicy, Invitation, InvitationInvalid
from kook.entrypoints.http.context import client_address, require_user
from kook.entrypoints.http.roles import require_acting
from kook.entrypoints.http.session_customer import customer_of

Req = Request[Any, Any, Any]


class MemberOut(msgspec.Struct):
    user_id: str
    mobile: str
    first_name: str
    last_name: str
    role: str
    joined_at: datetime


class MemberList(msgspec.Struct):
    items: list[MemberOut]
    next_cursor: str | None = None


class InvitationOut(msgspec.Struct):
    id: str
    mobile: str
    role: str
    created_at: datetime
    expires_at: datetime


class InvitationList(msgspec.Struct):
    items: list[InvitationOut]
    next_cursor: str | None = None


class InviteBody(msgspec.Struct, forbid_unknown_fields=True):
    mobile: str
    role: str


class RoleBody(msgspec.Struct, forbid_unknown_fields=True):
    role: str


class JoinedOut(msgspec.Struct):
    customer_id: str
    role: str


class PolicyBody(msgspec.Struct, forbid_unknown_fields=True):
    """``threshold``: rials; above it a request needs another member's approval (null = never)."""

    threshold: int | None = None
    operator_may_confirm: bool = False


class PolicyOut(msgspec.Struct):
    threshold: int | None
    operator_may_confirm: bool


class ApprovalOut(msgspec.Struct):
    request_id: str
    status: str  # pending | approved
    total: int
    maker_user_id: str
    maker_name: str | None
    requested_at: datetime
    approver_user_id: str | None
    decided_at: datetime | None


class CodeBody(msgspec.Struct, forbid_unknown_fields=True):
    code: str


class StatusOut(msgspec.Struct):
    status: str


def invitation_out(i: Invitation) -> InvitationOut:
    return InvitationOut(i.id, i.mobile, i.role.value, i.created_at, i.expires_at)


def policy_out(p: ApprovalPolicy) -> PolicyOut:
    return PolicyOut(p.threshold, p.operator_may_confirm)


def approval_out(a: Approval, maker_name: str | None) -> ApprovalOut:
    return ApprovalOut(
        a.request_id,
        a.status.value,
        a.total,
        a.maker_user_id,
        maker_name,
        a.requested_at,
        a.approver_user_id,
        a.decided_at,
    )


class MembersController(Controller):
    path = "/api/v1/members"
    tags = ["members"]

    @get("/")
    @inject
    async def list_members(self, request: Req, list_team: FromDishka[ListTeam]) -> MemberList:
        """The customer's members with their roles (owner, admin, operator, approver, finance, viewer)."""
        team = await list_team(await require_acting(request))
        return MemberList(
            [MemberOut(m.user_id, m.mobile, m.first_name, m.last_name, m.role, m.joined_at) for m in team.members]
        )

    @patch("/{user_id:str}")
    @inject
    async def change_role(
        self,
        request: Req,
        change_member_role: FromDishka[ChangeMemberRole],
        list_team: FromDishka[ListTeam],
        user_id: FromPath[str],
        data: JSONBody[RoleBody],
    ) -> MemberOut:
        """``{role}``: owners and admins; only an owner gives or takes the owner role; one owner always remains."""
        acting = await require_acting(request)
        await change_member_role(acting, user_id, data.role)
        team = await list_team(acting)
        m = next(m for m in team.members if m.user_id == user_id)
        return MemberOut(m.user_id, m.mobile, m.first_name, m.last_name, m.role, m.joined_at)

    @delete("/{user_id:str}", status_code=204)
    @inject
    async def remove(self, request: Req, remove_member: FromDishka[RemoveMember], user_id: FromPath[str]) -> None:
        """An owner cannot be removed (``owner_not_removable``)."""
        await remove_member(await require_acting(request), user_id)

    @get("/invitations")
    @inject
    async def invitations(self, request: Req, list_team: FromDishka[ListTeam]) -> InvitationList:
        team = await list_team(await require_acting(request))
        return InvitationList([invitation_out(i) for i in team.invitations])

    @post("/invitations", status_code=201)
    @inject
    async def invite(
        self, request: Req, invite_member: FromDishka[InviteMember], data: JSONBody[InviteBody]
    ) -> InvitationOut:
        """``{mobile, role}`` (any role but owner): an SMS asks the person to sign up or log in with that number
        and accept; valid 7 days. A number already in a customer → 409 ``already_member``."""
        acting = await require_acting(request)
        return invitation_out(await invite_member(acting, data.mobile, data.role))

    @delete("/invitations/{invitation_id:str}", status_code=204)
    @inject
    async def withdraw(
        self, request: Req, withdraw_invitation: FromDishka[WithdrawInvitation], invitation_id: FromPath[str]
    ) -> None:
        await withdraw_invitation(await require_acting(request), invitation_id)


class InvitationController(Controller):
    """The invited person's side: their own pending invitation, and accepting it."""

    path = "/api/v1/invitation"
    tags = ["members"]

    @get("/")
    @inject
    async def pending(self, request: Req, pending_invitation: FromDishka[GetPendingInvitation]) -> InvitationOut:
        found = await require_user(request)
        assert found.user is not None
        invitation = await pending_invitation(found.user.id)
        if invitation is None:
            raise InvitationInvalid()
        return invitation_out(invitation)

    @post("/accept", status_code=200)
    @inject
    async def accept(self, request: Req, accept_invitation: FromDishka[AcceptInvitation]) -> JoinedOut:
        """Join the inviting customer with the invited role (404 ``invitation_invalid``, 410 ``invitation_expired``,
        409 ``already_member``)."""
        found = await require_user(request)
        assert found.user is not None
        member = await accept_invitation(found.user.id)
        return JoinedOut(member.customer_id, member.role.value)


class ApprovalPolicyController(Controller):
    path = "/api/v1/approval-policy"
    tags = ["members"]

    @get("/")
    @inject
    async def get_policy(self, request: Req, get_approval_policy: FromDishka[GetApprovalPolicy]) -> PolicyOut:
        return policy_out(await get_approval_policy(await require_acting(request)))

    @put("/")
    @inject
    async def put_policy(
        self, request: Req, set_approval_policy: FromDishka[SetApprovalPolicy], data: JSONBody[PolicyBody]
    ) -> PolicyOut:
        """Requests whose total is above ``threshold`` need an approver other than their maker;
        ``operator_may_confirm``: an operator may confirm alone below it."""
        acting = await require_acting(request)
        policy = await set_approval_policy(acting, data.threshold, data.operator_may_confirm)
        return policy_out(policy)


class ApprovalController(Controller):
    path = "/api/v1/requests/{request_id:str}/approval"
    tags = ["requests"]

    @get("/")
    @inject
    async def get_approval(
        self, request: Req, get_approval: FromDishka[GetApproval], request_id: FromPath[str]
    ) -> ApprovalOut | None:
        await customer_of(request)
        view = await get_approval(await require_acting(request), request_id)
        return approval_out(view.approval, view.maker_name) if view.approval else None

    @post("/", status_code=202)
    @inject
    async def submit(
        self, request: Req, submit_for_approval: FromDishka[SubmitForApproval], request_id: FromPath[str]
    ) -> ApprovalOut:
        """The maker asks for approval; approvers, admins and owners get a portal message."""
        await customer_of(request)
        acting = await require_acting(request)
        approval = await submit_for_approval(acting, request_id)
        return approval_out(approval, None)

    @post("/code", status_code=202)
    @inject
    async def code(
        self, request: Req, send_approval_code: FromDishka[SendApprovalCode], request_id: FromPath[str]
    ) -> None:
        """A one-time code to the approver's own mobile (not the maker: 403 ``approval_own_request``)."""
        await customer_of(request)
        acting = await require_acting(request)
        await send_approval_code(acting, request_id, client_address(request))

    @post("/confirm", status_code=200)
    @inject
    async def confirm(
        self,
        request: Req,
        approve_request: FromDishka[ApproveRequest],
        request_id: FromPath[str],
        data: JSONBody[CodeBody],
    ) -> StatusOut:
        """``{code}``: the request is confirmed (held, run) as by ``/confirm``; the maker is told. Wrong codes:
        ``otp_invalid``; the fifth wrong try locks the code (``otp_locked``)."""
        await customer_of(request)
        acting = await require_acting(request)
        status = await approve_request(acting, request_id, data.code)
        return StatusOut(status.value)
