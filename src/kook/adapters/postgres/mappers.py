"""Imperative mappings: the domain classes stay free of SQLAlchemy."""

from __future__ import annotations

from sqlalchemy.orm import registry

from kook.adapters.postgres import tables
from kook.adapters.postgres.metadata import metadata
from kook.domain.identity.api_key import ApiKey
from kook.domain.identity.one_time_code import OneTimeCode
from kook.domain.identity.staff import StaffMember
from kook.domain.identity.user import User

mapper_registry = registry(metadata=metadata)
_started = False


def start_mappers() -> None:
    global _started
    if _started:
        return
    _started = True
    _map_identity()
    # each context maps its classes in a function of its own, called here


def _map_identity() -> None:
    mapper_registry.map_imperatively(User, tables.users)
    mapper_registry.map_imperatively(StaffMember, tables.staff)
    mapper_registry.map_imperatively(OneTimeCode, tables.one_time_codes)
    mapper_registry.map_imperatively(ApiKey, tables.api_keys)
