"""JSON API: sign-up, login, one-time codes, me, password, API keys (API.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Request, Response, delete, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from kook.application.customers.get_customer_of_user import GetCustomerOfUser
from kook.application.identity.change_password import ChangePassword, ChangePasswordCommand
from kook.application.identity.create_api_key import CreateApiKey
from kook.application.identity.end_all_sessions import EndAllSessions
from kook.application.identity.end_session import EndSession
from kook.application.identity.key_owner import KeyOwner
from kook.application.identity.list_api_keys import ListApiKeys
from kook.application.identity.log_in import LogIn, LogInCommand
from kook.application.identity.ports import PrincipalKind
from kook.application.identity.request_login_code import RequestLoginCode
from kook.application.identity.revoke_api_key import RevokeApiKey
from kook.application.identity.sign_up import SignUp, SignUpCommand
from kook.application.identity.start_session import StartSession
from kook.application.identity.verify_login_code import VerifyLoginCode
from kook.application.identity.verify_sign_up import VerifyCodeCommand, VerifySignUp
from kook.application.teams.resolve_member import ResolveMember
from kook.domain.identity.user import User
from kook.domain.shared.errors import Unauthenticated
from kook.entrypoints.http.context import caller, client_address, require_user, resolve, session_id_of
from kook.entrypoints.http.cookies import clear_session_cookies, session_cookies

Short = Annotated[str, msgspec.Meta(max_length=200)]
Secret = Annotated[str, msgspec.Meta(max_length=256)]


class SignUpBody(msgspec.Struct, forbid_unknown_fields=False):
    mobile: Short
    first_name: Short
    last_name: Short
    password: Secret


class MobileBody(msgspec.Struct):
    mobile: Short


class CodeBody(msgspec.Struct):
    mobile: Short
    code: Annotated[str, msgspec.Meta(max_length=32)]


class LoginBody(msgspec.Struct):
    mobile: Short
    password: Secret


class PasswordBody(msgspec.Struct):
    new_password: Secret
    current_password: Secret | None = None


class ApiKeyBody(msgspec.Struct):
    name: Short = "API"
    # a customer's key: any of requests:write, requests:read, reports:read, wallet:read (all four when left out);
    # a staff member's key carries no scopes (the staff role decides)
    scopes: Annotated[list[Annotated[str, msgspec.Meta(max_length=40)]], msgspec.Meta(max_length=10)] | None = None
    per_minute: int | None = None  # requests per minute for this key (120 when left out; 1–6000)


class Accepted(msgspec.Struct):
    status: str
    mobile: str


class CustomerRef(msgspec.Struct):
    id: str
    kind: str
    status: str
    role: str | None = None  # the person's role in the customer (issue 18): owner, admin, operator, …


class Me(msgspec.Struct):
    id: str
    mobile: str
    first_name: str
    last_name: str
    customer: CustomerRef | None
    csrf_token: str | None = None
    # true after a contested sign-up: the account has no password until one is set (POST /me/password)
    password_required: bool = False


class ApiKeyOut(msgspec.Struct):
    id: str
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    scopes: list[str] = msgspec.field(default_factory=list)
    per_minute: int = 120
    staff: bool = False


class NewApiKey(msgspec.Struct):
    id: str
    key: str
    name: str
    scopes: list[str] = msgspec.field(default_factory=list)
    per_minute: int = 120


class ApiKeyList(msgspec.Struct):
    items: list[ApiKeyOut]
    next_cursor: str | None = None


def me_of(user: User, csrf_token: str | None = None, customer: CustomerRef | None = None) -> Me:
    return Me(
        id=user.id,
        mobile=user.mobile,
        first_name=user.first_name,
        last_name=user.last_name,
        customer=customer,
        csrf_token=csrf_token,
        password_required=user.password_required,
    )


async def customer_ref(request: Request[Any, Any, Any], user: User) -> CustomerRef | None:
    customer = await (await resolve(request, GetCustomerOfUser))(user.id)
    if customer is None:
        return None
    member = await (await resolve(request, ResolveMember))(user.id)
    role = member.role.value if member is not None else None
    return CustomerRef(id=customer.id, kind=customer.kind.value, status=customer.status.value, role=role)


async def _logged_in(request: Request[Any, Any, Any], user: User, *, otp_login: bool = False) -> Response[Me]:
    old = session_id_of(request)
    session = await (await resolve(request, StartSession))(
        PrincipalKind.USER, user.id, otp_login=otp_login, replaces=old
    )
    return Response(
        me_of(user, session.csrf_token, await customer_ref(request, user)), cookies=session_cookies(request, session)
    )


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ["identity"]

    @post("/signup", status_code=HTTP_202_ACCEPTED)
    @inject
    async def signup(
        self, request: Request[Any, Any, Any], sign_up: FromDishka[SignUp], data: JSONBody[SignUpBody]
    ) -> Accepted:
        mobile = await sign_up(
            SignUpCommand(
                mobile=data.mobile,
                first_name=data.first_name,
                last_name=data.last_name,
                password=data.password,
                client_address=client_address(request),
            )
        )
        return Accepted(status="code_sent", mobile=mobile)

    @post("/signup/verify", status_code=200)
    @inject
    async def verify_signup(
        self, request: Request[Any, Any, Any], verify_sign_up: FromDishka[VerifySignUp], data: JSONBody[CodeBody]
    ) -> Response[Me]:
        user = await verify_sign_up(
            VerifyCodeCommand(mobile=data.mobile, code=data.code, client_address=client_address(request))
        )
        # a contested sign-up: the phone's holder sets the password without a current one
        return await _logged_in(request, user, otp_login=user.password_required)

    @post("/login", status_code=200)
    @inject
    async def login(
        self, request: Request[Any, Any, Any], log_in: FromDishka[LogIn], data: JSONBody[LoginBody]
    ) -> Response[Me]:
        user = await log_in(
            LogInCommand(mobile=data.mobile, password=data.password, client_address=client_address(request))
        )
        return await _logged_in(request, user)

    @post("/otp", status_code=HTTP_202_ACCEPTED)
    @inject
    async def otp(
        self,
        request: Request[Any, Any, Any],
        request_login_code: FromDishka[RequestLoginCode],
        data: JSONBody[MobileBody],
    ) -> Accepted:
        mobile = await request_login_code(data.mobile, client_address(request))
        return Accepted(status="code_sent", mobile=mobile)

    @post("/otp/verify", status_code=200)
    @inject
    async def otp_verify(
        self, request: Request[Any, Any, Any], verify_login_code: FromDishka[VerifyLoginCode], data: JSONBody[CodeBody]
    ) -> Response[Me]:
        user = await verify_login_code(
            VerifyCodeCommand(mobile=data.mobile, code=data.code, client_address=client_address(request))
        )
        return await _logged_in(request, user, otp_login=True)

    @post("/logout", status_code=HTTP_204_NO_CONTENT)
    async def logout(self, request: Request[Any, Any, Any]) -> Response[None]:
        session_id = session_id_of(request)
        if session_id:
            await (await resolve(request, EndSession))(session_id)
        response: Response[None] = Response(None, status_code=HTTP_204_NO_CONTENT)
        clear_session_cookies(request, response)
        return response


class MeController(Controller):
    path = "/api/v1"
    tags = ["identity"]

    @get("/me")
    async def me(self, request: Request[Any, Any, Any]) -> Me:
        found = await require_user(request)
        assert found.user is not None
        return me_of(
            found.user, found.session.csrf_token if found.session else None, await customer_ref(request, found.user)
        )

    @delete("/me/sessions", status_code=HTTP_204_NO_CONTENT)
    @inject
    async def end_all_sessions(
        self, request: Request[Any, Any, Any], end_all_sessions: FromDishka[EndAllSessions]
    ) -> Response[None]:
        """Sign out everywhere: every web session of the caller ends, this one included (API keys stay)."""
        found = await require_user(request)
        assert found.user is not None
        await end_all_sessions(PrincipalKind.USER, found.user.id)
        response: Response[None] = Response(None, status_code=HTTP_204_NO_CONTENT)
        clear_session_cookies(request, response)
        return response

    @post("/me/password", status_code=HTTP_204_NO_CONTENT)
    @inject
    async def change_password(
        self, request: Request[Any, Any, Any], change_password: FromDishka[ChangePassword], data: JSONBody[PasswordBody]
    ) -> None:
        found = await require_user(request)
        assert found.user is not None
        await change_password(
            ChangePasswordCommand(
                user_id=found.user.id,
                current_password=data.current_password,
                new_password=data.new_password,
                session=found.session,
            )
        )

    @get("/api-keys")
    @inject
    async def list_keys(self, request: Request[Any, Any, Any], list_api_keys: FromDishka[ListApiKeys]) -> ApiKeyList:
        keys = await list_api_keys(await key_owner(request))
        return ApiKeyList(
            items=[
                ApiKeyOut(
                    id=k.id,
                    name=k.name,
                    prefix=k.prefix,
                    created_at=k.created_at,
                    last_used_at=k.last_used_at,
                    revoked_at=k.revoked_at,
                    scopes=sorted(k.scope_set),
                    per_minute=k.per_minute,
                    staff=k.is_staff,
                )
                for k in keys
            ]
        )

    @post("/api-keys", status_code=201)
    @inject
    async def create_key(
        self,
        request: Request[Any, Any, Any],
        create_api_key: FromDishka[CreateApiKey],
        data: JSONBody[ApiKeyBody | None] = None,
    ) -> NewApiKey:
        body = data or ApiKeyBody()
        key, secret = await create_api_key(await key_owner(request), body.name, body.scopes, body.per_minute)
        return NewApiKey(id=key.id, key=secret, name=key.name, scopes=sorted(key.scope_set), per_minute=key.per_minute)

    @delete("/api-keys/{key_id:str}", status_code=HTTP_204_NO_CONTENT)
    @inject
    async def revoke_key(
        self, request: Request[Any, Any, Any], revoke_api_key: FromDishka[RevokeApiKey], key_id: FromPath[str]
    ) -> None:
        await revoke_api_key(await key_owner(request), key_id)


async def key_owner(request: Request[Any, Any, Any]) -> KeyOwner:
    """Keys belong to the signed-in customer user, or to the signed-in staff member (the back office's keys)."""
    found = await caller(request)
    if found.staff is not None:
        return KeyOwner(staff_id=found.staff.id)
    if found.user is not None:
        return KeyOwner(user_id=found.user.id)
    raise Unauthenticated()
