"""The Persian portal's identity pages: sign-up, code, login, one-time code,
dashboard, profile (password and API keys), and the staff sign-in."""

from __future__ import annotations

from typing import Any, Protocol

from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from kook.application.customers.get_customer_of_user import GetCustomerOfUser
from kook.application.identity.change_password import ChangePassword, ChangePasswordCommand
from kook.application.identity.create_api_key import CreateApiKey
from kook.application.identity.end_all_sessions import EndAllSessions
from kook.application.identity.end_session import EndSession
from kook.application.identity.list_api_keys import ListApiKeys
from kook.application.identity.log_in import LogIn, LogInCommand
from kook.application.identity.ports import PrincipalKind
from kook.application.identity.request_login_code import RequestLoginCode
from kook.application.identity.resend_sign_up_code import ResendSignUpCode
from kook.application.identity.revoke_api_key import RevokeApiKey
from kook.application.identity.sign_up import SignUp, SignUpCommand
from kook.application.identity.staff_log_in import StaffLogIn
from kook.application.identity.start_session import StartSession
from kook.application.identity.verify_login_code import VerifyLoginCode
from kook.application.identity.verify_sign_up import VerifyCodeCommand, VerifySignUp
from kook.domain.identity.staff import StaffMember
from kook.domain.identity.user import User
from kook.domain.shared.errors import DomainError, RateLimited, ValidationFailed
from kook.domain.shared.mobile import normalize_mobile, to_latin_digits
from kook.entrypoints.http.context import caller, client_address, resolve, session_id_of
from kook.entrypoints.http.cookies import clear_session_cookies, session_cookies
from kook.entrypoints.http.messages import error_status, error_text
from kook.entrypoints.http.web.rendering import form_context, form_values, redirect, render, render_form_error

Req = Request[Any, Any, Any]


def _mobile_param(request: Req) -> str:
    raw = request.query_params.get("mobile", "")
    try:
        return normalize_mobile(raw)
    except DomainError:
        return ""


async def _start(
    request: Req, kind: str, principal_id: str, *, otp_login: bool = False, to: str = "/", flash: str = "logged_in"
) -> Response[Any]:
    session = await (await resolve(request, StartSession))(
        kind, principal_id, otp_login=otp_login, replaces=session_id_of(request)
    )
    return redirect(to, flash=flash, cookies=session_cookies(request, session))


class _PasswordLogIn(Protocol):
    async def __call__(self, command: LogInCommand) -> User | StaffMember: ...


async def _password_login(
    request: Req, log_in: _PasswordLogIn, kind: str, template: str, to: str
) -> Response[Any] | Template:
    """The login form of a customer (``LogIn``) and of a staff member (``StaffLogIn``): one form, one answer."""
    form = await request.form()
    values = form_values(form, "mobile", "password")
    try:
        principal = await log_in(
            LogInCommand(mobile=values["mobile"], password=values["password"], client_address=client_address(request))
        )
    except DomainError as exc:
        field = "mobile" if exc.code == "mobile_invalid" else None
        return await render_form_error(request, template, exc, _status(exc), field, values={"mobile": values["mobile"]})
    return await _start(request, kind, principal.id, to=to)


async def _log_out(request: Req, to: str) -> Response[Any]:
    """This session ends (the use case only when the request carries one: a stray logout builds nothing)."""
    session_id = session_id_of(request)
    if session_id:
        await (await resolve(request, EndSession))(session_id)
    response = redirect(to, flash="logged_out")
    clear_session_cookies(request, response)
    return response


async def _end_everywhere(
    request: Req, end_all_sessions: EndAllSessions, kind: str, principal_id: str, to: str
) -> Response[Any]:
    await end_all_sessions(kind, principal_id)
    response = redirect(to, flash="logged_out_everywhere")
    clear_session_cookies(request, response)
    return response


