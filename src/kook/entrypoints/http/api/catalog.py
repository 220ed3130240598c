"""JSON API: the catalogue (operators, packages, number lookup) and its back office (API.md "Catalogue")."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Router, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from kook.application.catalog.operators import (
    AirtimeBoundsCommand,
    ListOperators,
    OperatorView,
    UpdateAirtimeBounds,
)
from kook.application.catalog.packages import (
    CreatePackage,
    GetPackage,
    ListPackages,
    PackageCommand,
    SetPackageActive,
    UpdatePackage,
)
from kook.application.routing.look_up_operator import LookUpOperator
from kook.application.routing.manage_prefixes import (
    AddPrefix,
    DeletePrefix,
    GetPrefix,
    ListPrefixes,
    PrefixCommand,
    UpdatePrefix,
)
from kook.application.routing.routes import ListRoutes, UpdateRoute, UpdateRouteCommand
from kook.domain.catalog.product import Package
from kook.domain.identity.staff import StaffRole
from kook.domain.routing.operator import Operator, OperatorCodeInvalid, parse_operator, parse_optional_operator
from kook.domain.routing.operator_routing import Route
from kook.domain.routing.prefix_table import OperatorLookup, OperatorPrefix
from kook.domain.shared.errors import ValidationFailed
from kook.entrypoints.http.context import require_staff, require_user, resolve
from kook.sandbox.operator_sim import OperatorSimulator
from kook.sandbox.operator_sim_http import sim_router

Req = Request[Any, Any, Any]
Short = Annotated[str, msgspec.Meta(max_length=200)]
Number = int | Annotated[str, msgspec.Meta(max_length=40)]
OperatorValue = int | Annotated[str, msgspec.Meta(max_length=40)]


# --------------------------------------------------------------------------- shapes


class OperatorRef(msgspec.Struct):
    code: int
    name: str


class OperatorOut(msgspec.Struct):
    code: int
    name: str
    name_en: str
    prefixes: list[str]
    airtime_min: int
    airtime_max: int
    active_packages: int


class OperatorList(msgspec.Struct):
    items: list[OperatorOut]
    shared_prefixes: list[str]  # blocks shared by several operators: numbers there need an explicit code
    next_cursor: str | None = None


class PackageOut(msgspec.Struct):
    id: str
    code: str
    operator: OperatorRef
    title: str
    volume_mb: int
    duration_days: int
    price: int
    sim_type: str
    active: bool


class PackageList(msgspec.Struct):
    items: list[PackageOut]
    next_cursor: str | None = None


class LookupOut(msgspec.Struct):
    mobile: str
    operator: OperatorRef
    source: str  # "given" (the code sent with the number) or "prefix" (found from the prefix table)
    given: bool
    ported: bool  # a code was given and it differs from the prefix's operator
    prefix: str
    prefix_operator: OperatorRef | None


class PrefixOut(msgspec.Struct):
    id: str
    prefix: str
    operator: OperatorRef | None
    note: str
    updated_at: datetime


class PrefixList(msgspec.Struct):
    items: list[PrefixOut]
    next_cursor: str | None = None


class RouteOut(msgspec.Struct):
    operator: OperatorRef
    name: str
    adapter: str
    base_url: str | None
    credential_name: str | None
    operator_codes: dict[str, str]
    rate_limit_per_second: int
    max_concurrency: int
    connect_timeout_ms: int
    read_timeout_ms: int
    breaker_failure_threshold: int
    breaker_reset_seconds: int
    active: bool
    updated_at: datetime


class RouteList(msgspec.Struct):
    items: list[RouteOut]
    next_cursor: str | None = None


class NewPackageBody(msgspec.Struct, forbid_unknown_fields=True):
    operator: OperatorValue
    code: Short
    title: Short
    volume_mb: Number
    duration_days: Number
    price: Number
    sim_type: Short = "both"


class PackageChangesBody(msgspec.Struct, forbid_unknown_fields=True):
    title: Short | None = None
    volume_mb: Number | None = None
    duration_days: Number | None = None
    price: Number | None = None
    sim_type: Short | None = None


class BoundsBody(msgspec.Struct, forbid_unknown_fields=True):
    airtime_min: Number
    airtime_max: Number


class PrefixBody(msgspec.Struct, forbid_unknown_fields=True):
    prefix: Short
    operator: OperatorValue | None = None
    note: Short = ""


class PrefixChangesBody(msgspec.Struct, forbid_unknown_fields=True):
    prefix: Short | None = None
    operator: OperatorValue | None = None
    note: Short | None = None
    shared: bool = False  # true: make the block shared (no operator; numbers need an explicit code)


class RouteChangesBody(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    name: Short | None = None
    adapter: Short | None = None
    base_url: Short | None = None
    credential_name: Short | None = None
    operator_codes: dict[str, Annotated[str, msgspec.Meta(max_length=16)]] | None = None
    rate_limit_per_second: int | None = None
    max_concurrency: int | None = None
    connect_timeout_ms: int | None = None
    read_timeout_ms: int | None = None
    breaker_failure_threshold: int | None = None
    breaker_reset_seconds: int | None = None
    active: bool | None = None
    clear: list[Annotated[str, msgspec.Meta(max_length=32)]] = []  # "base_url", "credential_name": back to default


def operator_ref(operator: Operator) -> OperatorRef:
    return OperatorRef(code=int(operator), name=operator.name_fa)


def operator_out(view: OperatorView) -> OperatorOut:
    return OperatorOut(
        code=view.code,
        name=view.operator.name_fa,
        name_en=view.operator.name_en,
        prefixes=view.prefixes,
        airtime_min=view.bounds.minimum,
        airtime_max=view.bounds.maximum,
        active_packages=view.active_packages,
    )


def package_out(package: Package) -> PackageOut:
    return PackageOut(
        id=package.id,
        code=package.code,
        operator=operator_ref(package.operator),
        title=package.title,
        volume_mb=package.volume_mb,
        duration_days=package.duration_days,
        price=package.price,
        sim_type=package.sim_type.value,
        active=package.active,
    )


def lookup_out(found: OperatorLookup) -> LookupOut:
    return LookupOut(
        mobile=found.mobile,
        operator=operator_ref(found.operator),
        source=found.source,
        given=found.source == "given",
        ported=found.ported,
        prefix=found.prefix,
        prefix_operator=operator_ref(found.prefix_operator) if found.prefix_operator is not None else None,
    )


def prefix_out(entry: OperatorPrefix) -> PrefixOut:
    return PrefixOut(
        id=entry.id,
        prefix=entry.prefix,
        operator=operator_ref(entry.operator) if entry.operator is not None else None,
        note=entry.note,
        updated_at=entry.updated_at,
    )


def route_out(route: Route) -> RouteOut:
    view = route.audit_view()
    return RouteOut(operator=operator_ref(route.operator), updated_at=route.updated_at, **view)


def operator_query(request: Req, *, required: bool = False) -> Operator | None:
    """``?operator=`` as a code or a name; absent is None (or ``operator_code_invalid`` when required)."""
    raw = request.query_params.get("operator")
    if required:
        return parse_operator(raw)
    return parse_optional_operator(raw)


def path_operator(code: str) -> Operator:
    return parse_operator(code)


async def _admin(request: Req) -> str:
    found = await require_staff(request, StaffRole.ADMIN)
    assert found.staff is not None
    return f"staff:{found.staff.id}"


# --------------------------------------------------------------------------- catalogue (users and API keys)


class CatalogController(Controller):
    path = "/api/v1/catalog"
    tags = ["catalogue"]

    @get("/operators")
    async def operators(self, request: Req) -> OperatorList:
        await require_user(request)
        views, shared = await (await resolve(request, ListOperators))()
        return OperatorList(items=[operator_out(v) for v in views], shared_prefixes=shared)

    @get("/packages")
    async def packages(self, request: Req, operator: FromQuery[str | None] = None) -> PackageList:
        """The active packages, of one operator when ``operator`` (a code or a name) is given."""
        await require_user(request)
        found = await (await resolve(request, ListPackages))(parse_optional_operator(operator), active_only=True)
        return PackageList(items=[package_out(p) for p in found])

    @get("/lookup")
    async def lookup(
        self, request: Req, mobile: FromQuery[str | None] = None, operator: FromQuery[str | None] = None
    ) -> LookupOut:
        """The normalised number and its operator — from the prefix, or the code given (a port) — or the error."""
        await require_user(request)
        found = await (await resolve(request, LookUpOperator))(mobile, operator)
        return lookup_out(found)


# --------------------------------------------------------------------------- back office (admin only)


class AdminCatalogController(Controller):
    path = "/api/v1/admin/catalog"
    tags = ["back office"]

    @get("/packages")
    async def list_packages(self, request: Req) -> PackageList:
        await _admin(request)
        active = request.query_params.get("active")
        found = await (await resolve(request, ListPackages))(operator_query(request), active_only=active == "true")
        if active == "false":
            found = [p for p in found if not p.active]
        return PackageList(items=[package_out(p) for p in found])

    @post("/packages", status_code=HTTP_201_CREATED)
    async def create_package(self, request: Req, data: JSONBody[NewPackageBody]) -> PackageOut:
        actor = await _admin(request)
        package = await (await resolve(request, CreatePackage))(
            PackageCommand(
                operator=data.operator,
                code=data.code,
                title=data.title,
                volume_mb=data.volume_mb,
                duration_days=data.duration_days,
                price=data.price,
                sim_type=data.sim_type,
                actor=actor,
            )
        )
        return package_out(package)

    @get("/packages/{package_id:str}")
    async def get_package(self, request: Req, package_id: FromPath[str]) -> PackageOut:
        await _admin(request)
        return package_out(await (await resolve(request, GetPackage))(package_id))

    @patch("/packages/{package_id:str}")
    async def update_package(
        self, request: Req, package_id: FromPath[str], data: JSONBody[PackageChangesBody]
    ) -> PackageOut:
        actor = await _admin(request)
        current = await (await resolve(request, GetPackage))(package_id)
        package = await (await resolve(request, UpdatePackage))(
            package_id,
            PackageCommand(
                title=data.title if data.title is not None else current.title,
                volume_mb=data.volume_mb if data.volume_mb is not None else current.volume_mb,
                duration_days=data.duration_days if data.duration_days is not None else current.duration_days,
                price=data.price if data.price is not None else current.price,
                sim_type=data.sim_type if data.sim_type is not None else current.sim_type.value,
                actor=actor,
            ),
        )
        return package_out(package)

    @post("/packages/{package_id:str}/deactivate", status_code=200)
    async def deactivate_package(self, request: Req, package_id: FromPath[str]) -> PackageOut:
        actor = await _admin(request)
        return package_out(await (await resolve(request, SetPackageActive))(package_id, active=False, actor=actor))

    @post("/packages/{package_id:str}/activate", status_code=200)
    async def activate_package(self, request: Req, package_id: FromPath[str]) -> PackageOut:
        actor = await _admin(request)
        return package_out(await (await resolve(request, SetPackageActive))(package_id, active=True, actor=actor))

    @get("/operators")
    async def operators(self, request: Req) -> OperatorList:
        await _admin(request)
        views, shared = await (await resolve(request, ListOperators))()
        return OperatorList(items=[operator_out(v) for v in views], shared_prefixes=shared)

    @patch("/operators/{code:str}")
    async def update_bounds(self, request: Req, code: FromPath[str], data: JSONBody[BoundsBody]) -> OperatorOut:
        actor = await _admin(request)
        operator = path_operator(code)
        await (await resolve(request, UpdateAirtimeBounds))(
            AirtimeBoundsCommand(operator=operator, minimum=data.airtime_min, maximum=data.airtime_max, actor=actor)
        )
        views, _shared = await (await resolve(request, ListOperators))()
        return next(operator_out(v) for v in views if v.operator == operator)

    @get("/routes")
    async def routes(self, request: Req) -> RouteList:
        await _admin(request)
        return RouteList(items=[route_out(r) for r in await (await resolve(request, ListRoutes))()])

    @patch("/routes/{code:str}")
    async def update_route(self, request: Req, code: FromPath[str], data: JSONBody[RouteChangesBody]) -> RouteOut:
        actor = await _admin(request)
        operator = path_operator(code)
        changes: dict[str, Any] = {
            name: value for name, value in msgspec.structs.asdict(data).items() if value is not None and name != "clear"
        }
        for name in data.clear:
            if name not in ("base_url", "credential_name"):
                raise ValidationFailed({"clear": "invalid"})
            changes[name] = None
        if "operator_codes" in changes:
            changes["operator_codes"] = _route_codes(changes["operator_codes"])
        route = await (await resolve(request, UpdateRoute))(
            UpdateRouteCommand(operator=operator, changes=changes, actor=actor)
        )
        return route_out(route)


def _route_codes(raw: dict[str, str]) -> dict[Operator, str]:
    codes: dict[Operator, str] = {}
    for key, value in raw.items():
        try:
            codes[parse_operator(key)] = value
        except OperatorCodeInvalid:
            raise ValidationFailed({"operator_codes": "operator_code_invalid"}) from None
    return codes


class AdminPrefixController(Controller):
    path = "/api/v1/admin/prefixes"
    tags = ["back office"]

    @get("/")
    async def list_prefixes(self, request: Req) -> PrefixList:
        await _admin(request)
        return PrefixList(items=[prefix_out(p) for p in await (await resolve(request, ListPrefixes))()])

    @post("/", status_code=HTTP_201_CREATED)
    async def add_prefix(self, request: Req, data: JSONBody[PrefixBody]) -> PrefixOut:
        actor = await _admin(request)
        entry = await (await resolve(request, AddPrefix))(
            PrefixCommand(prefix=data.prefix, operator=data.operator, note=data.note, actor=actor)
        )
        return prefix_out(entry)

    @get("/{prefix_id:str}")
    async def get_prefix(self, request: Req, prefix_id: FromPath[str]) -> PrefixOut:
        await _admin(request)
        return prefix_out(await (await resolve(request, GetPrefix))(prefix_id))

    @patch("/{prefix_id:str}")
    async def update_prefix(
        self, request: Req, prefix_id: FromPath[str], data: JSONBody[PrefixChangesBody]
    ) -> PrefixOut:
        actor = await _admin(request)
        current = await (await resolve(request, GetPrefix))(prefix_id)
        operator: object
        if data.shared:
            operator = None
        elif data.operator is not None:
            operator = data.operator
        else:
            operator = current.operator
        entry = await (await resolve(request, UpdatePrefix))(
            prefix_id,
            PrefixCommand(
                prefix=data.prefix if data.prefix is not None else current.prefix,
                operator=operator,
                note=data.note if data.note is not None else current.note,
                actor=actor,
            ),
        )
        return prefix_out(entry)

    @delete("/{prefix_id:str}", status_code=HTTP_204_NO_CONTENT)
    async def delete_prefix(self, request: Req, prefix_id: FromPath[str]) -> None:
        actor = await _admin(request)
        await (await resolve(request, DeletePrefix))(prefix_id, actor)


# --------------------------------------------------------------------------- the simulated operator (dev and test)


def sandbox_operator_router() -> Router:
    """The simulated operator at ``/sim``, on the app's own container (mounted only when KOOK_ENV is dev or test)."""

    async def simulator_of(request: Req) -> OperatorSimulator:
        return await resolve(request, OperatorSimulator)

    return sim_router(simulator_of)
