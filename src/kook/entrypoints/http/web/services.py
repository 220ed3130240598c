"""The Persian portal's services pages: the services table (with the
confirmation in its Operations column) and the terms page."""

from __future__ import annotations

from typing import Any

from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from kook.application.services.activate_service import ActivateService, ActivateServiceCommand
from kook.application.services.get_service_terms import GetServiceTerms
from kook.application.services.list_services import ListServices
from kook.domain.shared.errors import DomainError, ValidationFailed
from kook.entrypoints.http.context import caller, client_address, resolve
from kook.entrypoints.http.messages import error_status
from kook.entrypoints.http.web.rendering import form_errors, redirect, render
from kook.entrypoints.http.web.rendering import form_values as read_form

Req = Request[Any, Any, Any]


class ServicePages(Controller):
    path = "/services"
    include_in_schema = False

    async def _table(
        self, request: Req, user_id: str, extra: dict[str, Any] | None = None, status_code: int = 200
    ) -> Template:
        views = await (await resolve(request, ListServices))(user_id)
        context: dict[str, Any] = {"active_menu": "services", "services": views}
        context.update(extra or {})
        return await render(request, "services/list.html", context, status_code=status_code)

    @get("/")
    async def table(self, request: Req) -> Response[Any] | Template:
        found = await caller(request)
        if found.user is None:
            return redirect("/admin" if found.staff else "/login")
        return await self._table(request, found.user.id)

    @get("/{code:str}/terms")
    @inject
    async def terms(
        self, request: Req, get_service_terms: FromDishka[GetServiceTerms], code: FromPath[str]
    ) -> Response[Any] | Template:
        found = await caller(request)
        if found.user is None:
            return redirect("/login")
        view = await get_service_terms(found.user.id, code)
        return await render(request, "services/terms.html", {"active_menu": "services", "view": view})

    @post("/{code:str}/activate")
    @inject
    async def activate(
        self, request: Req, activate_service: FromDishka[ActivateService], code: FromPath[str]
    ) -> Response[Any] | Template:
        found = await caller(request)
        if found.user is None:
            return redirect("/login")
        form = await request.form()
        values = read_form(form, "accept_terms", "terms_version")
        try:
            await activate_service(
                ActivateServiceCommand(
                    user_id=found.user.id,
                    service_code=code,
                    accept_terms=values["accept_terms"] in ("true", "on", "1"),
                    terms_version=values["terms_version"],
                    client_address=client_address(request),
                )
            )
        except DomainError as exc:
            if exc.code in ("not_found", "profile_not_approved"):
                raise
            errors, general = form_errors(exc)
            if isinstance(exc, ValidationFailed) and "accept_terms" not in errors:
                general = general or next(iter(errors.values()), None)
            return await self._table(
                request, found.user.id, {"errors": errors, "form_error": general}, status_code=error_status(exc.code)
            )
        return redirect("/services", flash="service_activated")
