"""The Persian portal's team pages (issue 18): «اعضا» (members, invitations, approval rules), the invited
person's «دعوت» page, and approving a request with a one-time code from its page."""

from __future__ import annotations

from typing import Any

from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from kook.application.teams.accept_invitation import AcceptInvitation
from kook.application.teams.approve_request import ApproveRequest
from kook.application.teams.change_member_role import ChangeMemberRole
from kook.application.teams.get_approval_policy import GetApprovalPolicy
from kook.application.teams.get_pending_invitation import GetPendingInvitation
from kook.application.teams.invite_member import InviteMember
from kook.application.teams.list_team import ListTeam
from kook.application.teams.remove_member import RemoveMember
from kook.application.teams.send_approval_code import SendApprovalCode
from kook.application.teams.set_approval_policy import SetApprovalPolicy
from kook.application.teams.submit_for_approval import SubmitForApproval
from kook.application.teams.withdraw_invitation import WithdrawInvitation
from kook.domain.customers.members import PERMISSIONS, Action, Role
from kook.domain.shared.errors import DomainError, ValidationFailed
from kook.domain.shared.money import parse_amount_field
from kook.entrypoints.http.context import caller, client_address, resolve
from kook.entrypoints.http.messages import APPROVAL_ERRORS, error_status
from kook.entrypoints.http.roles import acting, require_acting
from kook.entrypoints.http.web.rendering import form_errors, form_values, redirect, render

Req = Request[Any, Any, Any]

ROLE_LABELS: dict[str, str] = {
    Role.OWNER: "مالک",
    Role.ADMIN: "مدیر",
    Role.OPERATOR: "کارشناس ثبت درخواست",
    Role.APPROVER: "تأییدکننده",
    Role.FINANCE: "مالی",
    Role.VIEWER: "فقط مشاهده",
}
INVITABLE = [r.value for r in Role if r is not Role.OWNER]


class MemberPages(Controller):
    path = "/members"
    include_in_schema = False

    async def _page(self, request: Req, extra: dict[str, Any] | None = None, status_code: int = 200) -> Template:
        me = await require_acting(request)
        team = await (await resolve(request, ListTeam))(me)
        policy = await (await resolve(request, GetApprovalPolicy))(me)
        context: dict[str, Any] = {
            "active_menu": "members",
            "members": team.members,
            "invitations": team.invitations,
            "policy": policy,
            "role_labels": ROLE_LABELS,
            "invitable_roles": INVITABLE,
            "all_roles": [r.value for r in Role],
            "my_role": me.role.value,
            "my_user_id": me.user_id,
            "can_manage": me.role in PERMISSIONS[Action.MEMBERS],
            "can_set_policy": me.role in PERMISSIONS[Action.SETTINGS],
        }
        context.update(extra or {})
        return await render(request, "teams/members.html", context, status_code=status_code)

    @get("/")
    async def members(self, request: Req) -> Template | Response[Any]:
        if (await caller(request)).user is None:
            return redirect("/login")
        return await self._page(request)

    @post("/invite")
    @inject
    async def invite(self, request: Req, invite_member: FromDishka[InviteMember]) -> Template | Response[Any]:
        me = await require_acting(request)
        form = await request.form()
        values = form_values(form, "mobile", "role")
        try:
            await invite_member(me, values["mobile"], values["role"])
        except DomainError as exc:
            errors, form_error = form_errors(exc, None if isinstance(exc, ValidationFailed) else "mobile")
            if exc.code == "mobile_invalid":
                errors = {"mobile": form_error or errors.get("mobile", "")}
            return await self._page(request, {"errors": errors, "values": values}, 422)
        return redirect("/members", flash="member_invited")

    @post("/policy")
    @inject
    async def policy(
        self, request: Req, set_approval_policy: FromDishka[SetApprovalPolicy]
    ) -> Template | Response[Any]:
        me = await require_acting(request)
        form = await request.form()
        values = form_values(form, "threshold", "operator_may_confirm")
        try:
            raw = values["threshold"].strip()
            threshold = parse_amount_field(raw, "threshold") if raw else None
            allowed = values["operator_may_confirm"] == "1"
            await set_approval_policy(me, threshold, allowed)
        except DomainError as exc:
            errors, _ = form_errors(exc, "threshold")
            return await self._page(request, {"policy_errors": errors, "values": values}, 422)
        return redirect("/members", flash="approval_policy_saved")

    @post("/{user_id:str}/role")
    @inject
    async def change_role(
        self, request: Req, change_member_role: FromDishka[ChangeMemberRole], user_id: FromPath[str]
    ) -> Template | Response[Any]:
        me = await require_acting(request)
        form = await request.form()
        try:
            await change_member_role(me, user_id, form_values(form, "role")["role"])
        except DomainError as exc:
            if exc.code == "not_found":
                raise
            # the error's own status: a role that is not one 422, the last owner 409, an owner's role 403
            return await self._page(request, {"form_error": form_errors(exc)[1]}, error_status(exc.code))
        return redirect("/members", flash="member_role_changed")

    @post("/{user_id:str}/remove")
    @inject
    async def remove(
        self, request: Req, remove_member: FromDishka[RemoveMember], user_id: FromPath[str]
    ) -> Template | Response[Any]:
        me = await require_acting(request)
        try:
            await remove_member(me, user_id)
        except DomainError as exc:
            if exc.code == "not_found":
                raise
            return await self._page(request, {"form_error": form_errors(exc)[1]}, 409)
        return redirect("/members", flash="member_removed")

    @post("/invitations/{invitation_id:str}/withdraw")
    @inject
    async def withdraw(
        self, request: Req, withdraw_invitation: FromDishka[WithdrawInvitation], invitation_id: FromPath[str]
    ) -> Response[Any]:
        await withdraw_invitation(await require_acting(request), invitation_id)
        return redirect("/members", flash="invitation_withdrawn")


