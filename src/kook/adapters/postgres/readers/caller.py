"""The caller of a read request in one statement: user, membership, service access and wallet (CallerFacts).

On PostgreSQL the statement is compiled once and run on the pool's asyncpg connection itself, outside any
transaction (one round trip, like autocommit), its columns converted by the same SQLAlchemy types the ORM uses;
on SQLite it runs through SQLAlchemy Core.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import greenlet_spawn

from kook.adapters.postgres.tables import identity as tables_identity
from kook.adapters.postgres.tables.customers import customers
from kook.adapters.postgres.tables.services import service_activations
from kook.adapters.postgres.tables.teams import customer_members
from kook.adapters.postgres.tables.wallet import wallets
from kook.application.shared.ports import OwnerAccess, UserContext, UserContextReader
from kook.domain.customers.customer import CustomerStatus
from kook.domain.customers.members import Member, Role
from kook.domain.identity.user import User
from kook.domain.wallet.ledger import Wallet

_U = tables_identity.users.c
_M = customer_members.c
_USER_FIELDS = (
    "id",
    "mobile",
    "first_name",
    "last_name",
    "password_hash",
    "status",
    "created_at",
    "activated_at",
    "recent_failures",
    "locked_until",
    "password_changed_at",
    "signup_contested",
)


def _query() -> sa.Select[Any]:
    a = service_activations.c
    active = (
        sa.select(a.id)
        .where(a.customer_id == customers.c.id, a.service_code == sa.bindparam("service_code", type_=sa.String()))
        .exists()
    )
    return (
        sa.select(
            *(_U[name] for name in _USER_FIELDS),
            _M.customer_id.label("m_customer_id"),
            _M.role.label("m_role"),
            _M.joined_at.label("m_joined_at"),
            _M.invited_by.label("m_invited_by"),
            customers.c.id.label("c_id"),
            customers.c.status.label("c_status"),
            active.label("c_active"),
            wallets.c.available.label("w_available"),
            wallets.c.held.label("w_held"),
            wallets.c.updated_at.label("w_updated_at"),
        )
        .select_from(
            tables_identity.users.outerjoin(customer_members, _M.user_id == _U.id)
            .outerjoin(customers, customers.c.id == _M.customer_id)
            .outerjoin(wallets, wallets.c.customer_id == customers.c.id)
        )
        .where(_U.id == sa.bindparam("user_id", type_=sa.String()))
    )


def _context(row: dict[str, Any]) -> UserContext:
    user = User(**{name: row[name] for name in _USER_FIELDS})
    member = None
    if row["m_customer_id"] is not None:
        member = Member(row["m_customer_id"], row["id"], Role(row["m_role"]), row["m_joined_at"], row["m_invited_by"])
    access = wallet = None
    if row["c_id"] is not None:
        customer_id = row["c_id"]
        access = OwnerAccess(customer_id, row["c_status"] == CustomerStatus.APPROVED, bool(row["c_active"]))
        wallet = Wallet(customer_id=customer_id)  # no row yet reads as an empty wallet (GetWallet)
        if row["w_available"] is not None:
            wallet = Wallet(customer_id, row["w_available"], row["w_held"], row["w_updated_at"])
    return UserContext(user, member, access, wallet)


class SqlUserContextReader(UserContextReader):
    def __init__(self, engine: AsyncEngine) -> None:
        self._pool_engine = engine
        if engine.dialect.name == "postgresql":
            engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._engine = engine
        self._query = _query()
        self._sql = ""
        self._order: list[str] = []
        self._convert: list[tuple[str, Callable[[Any], Any] | None]] = []
        if engine.dialect.name == "postgresql":
            compiled = self._query.compile(dialect=engine.dialect)
            self._sql = compiled.string
            self._order = list(compiled.positiontup or [])
            self._convert = [
                (column.name, column.type._cached_result_processor(engine.dialect, None))
                for column in self._query.selected_columns
            ]

    async def read(self, user_id: str, service_code: str) -> UserContext | None:
        params = {"user_id": user_id, "service_code": service_code}
        if not self._sql:
            async with self._engine.connect() as conn:
                found = (await conn.execute(self._query, params)).mappings().first()
            return _context(dict(found)) if found is not None else None
        args = tuple(params[name] for name in self._order)
        # the pool's connection itself (no Connection object, no isolation level set and reset: the statement
        # runs outside a transaction); checked in on the greenlet, where a pool that is over its size closes it
        pooled = await self._pool_engine.raw_connection()
        driver: Any = pooled.driver_connection
        try:
            record = await driver.fetchrow(self._sql, *args)
        except Exception:
            # the driver's own failure (a connection PostgreSQL dropped: the pool keeps no pre-ping) has not
            # been through SQLAlchemy's handling: drop this connection and ask once more through it, on a
            # fresh one — SQLAlchemy then sees a disconnect, renews the pool and raises, as every other read
            await greenlet_spawn(pooled.invalidate)
            failed = True
        else:
            failed = False
        finally:
            await greenlet_spawn(pooled.close)
        if failed:
            async with self._engine.connect() as conn:
                record = (await conn.exec_driver_sql(self._sql, args)).first()
        if record is None:
            return None
        pairs = zip(self._convert, record, strict=True)
        return _context({name: convert(value) if convert else value for (name, convert), value in pairs})
