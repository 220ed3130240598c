"""``GetUser`` for a read request, with the rest of the caller's facts kept (see application/shared/caller_facts.py)."""

from __future__ import annotations

from kook.application.shared.caller_facts import CallerFacts
from kook.application.shared.ports import UserContextReader
from kook.domain.identity.user import User
from kook.domain.services.service import ServiceCode


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
