from __future__ import annotations

from dataclasses import dataclass

from kook.application.services.access import approved_customer
from kook.application.services.ports import ServicesUnitOfWork, ServiceView, view_of
from kook.domain.services.service import ServiceTerms
from kook.domain.shared.errors import NotFound


@dataclass(frozen=True)
class ServiceTermsView:
    service: ServiceView
    terms: ServiceTerms


class GetServiceTerms:
    """The current terms of an activatable service (what the user accepts)."""

    def __init__(self, uow: ServicesUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, user_id: str, code: str) -> ServiceTermsView:
        async with self._uow as uow:
            customer = await approved_customer(uow, user_id)
            service = await uow.services.get(code)
            if service is None or service.current_terms_version is None:
                raise NotFound()
            terms = await uow.services.terms(code, service.current_terms_version)
            if terms is None:
                raise NotFound()
            activation = await uow.activations.get(customer.id, code)
            return ServiceTermsView(service=view_of(service, activation), terms=terms)
