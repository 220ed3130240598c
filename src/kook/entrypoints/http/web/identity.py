"""The Persian portal's identity pages: sign-up, code, login, one-time code,
dashboard, profile (password and API keys), and the staff sign-in."""

from __future__ import annotations

from typing import Any

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
from kook.domain.shared.errors import DomainError, RateLimited, ValidationFailed
from kook.domain.shared.mobile import normalize_mobile, to_latin_digits
from kook.entrypoints.http.context import caller, client_address, resolve, session_id_of
from kook.entrypoints.http.cookies import clear_session_cookies, session_cookies
from kook.entrypoints.http.messages import error_status, error_text
from kook.entrypoints.http.web.rendering import form_errors, form_values, redirect, render

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


class IdentityPages(Controller):
    include_in_schema = False

    @get("/")
    async def dashboard(self, request: Req) -> Response[Any] | Template:
        found = await caller(request)
        if found.staff is not None:
            return redirect("/admin")
        if found.user is None:
            return redirect("/login")
        customer = await (await resolve(request, GetCustomerOfUser))(found.user.id)
        return await render(request, "identity/dashboard.html", {"active_menu": "dashboard", "customer": customer})

    # sign-up ---------------------------------------------------------------
    @get("/signup")
    async def signup_page(self, request: Req) -> Template:
        return await render(request, "identity/signup.html")

    @post("/signup")
    async def signup(self, request: Req) -> Response[Any] | Template:
        form = await request.form()
        values = form_values(form, "mobile", "first_name", "last_name", "password")
        try:
            mobile = await (await resolve(request, SignUp))(
                SignUpCommand(
                    mobile=values["mobile"],
                    first_name=values["first_name"],
                    last_name=values["last_name"],
                    password=values["password"],
                    client_address=client_address(request),
                )
            )
        except DomainError as exc:
            errors, general = form_errors(exc)
            values["password"] = ""
            return await render(
                request,
                "identity/signup.html",
                {"errors": errors, "form_error": general, "values": values},
                status_code=422 if errors else 400,
            )
        return redirect(f"/signup/verify?mobile={mobile}")

    @get("/signup/verify")
    async def verify_page(self, request: Req) -> Template:
        return await render(request, "identity/verify.html", {"mobile": _mobile_param(request)})

    @post("/signup/verify")
    async def verify(self, request: Req) -> Response[Any] | Template:
        form = await request.form()
        values = form_values(form, "mobile", "code")
        try:
            user = await (await resolve(request, VerifySignUp))(
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
    async def resend(self, request: Req) -> Response[Any] | Template:
        form = await request.form()
        values = form_values(form, "mobile")
        try:
            mobile = await (await resolve(request, ResendSignUpCode))(values["mobile"], client_address(request))
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
    async def login(self, request: Req) -> Response[Any] | Template:
        form = await request.form()
        values = form_values(form, "mobile", "password")
        try:
            user = await (await resolve(request, LogIn))(
                LogInCommand(
                    mobile=values["mobile"], password=values["password"], client_address=client_address(request)
                )
            )
        except DomainError as exc:
            errors, general = form_errors(exc, "mobile" if exc.code == "mobile_invalid" else None)
            return await render(
                request,
                "identity/login.html",
                {"errors": errors, "form_error": general, "values": {"mobile": values["mobile"]}},
                status_code=_status(exc),
            )
        return await _start(request, PrincipalKind.USER, user.id)

    @get("/login/otp")
    async def otp_page(self, request: Req) -> Template:
        return await render(request, "identity/otp_request.html")

    @post("/login/otp")
    async def otp(self, request: Req) -> Response[Any] | Template:
        form = await request.form()
        values = form_values(form, "mobile")
        try:
            mobile = await (await resolve(request, RequestLoginCode))(values["mobile"], client_address(request))
        except DomainError as exc:
            errors, general = form_errors(exc, "mobile" if exc.code == "mobile_invalid" else None)
            return await render(
                request,
                "identity/otp_request.html",
                {"errors": errors, "form_error": general, "values": values},
                status_code=_status(exc),
            )
        return redirect(f"/login/otp/verify?mobile={mobile}", flash="code_sent")

    @get("/login/otp/verify")
    async def otp_verify_page(self, request: Req) -> Template:
        return await render(request, "identity/otp_verify.html", {"mobile": _mobile_param(request)})

    @post("/login/otp/verify")
    async def otp_verify(self, request: Req) -> Response[Any] | Template:
        form = await request.form()
        values = form_values(form, "mobile", "code")
        try:
            user = await (await resolve(request, VerifyLoginCode))(
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
        session_id = session_id_of(request)
        if session_id:
            await (await resolve(request, EndSession))(session_id)
        response = redirect("/login", flash="logged_out")
        clear_session_cookies(request, response)
        return response

    @post("/profile/sessions/end-all")
    async def end_all_sessions(self, request: Req) -> Response[Any]:
        """Sign out everywhere: every session of the user ends, this one included."""
        found = await caller(request)
        if found.user is None:
            return redirect("/login")
        await (await resolve(request, EndAllSessions))(PrincipalKind.USER, found.user.id)
        response = redirect("/login", flash="logged_out_everywhere")
        clear_session_cookies(request, response)
        return response

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
    async def change_password(self, request: Req) -> Response[Any] | Template:
        found = await caller(request)
        if found.user is None:
            return redirect("/login")
        form = await request.form()
        values = form_values(form, "current_password", "new_password")
        try:
            await (await resolve(request, ChangePassword))(
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
            errors, general = form_errors(exc, field)
            return await self._profile(request, {"errors": errors, "form_error": general}, status_code=_status(exc))
        return redirect("/profile", flash="password_changed")

    @post("/profile/api-keys")
    async def create_key(self, request: Req) -> Response[Any] | Template:
        found = await caller(request)
        if found.user is None:
            return redirect("/login")
        form = await request.form()
        values = form_values(form, "name", "per_minute")
        scopes = [s for s in form.getall("scopes", []) if isinstance(s, str)]
        try:
            per_minute = _per_minute(values["per_minute"])
            _key, secret = await (await resolve(request, CreateApiKey))(
                found.user.id, values["name"], scopes, per_minute
            )
        except DomainError as exc:
            errors, general = form_errors(exc, "per_minute" if exc.code == "validation_error" else "name")
            return await self._profile(
                request, {"errors": errors, "form_error": general, "values": values}, status_code=_status(exc)
            )
        return await self._profile(request, {"new_api_key": secret})

    @post("/profile/api-keys/{key_id:str}/revoke")
    async def revoke_key(self, request: Req, key_id: FromPath[str]) -> Response[Any]:
        found = await caller(request)
        if found.user is None:
            return redirect("/login")
        await (await resolve(request, RevokeApiKey))(found.user.id, key_id)
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
    async def login(self, request: Req) -> Response[Any] | Template:
        form = await request.form()
        values = form_values(form, "mobile", "password")
        try:
            staff = await (await resolve(request, StaffLogIn))(
                LogInCommand(
                    mobile=values["mobile"], password=values["password"], client_address=client_address(request)
                )
            )
        except DomainError as exc:
            errors, general = form_errors(exc, "mobile" if exc.code == "mobile_invalid" else None)
            return await render(
                request,
                "staff/login.html",
                {"errors": errors, "form_error": general, "values": {"mobile": values["mobile"]}},
                status_code=_status(exc),
            )
        return await _start(request, PrincipalKind.STAFF, staff.id, to="/admin")

    @post("/logout")
    async def logout(self, request: Req) -> Response[Any]:
        session_id = session_id_of(request)
        if session_id:
            await (await resolve(request, EndSession))(session_id)
        response = redirect("/admin/login", flash="logged_out")
        clear_session_cookies(request, response)
        return response

    @post("/sessions/end-all")
    async def end_all_sessions(self, request: Req) -> Response[Any]:
        """Sign out everywhere: every session of this staff member ends, this one included."""
        found = await caller(request)
        if found.staff is None:
            return redirect("/admin/login")
        await (await resolve(request, EndAllSessions))(PrincipalKind.STAFF, found.staff.id)
        response = redirect("/admin/login", flash="logged_out_everywhere")
        clear_session_cookies(request, response)
        return response


def _status(exc: DomainError) -> int:
    if isinstance(exc, RateLimited):
        return 429
    return error_status(exc.code)
