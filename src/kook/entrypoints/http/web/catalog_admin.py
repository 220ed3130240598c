"""The back office's catalogue pages (admin): operators' bounds, packages and routes. (Split from
``web/catalog.py``, which keeps the customers' package picker and the helpers both use.)"""

from __future__ import annotations

from typing import Any

from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from kook.application.catalog.create_package import CreatePackage
from kook.application.catalog.get_package import GetPackage
from kook.application.catalog.list_operators import ListOperators
from kook.application.catalog.list_packages import ListPackages
from kook.application.catalog.package_command import PackageCommand
from kook.application.catalog.set_package_active import SetPackageActive
from kook.application.catalog.update_airtime_bounds import AirtimeBoundsCommand, UpdateAirtimeBounds
from kook.application.catalog.update_package import UpdatePackage
from kook.application.routing.list_routes import ListRoutes
from kook.application.routing.update_route import UpdateRoute, UpdateRouteCommand
from kook.domain.catalog.product import SimType
from kook.domain.routing.operator import OperatorCodeInvalid, parse_operator, parse_optional_operator
from kook.domain.routing.operator_routing import LIMITS
from kook.domain.shared.errors import DomainError, NotFound, ValidationFailed
from kook.domain.shared.mobile import to_latin_digits
from kook.entrypoints.http.context import resolve
from kook.entrypoints.http.web.catalog import (
    PACKAGE_FIELDS,
    ROUTE_FIELDS,
    catalog_admin,
    catalog_errors,
    catalog_status,
    operator_choices,
    selected_operator,
)
from kook.entrypoints.http.web.rendering import form_errors, form_values, redirect, render

Req = Request[Any, Any, Any]


# --------------------------------------------------------------------------- back office: packages, bounds, routes


