"""The team rules of the domain (issue 18): the permission table, the last owner, invitations and the
maker-checker policy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kook.domain.customers.members import (
    PERMISSIONS,
    Action,
    Approval,
    ApprovalPolicy,
    ApprovalRequired,
    Invitation,
    InvitationExpired,
    InvitationInvalid,
    LastOwner,
    Member,
    OwnApprovalRefused,
    Role,
    RoleForbidden,
    allowed,
    ensure_an_owner_remains,
)

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def test_the_owner_may_do_everything_and_the_viewer_only_read() -> None:
    assert set(PERMISSIONS) == set(Action)
    assert all(allowed(Role.OWNER, action) for action in Action)
    assert {a for a in Action if allowed(Role.VIEWER, a)} == {Action.READ, Action.WALLET_READ, Action.REPORTS}


@pytest.mark.parametrize(
    ("role", "may", "may_not"),
    [
        (Role.ADMIN, {Action.MEMBERS, Action.SETTINGS}, set()),
        (Role.OPERATOR, {Action.BUILD, Action.CONFIRM}, {Action.APPROVE, Action.WALLET_PAY, Action.MEMBERS}),
        (Role.APPROVER, {Action.CONFIRM, Action.APPROVE}, {Action.BUILD, Action.REPORTS, Action.MEMBERS}),
        (Role.FINANCE, {Action.WALLET_PAY, Action.WALLET_READ, Action.REPORTS}, {Action.BUILD, Action.CONFIRM}),
    ],
)
def test_each_role_does_its_job_and_no_more(role: Role, may: set[Action], may_not: set[Action]) -> None:
    assert all(allowed(role, a) for a in may)
    assert not any(allowed(role, a) for a in may_not)


def members(*roles: Role) -> list[Member]:
    return [Member("c", f"u{i}", role, NOW) for i, role in enumerate(roles)]


def test_one_owner_always_remains() -> None:
    team = members(Role.OWNER, Role.VIEWER)
    with pytest.raises(LastOwner):
        ensure_an_owner_remains(team, "u0", Role.ADMIN)
    ensure_an_owner_remains(team, "u1", Role.ADMIN)  # another member: fine
    ensure_an_owner_remains(members(Role.OWNER, Role.OWNER), "u0", Role.ADMIN)  # a second owner stays


def test_an_invitation_is_accepted_once_within_seven_days_and_never_as_owner() -> None:
    invitation = Invitation.issue(
        id="i", customer_id="c", mobile="09120000001", role=Role.VIEWER, invited_by="u", now=NOW
    )
    with pytest.raises(InvitationExpired):
        invitation.accept(NOW + timedelta(days=7))
    invitation.accept(NOW + timedelta(days=6))
    with pytest.raises(InvitationInvalid):
        invitation.accept(NOW + timedelta(days=6))
    with pytest.raises(RoleForbidden):
        Invitation.issue(id="j", customer_id="c", mobile="09120000001", role=Role.OWNER, invited_by="u", now=NOW)


def test_the_policy_above_and_below_the_threshold() -> None:
    ApprovalPolicy().check_confirm(Role.OWNER, 10**12)  # no threshold: as before
    with pytest.raises(ApprovalRequired):
        ApprovalPolicy().check_confirm(Role.OPERATOR, 1)  # an operator confirms alone only if allowed
    policy = ApprovalPolicy(threshold=1_000_000, operator_may_confirm=True)
    policy.check_confirm(Role.OPERATOR, 1_000_000)  # at the threshold: not above it
    for role in (Role.OWNER, Role.ADMIN, Role.APPROVER, Role.OPERATOR):
        with pytest.raises(ApprovalRequired):
            policy.check_confirm(role, 1_000_001)
    with pytest.raises(RoleForbidden):
        policy.check_confirm(Role.FINANCE, 1)


def test_the_maker_cannot_approve() -> None:
    approval = Approval("r", "c", "maker", 2_000_000, NOW)
    with pytest.raises(OwnApprovalRefused):
        approval.approve("maker", NOW)
    approval.approve("checker", NOW)
    assert approval.approver_user_id == "checker" and approval.status == "approved"
