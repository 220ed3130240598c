"""The Persian portal's catalogue pages: the package picker (with its htmx partial
for later forms) and the back office's catalogue, prefixes and routes (admin only)."""

from __future__ import annotations

from typing import Any

from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, MediaType, Request, Response, get
from litestar.response import Template

from kook.application.catalog.list_packages import ListPackages
from kook.domain.identity.staff import StaffRole
from kook.domain.routing.operator import Operator, OperatorCodeInvalid, parse_operator, parse_optional_operator
from kook.domain.routing.operator_routing import LIMITS
from kook.domain.shared.errors import Conflict, DomainError, ValidationFailed
from kook.entrypoints.http.context import caller, require_staff, resolve
from kook.entrypoints.http.messages import error_status, error_text, field_text
from kook.entrypoints.http.web.rendering import form_errors, redirect, render

Req = Request[Any, Any, Any]
PACKAGE_FIELDS = ("operator", "code", "title", "volume_mb", "duration_days", "price", "sim_type")
PREFIX_FIELDS = ("prefix", "operator", "note")
ROUTE_FIELDS = ("name", "base_url", "credential_name", "operator_code", *LIMITS)


def operator_choices() -> list[Operator]:
    return list(Operator)


def selected_operator(request: Req) -> Operator:
    try:
        return parse_optional_operator(request.query_params.get("operator")) or Operator.MCI
    except OperatorCodeInvalid:
        return Operator.MCI


async def catalog_admin(request: Req) -> str:
    found = await require_staff(request, StaffRole.ADMIN)
    assert found.staff is not None
    return f"staff:{found.staff.id}"


def catalog_errors(exc: DomainError, taken_code: str) -> tuple[dict[str, str], str | None]:
    if isinstance(exc, Conflict) and exc.details.get("field"):
        return {str(exc.details["field"]): field_text(taken_code)}, None
    if isinstance(exc, OperatorCodeInvalid):
        return {"operator": field_text("operator_code_invalid")}, None
    return form_errors(exc)


def catalog_status(exc: DomainError) -> int:
    return 422 if isinstance(exc, ValidationFailed) else error_status(exc.code)


# --------------------------------------------------------------------------- the package picker


class CatalogPages(Controller):
    include_in_schema = False

    @get("/catalog")
    @inject
    async def picker(self, request: Req, list_packages: FromDishka[ListPackages]) -> Response[Any] | Template:
        found = await caller(request)
        if found.staff is not None:
            return redirect("/admin/catalog")
        if found.user is None:
            return redirect("/login")
        operator = selected_operator(request)
        packages = await list_packages(operator, active_only=True)
        return await render(
            request,
            "catalog/packages.html",
            {"operators": operator_choices(), "selected": operator, "packages": packages},
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