class AdminCatalogPages(Controller):
    path = "/admin/catalog"
    include_in_schema = False

    @get("/")
    async def index(self, request: Req) -> Template:
        await catalog_admin(request)
        return await self._index(request)

    async def _index(self, request: Req, extra: dict[str, Any] | None = None, status_code: int = 200) -> Template:
        try:
            operator = parse_optional_operator(request.query_params.get("operator"))
        except OperatorCodeInvalid:
            operator = None
        status = request.query_params.get("status") or "all"
        if status not in ("all", "active", "inactive"):
            status = "all"
        packages = await (await resolve(request, ListPackages))(operator, active_only=status == "active")
        if status == "inactive":
            packages = [p for p in packages if not p.active]
        views, shared = await (await resolve(request, ListOperators))()
        routes = await (await resolve(request, ListRoutes))()
        context: dict[str, Any] = {
            "active_menu": "catalog",
            "operators": operator_choices(),
            "operator_filter": operator,
            "status_filter": status,
            "packages": packages,
            "operator_views": views,
            "shared_prefixes": shared,
            "routes": routes,
            "bounds_errors": {},
            "bounds_values": {},
        }
        context.update(extra or {})
        return await render(request, "catalog/admin_catalog.html", context, status_code=status_code)

    @post("/operators/{code:str}/bounds")
    @inject
    async def bounds(
        self, request: Req, update_airtime_bounds: FromDishka[UpdateAirtimeBounds], code: FromPath[str]
    ) -> Response[Any] | Template:
        actor = await catalog_admin(request)
        operator = parse_operator(code)
        form = await request.form()
        values = form_values(form, "airtime_min", "airtime_max")
        try:
            await update_airtime_bounds(
                AirtimeBoundsCommand(
                    operator=operator, minimum=values["airtime_min"], maximum=values["airtime_max"], actor=actor
                )
            )
        except DomainError as exc:
            errors, general = form_errors(exc)
            return await self._index(
                request,
                {
                    "bounds_errors": {int(operator): errors or {"airtime_min": general or ""}},
                    "bounds_values": {int(operator): values},
                },
                status_code=catalog_status(exc),
            )
        return redirect("/admin/catalog", flash="bounds_updated")

    # packages ---------------------------------------------------------------
    @get("/packages/new")
    async def new_package(self, request: Req) -> Template:
        await catalog_admin(request)
        operator = selected_operator(request)
        return await self._form(request, None, {"operator": str(int(operator)), "sim_type": "both"})

    async def _form(
        self,
        request: Req,
        package_id: str | None,
        values: dict[str, str],
        *,
        errors: dict[str, str] | None = None,
        form_error: str | None = None,
        status_code: int = 200,
        package: Any = None,
    ) -> Template:
        return await render(
            request,
            "catalog/admin_package_form.html",
            {
                "active_menu": "catalog",
                "package": package,
                "package_id": package_id,
                "operators": operator_choices(),
                "sim_types": list(SimType),
                "values": values,
                "errors": errors or {},
                "form_error": form_error,
            },
            status_code=status_code,
        )

    @post("/packages")
    @inject
    async def create_package(self, request: Req, create_package: FromDishka[CreatePackage]) -> Response[Any] | Template:
        actor = await catalog_admin(request)
        form = await request.form()
        values = form_values(form, *PACKAGE_FIELDS)
        try:
            await create_package(
                PackageCommand(
                    operator=values["operator"],
                    code=values["code"],
                    title=values["title"],
                    volume_mb=values["volume_mb"],
                    duration_days=values["duration_days"],
                    price=values["price"],
                    sim_type=values["sim_type"],
                    actor=actor,
                )
            )
        except DomainError as exc:
            errors, general = catalog_errors(exc, "package_code_taken")
            return await self._form(
                request, None, values, errors=errors, form_error=general, status_code=catalog_status(exc)
            )
        return redirect(f"/admin/catalog?operator={values['operator']}", flash="package_created")

    @get("/packages/{package_id:str}/edit")
    @inject
    async def edit_package(
        self, request: Req, get_package: FromDishka[GetPackage], package_id: FromPath[str]
    ) -> Template:
        await catalog_admin(request)
        package = await get_package(package_id)
        values = {
            "operator": str(int(package.operator)),
            "code": package.code,
            "title": package.title,
            "volume_mb": str(package.volume_mb),
            "duration_days": str(package.duration_days),
            "price": str(package.price),
            "sim_type": package.sim_type.value,
        }
        return await self._form(request, package_id, values, package=package)

    @post("/packages/{package_id:str}")
    @inject
    async def update_package(
        self,
        request: Req,
        get_package: FromDishka[GetPackage],
        update_package: FromDishka[UpdatePackage],
        package_id: FromPath[str],
    ) -> Response[Any] | Template:
        actor = await catalog_admin(request)
        package = await get_package(package_id)
        form = await request.form()
        values = form_values(form, *PACKAGE_FIELDS)
        values["operator"], values["code"] = str(int(package.operator)), package.code
        try:
            await update_package(
                package_id,
                PackageCommand(
                    title=values["title"],
                    volume_mb=values["volume_mb"],
                    duration_days=values["duration_days"],
                    price=values["price"],
                    sim_type=values["sim_type"],
                    actor=actor,
                ),
            )
        except DomainError as exc:
            errors, general = form_errors(exc)
            return await self._form(
                request,
                package_id,
                values,
                errors=errors,
                form_error=general,
                status_code=catalog_status(exc),
                package=package,
            )
        return redirect(f"/admin/catalog?operator={int(package.operator)}", flash="package_updated")

    @post("/packages/{package_id:str}/deactivate")
    @inject
    async def deactivate(
        self, request: Req, set_package_active: FromDishka[SetPackageActive], package_id: FromPath[str]
    ) -> Response[Any]:
        actor = await catalog_admin(request)
        package = await set_package_active(package_id, active=False, actor=actor)
        return redirect(f"/admin/catalog?operator={int(package.operator)}", flash="package_deactivated")

    @post("/packages/{package_id:str}/activate")
    @inject
    async def activate(
        self, request: Req, set_package_active: FromDishka[SetPackageActive], package_id: FromPath[str]
    ) -> Response[Any]:
        actor = await catalog_admin(request)
        package = await set_package_active(package_id, active=True, actor=actor)
        return redirect(f"/admin/catalog?operator={int(package.operator)}", flash="package_activated")

    # routes -----------------------------------------------------------------
    @get("/routes/{code:str}/edit")
    @inject
    async def edit_route(self, request: Req, list_routes: FromDishka[ListRoutes], code: FromPath[str]) -> Template:
        await catalog_admin(request)
        operator = parse_operator(code)
        route = next((r for r in await list_routes() if r.operator == operator), None)
        if route is None:
            raise NotFound()
        values = {name: str(getattr(route, name)) for name in LIMITS}
        values.update(
            {
                "name": route.name,
                "base_url": route.base_url or "",
                "credential_name": route.credential_name or "",
                "operator_code": route.operator_codes.get(operator, ""),
                "active": "on" if route.active else "",
            }
        )
        return await self._route_form(request, route, values)

    async def _route_form(
        self,
        request: Req,
        route: Any,
        values: dict[str, str],
        *,
        errors: dict[str, str] | None = None,
        form_error: str | None = None,
        status_code: int = 200,
    ) -> Template:
        return await render(
            request,
            "catalog/admin_route_form.html",
            {
                "active_menu": "catalog",
                "route": route,
                "limits": list(LIMITS),
                "values": values,
                "errors": errors or {},
                "form_error": form_error,
            },
            status_code=status_code,
        )

    @post("/routes/{code:str}")
    @inject
    async def update_route(
        self,
        request: Req,
        list_routes: FromDishka[ListRoutes],
        update_route: FromDishka[UpdateRoute],
        code: FromPath[str],
    ) -> Response[Any] | Template:
        actor = await catalog_admin(request)
        operator = parse_operator(code)
        routes = await list_routes()
        route = next((r for r in routes if r.operator == operator), None)
        if route is None:
            raise NotFound()
        form = await request.form()
        values = form_values(form, *ROUTE_FIELDS, "active")
        changes: dict[str, Any] = {
            "name": values["name"].strip(),
            "base_url": values["base_url"],
            "credential_name": values["credential_name"],
            "active": values["active"] == "on",
        }
        fields: dict[str, str] = {}
        for name in LIMITS:
            try:
                changes[name] = int(to_latin_digits(values[name]).strip())
            except ValueError:
                fields[name] = "not_whole"
        codes = dict(route.operator_codes)
        codes[operator] = values["operator_code"].strip()
        changes["operator_codes"] = codes
        try:
            if fields:
                raise ValidationFailed(fields)
            await update_route(UpdateRouteCommand(operator=operator, changes=changes, actor=actor))
        except DomainError as exc:
            errors, general = form_errors(exc)
            if "operator_codes" in errors:
                errors["operator_code"] = errors.pop("operator_codes")
            return await self._route_form(
                request, route, values, errors=errors, form_error=general, status_code=catalog_status(exc)
            )
        return redirect("/admin/catalog", flash="route_updated")
