"""An in-memory operator that keeps the ``OperatorGateway`` contract, with helpers to arrange and assert.

It behaves like the sandbox simulator (``kook.sandbox.operator_sim``): the
same reference is never applied twice, a number ending ``0000`` fails
(``invalid_number``), ``0001`` is applied and the answer is lost (pending),
``0002`` is lost without being applied (pending; ``status`` → not_found). A
test can script the next top-up of a number:

    operator.fail_next("09121234567")            # definite failure
    operator.lose_answer_next("09121234567")     # applied, the caller sees pending
    operator.drop_next("09121234567")            # not applied, the caller sees pending
    operator.unreachable_next("09121234567")     # never sent: failed, retryable

and read what happened: ``applied(mobile)``, ``applied_count(reference)``,
``calls``.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass

from kook.application.shared.ports import OperatorGateway, OperatorGateways, TopUpOutcome, TopUpRequest
from kook.domain.routing.operator_routing import Route


@dataclass
class LedgerEntry:
    request: TopUpRequest
    applied: bool
    code: str | None = None
    provider_ref: str | None = None


class FakeOperator(OperatorGateway):
    def __init__(self, *, deterministic_numbers: bool = True) -> None:
        self.deterministic_numbers = deterministic_numbers
        self.calls: list[TopUpRequest] = []
        self.status_calls: list[str] = []
        self._ledger: dict[str, LedgerEntry] = {}
        self._script: dict[str, deque[str]] = defaultdict(deque)
        self._refs = 0

    # -- arrange ---------------------------------------------------------------
    def fail_next(self, mobile: str, code: str = "operator_declined") -> None:
        self._script[mobile].append(f"fail:{code}")

    def lose_answer_next(self, mobile: str) -> None:
        self._script[mobile].append("apply_then_lose")

    def drop_next(self, mobile: str) -> None:
        self._script[mobile].append("drop")

    def unreachable_next(self, mobile: str) -> None:
        self._script[mobile].append("unreachable")

    # -- the port --------------------------------------------------------------
    async def top_up(self, request: TopUpRequest) -> TopUpOutcome:
        self.calls.append(request)
        stored = self._ledger.get(request.reference)
        if stored is not None:
            return self._replay(stored, request)
        plan = self._plan(request.mobile)
        if plan == "unreachable":
            return TopUpOutcome.failed("operator_unreachable", retryable=True)
        if plan == "drop":
            return TopUpOutcome.pending("timeout")
        if plan.startswith("fail:"):
            self._ledger[request.reference] = LedgerEntry(request, applied=False, code=plan.partition(":")[2])
            return TopUpOutcome.failed(plan.partition(":")[2])
        self._refs += 1
        entry = LedgerEntry(request, applied=True, provider_ref=f"FAKE-{self._refs:06d}")
        self._ledger[request.reference] = entry
        if plan == "apply_then_lose":
            return TopUpOutcome.pending("timeout")
        return self._outcome(entry)

    async def status(self, reference: str) -> TopUpOutcome:
        self.status_calls.append(reference)
        stored = self._ledger.get(reference)
        return self._outcome(stored) if stored is not None else TopUpOutcome.not_found()

    # -- assert ----------------------------------------------------------------
    def applied(self, mobile: str | None = None) -> list[TopUpRequest]:
        return [
            e.request for e in self._ledger.values() if e.applied and (mobile is None or e.request.mobile == mobile)
        ]

    def applied_count(self, reference: str) -> int:
        entry = self._ledger.get(reference)
        return 1 if entry is not None and entry.applied else 0

    def sent_to(self, mobile: str) -> list[TopUpRequest]:
        return [c for c in self.calls if c.mobile == mobile]

    # -- inside ----------------------------------------------------------------
    def _plan(self, mobile: str) -> str:
        if self._script[mobile]:
            return self._script[mobile].popleft()
        if self.deterministic_numbers:
            if mobile.endswith("0000"):
                return "fail:invalid_number"
            if mobile.endswith("0001"):
                return "apply_then_lose"
            if mobile.endswith("0002"):
                return "drop"
        return "apply"

    def _replay(self, stored: LedgerEntry, request: TopUpRequest) -> TopUpOutcome:
        first = stored.request
        if (first.mobile, first.product, first.amount) != (request.mobile, request.product, request.amount):
            return TopUpOutcome.pending("reference_conflict")
        return self._outcome(stored)

    @staticmethod
    def _outcome(entry: LedgerEntry) -> TopUpOutcome:
        if entry.applied:
            assert entry.provider_ref is not None
            return TopUpOutcome.succeeded(entry.provider_ref)
        return TopUpOutcome.failed(entry.code or "operator_declined")


class FakeOperatorGateways(OperatorGateways):
    """One ``FakeOperator`` per route name (so each operator's route has its own ledger), or one shared."""

    def __init__(self, shared: FakeOperator | None = None) -> None:
        self._shared = shared
        self.by_route: dict[str, FakeOperator] = {}

    def for_route(self, route: Route) -> OperatorGateway:
        if self._shared is not None:
            return self._shared
        return self.by_route.setdefault(route.name, FakeOperator())
