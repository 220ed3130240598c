"""Ports of the services context."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from kook.application.shared.ports import CustomerRepository, UnitOfWork
from kook.domain.services.service import Service, ServiceActivation, ServiceStatus, ServiceTerms, status_of


class ServiceRepository(Protocol):
    async def all(self) -> list[Service]:
        """In the order the portal lists them."""
        ...

    async def get(self, code: str) -> Service | None: ...
    async def terms(self, code: str, version: str) -> ServiceTerms | None: ...


@dataclass(frozen=True)
class OwnerAccess:
    """What the enterprise top-up gate asks on every request, in one read: the user's customer, whether it is
    approved, whether the service is activated for it."""

    customer_id: str
    approved: bool
    active: bool


class ActivationRepository(Protocol):
    async def for_customer(self, customer_id: str) -> list[ServiceActivation]: ...
    async def get(self, customer_id: str, service_code: str) -> ServiceActivation | None: ...
    async def access_of_owner(self, user_id: str, service_code: str) -> OwnerAccess | None:
        """None when the user owns no customer."""
        ...

    async def add(self, activation: ServiceActivation) -> None:
        """Raises Conflict when the customer already has the service."""
        ...


class ServicesUnitOfWork(UnitOfWork, Protocol):
    customers: CustomerRepository
    services: ServiceRepository
    activations: ActivationRepository


@dataclass(frozen=True)
class ServiceView:
    """One row of the services table, for one customer."""

    code: str
    title: str
    description: str
    status: ServiceStatus
    terms_version: str | None  # the current terms (None: nothing to accept here)
    contact_phone: str | None
    activated_at: datetime | None = None
    accepted_terms_version: str | None = None


def view_of(service: Service, activation: ServiceActivation | None) -> ServiceView:
    return ServiceView(
        code=service.code,
        title=service.title,
        description=service.description,
        status=status_of(service, activation),
        terms_version=service.current_terms_version,
        contact_phone=service.contact_phone,
        activated_at=activation.accepted_at if activation else None,
        accepted_terms_version=activation.terms_version if activation else None,
    )
