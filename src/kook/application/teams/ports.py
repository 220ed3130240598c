"""Ports of a customer's team (issue 18): members, invitations, approval rules and approvals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from kook.application.shared.ports import (
    AuditLog,
    MessageRepository,
    OneTimeCodeRepository,
    RequestRepository,
    UnitOfWork,
    UserRepository,
)
from kook.domain.customers.members import Approval, ApprovalPolicy, Invitation, Member
from kook.domain.identity.one_time_code import CodePurpose, VerifyOutcome
from kook.domain.recharges.request import RequestStatus, Summary


@dataclass(frozen=True)
class MemberView:
    user_id: str
    mobile: str
    first_name: str
    last_name: str
    role: str
    joined_at: datetime


class MemberRepository(Protocol):
    async def of_user(self, user_id: str) -> Member | None: ...
    async def of_customer(self, customer_id: str, *, for_update: bool = False) -> list[Member]: ...
    async def views(self, customer_id: str) -> list[MemberView]: ...
    async def add(self, member: Member) -> None:
        """Raises Conflict when the person already belongs to a customer."""
        ...

    async def save(self, member: Member) -> None: ...
    async def remove(self, user_id: str) -> None: ...


class InvitationRepository(Protocol):
    async def get(self, invitation_id: str, customer_id: str) -> Invitation | None: ...
    async def pending_for(self, mobile: str) -> Invitation | None:
        """The newest invitation not yet accepted nor withdrawn for the number (expired ones too)."""
        ...

    async def pending_of(self, customer_id: str) -> list[Invitation]: ...
    async def add(self, invitation: Invitation) -> None: ...
    async def save(self, invitation: Invitation) -> None: ...


class PolicyRepository(Protocol):
    async def get(self, customer_id: str) -> ApprovalPolicy: ...
    async def put(self, customer_id: str, policy: ApprovalPolicy, now: datetime) -> None: ...


class ApprovalRepository(Protocol):
    async def get(self, request_id: str, customer_id: str, *, for_update: bool = False) -> Approval | None: ...
    async def put(self, approval: Approval) -> None: ...
    async def delete(self, request_id: str) -> None: ...


class TeamsUnitOfWork(UnitOfWork, Protocol):
    members: MemberRepository
    invitations: InvitationRepository
    policies: PolicyRepository
    approvals: ApprovalRepository
    users: UserRepository
    codes: OneTimeCodeRepository
    messages: MessageRepository
    requests: RequestRepository
    audit: AuditLog


class RequestSummaries(Protocol):
    """The recharges context's summary of a request (``SummarizeRequest``), for the approval rules."""

    async def __call__(self, request_id: str, customer_id: str) -> Summary: ...


class RequestConfirmation(Protocol):
    """The recharges context's confirmation (``ConfirmRechargeRequest``), run once another member approves."""

    async def __call__(
        self,
        request_id: str,
        customer_id: str,
        schedule_at: object = None,
        repeat: object = None,
        *,
        expected_total: int | None = None,
    ) -> RequestStatus: ...


class ApprovalCodes(Protocol):
    """The identity context's one-time codes (``CodeSender``): limits, issue, check and text."""

    async def check_limits(self, mobile: str, client_address: str, *, scope: str = "") -> None: ...

    async def issue(self, codes: OneTimeCodeRepository, mobile: str, purpose: CodePurpose) -> str: ...

    async def attempt(
        self,
        codes: OneTimeCodeRepository,
        mobile: str,
        purpose: CodePurpose,
        presented: str,
        client_address: str | None = None,
    ) -> VerifyOutcome: ...

    async def send_text(self, mobile: str, text: str, *, code: str | None = None) -> None: ...
