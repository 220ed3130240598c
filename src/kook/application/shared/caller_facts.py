"""What a read request asks about its caller, read once.

A customer's read (``GET /api/v1/wallet``, a page) asks, one after the other: the user behind the session
(active?), their membership (the role guard), their customer's enterprise top-up access (the service gate) and,
for the wallet, the wallet row — four reads, each its own round trip and unit of work. ``GetUserForRead``
(application/identity/get_user_for_read.py) asks
them in one statement and keeps the answers in the request's ``CallerFacts``; the membership resolver, the gate
and the wallet query take the answer from there instead of asking again.

Only read requests (GET, HEAD) use it: they change none of these facts, so an answer read at the start of the
request is the one each of those reads would have found later in it. A request that writes (and may change a
membership, a customer's status, an activation or the wallet) asks each of them when it needs it, as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kook.application.shared.ports import OwnerAccess
from kook.domain.customers.members import Member
from kook.domain.wallet.ledger import Wallet


@dataclass
class CallerFacts:
    """One request's answers (REQUEST scope), by user id; a key absent means "not read here: ask"."""

    members: dict[str, Member | None] = field(default_factory=dict)
    access: dict[tuple[str, str], OwnerAccess | None] = field(default_factory=dict)
    wallets: dict[str, Wallet] = field(default_factory=dict)
