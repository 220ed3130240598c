from __future__ import annotations

from dataclasses import dataclass

from kook.application.services.access import approved_customer
from kook.application.services.ports import ServicesUnitOfWork, ServiceView, view_of
from kook.application.shared.ports import Clock
from kook.domain.services.service import ServiceActivation, check_activation
from kook.domain.shared.errors import NotFound, ValidationFailed
from kook.domain.shared.ids import new_id


@dataclass(frozen=True)
class ActivateServiceCommand:
    user_id: str
    service_code: str
    accept_terms: bool
    terms_version: str
    client_address: str


class ActivateService:
    """Activates a service by accepting its current terms (SPEC §4).

    The acceptance is recorded: user, time, terms version, client address.
    Already active: the same answer, nothing recorded again. An old terms
    version: ``terms_version_outdated``; the gateway: ``service_not_activatable``.
    """

    def __init__(self, uow: ServicesUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(self, command: ActivateServiceCommand) -> ServiceView:
        async with self._uow as uow:
            # The customer row is the lock that serialises two activations at once.
            customer = await approved_customer(uow, command.user_id, for_update=True)
            service = await uow.services.get(command.service_code)
            if service is None:
                raise NotFound()
            if not service.activatable:
                check_activation(service, command.terms_version)  # raises service_not_activatable
            fields: dict[str, str] = {}
            if not command.accept_terms:
                fields["accept_terms"] = "terms_not_accepted"
            if not command.terms_version.strip():
                fields["terms_version"] = "required"
            if fields:
                raise ValidationFailed(fields)
            existing = await uow.activations.get(customer.id, service.code)
            if existing is not None:
                return view_of(service, existing)
            version = check_activation(service, command.terms_version)
            activation = ServiceActivation(
                id=new_id(),
                customer_id=customer.id,
                service_code=service.code,
                terms_version=version,
                accepted_by_user_id=command.user_id,
                accepted_at=self._clock.now(),
                client_address=command.client_address[:64],
            )
            await uow.activations.add(activation)
            await uow.commit()
            return view_of(service, activation)
