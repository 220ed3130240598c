"""What a read request asks about its caller, read once.

A customer's read (``GET /api/v1/wallet``, a page) asks, one after the other: the user behind the session
(active?), their membership (the role guard), their customer's enterprise top-up access (the service gate) and,
for the wallet, the wallet row — four reads, each its own round trip and unit of work. ``GetUserForRead`` asks
them in one statement and keeps the answers in the request's ``CallerFacts``; the membership resolver, the gate
and the wallet query take the answer from there instead of asking again.

Only read requests (GET, HEAD) use it: they change none of these facts, so an answer read at the start of the
request is the one each of those reads would have found later in it. A request that writes (and may change a
membership, a customer's status, an activation or the wallet) asks each of them when it needs it, as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from kook.application.services.ports import OwnerAccess
from kook.domain.customers.members import Member
from kook.domain.identity.user import User
from kook.domain.services.service import ServiceCode
from kook.domain.wallet.ledger import Wallet


@dataclass(frozen=True)
class UserContext:
    """The user, their membership (None: no customer yet), their customer's access to a service (None: no
    customer) and the customer's wallet row (None: no customer, or no row yet)."""

    user: User
    member: Member | None
    access: OwnerAccess | None
    wallet: Wallet | None


class UserContextReader(Protocol):
    async def read(self, user_id: str, service_code: str) -> UserContext | None: ...


@dataclass
class CallerFacts:
    """One request's answers (REQUEST scope), by user id; a key absent means "not read here: ask"."""

    members: dict[str, Member | None] = field(default_factory=dict)
    access: dict[tuple[str, str], OwnerAccess | None] = field(default_factory=dict)
    wallets: dict[str, Wallet] = field(default_factory=dict)


class GetUserForRead:
    """``GetUser`` for a read request: the active user or None, with the rest of the caller's facts kept."""

    def __init__(self, reader: UserContextReader, facts: CallerFacts) -> None:
        self._reader = reader
        self._facts = facts

    async def __call__(self, user_id: str) -> User | None:
        service = ServiceCode.ENTERPRISE_TOPUP.value
        found = await self._reader.read(user_id, service)
        if found is None or not found.user.is_active:
            return None
        self._facts.members[user_id] = found.member
        self._facts.access[(user_id, service)] = found.access
        if found.wallet is not None:
            self._facts.wallets[found.wallet.customer_id] = found.wallet
        return found.user
