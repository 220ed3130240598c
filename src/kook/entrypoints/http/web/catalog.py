"""The Persian portal's catalogue pages: the package picker (with its htmx partial
for later forms) and the back office's catalogue, prefixes and routes (admin only)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, MediaType, Request, Response, get, post
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
from kook.application.routing.add_prefix import AddPrefix
from kook.application.routing.delete_prefix import DeletePrefix
from kook.application.routing.get_prefix import GetPrefix
from kook.application.routing.list_prefixes import ListPrefixes
from kook.application.routing.list_routes import ListRoutes
from kook.application.routing.prefix_command import PrefixCommand
from kook.application.routing.update_prefix import UpdatePrefix
from kook.application.routing.update_route import UpdateRoute, UpdateRouteCommand
from kook.domain.catalog.product import SimType
from kook.domain.identity.staff import StaffRole
from kook.domain.routing.operator import Operator, OperatorCodeInvalid, parse_operator, parse_optional_operator
from kook.domain.routing.operator_routing import LIMITS
from kook.domain.routing.prefix_table import LastPrefix
from kook.domain.shared.errors import Conflict, DomainError, NotFound, ValidationFailed
from kook.domain.shared.mobile import to_latin_digits
from kook.entrypoints.http.context import caller, require_staff, resolve
from kook.entrypoints.http.messages import error_status, error_text, field_text
from kook.entrypoints.http.web.rendering import form_errors, form_values, redirect, render

Req = Request[Any, Any, Any]
PACKAGE_FIELDS = ("operator", "code", "title", "volume_mb", "duration_days", "price", "sim_type")
PREFIX_FIELDS = ("prefix", "operator", "note")
ROUTE_FIELDS = ("name", "base_url", "credential_name", "operator_code", *LIMITS)


def _operators() -> list[Operator]:
    return list(Operator)


def _selected_operator(request: Req) -> Operator:
    try:
        return parse_optional_operator(request.query_params.get("operator")) or Operator.MCI
    except OperatorCodeInvalid:
        return Operator.MCI


async def _admin(request: Req) -> str:
    found = await require_staff(request, StaffRole.ADMIN)
    assert found.staff is not None
    return f"staff:{found.staff.id}"


def _errors(exc: DomainError, taken_code: str) -> tuple[dict[str, str], str | None]:
    if isinstance(exc, Conflict) and exc.details.get("field"):
        return {str(exc.details["field"]): field_text(taken_code)}, None
    if isinstance(exc, OperatorCodeInvalid):
        return {"operator": field_text("operator_code_invalid")}, None
    return form_errors(exc)


def _status(exc: DomainError) -> int:
    return 422 if isinstance(exc, ValidationFailed) else error_status(exc.code)


# --------------------------------------------------------------------------- the package picker


class CatalogPages(Controller):
    include_in_schema = False

    @get("/catalog")
    async def picker(self, request: Req) -> Response[Any] | Template:
        found = await caller(request)
        if found.staff is not None:
            return redirect("/admin/catalog")
        if found.user is None:
            return redirect("/login")
        operator = _selected_operator(request)
        packages = await (await resolve(request, ListPackages))(operator, active_only=True)
        return await render(
            request,
            "catalog/packages.html",
            {"operators": _operators(), "selected": operator, "packages": packages},
        )

    @get("/catalog/packages")
    async def packages_partial(self, request: Req) -> Template:
        """``?operator=N[&format=options|table][&selected=CODE]`` → <option>s or a table, for htmx."""
        found = await caller(request)
        if found.user is None and found.staff is None:
            return Template(
                template_name="catalog/_package_error.html",
                context={"message": error_text("unauthenticated")},
                status_code=401,
                media_type=MediaType.HTML,
            )
        fmt = "options" if request.query_params.get("format") == "options" else "table"
        try:
            operator = parse_operator(request.query_params.get("operator"))
        except OperatorCodeInvalid:
            return Template(
                template_name="catalog/_package_error.html",
                context={"message": error_text("operator_code_invalid"), "format": fmt},
                status_code=422,
                media_type=MediaType.HTML,
            )
        packages = await (await resolve(request, ListPackages))(operator, active_only=True)
        return Template(
            template_name=f"catalog/_package_{fmt}.html",
            context={
                "packages": packages,
                "operator": operator,
                "selected_code": (request.query_params.get("selected") or "").upper(),
            },
            media_type=MediaType.HTML,
        )


# --------------------------------------------------------------------------- back office: packages, bounds, routes


class AdminCatalogPages(Controller):
    path = "/admin/catalog"
    include_in_schema = False

    @get("/")
    async def index(self, request: Req) -> Template:
        await _admin(request)
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
            "operators": _operators(),
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
    async def bounds(self, request: Req, code: FromPath[str]) -> Response[Any] | Template:
        actor = await _admin(request)
        operator = parse_operator(code)
        form = await request.form()
        values = form_values(form, "airtime_min", "airtime_max")
        try:
            await (await resolve(request, UpdateAirtimeBounds))(
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
                status_code=_status(exc),
            )
        return redirect("/admin/catalog", flash="bounds_updated")

    # packages ---------------------------------------------------------------
    @get("/packages/new")
    async def new_package(self, request: Req) -> Template:
        await _admin(request)
        operator = _selected_operator(request)
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
                "operators": _operators(),
                "sim_types": list(SimType),
                "values": values,
                "errors": errors or {},
                "form_error": form_error,
            },
            status_code=status_code,
        )

    @post("/packages")
    async def create_package(self, request: Req) -> Response[Any] | Template:
        actor = await _admin(request)
        form = await request.form()
        values = form_values(form, *PACKAGE_FIELDS)
        try:
            await (await resolve(request, CreatePackage))(
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
            errors, general = _errors(exc, "package_code_taken")
            return await self._form(request, None, values, errors=errors, form_error=general, status_code=_status(exc))
        return redirect(f"/admin/catalog?operator={values['operator']}", flash="package_created")

    @get("/packages/{package_id:str}/edit")
    async def edit_package(self, request: Req, package_id: FromPath[str]) -> Template:
        await _admin(request)
        package = await (await resolve(request, GetPackage))(package_id)
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
    async def update_package(self, request: Req, package_id: FromPath[str]) -> Response[Any] | Template:
        actor = await _admin(request)
        package = await (await resolve(request, GetPackage))(package_id)
        form = await request.form()
        values = form_values(form, *PACKAGE_FIELDS)
        values["operator"], values["code"] = str(int(package.operator)), package.code
        try:
            await (await resolve(request, UpdatePackage))(
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
                status_code=_status(exc),
                package=package,
            )
        return redirect(f"/admin/catalog?operator={int(package.operator)}", flash="package_updated")

    @post("/packages/{package_id:str}/deactivate")
    async def deactivate(self, request: Req, package_id: FromPath[str]) -> Response[Any]:
        actor = await _admin(request)
        package = await (await resolve(request, SetPackageActive))(package_id, active=False, actor=actor)
        return redirect(f"/admin/catalog?operator={int(package.operator)}", flash="package_deactivated")

    @post("/packages/{package_id:str}/activate")
    async def activate(self, request: Req, package_id: FromPath[str]) -> Response[Any]:
        actor = await _admin(request)
        package = await (await resolve(request, SetPackageActive))(package_id, active=True, actor=actor)
        return redirect(f"/admin/catalog?operator={int(package.operator)}", flash="package_activated")

    # routes -----------------------------------------------------------------
    @get("/routes/{code:str}/edit")
    async def edit_route(self, request: Req, code: FromPath[str]) -> Template:
        await _admin(request)
        operator = parse_operator(code)
        route = next((r for r in await (await resolve(request, ListRoutes))() if r.operator == operator), None)
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
    async def update_route(self, request: Req, code: FromPath[str]) -> Response[Any] | Template:
        actor = await _admin(request)
        operator = parse_operator(code)
        routes = await (await resolve(request, ListRoutes))()
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
            await (await resolve(request, UpdateRoute))(
                UpdateRouteCommand(operator=operator, changes=changes, actor=actor)
            )
        except DomainError as exc:
            errors, general = form_errors(exc)
            if "operator_codes" in errors:
                errors["operator_code"] = errors.pop("operator_codes")
            return await self._route_form(
                request, route, values, errors=errors, form_error=general, status_code=_status(exc)
            )
        return redirect("/admin/catalog", flash="route_updated")


# --------------------------------------------------------------------------- back office: prefixes


class AdminPrefixPages(Controller):
    path = "/admin/prefixes"
    include_in_schema = False

    @get("/")
    async def index(self, request: Req) -> Template:
        await _admin(request)
        return await self._index(request)

    async def _index(
        self,
        request: Req,
        *,
        values: dict[str, str] | None = None,
        errors: dict[str, str] | None = None,
        form_error: str | None = None,
        status_code: int = 200,
    ) -> Template:
        entries = await (await resolve(request, ListPrefixes))()
        return await render(
            request,
            "catalog/admin_prefixes.html",
            {
                "active_menu": "catalog",
                "prefixes": entries,
                "operators": _operators(),
                "values": values or {},
                "errors": errors or {},
                "form_error": form_error,
            },
            status_code=status_code,
        )

    @post("/")
    async def add(self, request: Req) -> Response[Any] | Template:
        actor = await _admin(request)
        form = await request.form()
        values = form_values(form, *PREFIX_FIELDS)
        try:
            await (await resolve(request, AddPrefix))(
                PrefixCommand(prefix=values["prefix"], operator=values["operator"], note=values["note"], actor=actor)
            )
        except DomainError as exc:
            errors, general = _errors(exc, "prefix_taken")
            return await self._index(
                request, values=values, errors=errors, form_error=general, status_code=_status(exc)
            )
        return redirect("/admin/prefixes", flash="prefix_added")

    @get("/{prefix_id:str}/edit")
    async def edit(self, request: Req, prefix_id: FromPath[str]) -> Template:
        await _admin(request)
        entry = await (await resolve(request, GetPrefix))(prefix_id)
        values = {
            "prefix": entry.prefix,
            "operator": str(int(entry.operator)) if entry.operator is not None else "",
            "note": entry.note,
        }
        return await self._form(request, entry, values)

    async def _form(
        self,
        request: Req,
        entry: Any,
        values: dict[str, str],
        *,
        errors: dict[str, str] | None = None,
        form_error: str | None = None,
        status_code: int = 200,
    ) -> Template:
        return await render(
            request,
            "catalog/admin_prefix_form.html",
            {
                "active_menu": "catalog",
                "entry": entry,
                "operators": _operators(),
                "values": values,
                "errors": errors or {},
                "form_error": form_error,
            },
            status_code=status_code,
        )

    @post("/{prefix_id:str}")
    async def update(self, request: Req, prefix_id: FromPath[str]) -> Response[Any] | Template:
        actor = await _admin(request)
        entry = await (await resolve(request, GetPrefix))(prefix_id)
        form = await request.form()
        values = form_values(form, *PREFIX_FIELDS)
        try:
            await (await resolve(request, UpdatePrefix))(
                prefix_id,
                PrefixCommand(prefix=values["prefix"], operator=values["operator"], note=values["note"], actor=actor),
            )
        except DomainError as exc:
            errors, general = _errors(exc, "prefix_taken")
            return await self._form(request, entry, values, errors=errors, form_error=general, status_code=_status(exc))
        return redirect("/admin/prefixes", flash="prefix_updated")

    @post("/{prefix_id:str}/delete")
    async def delete(self, request: Req, prefix_id: FromPath[str]) -> Response[Any] | Template:
        actor = await _admin(request)
        try:
            await (await resolve(request, DeletePrefix))(prefix_id, actor)
        except LastPrefix as exc:  # the table as it is, with the reason above it
            _, general = form_errors(exc)
            return await self._index(request, form_error=general, status_code=_status(exc))
        return redirect("/admin/prefixes", flash="prefix_deleted")
