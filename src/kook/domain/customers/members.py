"""A customer's team: members with roles, invitations, and the maker-checker rule (issue 18).

One permission table (``PERMISSIONS``: action → roles) decides every customer route, API and web; the HTTP
guard maps each route to one action. The owner has every right; there is always at least one owner.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from kook.domain.shared.errors import DomainError

INVITATION_TTL = timedelta(days=7)


class Role(enum.StrEnum):
    OWNER = "owner"
    ADMIN = "admin"  # members, settings
    OPERATOR = "operator"  # builds requests
    APPROVER = "approver"  # confirms
    FINANCE = "finance"  # wallet, payments, reports
    VIEWER = "viewer"  # read-only


class Action(enum.StrEnum):
    READ = "read"  # the account's pages and lists (requests, catalogue, calendar, services)
    SETTINGS = "settings"  # the profile, services, alerts, calendar feed, approval rules, API keys
    MEMBERS = "members"  # invite, change roles, remove
    BUILD = "build"  # create and edit requests, lines, uploads, runs, cancel
    CONFIRM = "confirm"  # final confirmation (the approval rules apply on top)
    APPROVE = "approve"  # approve another member's request with a one-time code
    WALLET_READ = "wallet_read"  # balance, postings, payments, deposits, statements
    WALLET_PAY = "wallet_pay"  # online payments, deposit slips
    REPORTS = "reports"  # reports, exports, invoices
    EVENTS = "events"  # calendar events


_ALL = frozenset(Role)
PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.READ: _ALL,
    Action.SETTINGS: frozenset({Role.OWNER, Role.ADMIN}),
    Action.MEMBERS: frozenset({Role.OWNER, Role.ADMIN}),
    Action.BUILD: frozenset({Role.OWNER, Role.ADMIN, Role.OPERATOR}),
    Action.CONFIRM: frozenset({Role.OWNER, Role.ADMIN, Role.OPERATOR, Role.APPROVER}),
    Action.APPROVE: frozenset({Role.OWNER, Role.ADMIN, Role.APPROVER}),
    Action.WALLET_READ: frozenset({Role.OWNER, Role.ADMIN, Role.FINANCE, Role.VIEWER}),
    Action.WALLET_PAY: frozenset({Role.OWNER, Role.ADMIN, Role.FINANCE}),
    Action.REPORTS: frozenset({Role.OWNER, Role.ADMIN, Role.FINANCE, Role.VIEWER}),
    Action.EVENTS: _ALL - {Role.VIEWER},
}


class RoleForbidden(DomainError):
    """The member's role does not allow the action (403)."""

    code = "role_forbidden"


class ApprovalRequired(DomainError):
    """The request's total is above the approval threshold (or an operator may not confirm alone): another
    member must approve it (403)."""

    code = "approval_required"


class OwnApprovalRefused(DomainError):
    """The maker of a request cannot approve it (403)."""

    code = "approval_own_request"


class ApprovalStale(DomainError):
    """The request's total changed after it was sent for approval: the maker sends it again (409)."""

    code = "approval_stale"


class InvitationInvalid(DomainError):
    """No pending invitation for this number (wrong, withdrawn or already used) (404)."""

    code = "invitation_invalid"


class InvitationExpired(DomainError):
    code = "invitation_expired"


class AlreadyMember(DomainError):
    """The number already belongs to a customer (this one or another) (409)."""

    code = "already_member"


class LastOwner(DomainError):
    """The last owner cannot be removed nor lose the owner role (409)."""

    code = "last_owner"


class OwnerNotRemovable(DomainError):
    """An owner cannot be removed (hand the owner role to someone else first) (409)."""

    code = "owner_not_removable"


def allowed(role: Role, action: Action) -> bool:
    return role in PERMISSIONS[action]


def require(role: Role, action: Action) -> None:
    if not allowed(role, action):
        raise RoleForbidden(details={"role": role.value, "action": action.value})


@dataclass(eq=False)
class Member:
    customer_id: str
    user_id: str
    role: Role
    joined_at: datetime
    invited_by: str | None = None


@dataclass(eq=False)
class Invitation:
    id: str
    customer_id: str
    mobile: str
    role: Role
    invited_by: str
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None = None
    withdrawn_at: datetime | None = None

    @classmethod
    def issue(cls, *, id: str, customer_id: str, mobile: str, role: Role, invited_by: str, now: datetime) -> Invitation:
        if role is Role.OWNER:
            raise RoleForbidden(details={"role": role.value})  # ownership is given by a role change, not invited
        return cls(id, customer_id, mobile, role, invited_by, now, now + INVITATION_TTL)

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.withdrawn_at is None

    def accept(self, now: datetime) -> None:
        if not self.is_pending:
            raise InvitationInvalid()
        if now >= self.expires_at:
            raise InvitationExpired()
        self.accepted_at = now


def ensure_an_owner_remains(members: list[Member], changed_user_id: str, new_role: Role | None) -> None:
    """``new_role`` None = removed. Refuses leaving the customer without an owner."""
    owners = {m.user_id for m in members if m.role is Role.OWNER}
    if changed_user_id in owners and (new_role is not Role.OWNER) and len(owners) == 1:
        raise LastOwner()


@dataclass(frozen=True)
class ApprovalPolicy:
    """``threshold`` None = no maker-checker (the default: a single-user customer confirms as before)."""

    threshold: int | None = None
    operator_may_confirm: bool = False

    def check_confirm(self, role: Role, total: int) -> None:
        """May a member of ``role`` confirm a request of ``total`` rials alone?"""
        require(role, Action.CONFIRM)
        if self.threshold is not None and total > self.threshold:
            raise ApprovalRequired(details={"threshold": self.threshold, "total": total})
        if role is Role.OPERATOR and not self.operator_may_confirm:
            raise ApprovalRequired(details={"reason": "operator_may_not_confirm"})


class ApprovalStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"


@dataclass(eq=False)
class Approval:
    """A request submitted by its maker for another member's approval."""

    request_id: str
    customer_id: str
    maker_user_id: str
    total: int
    requested_at: datetime
    status: ApprovalStatus = ApprovalStatus.PENDING
    code_id: str | None = None  # the one-time code sent to ``code_holder``
    code_holder: str | None = None
    approver_user_id: str | None = None
    decided_at: datetime | None = None

    def ensure_not_maker(self, user_id: str) -> None:
        if user_id == self.maker_user_id:
            raise OwnApprovalRefused()

    def approve(self, user_id: str, now: datetime) -> None:
        self.ensure_not_maker(user_id)
        self.status = ApprovalStatus.APPROVED
        self.approver_user_id = user_id
        self.decided_at = now
