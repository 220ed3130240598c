"""JSON API: the catalogue (operators, packages, number lookup) and its back office (API.md "Catalogue")."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Request, Router, get
from litestar.params import FromQuery

from kook.application.catalog.list_operators import ListOperators, OperatorView
from kook.application.catalog.list_packages import ListPackages
from kook.application.routing.look_up_operator import LookUpOperator
from kook.domain.catalog.product import Package
from kook.domain.routing.operator import Operator, parse_operator, parse_optional_operator
from kook.domain.routing.operator_routing import Route
from kook.domain.routing.prefix_table import OperatorLookup, OperatorPrefix
from kook.entrypoints.http.context import require_user, resolve
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


# --------------------------------------------------------------------------- catalogue (users and API keys)


class CatalogController(Controller):
    path = "/api/v1/catalog"
    tags = ["catalogue"]

    @get("/operators")
    @inject
    async def operators(self, request: Req, list_operators: FromDishka[ListOperators]) -> OperatorList:
        await require_user(request)
        views, shared = await list_operators()
        return OperatorList(items=[operator_out(v) for v in views], shared_prefixes=shared)

    @get("/packages")
    @inject
    async def packages(
        self, request: Req, list_packages: FromDishka[ListPackages], operator: FromQuery[str | None] = None
    ) -> PackageList:
        """The active packages, of one operator when ``operator`` (a code or a name) is given."""
        await require_user(request)
        found = await list_packages(parse_optional_operator(operator), active_only=True)
        return PackageList(items=[package_out(p) for p in found])

    @get("/lookup")
    @inject
    async def lookup(
        self,
        request: Req,
        look_up_operator: FromDishka[LookUpOperator],
        mobile: FromQuery[str | None] = None,
        operator: FromQuery[str | None] = None,
    ) -> LookupOut:
        """The normalised number and its operator — from the prefix, or the code given (a port) — or the error."""
        await require_user(request)
        found = await look_up_operator(mobile, operator)
        return lookup_out(found)


# --------------------------------------------------------------------------- the simulated operator (dev and test)


def sandbox_operator_router() -> Router:
    """The simulated operator at ``/sim``, on the app's own container (mounted only when KOOK_ENV is dev or test)."""

    async def simulator_of(request: Req) -> OperatorSimulator:
        return await resolve(request, OperatorSimulator)

    return sim_router(simulator_of)
