"""Every web template renders: Persian RTL shell, local assets, CSRF, form errors."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
import pytest

import kook
from kook.application.reporting.ports import TransactionRow, TransactionTotals
from kook.domain.wallet.bank_accounts import DEFAULT_KOOK_ACCOUNTS
from kook.entrypoints.http.web.filters import register_filters

TEMPLATES = Path(kook.__file__).resolve().parent / "entrypoints" / "http" / "templates"
CSRF = "csrf-tok-123"
WHEN = datetime(2026, 5, 22, 6, 50, tzinfo=UTC)  # ۱۴۰۵/۰۳/۰۱ ۱۰:۲۰ in Tehran


@dataclass
class User:
    first_name: str = "سارا"
    last_name: str = "احمدی"
    mobile: str = "09121234567"
    created_at: datetime = WHEN


@dataclass
class Customer:
    status: str = "submitted"


@dataclass
class ApiKey:
    id: int
    name: str
    prefix: str
    created_at: datetime = WHEN
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
    scope_set: frozenset[str] = frozenset({"requests:read", "requests:write"})
    per_minute: int = 120


@dataclass
class Staff:
    mobile: str = "09120000000"
    role: str = "finance"


@dataclass
class Status:
    value: str = "pending"


@dataclass
class WalletFigures:
    available: int = 4_000_000
    held: int = 200_000
    total: int = 4_200_000


@dataclass
class Payment:
    id: str = "p" * 32
    amount: int = 1_500_000
    status: Status = field(default_factory=lambda: Status("verified"))
    created_at: datetime = WHEN
    reference: str | None = "123456789"


@dataclass
class Deposit:
    id: str = "d" * 32
    bank_account: str = "mellat"
    amount: int = 2_500_000
    deposit_date: datetime = WHEN
    tracking_number: str = "77712345"
    status: Status = field(default_factory=Status)
    created_at: datetime = WHEN
    decided_at: datetime | None = None
    reject_reason: str | None = None
    slip_kind: str = "png"


@dataclass
class Line:
    kind: str
    available_change: int
    held_change: int
    text: str = "افزایش اعتبار با فیش واریزی"
    request_id: str | None = None
    reference: str | None = "77712345"
    reference_label: str | None = "شماره پیگیری"
    created_at: datetime = WHEN


@dataclass
class GatewayPayment:
    token: str = "Zq3x9T0bS2kY7mWc4Lr8Vn1Hd6Fg5Jp0"
    amount: int = 1_250_000
    description: str = "افزایش اعتبار کیف پول"
    status: str = "created"
    says_ok: bool = False


@dataclass
class Ctx:
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def make_env(
    undefined: type[jinja2.Undefined] = jinja2.Undefined,
) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=undefined)
    register_filters(env)
    return env


@pytest.fixture(scope="module")
def env() -> jinja2.Environment:
    return make_env()


def app_context(**extra: Any) -> dict[str, Any]:
    ctx: dict[str, Any] = {
        "csrf_token": CSRF,
        "flash": [("success", "پرداخت با موفقیت انجام شد")],
        "current_user": User(),
        "wallet_available": 1_250_000,
        "unread_count": 3,
        "enabled_menu": {"dashboard", "customer", "profile"},
        "values": {},
        "errors": {},
        "form_error": None,
    }
    ctx.update(extra)
    return ctx


def public_context(**extra: Any) -> dict[str, Any]:
    ctx: dict[str, Any] = {
        "csrf_token": CSRF,
        "flash": [],
        "values": {},
        "errors": {},
        "form_error": None,
    }
    ctx.update(extra)
    return ctx


REALISTIC: dict[str, dict[str, Any]] = {
    "base.html": public_context(),
    "layout_public.html": public_context(),
    "layout_app.html": app_context(active_menu="dashboard"),
    "layout_staff.html": {
        "csrf_token": CSRF,
        "current_staff": Staff(),
        "active_menu": "dashboard",
    },
    "identity/signup.html": public_context(
        values={"mobile": "09121234567", "first_name": "سارا", "last_name": "احمدی"},
        errors={"mobile": "این شماره موبایل قبلاً ثبت شده است."},
    ),
    "identity/verify.html": public_context(mobile="09121234567"),
    "identity/login.html": public_context(values={"mobile": "09121234567"}),
    "identity/otp_request.html": public_context(values={"mobile": "09121234567"}),
    "identity/otp_verify.html": public_context(mobile="09121234567"),
    "identity/dashboard.html": app_context(customer=None),
    "identity/profile.html": app_context(
        otp_login=False,
        api_keys=[
            ApiKey(id=1, name="حسابداری", prefix="kk_ab12"),
            ApiKey(id=2, name="قدیمی", prefix="kk_zz99", last_used_at=WHEN, revoked_at=WHEN),
        ],
        new_api_key=None,
        scope_titles={"requests:write": "ساخت و تأیید درخواست", "requests:read": "دیدن درخواست‌ها"},
    ),
    "staff/login.html": public_context(values={"mobile": "09120000000"}),
    "staff/dashboard.html": {
        "csrf_token": CSRF,
        "current_staff": Staff(role="reviewer"),
        "enabled_menu": ["dashboard", "customers"],
        "flash": [],
    },
    # wallet
    "wallet/index.html": app_context(
        active_menu="wallet",
        wallet=WalletFigures(),
        payments=[Payment()],
        deposits=[Deposit(), Deposit(status=Status("rejected"), reject_reason="مبلغ یکی نیست")],
        accounts=DEFAULT_KOOK_ACCOUNTS,
        payment_min=10_000,
        payment_max=500_000_000,
        payment_errors={"amount": "مبلغ خارج از محدودهٔ مجاز است."},
        deposit_errors={},
    ),
    "wallet/payment_result.html": app_context(payment=Payment(), succeeded=True, pending=False, wallet=WalletFigures()),
    "wallet/statement.html": app_context(
        wallet=WalletFigures(),
        month_picker={"year": 1405, "month": 9, "months": [(9, "آذر"), (10, "دی")]},
        lines=[
            Line("deposit", 1_500_000, 0),
            Line(
                "hold", -200_000, 200_000, "رزرو مبلغ درخواست «شارژ کارکنان»", "ac92e01f5b7c4d3e9f0a1b2c3d4e5f60", None
            ),
        ],
    ),
    "reports/transactions.html": app_context(
        values={"from": "۱۴۰۵/۰۹/۰۱", "status": "failed"},
        operators=[(1, "همراه اول"), (2, "ایرانسل")],
        rows=[
            TransactionRow(
                id=7,
                customer_id="c1",
                request_id="r1",
                request_name='=HYPERLINK("x")',
                mobile="09121110001",
                operator=1,
                product="airtime",
                package_code=None,
                package_title=None,
                amount=200_000,
                status="failed",
                sent_at=WHEN,
                finished_at=WHEN,
                reference="k-7",
                provider_ref=None,
            )
        ],
        totals=TransactionTotals(count=1, amount=200_000, succeeded=0, refunded=200_000),
        next_query="from=1405%2F09%2F01&cursor=abc",
        export_query="from=1405%2F09%2F01",
    ),
    "wallet/admin_deposits.html": {
        "csrf_token": CSRF,
        "current_staff": Staff(),
        "deposits": [Deposit()],
        "status": "pending",
        "flash": [],
    },
    "wallet/admin_deposit.html": {
        "csrf_token": CSRF,
        "current_staff": Staff(),
        "deposit": Deposit(),
        "account": DEFAULT_KOOK_ACCOUNTS[0],
        "flash": [],
        "values": {},
        "errors": {},
        "form_error": None,
    },
    "sandbox/gateway.html": public_context(
        payment=GatewayPayment(),
        action_url="/sandbox/gateway/Zq3x9T0bS2kY7mWc4Lr8Vn1Hd6Fg5Jp0",
        return_url="/wallet/payments/callback?token=Zq3x9T0bS2kY7mWc4Lr8Vn1Hd6Fg5Jp0&status=NOK",
    ),
    "errors/404.html": {"status_code": 404, "message": "صفحه مورد نظر پیدا نشد."},
    "errors/403.html": {"status_code": 403, "message": "دسترسی ندارید."},
    "errors/500.html": {"status_code": 500, "message": "خطای داخلی."},
    "errors/error.html": {
        "status_code": 409,
        "message": "این درخواست قبلاً تأیید شده است.",
    },
}

from tests.unit.test_customers_templates import REALISTIC_CUSTOMERS  # noqa: E402

REALISTIC.update(REALISTIC_CUSTOMERS)

# The catalogue registers its pages into REALISTIC when imported (it imports this module).
import tests.unit.test_catalog_templates  # noqa: E402, F401
from tests.unit import test_calendar_templates as _calendar_templates  # noqa: E402, F401
from tests.unit import test_fulfilment_templates as _fulfilment_templates  # noqa: E402, F401
from tests.unit import test_report_export_templates as _report_templates  # noqa: E402, F401
from tests.unit import test_reports_templates as _reports_templates  # noqa: E402, F401
from tests.unit import test_requests_templates as _requests_templates  # noqa: E402, F401
from tests.unit import test_teams_templates as _teams_templates  # noqa: E402, F401
from tests.unit import test_webhook_templates as _webhook_templates  # noqa: E402, F401

FORM_PAGES = {
    "identity/signup.html": (
        "/signup",
        ["mobile", "first_name", "last_name", "password"],
    ),
    "identity/verify.html": ("/signup/verify", ["code"]),
    "identity/login.html": ("/login", ["mobile", "password"]),
    "identity/otp_request.html": ("/login/otp", ["mobile"]),
    "identity/otp_verify.html": ("/login/otp/verify", ["code"]),
    "staff/login.html": ("/admin/login", ["mobile", "password"]),
}

ASSET_RE = re.compile(r"""(?:src|href)=["']([^"']+)["']""")


def all_templates() -> list[str]:
    return sorted(
        name for name in make_env().list_templates(extensions=["html"]) if not Path(name).name.startswith("_")
    )


def forms(html: str) -> list[str]:
    return re.findall(r"<form\b.*?</form>", html, flags=re.DOTALL)


def assert_shell(html: str) -> None:
    assert '<html lang="fa" dir="rtl">' in html
    assert 'name="viewport"' in html
    assert "/static/vendor/bootstrap.rtl.min.css" in html
    assert "/static/vendor/vazirmatn.css" in html
    assert "/static/vendor/htmx.min.js" in html
    assert "/static/vendor/bootstrap.bundle.min.js" in html
    assert "/static/vendor/jalalidatepicker.min.js" in html
    assert "/static/kook.css" in html
    assert "/static/kook.js" in html
    for url in ASSET_RE.findall(html):
        assert not url.startswith(("http://", "https://", "//")), url
    assert "http://" not in html and "https://" not in html
    for form in forms(html):
        if re.search(r'method="post"', form):
            assert re.search(r'<input type="hidden" name="csrf_token" value="[^"]*">', form), form


def test_every_template_has_a_realistic_context() -> None:
    assert set(all_templates()) == set(REALISTIC)


@pytest.mark.parametrize("name", sorted(REALISTIC))
def test_renders_with_realistic_context(env: jinja2.Environment, name: str) -> None:
    html = env.get_template(name).render(**REALISTIC[name])
    assert_shell(html)
    if "csrf_token" in REALISTIC[name]:
        assert f'<meta name="csrf-token" content="{CSRF}">' in html
        for form in forms(html):
            if 'method="post"' in form:  # a GET filter form changes nothing and needs no token
                assert f'name="csrf_token" value="{CSRF}"' in form


@pytest.mark.parametrize("name", all_templates())
def test_renders_with_empty_context_even_strict(name: str) -> None:
    html = make_env(jinja2.StrictUndefined).get_template(name).render()
    assert_shell(html)
    assert '<meta name="csrf-token" content="">' in html


@pytest.mark.parametrize("code", ["404", "403", "500"])
def test_error_pages_minimal_context(env: jinja2.Environment, code: str) -> None:
    html = env.get_template(f"errors/{code}.html").render(status_code=int(code), message="متن خطا")
    assert_shell(html)
    assert "متن خطا" in html
    assert 'href="/"' in html
    assert code.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")) in html
    assert "Traceback" not in html


def test_generic_error_page(env: jinja2.Environment) -> None:
    html = env.get_template("errors/error.html").render(status_code=429, message="کمی صبر کنید.")
    assert "۴۲۹" in html
    assert "کمی صبر کنید." in html
    assert "تعداد درخواست‌ها بیش از حد مجاز است" in html


def test_error_message_is_escaped(env: jinja2.Environment) -> None:
    html = env.get_template("errors/error.html").render(status_code=400, message="<b>x</b>")
    assert "&lt;b&gt;x&lt;/b&gt;" in html


@pytest.mark.parametrize("name", sorted(FORM_PAGES))
def test_form_posts_to_its_url_with_labels(env: jinja2.Environment, name: str) -> None:
    action, fields = FORM_PAGES[name]
    html = env.get_template(name).render(**REALISTIC[name])
    main_form = next(f for f in forms(html) if f'action="{action}"' in f)
    assert 'method="post"' in main_form
    assert f'name="csrf_token" value="{CSRF}"' in main_form
    for name_ in fields:
        match = re.search(rf'<input id="([^"]+)" name="{name_}"', main_form)
        assert match, name_
        assert f'<label for="{match.group(1)}"' in main_form


@pytest.mark.parametrize("name", sorted(FORM_PAGES))
def test_field_errors_and_kept_values(env: jinja2.Environment, name: str) -> None:
    _action, fields = FORM_PAGES[name]
    values = {f: f"val-{f}" for f in fields}
    errors = {f: f"خطای {f}" for f in fields}
    ctx = public_context(values=values, errors=errors, mobile="09121234567")
    html = env.get_template(name).render(**ctx)
    for f in fields:
        inp = re.search(rf'<input id="[^"]+" name="{f}"[^>]*>', html)
        assert inp, f
        assert "is-invalid" in inp.group(0)
        assert f'<div id="f-{f.replace("_", "-")}-error" class="invalid-feedback">خطای {f}</div>' in html
        if f != "password":
            assert f'value="val-{f}"' in inp.group(0)
        else:
            assert "value=" not in inp.group(0)


def test_form_error_and_escaping(env: jinja2.Environment) -> None:
    html = env.get_template("identity/signup.html").render(
        **public_context(
            values={"first_name": '"><script>x</script>'},
            form_error="ارسال پیامک ممکن نشد.",
        )
    )
    assert '<div class="alert alert-danger" role="alert">ارسال پیامک ممکن نشد.</div>' in html
    assert "<script>x</script>" not in html
    assert "&#34;&gt;&lt;script&gt;" in html


def test_signup_page_copy(env: jinja2.Environment) -> None:
    html = env.get_template("identity/signup.html").render(**REALISTIC["identity/signup.html"])
    assert 'type="tel"' in html and 'inputmode="numeric"' in html
    assert 'autocomplete="tel"' in html
    assert 'placeholder="۰۹۱۲۱۲۳۴۵۶۷"' in html
    assert "حداقل ۸ نویسه" in html
    assert ">ثبت نام</button>" in html
    assert 'href="/login"' in html and "قبلاً ثبت نام کرده‌اید؟" in html
    assert "کوک" in html and "پرتال سازمانی شارژ و بسته اینترنت" in html
    assert "این شماره موبایل قبلاً ثبت شده است." in html


def test_verify_page(env: jinja2.Environment) -> None:
    html = env.get_template("identity/verify.html").render(**REALISTIC["identity/verify.html"])
    assert "کد تأیید به شماره" in html and "۰۹۱۲۱۲۳۴۵۶۷" in html
    assert html.count('<input type="hidden" name="mobile" value="09121234567">') == 2
    code = re.search(r'<input id="[^"]+" name="code"[^>]*>', html)
    assert code
    assert 'autocomplete="one-time-code"' in code.group(0)
    assert 'maxlength="6"' in code.group(0)
    assert "pattern=" not in code.group(0)
    resend = next(f for f in forms(html) if 'action="/signup/resend"' in f)
    assert "ارسال دوباره کد" in resend


def test_login_links(env: jinja2.Environment) -> None:
    html = env.get_template("identity/login.html").render(**REALISTIC["identity/login.html"])
    assert 'href="/login/otp"' in html and "ورود با کد یکبار مصرف" in html
    assert 'href="/signup"' in html
    assert ">ورود</button>" in html


def test_otp_pages(env: jinja2.Environment) -> None:
    html = env.get_template("identity/otp_request.html").render(**REALISTIC["identity/otp_request.html"])
    assert ">ارسال کد یکبار مصرف</button>" in html
    html = env.get_template("identity/otp_verify.html").render(**REALISTIC["identity/otp_verify.html"])
    assert '<input type="hidden" name="mobile" value="09121234567">' in html
    assert ">ورود</button>" in html


class TestAppLayout:
    def render(self, env: jinja2.Environment, **extra: Any) -> str:
        return env.get_template("identity/dashboard.html").render(**app_context(**extra))

    def test_top_bar(self, env: jinja2.Environment) -> None:
        html = self.render(env)
        assert "۱٬۲۵۰٬۰۰۰ ریال" in html
        assert 'text-bg-warning">۳</span>' in html
        assert "سارا احمدی" in html
        logout = [f for f in forms(html) if 'action="/logout"' in f]
        assert logout and all(f'name="csrf_token" value="{CSRF}"' in f for f in logout)

    def test_wallet_hidden_when_none(self, env: jinja2.Environment) -> None:
        html = self.render(env, wallet_available=None)
        assert 'data-testid="wallet-available"' not in html
        assert "پس از فعال شدن «سرویس شارژ سازمانی» فعال می‌شود" in html

    def test_menu_order_active_and_disabled(self, env: jinja2.Environment) -> None:
        html = self.render(env)
        keys = re.findall(r'data-menu="([a-z]+)"', html)
        assert keys == [
            "dashboard",
            "customer",
            "services",
            "requests",
            "wallet",
            "reports",
            "messages",
            "profile",
            "members",  # اعضا (issue 18)
        ]
        assert '<a class="nav-link active" href="/" data-menu="dashboard" aria-current="page">' in html
        assert '<a class="nav-link" href="/customer" data-menu="customer">' in html
        disabled = re.search(
            r'<a class="nav-link disabled" aria-disabled="true" data-menu="wallet">',
            html,
        )
        assert disabled
        assert 'href="/wallet" data-menu' not in html
        assert "به‌زودی" in html
        for label in (
            "اطلاعات مشتری",
            "سرویس ها",
            "شارژ و بسته",
            "افزایش اعتبار",
            "گزارشات",
        ):
            assert label in html
        assert "پیام ها، رویداد ها و تقویم" in html and "پروفایل" in html

    def test_all_enabled_when_enabled_menu_missing(self, env: jinja2.Environment) -> None:
        ctx = app_context()
        del ctx["enabled_menu"]
        html = env.get_template("identity/dashboard.html").render(**ctx)
        assert 'aria-disabled="true"' not in html
        assert 'href="/wallet" data-menu="wallet"' in html

    def test_menu_folds_on_phone(self, env: jinja2.Environment) -> None:
        html = self.render(env)
        assert 'id="kook-menu"' in html and "offcanvas-lg" in html
        assert 'data-bs-toggle="offcanvas" data-bs-target="#kook-menu"' in html

    def test_flash(self, env: jinja2.Environment) -> None:
        html = self.render(env, flash=[("danger", "خطا رخ داد"), ("bogus", "<i>x</i>")])
        assert "alert alert-danger" in html and "خطا رخ داد" in html
        assert "alert alert-info" in html and "&lt;i&gt;x&lt;/i&gt;" in html


class TestDashboard:
    def test_no_customer_call_to_action(self, env: jinja2.Environment) -> None:
        html = env.get_template("identity/dashboard.html").render(**app_context(customer=None))
        assert 'href="/customer">تکمیل اطلاعات مشتری</a>' in html
        assert "سارا احمدی عزیز" in html
        for step in (
            "تکمیل اطلاعات مشتری",
            "سرویس شارژ سازمانی",
            "افزایش اعتبار",
            "شارژ و بسته",
        ):
            assert step in html

    def test_customer_status_badge(self, env: jinja2.Environment) -> None:
        html = env.get_template("identity/dashboard.html").render(**app_context(customer=Customer(status="approved")))
        assert 'data-status="approved">تأیید شده</span>' in html
        assert "معادل ۱۲۵٬۰۰۰ تومان" in html


class TestProfile:
    def render(self, env: jinja2.Environment, **extra: Any) -> str:
        ctx = dict(REALISTIC["identity/profile.html"])
        ctx.update(extra)
        return env.get_template("identity/profile.html").render(**ctx)

    def test_user_info(self, env: jinja2.Environment) -> None:
        html = self.render(env)
        assert "۰۹۱۲۱۲۳۴۵۶۷" in html
        assert "۱۴۰۵/۰۳/۰۱ ۱۰:۲۰" in html
        assert '<a class="nav-link active" href="/profile" data-menu="profile" aria-current="page">' in html

    def test_password_form(self, env: jinja2.Environment) -> None:
        html = self.render(env, errors={"new_password": "کلمه عبور کوتاه است."})
        form = next(f for f in forms(html) if 'action="/profile/password"' in f)
        assert 'name="current_password"' in form
        assert 'name="new_password"' in form
        assert "کلمه عبور کوتاه است." in form
        assert ">تغییر کلمه عبور</button>" in form

    def test_password_form_after_otp_login(self, env: jinja2.Environment) -> None:
        html = self.render(env, otp_login=True)
        form = next(f for f in forms(html) if 'action="/profile/password"' in f)
        assert 'name="current_password"' not in form
        assert "با کد یکبار مصرف وارد شده‌اید؛ کلمه عبور جدید را تعیین کنید." in html

    def test_api_keys(self, env: jinja2.Environment) -> None:
        html = self.render(env)
        assert "table-responsive" in html
        assert "kk_ab12" in html and "kk_zz99" in html
        revoke = [f for f in forms(html) if "/revoke" in f]
        assert len(revoke) == 1
        assert 'action="/profile/api-keys/1/revoke"' in revoke[0]
        assert f'name="csrf_token" value="{CSRF}"' in revoke[0]
        assert "هنوز استفاده نشده" in html
        assert 'data-status="revoked"' in html
        create = next(f for f in forms(html) if 'action="/profile/api-keys"' in f)
        assert 'name="name"' in create
        assert 'data-testid="new-api-key"' not in html

    def test_new_api_key_shown_once(self, env: jinja2.Environment) -> None:
        html = self.render(env, new_api_key="kk_live_SECRET<&>")
        assert 'data-testid="new-api-key"' in html
        assert "kk_live_SECRET&lt;&amp;&gt;" in html
        assert "فقط همین یک بار نمایش داده می‌شود" in html

    def test_no_keys(self, env: jinja2.Environment) -> None:
        html = self.render(env, api_keys=[])
        assert "هنوز کلید API نساخته‌اید." in html


class TestStaff:
    def test_staff_layout(self, env: jinja2.Environment) -> None:
        html = env.get_template("staff/dashboard.html").render(**REALISTIC["staff/dashboard.html"])
        assert "۰۹۱۲۰۰۰۰۰۰۰" in html
        assert "بازبین" in html
        keys = re.findall(r'data-menu="([a-z]+)"', html)
        assert keys == [
            "dashboard",
            "customers",
            "deposits",
            "lines",
            "reports",
            "catalog",
            "announcements",
            "staff",
            "audit",
        ]
        assert '<a class="nav-link active" href="/admin" data-menu="dashboard" aria-current="page">' in html
        assert 'href="/admin/customers" data-menu="customers"' in html
        assert '<a class="nav-link disabled" aria-disabled="true" data-menu="audit">' in html
        logout = [f for f in forms(html) if 'action="/admin/logout"' in f]
        assert logout and all(f'name="csrf_token" value="{CSRF}"' in f for f in logout)

    @pytest.mark.parametrize(
        ("role", "label"),
        [("reviewer", "بازبین"), ("finance", "مالی"), ("admin", "مدیر")],
    )
    def test_roles(self, env: jinja2.Environment, role: str, label: str) -> None:
        html = env.get_template("staff/dashboard.html").render(current_staff=Staff(role=role))
        assert f'data-testid="staff-role">{label}</span>' in html

    def test_staff_login(self, env: jinja2.Environment) -> None:
        html = env.get_template("staff/login.html").render(**REALISTIC["staff/login.html"])
        assert ">ورود کارکنان</button>" in html
        assert 'value="09120000000"' in html


def test_csrf_token_as_litestar_template_callable() -> None:
    """Litestar registers csrf_token() as a global; a context string overrides it."""
    env = make_env()
    env.globals["csrf_token"] = jinja2.pass_context(lambda ctx: "from-callable")
    html = env.get_template("identity/login.html").render()
    assert '<meta name="csrf-token" content="from-callable">' in html
    assert 'name="csrf_token" value="from-callable"' in html
    html = env.get_template("identity/login.html").render(csrf_token=CSRF)
    assert f'name="csrf_token" value="{CSRF}"' in html
