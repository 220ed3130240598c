"""The team pages (issue 18) render with realistic contexts (registered into the shared ``REALISTIC`` table):
members with their Persian roles, the invite form and pending invitations for owners and admins only, the
approval rule; the invited person's page; the request page's approval box for the maker and for an approver."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import jinja2

from kook.application.teams.ports import MemberView
from kook.domain.customers.members import Approval, ApprovalPolicy, Invitation, Role
from kook.entrypoints.http.web.teams import INVITABLE, ROLE_LABELS
from tests.unit import test_requests_templates as requests_templates
from tests.unit import test_templates_render as shared

WHEN = datetime(2026, 12, 2, 20, 30, tzinfo=UTC)
OWNER = MemberView("o" * 32, "09121110000", "سارا", "محمدی", "owner", WHEN)
APPROVER = MemberView("a" * 32, "09120000013", "علی", "رضایی", "approver", WHEN)
INVITE = Invitation("i" * 32, "c" * 32, "09120000014", Role.FINANCE, "o" * 32, WHEN, WHEN + timedelta(days=7))


def members_context(role: str = "owner", **extra: Any) -> dict[str, Any]:
    manage = role in ("owner", "admin")
    return shared.app_context(
        active_menu="members",
        members=[OWNER, APPROVER],
        invitations=[INVITE],
        policy=ApprovalPolicy(10_000_000, True),
        role_labels=ROLE_LABELS,
        invitable_roles=INVITABLE,
        all_roles=[r.value for r in Role],
        my_role=role,
        my_user_id=OWNER.user_id,
        can_manage=manage,
        can_set_policy=manage,
        **extra,
    )


shared.REALISTIC["teams/members.html"] = members_context()
shared.REALISTIC["teams/invitation.html"] = shared.app_context(
    active_menu="members", invitation=INVITE, role_labels=ROLE_LABELS, is_member=False
)


def render(name: str, context: dict[str, Any]) -> str:
    return shared.make_env(jinja2.StrictUndefined).get_template(name).render(**context)


def test_the_owner_sees_members_roles_invitations_and_the_approval_rule() -> None:
    html = render("teams/members.html", members_context())
    assert "مالک" in html and "تأییدکننده" in html
    assert 'action="/members/invite"' in html and 'action="/members/invitations/' + "i" * 32 + '/withdraw"' in html
    assert 'action="/members/' + "a" * 32 + '/remove"' in html
    assert 'action="/members/' + "o" * 32 + '/remove"' not in html  # an owner is not removable
    assert 'action="/members/policy"' in html and "۱۰٬۰۰۰٬۰۰۰" in html


def test_a_viewer_sees_the_members_without_forms() -> None:
    html = render("teams/members.html", members_context("viewer"))
    assert "سارا" in html
    assert "/members/invite" not in html and "/remove" not in html and "/members/policy" not in html


def detail(**changes: Any) -> str:
    return render("requests/detail.html", requests_templates.REALISTIC_REQUESTS["requests/detail.html"] | changes)


def test_the_request_page_offers_submitting_then_approving_to_another_member() -> None:
    maker = SimpleNamespace(user_id="m" * 32, role="operator")
    html = detail(acting=maker, approval=None)
    assert 'data-testid="approval-submit"' in html
    pending = Approval("r", "c", "m" * 32, 12_000_000, WHEN)
    view = SimpleNamespace(approval=pending, maker_name="علی رضایی")
    html = detail(acting=maker, approval=view)
    assert 'data-testid="approval-waiting"' in html and "approval-form" not in html
    html = detail(acting=SimpleNamespace(user_id="a" * 32, role="approver"), approval=view)
    assert 'data-testid="approval-send-code"' in html and 'data-testid="approval-form"' in html
    assert "۱۲٬۰۰۰٬۰۰۰" in html and "علی رضایی" in html


def test_a_member_who_may_not_build_sees_no_edit_actions() -> None:
    assert 'data-testid="request-actions"' in detail(allowed_actions=None)
    assert 'data-testid="request-actions"' in detail(allowed_actions=frozenset({"read", "build"}))
    assert 'data-testid="request-actions"' not in detail(allowed_actions=frozenset({"read", "approve"}))


def test_the_menu_leaves_out_what_the_role_cannot_open() -> None:
    context = shared.app_context(enabled_menu={"dashboard", "wallet", "reports", "members"})
    html = render("teams/invitation.html", context | {"invitation": None, "role_labels": ROLE_LABELS})
    assert 'data-menu="wallet"' in html and 'data-menu="reports"' in html
    html = render(
        "teams/invitation.html",
        context | {"invitation": None, "role_labels": ROLE_LABELS, "hidden_menu": ["wallet", "reports"]},
    )
    assert 'data-menu="wallet"' not in html and 'data-menu="reports"' not in html and 'data-menu="members"' in html
