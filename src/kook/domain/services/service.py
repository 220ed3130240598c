"""Kook's services and their activation by a customer (SPEC §4).

A service has a versioned terms text. An activatable service is activated by
accepting its *current* terms; the acceptance (who, when, which version, from
which address) is kept as the activation. The top-up gateway is described
but not activatable here (people call Kook for it).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from kook.domain.shared.errors import DomainError


class ServiceCode(enum.StrEnum):
    ENTERPRISE_TOPUP = "enterprise_topup"  # سرویس شارژ سازمانی
    TOPUP_GATEWAY = "topup_gateway"  # سرویس درگاه شارژ


class ServiceStatus(enum.StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"  # can be activated by accepting the terms
    NOT_ACTIVATABLE = "not_activatable"  # offered outside the portal


class ServiceNotActive(DomainError):
    code = "service_not_active"


class ServiceNotActivatable(DomainError):
    code = "service_not_activatable"


class TermsVersionOutdated(DomainError):
    code = "terms_version_outdated"

    def __init__(self, current_version: str | None) -> None:
        super().__init__(details={"current_version": current_version})
        self.current_version = current_version


@dataclass(eq=False)
class Service:
    code: str
    title: str
    description: str
    activatable: bool
    sort_order: int = 0
    contact_phone: str | None = None
    current_terms_version: str | None = None


@dataclass(eq=False)
class ServiceTerms:
    service_code: str
    version: str
    text: str
    published_at: datetime


@dataclass(eq=False)
class ServiceActivation:
    id: str
    customer_id: str
    service_code: str
    terms_version: str
    accepted_by_user_id: str
    accepted_at: datetime
    client_address: str


def status_of(service: Service, activation: ServiceActivation | None) -> ServiceStatus:
    if activation is not None:
        return ServiceStatus.ACTIVE
    return ServiceStatus.INACTIVE if service.activatable else ServiceStatus.NOT_ACTIVATABLE


def check_activation(service: Service, terms_version: str) -> str:
    """The terms version to record; raises when the service cannot be activated with it."""
    if not service.activatable or service.current_terms_version is None:
        raise ServiceNotActivatable()
    if terms_version.strip() != service.current_terms_version:
        raise TermsVersionOutdated(service.current_terms_version)
    return service.current_terms_version
