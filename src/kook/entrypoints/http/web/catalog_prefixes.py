"""The back office's prefix table pages (admin): which operator a mobile prefix belongs to."""

from __future__ import annotations

from typing import Any

from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from kook.application.routing.add_prefix import AddPrefix
from kook.application.routing.delete_prefix import DeletePrefix
from kook.application.routing.get_prefix import GetPrefix
from kook.application.routing.list_prefixes import ListPrefixes
from kook.application.routing.prefix_command import PrefixCommand
from kook.application.routing.update_prefix import UpdatePrefix
from kook.domain.routing.prefix_table import LastPrefix
from kook.domain.shared.errors import DomainError
from kook.entrypoints.http.context import resolve
from kook.entrypoints.http.web.catalog import (
    PREFIX_FIELDS,
    catalog_admin,
    catalog_errors,
    catalog_status,
    operator_choices,
)
from kook.entrypoints.http.web.rendering import form_errors, form_values, redirect, render

Req = Request[Any, Any, Any]


# --------------------------------------------------------------------------- back office: prefixes


class AdminPrefixPages(Controller):
    path = "/admin/prefixes"
    include_in_schema = False

    @get("/")
    async def index(self, request: Req) -> Template:
        await catalog_admin(request)
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
                "operators": operator_choices(),
                "values": values or {},
                "errors": errors or {},
                "form_error": form_error,
            },
            status_code=status_code,
        )

    @post("/")
    @inject
    async def add(self, request: Req, add_prefix: FromDishka[AddPrefix]) -> Response[Any] | Template:
        actor = await catalog_admin(request)
        form = await request.form()
        values = form_values(form, *PREFIX_FIELDS)
        try:
            await add_prefix(
                PrefixCommand(prefix=values["prefix"], operator=values["operator"], note=values["note"], actor=actor)
            )
        except DomainError as exc:
            errors, general = catalog_errors(exc, "prefix_taken")
            return await self._index(
                request, values=values, errors=errors, form_error=general, status_code=catalog_status(exc)
            )
        return redirect("/admin/prefixes", flash="prefix_added")

    @get("/{prefix_id:str}/edit")
    @inject
    async def edit(self, request: Req, get_prefix: FromDishka[GetPrefix], prefix_id: FromPath[str]) -> Template:
        await catalog_admin(request)
        entry = await get_prefix(prefix_id)
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
                "operators": operator_choices(),
                "values": values,
                "errors": errors or {},
                "form_error": form_error,
            },
            status_code=status_code,
        )

    @post("/{prefix_id:str}")
    @inject
    async def update(
        self,
        request: Req,
        get_prefix: FromDishka[GetPrefix],
        update_prefix: FromDishka[UpdatePrefix],
        prefix_id: FromPath[str],
    ) -> Response[Any] | Template:
        actor = await catalog_admin(request)
        entry = await get_prefix(prefix_id)
        form = await request.form()
        values = form_values(form, *PREFIX_FIELDS)
        try:
            await update_prefix(
                prefix_id,
                PrefixCommand(prefix=values["prefix"], operator=values["operator"], note=values["note"], actor=actor),
            )
        except DomainError as exc:
            errors, general = catalog_errors(exc, "prefix_taken")
            return await self._form(
                request, entry, values, errors=errors, form_error=general, status_code=catalog_status(exc)
            )
        return redirect("/admin/prefixes", flash="prefix_updated")

    @post("/{prefix_id:str}/delete")
    @inject
    async def delete(
        self, request: Req, delete_prefix: FromDishka[DeletePrefix], prefix_id: FromPath[str]
    ) -> Response[Any] | Template:
        actor = await catalog_admin(request)
        try:
            await delete_prefix(prefix_id, actor)
        except LastPrefix as exc:  # the table as it is, with the reason above it
            _, general = form_errors(exc)
            return await self._index(request, form_error=general, status_code=catalog_status(exc))
        return redirect("/admin/prefixes", flash="prefix_deleted")
