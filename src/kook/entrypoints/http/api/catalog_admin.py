"""JSON API of the catalogue's back office (API.md "Catalogue", admin only): operators' bounds, packages,
routes and the prefix table. (Split from ``api/catalog.py``, which keeps the shapes and the customers' side.)"""

from __future__ import annotations

from typing import Any

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Request, delete, get, patch, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from kook.application.catalog.create_package import CreatePackage
from kook.application.catalog.get_package import GetPackage
from kook.application.catalog.list_operators import ListOperators
from kook.application.catalog.list_packages import ListPackages
from kook.application.catalog.package_command import PackageCommand
from kook.application.catalog.set_package_active import SetPackageActive
from kook.application.catalog.update_airtime_bounds import AirtimeBoundsCommand, UpdateAirtimeBounds
from kook.application.catalog.update_package import UpdatePackage
from kook.application.routing.add_prefix import AddPrefix
from kook.application.routing.delete_prefix import DeletePrefix
from kook.application.routing.get_prefix import GetPrefix
from kook.application.routing.list_prefixes import ListPrefixes
from kook.application.routing.list_routes import ListRoutes
from kook.application.routing.prefix_command import PrefixCommand
from kook.application.routing.update_prefix import UpdatePrefix
from kook.application.routing.update_route import UpdateRoute, UpdateRouteCommand
from kook.domain.identity.staff import StaffRole
from kook.domain.routing.operator import Operator, OperatorCodeInvalid, parse_operator
from kook.domain.shared.errors import ValidationFailed
from kook.entrypoints.http.api.catalog import (
    BoundsBody,
    NewPackageBody,
    OperatorList,
    OperatorOut,
    PackageChangesBody,
    PackageList,
    PackageOut,
    PrefixBody,
    PrefixChangesBody,
    PrefixList,
    PrefixOut,
    RouteChangesBody,
    RouteList,
    RouteOut,
    operator_out,
    operator_query,
    package_out,
    path_operator,
    prefix_out,
    route_out,
)
from kook.entrypoints.http.context import require_staff

Req = Request[Any, Any, Any]


async def _admin(request: Req) -> str:
    found = await require_staff(request, StaffRole.ADMIN)
    assert found.staff is not None
    return f"staff:{found.staff.id}"


# --------------------------------------------------------------------------- back office (admin only)


class AdminCatalogController(Controller):
    path = "/api/v1/admin/catalog"
    tags = ["back office"]

    @get("/packages")
    @inject
    async def list_packages(self, request: Req, list_packages: FromDishka[ListPackages]) -> PackageList:
        await _admin(request)
        active = request.query_params.get("active")
        found = await list_packages(operator_query(request), active_only=active == "true")
        if active == "false":
            found = [p for p in found if not p.active]
        return PackageList(items=[package_out(p) for p in found])

    @post("/packages", status_code=HTTP_201_CREATED)
    @inject
    async def create_package(
        self, request: Req, create_package: FromDishka[CreatePackage], data: JSONBody[NewPackageBody]
    ) -> PackageOut:
        actor = await _admin(request)
        package = await create_package(
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
    @inject
    async def get_package(
        self, request: Req, get_package: FromDishka[GetPackage], package_id: FromPath[str]
    ) -> PackageOut:
        await _admin(request)
        return package_out(await get_package(package_id))

    @patch("/packages/{package_id:str}")
    @inject
    async def update_package(
        self,
        request: Req,
        get_package: FromDishka[GetPackage],
        update_package: FromDishka[UpdatePackage],
        package_id: FromPath[str],
        data: JSONBody[PackageChangesBody],
    ) -> PackageOut:
        actor = await _admin(request)
        current = await get_package(package_id)
        package = await update_package(
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
    @inject
    async def deactivate_package(
        self, request: Req, set_package_active: FromDishka[SetPackageActive], package_id: FromPath[str]
    ) -> PackageOut:
        actor = await _admin(request)
        return package_out(await set_package_active(package_id, active=False, actor=actor))

    @post("/packages/{package_id:str}/activate", status_code=200)
    @inject
    async def activate_package(
        self, request: Req, set_package_active: FromDishka[SetPackageActive], package_id: FromPath[str]
    ) -> PackageOut:
        actor = await _admin(request)
        return package_out(await set_package_active(package_id, active=True, actor=actor))

    @get("/operators")
    @inject
    async def operators(self, request: Req, list_operators: FromDishka[ListOperators]) -> OperatorList:
        await _admin(request)
        views, shared = await list_operators()
        return OperatorList(items=[operator_out(v) for v in views], shared_prefixes=shared)

    @patch("/operators/{code:str}")
    @inject
    async def update_bounds(
        self,
        request: Req,
        update_airtime_bounds: FromDishka[UpdateAirtimeBounds],
        list_operators: FromDishka[ListOperators],
        code: FromPath[str],
        data: JSONBody[BoundsBody],
    ) -> OperatorOut:
        actor = await _admin(request)
        operator = path_operator(code)
        await update_airtime_bounds(
            AirtimeBoundsCommand(operator=operator, minimum=data.airtime_min, maximum=data.airtime_max, actor=actor)
        )
        views, _shared = await list_operators()
        return next(operator_out(v) for v in views if v.operator == operator)

    @get("/routes")
    @inject
    async def routes(self, request: Req, list_routes: FromDishka[ListRoutes]) -> RouteList:
        await _admin(request)
        return RouteList(items=[route_out(r) for r in await list_routes()])

    @patch("/routes/{code:str}")
    @inject
    async def update_route(
        self, request: Req, update_route: FromDishka[UpdateRoute], code: FromPath[str], data: JSONBody[RouteChangesBody]
    ) -> RouteOut:
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
        route = await update_route(UpdateRouteCommand(operator=operator, changes=changes, actor=actor))
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
    @inject
    async def list_prefixes(self, request: Req, list_prefixes: FromDishka[ListPrefixes]) -> PrefixList:
        await _admin(request)
        return PrefixList(items=[prefix_out(p) for p in await list_prefixes()])

    @post("/", status_code=HTTP_201_CREATED)
    @inject
    async def add_prefix(
        self, request: Req, add_prefix: FromDishka[AddPrefix], data: JSONBody[PrefixBody]
    ) -> PrefixOut:
        actor = await _admin(request)
        entry = await add_prefix(PrefixCommand(prefix=data.prefix, operator=data.operator, note=data.note, actor=actor))
        return prefix_out(entry)

    @get("/{prefix_id:str}")
    @inject
    async def get_prefix(self, request: Req, get_prefix: FromDishka[GetPrefix], prefix_id: FromPath[str]) -> PrefixOut:
        await _admin(request)
        return prefix_out(await get_prefix(prefix_id))

    @patch("/{prefix_id:str}")
    @inject
    async def update_prefix(
        self,
        request: Req,
        get_prefix: FromDishka[GetPrefix],
        update_prefix: FromDishka[UpdatePrefix],
        prefix_id: FromPath[str],
        data: JSONBody[PrefixChangesBody],
    ) -> PrefixOut:
        actor = await _admin(request)
        current = await get_prefix(prefix_id)
        operator: object
        if data.shared:
            operator = None
        elif data.operator is not None:
            operator = data.operator
        else:
            operator = current.operator
        entry = await update_prefix(
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
    @inject
    async def delete_prefix(
        self, request: Req, delete_prefix: FromDishka[DeletePrefix], prefix_id: FromPath[str]
    ) -> None:
        actor = await _admin(request)
        await delete_prefix(prefix_id, actor)
