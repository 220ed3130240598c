"""JSON API: webhook endpoints (the secret shown once) and their delivery log, with replay.

Managed with the web login (a bearer key is refused here: see api_scopes.py). Deliveries are signed; the scheme is
in docs/INTEGRATION.md.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Request, delete, get, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT

from kook.application.webhooks.delete_endpoint import DeleteEndpoint
from kook.application.webhooks.list_deliveries import ListDeliveries
from kook.application.webhooks.list_endpoints import ListEndpoints
from kook.application.webhooks.register_endpoint import RegisterEndpoint
from kook.application.webhooks.replay_delivery import ReplayDelivery
from kook.domain.webhooks.webhook import Delivery, WebhookEndpoint
from kook.entrypoints.http.cursors import decode_cursor, encode_cursor
from kook.entrypoints.http.session_customer import customer_of

PAGE = 50


class EndpointBody(msgspec.Struct):
    url: Annotated[str, msgspec.Meta(max_length=2000, examples=["https://erp.example.com/kook/webhooks"])]
    events: Annotated[
        list[Annotated[str, msgspec.Meta(max_length=40)]],
        msgspec.Meta(max_length=10, examples=[["request.finished", "line.outcome", "payment.credited"]]),
    ]


class EndpointOut(msgspec.Struct):
    id: str
    url: str
    events: list[str]
    created_at: datetime


class NewEndpoint(msgspec.Struct):
    id: str
    url: str
    events: list[str]
    secret: str  # shown once: it signs every delivery to this endpoint


class EndpointList(msgspec.Struct):
    items: list[EndpointOut]
    next_cursor: str | None = None


class DeliveryOut(msgspec.Struct):
    id: str
    endpoint_id: str
    url: str
    event: str
    status: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status: int | None
    last_error: str | None
    delivered_at: datetime | None
    payload: str


class DeliveryList(msgspec.Struct):
    items: list[DeliveryOut]
    next_cursor: str | None


class Replayed(msgspec.Struct):
    id: str
    status: str


def endpoint_out(e: WebhookEndpoint) -> EndpointOut:
    return EndpointOut(id=e.id, url=e.url, events=sorted(e.event_set), created_at=e.created_at)


def delivery_out(d: Delivery) -> DeliveryOut:
    return DeliveryOut(
        id=d.id,
        endpoint_id=d.endpoint_id,
        url=d.url,
        event=d.event,
        status=d.status,
        attempts=d.attempts,
        created_at=d.created_at,
        next_attempt_at=d.next_attempt_at,
        last_attempt_at=d.last_attempt_at,
        last_status=d.last_status,
        last_error=d.last_error,
        delivered_at=d.delivered_at,
        payload=d.payload,
    )


class WebhooksController(Controller):
    path = "/api/v1/webhooks"
    tags = ["webhooks"]

    @get("/")
    @inject
    async def list_endpoints(
        self, request: Request[Any, Any, Any], list_endpoints: FromDishka[ListEndpoints]
    ) -> EndpointList:
        customer_id, _, _ = await customer_of(request)
        found = await list_endpoints(customer_id)
        return EndpointList(items=[endpoint_out(e) for e in found])

    @post("/", status_code=201)
    @inject
    async def register(
        self,
        request: Request[Any, Any, Any],
        register_endpoint: FromDishka[RegisterEndpoint],
        data: JSONBody[EndpointBody],
    ) -> NewEndpoint:
        customer_id, user_id, _ = await customer_of(request)
        endpoint, secret = await register_endpoint(customer_id, user_id, data.url, list(data.events))
        return NewEndpoint(id=endpoint.id, url=endpoint.url, events=sorted(endpoint.event_set), secret=secret)

    @delete("/{endpoint_id:str}", status_code=HTTP_204_NO_CONTENT)
    @inject
    async def remove(
        self, request: Request[Any, Any, Any], delete_endpoint: FromDishka[DeleteEndpoint], endpoint_id: FromPath[str]
    ) -> None:
        customer_id, _, _ = await customer_of(request)
        await delete_endpoint(customer_id, endpoint_id)

    @get("/deliveries")
    @inject
    async def deliveries(
        self,
        request: Request[Any, Any, Any],
        list_deliveries: FromDishka[ListDeliveries],
        cursor: FromQuery[Annotated[str | None, msgspec.Meta(max_length=200)]] = None,
        endpoint_id: FromQuery[Annotated[str | None, msgspec.Meta(max_length=32)]] = None,
    ) -> DeliveryList:
        customer_id, _, _ = await customer_of(request)
        after = decode_cursor(cursor)
        found = await list_deliveries(customer_id, after=after, limit=PAGE + 1, endpoint_id=endpoint_id)
        page = found[:PAGE]
        more = len(found) > PAGE
        return DeliveryList(
            items=[delivery_out(d) for d in page],
            next_cursor=encode_cursor(page[-1].created_at, page[-1].id) if more and page else None,
        )

    @post("/deliveries/{delivery_id:str}/replay", status_code=202)
    @inject
    async def replay(
        self, request: Request[Any, Any, Any], replay_delivery: FromDishka[ReplayDelivery], delivery_id: FromPath[str]
    ) -> Replayed:
        customer_id, _, _ = await customer_of(request)
        await replay_delivery(customer_id, delivery_id)
        return Replayed(id=delivery_id, status="pending")
