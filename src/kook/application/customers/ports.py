"""Ports of the customers context."""

from __future__ import annotations

from typing import Protocol

from kook.application.shared.ports import (
    AuditLog,
    CustomerRepository,
    MessageRepository,
    StaffRepository,
    UserRepository,
)
from kook.application.shared.unit_of_work import UnitOfWork


class CustomersUnitOfWork(UnitOfWork, Protocol):
    customers: CustomerRepository
    users: UserRepository
    staff: StaffRepository
    messages: MessageRepository
    audit: AuditLog