class IdentityPages(Controller):
    include_in_schema = False

    @get("/")
    @inject
    async def dashboard(
        self, request: Req, get_customer_of_user: FromDishka[GetCustomerOfUser]
    ) -> Response[Any] | Template:
        found = await caller(request)
        if found.staff is not None:
            return redirect("/admin")
        if found.user is None:
            return redirect("/login")
        customer = await get_customer_of_user(found.user.id)
        return await render(request, "identity/dashboard.html", {"active_menu": "dashboard", "customer": customer})

    # sign-up ---------------------------------------------------------------
    @get("/signup")
    async def signup_page(self, request: Req) -> Template:
        return await render(request, "identity/signup.html")

    @post("/signup")
    @inject
    async def signup(self, request: Req, sign_up: FromDishka[SignUp]) -> Response[Any] | Template:
        form = await request.form()
        values = form_values(form, "mobile", "first_name", "last_name", "password")
        try:
            mobile = await sign_up(
                SignUpCommand(
                    mobile=values["mobile"],
                    first_name=values["first_name"],
                    last_name=values["last_name"],
                    password=values["password"],
                    client_address=client_address(request),
                )
            )
        except DomainError as exc:
            values["password"] = ""
            status = 422 if isinstance(exc, ValidationFailed) and exc.fields else 400
            return await render_form_error(request, "identity/signup.html", exc, status, values=values)
        return redirect(f"/signup/verify?mobile={mobile}")

    @get("/signup/verify")
    async def verify_page(self, request: Req) -> Template:
        return await render(request, "identity/verify.html", {"mobile": _mobile_param(request)})

    @post("/signup/verify")
    @inject
    async def verify(self, request: Req, verify_sign_up: FromDishka[VerifySignUp]) -> Response[Any] | Template:
        form = await request.form()
        values = form_values(form, "mobile", "code")
        try:
            user = await verify_sign_up(
                VerifyCodeCommand(mobile=values["mobile"], code=values["code"], client_address=client_address(request))
            )
        except DomainError as exc:
            return await render(
                request,
                "identity/verify.html",
                {"mobile": values["mobile"], "errors": {"code": error_text(exc.code)}, "values": {"code": ""}},
                status_code=400,
            )
        if user.password_required:  # a contested sign-up: the phone's holder chooses the password
            return await _start(
                request, PrincipalKind.USER, user.id, otp_login=True, to="/profile", flash="choose_password"
            )
        return await _start(request, PrincipalKind.USER, user.id, flash="welcome")

    @post("/signup/resend")
    @inject
    async def resend(self, request: Req, resend_sign_up_code: FromDishka[ResendSignUpCode]) -> Response[Any] | Template:
        form = await request.form()
        values = form_values(form, "mobile")
        try:
            mobile = await resend_sign_up_code(values["mobile"], client_address(request))
        except DomainError as exc:
            return await render(
                request,
                "identity/verify.html",
                {"mobile": values["mobile"], "form_error": error_text(exc.code)},
                status_code=_status(exc),
            )
        return redirect(f"/signup/verify?mobile={mobile}", flash="code_sent")

    # login -------------------------------------------------------------------
    @get("/login")
    async def login_page(self, request: Req) -> Template:
        return await render(request, "identity/login.html")

    @post("/login")
    @inject
    async def login(self, request: Req, log_in: FromDishka[LogIn]) -> Response[Any] | Template:
        return await _password_login(request, log_in, PrincipalKind.USER, "identity/login.html", "/")

    @get("/login/otp")
    async def otp_page(self, request: Req) -> Template:
        return await render(request, "identity/otp_request.html")

    @post("/login/otp")
    @inject
    async def otp(self, request: Req, request_login_code: FromDishka[RequestLoginCode]) -> Response[Any] | Template:
        form = await request.form()
        values = form_values(form, "mobile")
        try:
            mobile = await request_login_code(values["mobile"], client_address(request))
        except DomainError as exc:
            field = "mobile" if exc.code == "mobile_invalid" else None
            return await render_form_error(
                request, "identity/otp_request.html", exc, _status(exc), field, values=values
            )
        return redirect(f"/login/otp/verify?mobile={mobile}", flash="code_sent")

    @get("/login/otp/verify")
    async def otp_verify_page(self, request: Req) -> Template:
        return await render(request, "identity/otp_verify.html", {"mobile": _mobile_param(request)})

    @post("/login/otp/verify")
    @inject
    async def otp_verify(
        self, request: Req, verify_login_code: FromDishka[VerifyLoginCode]
    ) -> Response[Any] | Template:
        form = await request.form()
        values = form_values(form, "mobile", "code")
        try:
            user = await verify_login_code(
                VerifyCodeCommand(mobile=values["mobile"], code=values["code"], client_address=client_address(request))
            )
        except DomainError as exc:
            return await render(
                request,
                "identity/otp_verify.html",
                {"mobile": values["mobile"], "errors": {"code": error_text(exc.code)}},
                status_code=400,
            )
        return await _start(request, PrincipalKind.USER, user.id, otp_login=True, to="/profile")

    @post("/logout")
    async def logout(self, request: Req) -> Response[Any]:
        return await _log_out(request, "/login")

    @post("/profile/sessions/end-all")
    @inject
    async def end_all_sessions(self, request: Req, end_all_sessions: FromDishka[EndAllSessions]) -> Response[Any]:
        """Sign out everywhere: every session of the user ends, this one included."""
        found = await caller(request)
        if found.user is None:
            return redirect("/login")
        return await _end_everywhere(request, end_all_sessions, PrincipalKind.USER, found.user.id, "/login")

    # profile -----------------------------------------------------------------
    @get("/profile")
    async def profile(self, request: Req) -> Response[Any] | Template:
        return await self._profile(request)

    async def _profile(
        self, request: Req, extra: dict[str, Any] | None = None, status_code: int = 200
    ) -> Response[Any] | Template:
        found = await caller(request)
        if found.user is None:
            return redirect("/login")
        keys = await (await resolve(request, ListApiKeys))(found.user.id)
        context: dict[str, Any] = {
            "active_menu": "profile",
            "otp_login": bool(found.session and found.session.otp_login),
            "api_keys": keys,
            "new_api_key": None,
            "scope_titles": SCOPE_TITLES,
        }
        context.update(extra or {})
        return await render(request, "identity/profile.html", context, status_code=status_code)

    @post("/profile/password")
    @inject
    async def change_password(
        self, request: Req, change_password: FromDishka[ChangePassword]
    ) -> Response[Any] | Template:
        found = await caller(request)
        if found.user is None:
            return redirect("/login")
        form = await request.form()
        values = form_values(form, "current_password", "new_password")
        try:
            await change_password(
                ChangePasswordCommand(
                    user_id=found.user.id,
                    current_password=values["current_password"] or None,
                    new_password=values["new_password"],
                    session=found.session,
                )
            )
        except DomainError as exc:
            field = {
                "current_password_invalid": "current_password",
                "credentials_invalid": "current_password",
                "password_too_weak": "new_password",
            }.get(exc.code)
            return await self._profile(request, form_context(exc, field), status_code=_status(exc))
        return redirect("/profile", flash="password_changed")

    @post("/profile/api-keys")
    @inject
    async def create_key(self, request: Req, create_api_key: FromDishka[CreateApiKey]) -> Response[Any] | Template:
        found = await caller(request)
        if found.user is None:
            return redirect("/login")
        form = await request.form()
        values = form_values(form, "name", "per_minute")
        scopes = [s for s in form.getall("scopes", []) if isinstance(s, str)]
        try:
            per_minute = _per_minute(values["per_minute"])
            _key, secret = await create_api_key(found.user.id, values["name"], scopes, per_minute)
        except DomainError as exc:
            field = "per_minute" if exc.code == "validation_error" else "name"
            return await self._profile(request, form_context(exc, field, values=values), status_code=_status(exc))
        return await self._profile(request, {"new_api_key": secret})

    @post("/profile/api-keys/{key_id:str}/revoke")
    @inject
    async def revoke_key(
        self, request: Req, revoke_api_key: FromDishka[RevokeApiKey], key_id: FromPath[str]
    ) -> Response[Any]:
        found = await caller(request)
        if found.user is None:
            return redirect("/login")
        await revoke_api_key(found.user.id, key_id)
        return redirect("/profile", flash="api_key_revoked")


