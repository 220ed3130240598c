"""The Persian portal's webhooks page (/webhooks: endpoints, the delivery log, replay) and the integration guide
(/docs/integration, Persian and English, with curl)."""

from __future__ import annotations

from typing import Any

from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from kook.application.identity.create_api_key import CreateApiKey
from kook.application.identity.key_owner import KeyOwner
from kook.application.identity.list_api_keys import ListApiKeys
from kook.application.identity.revoke_api_key import RevokeApiKey
from kook.application.services.gate import EnterpriseTopupGate
from kook.application.webhooks.delete_endpoint import DeleteEndpoint
from kook.application.webhooks.list_deliveries import ListDeliveries
from kook.application.webhooks.list_endpoints import ListEndpoints
from kook.application.webhooks.register_endpoint import RegisterEndpoint
from kook.application.webhooks.replay_delivery import ReplayDelivery
from kook.application.webhooks.send_due_deliveries import HEADER_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP
from kook.domain.shared.errors import DomainError
from kook.domain.webhooks.webhook import EVENTS
from kook.entrypoints.http.context import caller, resolve
from kook.entrypoints.http.cursors import decode_cursor, encode_cursor
from kook.entrypoints.http.session_customer import gate_customer
from kook.entrypoints.http.web.rendering import form_context, form_values, redirect, render

Req = Request[Any, Any, Any]
PAGE = 30
EVENT_TITLES = {
    "request.finished": "پایان اجرای درخواست",
    "line.outcome": "نتیجهٔ هر ردیف (موفق یا ناموفق)",
    "payment.credited": "واریز به کیف پول (پرداخت آنلاین یا فیش تأییدشده)",
}


class IntegrationPages(Controller):
    include_in_schema = False

    @get("/docs/integration")
    async def guide(self, request: Req) -> Template:
        return await render(
            request,
            "integration/guide.html",
            {
                "event_titles": EVENT_TITLES,
                "header_id": HEADER_ID,
                "header_timestamp": HEADER_TIMESTAMP,
                "header_signature": HEADER_SIGNATURE,
            },
        )

    @get("/webhooks")
    async def webhooks(self, request: Req, cursor: FromQuery[str | None] = None) -> Response[Any] | Template:
        return await self._page(request, cursor=cursor)

    async def _page(
        self, request: Req, extra: dict[str, Any] | None = None, *, cursor: str | None = None, status_code: int = 200
    ) -> Response[Any] | Template:
        found = await caller(request)
        if found.user is None:
            return redirect("/admin" if found.staff else "/login")
        try:
            customer_id = await gate_customer(request, found.user.id)
        except DomainError:
            return redirect("/services")
        endpoints = await (await resolve(request, ListEndpoints))(customer_id)
        found_deliveries = await (await resolve(request, ListDeliveries))(
            customer_id, after=decode_cursor(cursor), limit=PAGE + 1
        )
        page = found_deliveries[:PAGE]
        context: dict[str, Any] = {
            "active_menu": "profile",
            "endpoints": endpoints,
            "deliveries": page,
            "next_cursor": encode_cursor(page[-1].created_at, page[-1].id)
            if len(found_deliveries) > PAGE and page
            else None,
            "event_titles": EVENT_TITLES,
            "new_secret": None,
        }
        context.update(extra or {})
        return await render(request, "integration/webhooks.html", context, status_code=status_code)

    @post("/webhooks")
    @inject
    async def register(
        self,
        request: Req,
        enterprise_topup_gate: FromDishka[EnterpriseTopupGate],
        register_endpoint: FromDishka[RegisterEndpoint],
    ) -> Response[Any] | Template:
        found = await caller(request)
        if found.user is None:
            return redirect("/login")
        form = await request.form()
        values = form_values(form, "url")
        events = [e for e in form.getall("events", []) if isinstance(e, str)]
        try:
            customer_id = await enterprise_topup_gate(found.user.id)
            endpoint, secret = await register_endpoint(customer_id, found.user.id, values["url"], events)
        except DomainError as exc:
            status = 409 if exc.code == "conflict" else 422
            return await self._page(request, form_context(exc, "url", values=values), status_code=status)
        return await self._page(request, {"new_secret": secret, "new_endpoint": endpoint})

    @post("/webhooks/{endpoint_id:str}/delete")
    @inject
    async def remove(
        self,
        request: Req,
        enterprise_topup_gate: FromDishka[EnterpriseTopupGate],
        delete_endpoint: FromDishka[DeleteEndpoint],
        endpoint_id: FromPath[str],
    ) -> Response[Any]:
        found = await caller(request)
        if found.user is None:
            return redirect("/login")
        customer_id = await enterprise_topup_gate(found.user.id)
        await delete_endpoint(customer_id, endpoint_id)
        return redirect("/webhooks", flash="webhook_deleted")

    @post("/webhooks/deliveries/{delivery_id:str}/replay")
    @inject
    async def replay(
        self,
        request: Req,
        enterprise_topup_gate: FromDishka[EnterpriseTopupGate],
        replay_delivery: FromDishka[ReplayDelivery],
        delivery_id: FromPath[str],
    ) -> Response[Any]:
        found = await caller(request)
        if found.user is None:
            return redirect("/login")
        customer_id = await enterprise_topup_gate(found.user.id)
        await replay_delivery(customer_id, delivery_id)
        return redirect("/webhooks", flash="webhook_replayed")


class StaffKeyPages(Controller):
    """A staff member's own API keys (/admin/api-keys): the back-office JSON routes with the staff role."""

    path = "/admin/api-keys"
    include_in_schema = False

    async def _page(self, request: Req, extra: dict[str, Any] | None = None, status_code: int = 200) -> Any:
        found = await caller(request)
        if found.staff is None:
            return redirect("/admin/login")
        keys = await (await resolve(request, ListApiKeys))(KeyOwner(staff_id=found.staff.id))
        context: dict[str, Any] = {"active_menu": "dashboard", "api_keys": keys, "new_api_key": None}
        context.update(extra or {})
        return await render(request, "staff/api_keys.html", context, status_code=status_code)

    @get("/")
    async def keys(self, request: Req) -> Response[Any] | Template:
        page: Response[Any] | Template = await self._page(request)
        return page

    @post("/")
    @inject
    async def create(self, request: Req, create_api_key: FromDishka[CreateApiKey]) -> Response[Any] | Template:
        found = await caller(request)
        if found.staff is None:
            return redirect("/admin/login")
        values = form_values(await request.form(), "name")
        try:
            _key, secret = await create_api_key(KeyOwner(staff_id=found.staff.id), values["name"])
        except DomainError as exc:
            page: Response[Any] | Template = await self._page(
                request, form_context(exc, "name", values=values), status_code=422
            )
            return page
        created: Response[Any] | Template = await self._page(request, {"new_api_key": secret})
        return created

    @post("/{key_id:str}/revoke")
    @inject
    async def revoke(
        self, request: Req, revoke_api_key: FromDishka[RevokeApiKey], key_id: FromPath[str]
    ) -> Response[Any]:
        found = await caller(request)
        if found.staff is None:
            return redirect("/admin/login")
        await revoke_api_key(KeyOwner(staff_id=found.staff.id), key_id)
        return redirect("/admin/api-keys", flash="api_key_revoked")


__all__ = ["EVENTS", "IntegrationPages", "StaffKeyPages"]
