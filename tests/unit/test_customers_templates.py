"""The customers, services, messages and back-office templates with realistic contexts."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
import pytest

import kook
from kook.application.customers.get_customer_for_review import CustomerReview
from kook.application.services.get_service_terms import ServiceTermsView
from kook.application.services.ports import ServiceView
from kook.application.shared.ports import AuditEntry, CustomerSummary
from kook.domain.customers.customer import Customer, CustomerKind, CustomerStatus, form_values, validate_details
from kook.domain.identity.staff import StaffMember, StaffRole
from kook.domain.identity.user import User, UserStatus
from kook.domain.messaging.message import Message
from kook.domain.services.service import ServiceStatus, ServiceTerms
from kook.entrypoints.http.messages import AUDIT_ACTIONS
from kook.entrypoints.http.web.audit_view import audit_rows
from kook.entrypoints.http.web.filters import register_filters
from tests.fakes.customers import LEGAL, NATURAL, TODAY

TEMPLATES = Path(kook.__file__).resolve().parent / "entrypoints" / "http" / "templates"
WHEN = datetime(2026, 5, 22, 6, 50, tzinfo=UTC)  # ۱۴۰۵/۰۳/۰۱ ۱۰:۲۰ in Tehran
CSRF = "csrf-tok-123"


def make_env(undefined: type[jinja2.Undefined] = jinja2.StrictUndefined) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=undefined)
    register_filters(env)
    return env


def forms(html: str) -> list[str]:
    return re.findall(r"<form\b.*?</form>", html, flags=re.DOTALL)


def assert_shell(html: str) -> None:
    assert '<html lang="fa" dir="rtl">' in html
    assert "/static/kook.js" in html and "/static/vendor/jalalidatepicker.min.js" in html
    assert "http://" not in html and "https://" not in html
    for form in forms(html):
        if 'method="post"' in form:
            assert re.search(r'<input type="hidden" name="csrf_token" value="[^"]*">', form), form


@dataclass
class Staff:
    mobile: str = "09120000000"
    role: str = "reviewer"


@dataclass
class CurrentUser:
    first_name: str = "سارا"
    last_name: str = "احمدی"
    mobile: str = "09121234567"
    created_at: datetime = WHEN


def app_context(**extra: Any) -> dict[str, Any]:
    ctx: dict[str, Any] = {
        "csrf_token": CSRF,
        "flash": [("success", "اطلاعات مشتری ذخیره شد.")],
        "current_user": CurrentUser(),
        "wallet_available": None,
        "unread_count": 2,
        "values": {},
        "errors": {},
        "form_error": None,
    }
    ctx.update(extra)
    return ctx


@pytest.fixture(scope="module")
def env() -> jinja2.Environment:
    return make_env()


def customer(values: dict[str, Any], status: CustomerStatus, reason: str | None = None) -> Customer:
    c = Customer.start(id="c" * 32, owner_user_id="u1", details=validate_details(values, TODAY), now=WHEN)
    c.status = status
    c.submitted_at = WHEN
    c.rejection_reason = reason
    return c


def app(**extra: Any) -> dict[str, Any]:
    ctx = app_context(**extra)
    ctx.setdefault("customer_status", "approved")
    ctx["enabled_menu"] = {"dashboard", "customer", "services", "messages", "profile"}
    return ctx


def staff(**extra: Any) -> dict[str, Any]:
    ctx: dict[str, Any] = {
        "csrf_token": CSRF,
        "current_staff": Staff(role="reviewer"),
        "enabled_menu": {"dashboard", "customers"},
        "flash": [],
        "errors": {},
        "values": {},
        "form_error": None,
    }
    ctx.update(extra)
    return ctx


def render(env: jinja2.Environment, name: str, ctx: dict[str, Any]) -> str:
    html = env.get_template(name).render(**ctx)
    assert_shell(html)
    for form in forms(html):
        if 'method="post"' in form:
            assert f'name="csrf_token" value="{CSRF}"' in form
    return html


# --------------------------------------------------------------------------- the customer form


def test_a_new_form_offers_both_kinds_with_every_field_labelled(env: jinja2.Environment) -> None:
    html = render(
        env, "customers/form.html", app(customer=None, editable=True, values={"kind": "natural"}, customer_status=None)
    )
    assert "حقیقی" in html and "حقوقی" in html
    assert 'id="kind-natural" value="natural" autocomplete="off" checked' in html
    [form] = [f for f in forms(html) if 'action="/customer"' in f]
    for name in [*NATURAL, *LEGAL]:
        if name == "kind":
            continue
        match = re.search(rf'<(?:input|textarea) id="([^"]+)" name="{name}"', form)
        assert match, name
        assert f'<label for="{match.group(1)}"' in form, name
    birth = re.search(r'<input id="f-birth-date"[^>]*>', form)
    assert birth and 'data-jdp=""' in birth.group(0)
    assert 'name="action" value="submit"' in form and "تأیید و ارسال" in form
    # No customer yet: the Services item is not in the menu at all.
    assert 'data-menu="services"' not in html


def test_errors_show_under_their_fields_and_input_is_kept(env: jinja2.Environment) -> None:
    values = dict(LEGAL, national_id="۱۲۳")
    html = render(
        env,
        "customers/form.html",
        app(
            customer=None,
            editable=True,
            values=values,
            errors={"national_id": "شناسه ملی معتبر نیست.", "address": "این مقدار بیش از حد کوتاه است."},
            form_error="برخی از اطلاعات واردشده درست نیست.",
            customer_status=None,
        ),
    )
    assert 'id="kind-legal" value="legal" autocomplete="off" checked' in html
    field = re.search(r'<input id="f-national-id"[^>]*>', html)
    assert field and "is-invalid" in field.group(0) and 'value="۱۲۳"' in field.group(0)
    assert 'aria-describedby="f-national-id-error' in field.group(0)
    assert '<div id="f-national-id-error" class="invalid-feedback">شناسه ملی معتبر نیست.</div>' in html
    assert 'id="f-address-error"' in html and "is-invalid" in re.search(r"<textarea[^>]*>", html).group(0)  # type: ignore[union-attr]


def test_rejected_shows_the_reason_and_stays_editable(env: jinja2.Environment) -> None:
    c = customer(NATURAL, CustomerStatus.REJECTED, "نام پدر با کارت ملی نمی‌خواند")
    html = render(
        env,
        "customers/form.html",
        app(customer=c, editable=True, values=form_values(c), customer_status="rejected"),
    )
    assert 'data-testid="rejection-reason"' in html and "نام پدر با کارت ملی نمی‌خواند" in html
    assert 'name="first_name"' in html and 'value="1370/05/12"' in html
    assert any('action="/customer/submit"' in f for f in forms(html))
    assert 'data-menu="services"' not in html


@pytest.mark.parametrize("status", [CustomerStatus.SUBMITTED, CustomerStatus.APPROVED])
def test_submitted_and_approved_are_read_only(env: jinja2.Environment, status: CustomerStatus) -> None:
    c = customer(LEGAL, status)
    html = render(env, "customers/form.html", app(customer=c, editable=False, values={}, customer_status=status.value))
    assert f'data-status="{status.value}"' in html
    assert "<input" not in html.split('id="main"')[1].split("</main>")[0].replace('type="hidden"', "")
    assert "شرکت بازرگانی آرمان تجارت پارس" in html and "۱۰۳۸۰۲۸۴۷۹۰" in html
    assert ('data-menu="services"' in html) == (status == CustomerStatus.APPROVED)


# --------------------------------------------------------------------------- services


def services_ctx(**extra: Any) -> dict[str, Any]:
    return app(
        services=[
            ServiceView(
                code="enterprise_topup",
                title="سرویس شارژ سازمانی",
                description="خرید گروهی شارژ",
                status=ServiceStatus.INACTIVE,
                terms_version="1",
                contact_phone=None,
            ),
            ServiceView(
                code="topup_gateway",
                title="سرویس درگاه شارژ",
                description="درگاه شارژ",
                status=ServiceStatus.NOT_ACTIVATABLE,
                terms_version=None,
                contact_phone="021-44200953",
            ),
        ],
        **extra,
    )


def test_services_table_confirms_in_the_operations_column(env: jinja2.Environment) -> None:
    html = render(env, "services/list.html", services_ctx())
    assert '<th scope="col">عملیات</th>' in html
    [form] = [f for f in forms(html) if 'action="/services/enterprise_topup/activate"' in f]
    assert 'name="terms_version" value="1"' in form and 'name="accept_terms"' in form
    assert 'href="/services/enterprise_topup/terms"' in form and ">تایید<" in form
    assert "۰۲۱-۴۴۲۰۰۹۵۳" in html and 'href="tel:02144200953"' in html
    assert not any("topup_gateway/activate" in f for f in forms(html))


def test_services_table_shows_the_terms_error(env: jinja2.Environment) -> None:
    html = render(env, "services/list.html", services_ctx(errors={"accept_terms": "باید قوانین را بپذیرید."}))
    assert 'id="accept-enterprise_topup-error" class="invalid-feedback">باید قوانین را بپذیرید.' in html


def test_active_service(env: jinja2.Environment) -> None:
    view = ServiceView(
        code="enterprise_topup",
        title="سرویس شارژ سازمانی",
        description="",
        status=ServiceStatus.ACTIVE,
        terms_version="1",
        contact_phone=None,
        activated_at=WHEN,
        accepted_terms_version="1",
    )
    html = render(env, "services/list.html", app(services=[view]))
    assert 'data-status="active"' in html and "۱۴۰۵/۰۳/۰۱" in html
    assert not any("/activate" in f for f in forms(html))


def test_terms_page(env: jinja2.Environment) -> None:
    view = ServiceTermsView(
        service=ServiceView(
            code="enterprise_topup",
            title="سرویس شارژ سازمانی",
            description="",
            status=ServiceStatus.INACTIVE,
            terms_version="1",
            contact_phone=None,
        ),
        terms=ServiceTerms(
            service_code="enterprise_topup", version="1", text="۱. تعاریف\n۲. فعال‌سازی", published_at=WHEN
        ),
    )
    html = render(env, "services/terms.html", app(view=view))
    assert "۱. تعاریف" in html and 'name="accept_terms"' in html and 'name="terms_version" value="1"' in html


# --------------------------------------------------------------------------- messages


def test_messages_page(env: jinja2.Environment) -> None:
    unread = Message(
        id="m" * 32, user_id="u", kind="profile_approved", title="تأیید شد", body="متن\nخط دوم", created_at=WHEN
    )
    read = Message(id="n" * 32, user_id="u", kind="x", title="قدیمی", body="متن", created_at=WHEN, read_at=WHEN)
    html = render(env, "messaging/list.html", app(messages=[unread, read], next_cursor="abc"))
    assert html.count('data-read="false"') == 1 and html.count('data-read="true"') == 1
    assert f'action="/messages/{"m" * 32}/read"' in html and f'action="/messages/{"n" * 32}/read"' not in html
    assert 'href="/messages?cursor=abc"' in html
    empty = render(env, "messaging/list.html", app(messages=[], next_cursor=None))
    assert "پیامی ندارید" in empty


# --------------------------------------------------------------------------- back office


def test_queue_page(env: jinja2.Environment) -> None:
    row = CustomerSummary(
        id="c" * 32,
        kind=CustomerKind.LEGAL,
        status=CustomerStatus.SUBMITTED,
        display_name="شرکت نمونه",
        identifier="10380284790",
        owner_mobile="09121234567",
        owner_name="سارا احمدی",
        status_changed_at=WHEN,
        submitted_at=WHEN,
        decided_at=None,
    )
    html = render(env, "customers/admin_queue.html", staff(items=[row], status="submitted", next_cursor="xyz"))
    assert f'href="/admin/customers/{"c" * 32}"' in html and "۱۰۳۸۰۲۸۴۷۹۰" in html and "۰۹۱۲۱۲۳۴۵۶۷" in html
    assert 'href="/admin/customers?status=submitted&cursor=xyz"' in html
    empty = render(env, "customers/admin_queue.html", staff(items=[], status="submitted", next_cursor=None))
    assert "پرونده‌ای در انتظار بررسی نیست" in empty


def review(status: CustomerStatus) -> CustomerReview:
    c = customer(LEGAL, status, "ناقص" if status == CustomerStatus.REJECTED else None)
    owner = User(
        id="u1",
        mobile="09121234567",
        first_name="سارا",
        last_name="احمدی",
        password_hash="x",
        status=UserStatus.ACTIVE,
        created_at=WHEN,
    )
    decided = StaffMember(id="s1", mobile="09351110001", role=StaffRole.REVIEWER, password_hash="x", created_at=WHEN)
    history = [
        AuditEntry(
            id=1,
            at=WHEN,
            actor="staff:s1",
            action="customer.reject",
            subject=f"customer:{c.id}",
            before={"status": "submitted"},
            after={"status": "rejected", "rejection_reason": "ناقص"},
            actor_label="09351110001 (بازبین)",
        )
    ]
    return CustomerReview(customer=c, owner=owner, decided_by=decided, history=history)


def test_detail_page_offers_the_decisions_while_submitted(env: jinja2.Environment) -> None:
    html = render(env, "customers/admin_detail.html", staff(review=review(CustomerStatus.SUBMITTED)))
    assert any(f'action="/admin/customers/{"c" * 32}/approve"' in f for f in forms(html))
    [reject] = [f for f in forms(html) if "/reject" in f]
    assert '<label for="f-reason"' in reject and 'name="reason"' in reject
    assert "شرکت بازرگانی آرمان تجارت پارس" in html and "۰۹۳۵۱۱۱۰۰۰۱" in html and "دلیل: ناقص" in html


def test_detail_page_shows_the_reason_error(env: jinja2.Environment) -> None:
    html = render(
        env,
        "customers/admin_detail.html",
        staff(review=review(CustomerStatus.SUBMITTED), errors={"reason": "کوتاه است"}, values={"reason": "نه"}),
    )
    assert '<div id="f-reason-error" class="invalid-feedback">کوتاه است</div>' in html and ">نه</textarea>" in html


def test_decided_profiles_have_no_decision_forms(env: jinja2.Environment) -> None:
    html = render(env, "customers/admin_detail.html", staff(review=review(CustomerStatus.REJECTED)))
    assert not any("/approve" in f or "/reject" in f for f in forms(html))
    assert 'data-status="rejected"' in html


def test_audit_page(env: jinja2.Environment) -> None:
    entries = [dataclasses.replace(e, address="203.0.113.7") for e in review(CustomerStatus.REJECTED).history]
    html = render(
        env,
        "customers/admin_audit.html",
        staff(
            rows=audit_rows(entries),
            actions=AUDIT_ACTIONS,
            next_cursor="1",
            filters={"action": "", "subject": ""},
            active_menu="audit",
        ),
    )
    assert 'data-action="customer.reject">رد اطلاعات مشتری</td>' in html and "۰۹۳۵۱۱۱۰۰۰۱" in html
    assert "رد شده" in html and "ناقص" in html  # the after state, in Persian
    assert 'href="/admin/audit?cursor=1&action=&subject="' in html
    assert 'dir="ltr" title="نشانی درخواست">203.0.113.7</div>' in html  # where it came from


# --------------------------------------------------------------------------- for test_templates_render.py


def realistic_contexts() -> dict[str, dict[str, Any]]:
    """A realistic context for each template of these contexts (to merge into ``REALISTIC``)."""
    legal = customer(LEGAL, CustomerStatus.SUBMITTED)
    return {
        "customers/form.html": app(customer=legal, editable=False, values={}, customer_status="submitted"),
        "customers/admin_queue.html": staff(items=[], status="submitted", next_cursor=None),
        "customers/admin_detail.html": staff(review=review(CustomerStatus.SUBMITTED)),
        "customers/admin_audit.html": staff(
            rows=audit_rows(review(CustomerStatus.REJECTED).history),
            actions=AUDIT_ACTIONS,
            next_cursor=None,
            filters={},
            active_menu="audit",
        ),
        "services/list.html": services_ctx(),
        "services/terms.html": app(view=None),
        "messaging/list.html": app(messages=[], next_cursor=None),
    }


REALISTIC_CUSTOMERS = realistic_contexts()
# The announcement form (issue 15) is checked with the calendar's pages.
REALISTIC_CUSTOMERS["messaging/admin_announce.html"] = {
    "csrf_token": "csrf-tok-123",
    "current_staff": None,
    "flash": [],
    "values": {"title": "اطلاعیه", "body": "<p>متن</p>"},
    "errors": {"body": "این فیلد لازم است."},
    "form_error": None,
}


@pytest.mark.parametrize("name", sorted(REALISTIC_CUSTOMERS))
def test_every_template_of_these_contexts_renders(env: jinja2.Environment, name: str) -> None:
    html = render(env, name, REALISTIC_CUSTOMERS[name])
    assert f'<meta name="csrf-token" content="{CSRF}">' in html


def test_every_template_of_these_contexts_has_a_context() -> None:
    mine = {
        name
        for name in make_env().list_templates(extensions=["html"])
        if name.split("/")[0] in ("customers", "services", "messaging") and not Path(name).name.startswith("_")
    }
    assert mine == set(REALISTIC_CUSTOMERS)