# What each scope of a customer's API key allows, as the profile page names it.
SCOPE_TITLES = {
    "requests:write": "ساخت و تأیید درخواست",
    "requests:read": "دیدن درخواست‌ها",
    "reports:read": "گزارش‌ها",
    "wallet:read": "دیدن کیف پول",
}


def _per_minute(raw: str) -> int | None:
    text = to_latin_digits(raw).strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 5:
        raise ValidationFailed({"per_minute": "out_of_range"})
    return int(text)


class StaffPages(Controller):
    path = "/admin"
    include_in_schema = False

    @get("/")
    async def dashboard(self, request: Req) -> Response[Any] | Template:
        found = await caller(request)
        if found.staff is None:
            return redirect("/admin/login")
        return await render(request, "staff/dashboard.html", {"active_menu": "dashboard"})

    @get("/login")
    async def login_page(self, request: Req) -> Template:
        return await render(request, "staff/login.html")

    @post("/login")
    @inject
    async def login(self, request: Req, staff_log_in: FromDishka[StaffLogIn]) -> Response[Any] | Template:
        return await _password_login(request, staff_log_in, PrincipalKind.STAFF, "staff/login.html", "/admin")

    @post("/logout")
    async def logout(self, request: Req) -> Response[Any]:
        return await _log_out(request, "/admin/login")

    @post("/sessions/end-all")
    @inject
    async def end_all_sessions(self, request: Req, end_all_sessions: FromDishka[EndAllSessions]) -> Response[Any]:
        """Sign out everywhere: every session of this staff member ends, this one included."""
        found = await caller(request)
        if found.staff is None:
            return redirect("/admin/login")
        return await _end_everywhere(request, end_all_sessions, PrincipalKind.STAFF, found.staff.id, "/admin/login")


def _status(exc: DomainError) -> int:
    if isinstance(exc, RateLimited):
        return 429
    return error_status(exc.code)
