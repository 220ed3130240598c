"""A customer's team in SQL (issue 18): plain rows to and from the domain's dataclasses."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from kook.adapters.postgres.repositories.base import flush_or_conflict
from kook.adapters.postgres.tables import identity as tables_identity
from kook.adapters.postgres.tables.teams import (
    approval_policies,
    customer_members,
    member_invitations,
    request_approvals,
)
from kook.application.teams.ports import (
    ApprovalRepository,
    InvitationRepository,
    MemberRepository,
    MemberView,
    PolicyRepository,
)
from kook.domain.customers.members import Approval, ApprovalPolicy, ApprovalStatus, Invitation, Member, Role
from kook.domain.shared.errors import Conflict

M = customer_members.c
INV = member_invitations.c
A = request_approvals.c


def _member(row: Any) -> Member:
    return Member(row.customer_id, row.user_id, Role(row.role), row.joined_at, row.invited_by)


def _invitation(row: Any) -> Invitation:
    return Invitation(
        row.id,
        row.customer_id,
        row.mobile,
        Role(row.role),
        row.invited_by,
        row.created_at,
        row.expires_at,
        row.accepted_at,
        row.withdrawn_at,
    )


class SqlMemberRepository(MemberRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def of_user(self, user_id: str) -> Member | None:
        row = (await self._session.execute(sa.select(customer_members).where(M.user_id == user_id))).first()
        return _member(row) if row else None

    async def of_customer(self, customer_id: str, *, for_update: bool = False) -> list[Member]:
        query = sa.select(customer_members).where(M.customer_id == customer_id).order_by(M.joined_at, M.user_id)
        if for_update:
            query = query.with_for_update()
        return [_member(row) for row in await self._session.execute(query)]

    async def views(self, customer_id: str) -> list[MemberView]:
        u = tables_identity.users.c
        query = (
            sa.select(M.user_id, u.mobile, u.first_name, u.last_name, M.role, M.joined_at)
            .join(tables_identity.users, u.id == M.user_id)
            .where(M.customer_id == customer_id)
            .order_by(M.joined_at, M.user_id)
        )
        return [MemberView(*row) for row in await self._session.execute(query)]

    async def add(self, member: Member) -> None:
        if await self.of_user(member.user_id) is not None:
            raise Conflict()
        await self._session.execute(
            customer_members.insert().values(
                user_id=member.user_id,
                customer_id=member.customer_id,
                role=member.role.value,
                joined_at=member.joined_at,
                invited_by=member.invited_by,
            )
        )
        await flush_or_conflict(self._session)

    async def save(self, member: Member) -> None:
        await self._session.execute(
            customer_members.update().where(M.user_id == member.user_id).values(role=member.role.value)
        )

    async def remove(self, user_id: str) -> None:
        await self._session.execute(customer_members.delete().where(M.user_id == user_id))


class SqlInvitationRepository(InvitationRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, invitation_id: str, customer_id: str) -> Invitation | None:
        query = sa.select(member_invitations).where(INV.id == invitation_id, INV.customer_id == customer_id)
        row = (await self._session.execute(query)).first()
        return _invitation(row) if row else None

    async def pending_for(self, mobile: str) -> Invitation | None:
        query = (
            sa.select(member_invitations)
            .where(INV.mobile == mobile, INV.accepted_at.is_(None), INV.withdrawn_at.is_(None))
            .order_by(INV.created_at.desc(), INV.id.desc())
            .limit(1)
        )
        row = (await self._session.execute(query)).first()
        return _invitation(row) if row else None

    async def pending_of(self, customer_id: str) -> list[Invitation]:
        query = (
            sa.select(member_invitations)
            .where(INV.customer_id == customer_id, INV.accepted_at.is_(None), INV.withdrawn_at.is_(None))
            .order_by(INV.created_at.desc(), INV.id.desc())
            .limit(200)
        )
        return [_invitation(row) for row in await self._session.execute(query)]

    async def add(self, invitation: Invitation) -> None:
        await self._session.execute(
            member_invitations.insert().values(
                id=invitation.id,
                customer_id=invitation.customer_id,
                mobile=invitation.mobile,
                role=invitation.role.value,
                invited_by=invitation.invited_by,
                created_at=invitation.created_at,
                expires_at=invitation.expires_at,
            )
        )

    async def save(self, invitation: Invitation) -> None:
        await self._session.execute(
            member_invitations.update()
            .where(INV.id == invitation.id)
            .values(accepted_at=invitation.accepted_at, withdrawn_at=invitation.withdrawn_at)
        )


class SqlPolicyRepository(PolicyRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, customer_id: str) -> ApprovalPolicy:
        c = approval_policies.c
        row = (await self._session.execute(sa.select(approval_policies).where(c.customer_id == customer_id))).first()
        return ApprovalPolicy(row.threshold, row.operator_may_confirm) if row else ApprovalPolicy()

    async def put(self, customer_id: str, policy: ApprovalPolicy, now: datetime) -> None:
        c = approval_policies.c
        values = {"threshold": policy.threshold, "operator_may_confirm": policy.operator_may_confirm, "updated_at": now}
        result = await self._session.execute(
            approval_policies.update().where(c.customer_id == customer_id).values(**values)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            await self._session.execute(approval_policies.insert().values(customer_id=customer_id, **values))


class SqlApprovalRepository(ApprovalRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, request_id: str, customer_id: str, *, for_update: bool = False) -> Approval | None:
        query = sa.select(request_approvals).where(A.request_id == request_id, A.customer_id == customer_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._session.execute(query)).first()
        if row is None:
            return None
        return Approval(
            row.request_id,
            row.customer_id,
            row.maker_user_id,
            row.total,
            row.requested_at,
            ApprovalStatus(row.status),
            row.code_id,
            row.code_holder,
            row.approver_user_id,
            row.decided_at,
        )

    async def put(self, approval: Approval) -> None:
        values = {
            "customer_id": approval.customer_id,
            "maker_user_id": approval.maker_user_id,
            "total": approval.total,
            "requested_at": approval.requested_at,
            "status": approval.status.value,
            "code_id": approval.code_id,
            "code_holder": approval.code_holder,
            "approver_user_id": approval.approver_user_id,
            "decided_at": approval.decided_at,
        }
        result = await self._session.execute(
            request_approvals.update().where(A.request_id == approval.request_id).values(**values)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            await self._session.execute(request_approvals.insert().values(request_id=approval.request_id, **values))

    async def delete(self, request_id: str) -> None:
        await self._session.execute(request_approvals.delete().where(A.request_id == request_id))
