"""JSON API: the services of the user's customer, their terms, and activation (API.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Request, get, post
from litestar.params import FromPath, JSONBody

from kook.application.services.activate_service import ActivateService, ActivateServiceCommand
from kook.application.services.get_service_terms import GetServiceTerms
from kook.application.services.list_services import ListServices
from kook.application.services.ports import ServiceView
from kook.entrypoints.http.context import client_address, require_user

Req = Request[Any, Any, Any]


class ServiceOut(msgspec.Struct):
    code: str
    title: str
    status: str
    terms_version: str | None
    description: str
    contact_phone: str | None
    activated_at: datetime | None
    accepted_terms_version: str | None


class ServiceList(msgspec.Struct):
    items: list[ServiceOut]


class TermsOut(msgspec.Struct):
    code: str
    version: str
    text: str
    published_at: datetime


class ActivateBody(msgspec.Struct, forbid_unknown_fields=False):
    accept_terms: bool = False
    terms_version: Annotated[str, msgspec.Meta(max_length=32)] = ""


def service_out(view: ServiceView) -> ServiceOut:
    return ServiceOut(
        code=view.code,
        title=view.title,
        status=view.status.value,
        terms_version=view.terms_version,
        description=view.description,
        contact_phone=view.contact_phone,
        activated_at=view.activated_at,
        accepted_terms_version=view.accepted_terms_version,
    )


class ServicesController(Controller):
    path = "/api/v1/services"
    tags = ["services"]

    @get("/")
    @inject
    async def list_services(self, request: Req, list_services: FromDishka[ListServices]) -> ServiceList:
        found = await require_user(request)
        assert found.user is not None
        views = await list_services(found.user.id)
        return ServiceList(items=[service_out(v) for v in views])

    @get("/{code:str}/terms")
    @inject
    async def terms(
        self, request: Req, get_service_terms: FromDishka[GetServiceTerms], code: FromPath[str]
    ) -> TermsOut:
        found = await require_user(request)
        assert found.user is not None
        view = await get_service_terms(found.user.id, code)
        terms = view.terms
        return TermsOut(
            code=terms.service_code, version=terms.version, text=terms.text, published_at=terms.published_at
        )

    @post("/{code:str}/activate", status_code=200)
    @inject
    async def activate(
        self,
        request: Req,
        activate_service: FromDishka[ActivateService],
        code: FromPath[str],
        data: JSONBody[ActivateBody],
    ) -> ServiceOut:
        found = await require_user(request)
        assert found.user is not None
        view = await activate_service(
            ActivateServiceCommand(
                user_id=found.user.id,
                service_code=code,
                accept_terms=data.accept_terms,
                terms_version=data.terms_version,
                client_address=client_address(request),
            )
        )
        return service_out(view)
