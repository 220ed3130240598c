"""Demo data of the customers context: the demo customer's approved legal-person
profile with the enterprise top-up service already active, so the wallet and
requests can be tried at once under ``kook serve``."""

from __future__ import annotations

from dishka import AsyncContainer

from kook.application.customers.ports import CustomersUnitOfWork
from kook.application.identity.ports import IdentityUnitOfWork
from kook.application.services.ports import ServicesUnitOfWork
from kook.application.shared.ports import Clock
from kook.domain.customers.customer import Customer, validate_details
from kook.domain.services.service import ServiceActivation, ServiceCode
from kook.domain.shared.ids import new_id
from kook.domain.shared.jalali import tehran_today

DEMO_COMPANY = {
    "kind": "legal",
    "company_name": "شرکت بازرگانی مهرآفرین پارس (سهامی خاص)",
    "national_id": "10320756419",
    "registration_number": "523418",
    "economic_code": "411156789125",
    "postal_code": "1996834511",
    "address": "تهران، خیابان ولیعصر، بالاتر از میدان ونک، کوچه ناهید، پلاک ۱۴، طبقه ۳",
    "phone": "02188654321",
    "representative_name": "سارا محمدی",
    "representative_national_code": "0067749828",
    "representative_mobile": "09121110000",
}


async def seed_demo_customer(scope: AsyncContainer, mobile: str) -> None:
    """Idempotent: an existing profile or activation is left as it is."""
    identity = await scope.get(IdentityUnitOfWork)
    clock = await scope.get(Clock)
    async with identity:
        user = await identity.users.by_mobile(mobile)
    if user is None:
        return
    customers = await scope.get(CustomersUnitOfWork)
    now = clock.now()
    async with customers:
        customer = await customers.customers.of_owner(user.id)
        if customer is None:
            customer = Customer.start(
                id=new_id(),
                owner_user_id=user.id,
                details=validate_details(DEMO_COMPANY, tehran_today(now)),
                now=now,
            )
            await customers.customers.add(customer)
            customer.submit(now)
            customer.approve("demo", now)
            await customers.commit()
    if not customer.is_approved:
        return
    services = await scope.get(ServicesUnitOfWork)
    async with services:
        service = await services.services.get(ServiceCode.ENTERPRISE_TOPUP.value)
        existing = await services.activations.get(customer.id, ServiceCode.ENTERPRISE_TOPUP.value)
        if service is not None and service.current_terms_version and existing is None:
            await services.activations.add(
                ServiceActivation(
                    id=new_id(),
                    customer_id=customer.id,
                    service_code=service.code,
                    terms_version=service.current_terms_version,
                    accepted_by_user_id=user.id,
                    accepted_at=now,
                    client_address="demo",
                )
            )
            await services.commit()