class InvitationPages(Controller):
    path = "/invitation"
    include_in_schema = False

    @get("/")
    @inject
    async def invitation(
        self, request: Req, pending_invitation: FromDishka[GetPendingInvitation]
    ) -> Template | Response[Any]:
        found = await caller(request)
        if found.user is None:
            return redirect("/login")
        pending = await pending_invitation(found.user.id)
        context = {"invitation": pending, "role_labels": ROLE_LABELS, "is_member": await acting(request) is not None}
        return await render(request, "teams/invitation.html", context)

    @post("/accept")
    @inject
    async def accept(self, request: Req, accept_invitation: FromDishka[AcceptInvitation]) -> Template | Response[Any]:
        found = await caller(request)
        if found.user is None:
            return redirect("/login")
        try:
            await accept_invitation(found.user.id)
        except DomainError as exc:
            pending = await (await resolve(request, GetPendingInvitation))(found.user.id)
            context = {
                "invitation": pending,
                "role_labels": ROLE_LABELS,
                "is_member": False,
                "form_error": form_errors(exc)[1],
            }
            return await render(request, "teams/invitation.html", context, status_code=409)
        return redirect("/", flash="invitation_accepted")


class ApprovalPages(Controller):
    """The request page's approval box: ask for approval (the maker), get a code and approve (another member)."""

    path = "/requests/{request_id:str}/approval"
    include_in_schema = False

    async def _do(self, request: Req, request_id: str, action: Any, done: str) -> Response[Any]:
        me = await require_acting(request)
        try:
            await action(me)
        except DomainError as exc:
            if exc.code not in APPROVAL_ERRORS:
                raise
            return redirect(f"/requests/{request_id}", flash=f"approval_{exc.code}")
        return redirect(f"/requests/{request_id}", flash=done)

    @post("/")
    @inject
    async def submit(
        self, request: Req, submit_for_approval: FromDishka[SubmitForApproval], request_id: FromPath[str]
    ) -> Response[Any]:
        async def action(me: Any) -> None:
            await submit_for_approval(me, request_id)

        return await self._do(request, request_id, action, "approval_requested")

    @post("/code")
    @inject
    async def code(
        self, request: Req, send_approval_code: FromDishka[SendApprovalCode], request_id: FromPath[str]
    ) -> Response[Any]:
        async def action(me: Any) -> None:
            await send_approval_code(me, request_id, client_address(request))

        return await self._do(request, request_id, action, "approval_code_sent")

    @post("/confirm")
    @inject
    async def confirm(
        self, request: Req, approve_request: FromDishka[ApproveRequest], request_id: FromPath[str]
    ) -> Response[Any]:
        form = await request.form()
        code = form_values(form, "code")["code"]

        async def action(me: Any) -> None:
            await approve_request(me, request_id, code)

        return await self._do(request, request_id, action, "request_approved")
