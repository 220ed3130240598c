"""Imperative mappings: the domain classes stay free of SQLAlchemy."""

from __future__ import annotations

from sqlalchemy.orm import registry

from kook.adapters.postgres.tables import identity as tables_identity
from kook.adapters.postgres.tables.metadata import metadata
from kook.domain.identity.api_key import ApiKey
from kook.domain.identity.one_time_code import OneTimeCode
from kook.domain.identity.staff import StaffMember
from kook.domain.identity.user import User

# Process-wide by nature: SQLAlchemy maps a class once per process (a second mapping raises), so the registry and
# the flag that it was done are the one module state kept here on purpose.
mapper_registry = registry(metadata=metadata)
_started = False


def start_mappers() -> None:
    global _started
    if _started:
        return
    _started = True
    _map_identity()
    _map_catalog()
    _map_wallet()
    _map_customers()
    # each context maps its classes in a function of its own, called here


def _map_identity() -> None:
    mapper_registry.map_imperatively(User, tables_identity.users)
    mapper_registry.map_imperatively(StaffMember, tables_identity.staff)
    mapper_registry.map_imperatively(OneTimeCode, tables_identity.one_time_codes)
    mapper_registry.map_imperatively(ApiKey, tables_identity.api_keys)


def _map_wallet() -> None:
    from kook.adapters.postgres.tables import wallet as tables_wallet
    from kook.domain.wallet.deposit import DepositSlip
    from kook.domain.wallet.payment import Payment

    mapper_registry.map_imperatively(Payment, tables_wallet.payments)
    mapper_registry.map_imperatively(DepositSlip, tables_wallet.deposits)


def _map_catalog() -> None:
    from kook.adapters.postgres.tables import catalog as tables_catalog
    from kook.domain.catalog.product import OperatorSettings, Package
    from kook.domain.routing.prefix_table import OperatorPrefix

    mapper_registry.map_imperatively(Package, tables_catalog.packages)
    mapper_registry.map_imperatively(OperatorPrefix, tables_catalog.operator_prefixes)
    mapper_registry.map_imperatively(
        OperatorSettings,
        tables_catalog.operators,
        properties={"operator": tables_catalog.operators.c.code},
        exclude_properties=["name_fa", "name_en"],
    )


def _map_customers() -> None:
    """Customers, services and messaging."""
    from kook.adapters.postgres.tables import customers as tables_customers
    from kook.adapters.postgres.tables import messaging as tables_messaging
    from kook.adapters.postgres.tables import services as tables_services
    from kook.domain.calendar.event import Event
    from kook.domain.customers.customer import Customer
    from kook.domain.messaging.message import Message
    from kook.domain.services.service import Service, ServiceActivation, ServiceTerms

    mapper_registry.map_imperatively(Customer, tables_customers.customers)
    mapper_registry.map_imperatively(Service, tables_services.services)
    mapper_registry.map_imperatively(ServiceTerms, tables_services.service_terms)
    mapper_registry.map_imperatively(ServiceActivation, tables_services.service_activations)
    mapper_registry.map_imperatively(Message, tables_messaging.messages)
    mapper_registry.map_imperatively(Event, tables_messaging.events)
