"""A customer's team as the team use cases see it (acting member, roles, invitation text)."""

from __future__ import annotations

from dataclasses import dataclass

from kook.domain.customers.members import Role
from kook.domain.shared.errors import ValidationFailed


@dataclass(frozen=True)
class Acting:
    """The member acting: their customer, their person and their role."""

    customer_id: str
    user_id: str
    role: Role


def parse_role(value: str, field: str = "role") -> Role:
    try:
        return Role(value)
    except ValueError:
        raise ValidationFailed({field: "invalid"}) from None
