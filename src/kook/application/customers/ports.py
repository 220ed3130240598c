"""Ports of the customers context."""

from __future__ import annotations

from typing import Protocol

from kook.application.shared.ports import (
    AuditLog,
    CustomerRepository,
    MessageRepository,
    StaffRepository,
    UnitOfWork,
    UserRepository,
)


class CustomersUnitOfWork(UnitOfWork, Protocol):
    customers: CustomerRepository
    users: UserRepository
    staff: StaffRepository
    messages: MessageRepository
    audit: AuditLog
