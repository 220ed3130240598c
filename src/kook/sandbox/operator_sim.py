"""The simulated operator: an HTTP service with its own ledger of what it applied.

Served at ``/sim`` of the portal under ``kook serve`` (and in any ``KOOK_ENV``
dev/test app), and on its own by ``kook operator-sim``. It speaks the protocol
of ``kook.adapters.operators.http_operator`` and keeps its ledger in the
``sim_topups`` table, so it survives restarts and every process sees one
ledger.

Rules:

* **Idempotent by reference.** The same reference again answers the stored
  outcome and applies nothing; the same reference with another mobile,
  product or amount answers 409 ``reference_conflict``.
* **Deterministic numbers** (for tests): a number ending ``0000`` fails
  definitely (``invalid_number``); one ending ``0001`` is applied and then the
  answer is lost (504 — what a gateway says when its upstream timed out; the
  HTTP adapter reads it as unknown); one ending ``0002`` is lost without being
  applied (504, nothing recorded: ``status`` answers ``not_found``).
* **Random behaviour** from flags or ``KOOK_SIM_*``: a latency (every answer
  comes that long after its call arrived: the work, the ledger write included,
  is done within it, as an operator's answer time includes its own work), a
  failure rate (``operator_declined``) and an unknown-outcome rate (504; half
  of those applied, half not).

``GET /sim/topups[?mobile=…]`` lists what was really applied:
``[{reference, mobile, product, amount, applied_at}]``.

New top-ups are written by group commit: one writer task per event loop takes
everything queued and inserts it with one ``INSERT … ON CONFLICT (reference) DO
NOTHING``; each caller is answered only after that has committed. A reference
already in the ledger — from another caller, another process or an earlier run —
is not inserted and answers its stored outcome, so the unique key alone keeps
"applied at most once per reference". On PostgreSQL that INSERT has one shape
whatever the batch size (the rows go as one array per column, ``unnest``-ed), so
it is prepared once per connection and its rows are not bound one by one.

``kook operator-sim`` answers ``POST /sim/topups`` — the one call under load —
in a few lines of ASGI in front of Litestar (``_SimApp``), with the same answers
as the Litestar route; every other request, and the lifespan, is Litestar's.

Three modules: this one (the rules, without HTTP), ``operator_sim_ledger`` (the
group-commit writer) and ``operator_sim_http`` (the routes and the standalone app).
"""

from __future__ import annotations

import asyncio
import random
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

import msgspec
import sqlalchemy as sa
import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kook.adapters.postgres.tables.catalog import sim_topups
from kook.application.shared.ports import Clock
from kook.domain.shared.mobile import is_normalized_mobile
from kook.sandbox.operator_sim_ledger import GroupCommit

log = structlog.get_logger(__name__)

APPLIED: Final = "applied"
FAILED: Final = "failed"
_REFERENCE: Final = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
_TEXT: Final = re.compile(r"[A-Za-z0-9_.:-]{1,40}")


@dataclass(frozen=True)
class SimConfig:
    latency_ms: int = 0
    fail_rate: float = 0.0
    unknown_rate: float = 0.0

    def __post_init__(self) -> None:
        if self.latency_ms < 0:
            raise ValueError("latency must not be negative")
        for name in ("fail_rate", "unknown_rate"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1")
        if self.fail_rate + self.unknown_rate > 1.0:
            raise ValueError("fail_rate + unknown_rate must not exceed 1")


class TopUpBody(msgspec.Struct):
    reference: str
    mobile: str
    operator_code: str
    product: str
    amount: int


@dataclass(frozen=True)
class SimAnswer:
    status_code: int
    body: dict[str, Any] | list[dict[str, Any]]


class OperatorSimulator:
    """The simulated operator's behaviour and ledger, without HTTP."""

    def __init__(
        self,
        factory: async_sessionmaker[AsyncSession],
        clock: Clock,
        config: SimConfig | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._factory = factory
        self._clock = clock
        self.config = config or SimConfig()
        self._rng = rng or random.Random()
        # a task and its queue belong to one event loop; tests and the portal's container may use several
        self._writers: dict[asyncio.AbstractEventLoop, GroupCommit] = {}

    async def top_up(self, body: TopUpBody) -> SimAnswer:
        answer_at = self._answer_at()
        answer = await self._top_up(body)
        await self._until(answer_at)
        return answer

    async def _top_up(self, body: TopUpBody) -> SimAnswer:
        problem = _check(body)
        if problem is not None:
            return SimAnswer(400, {"reference": body.reference, "status": FAILED, "code": problem})
        plan = self._plan(body.mobile)
        if plan == "drop":  # lost on the way — unless the reference was already applied: then its outcome
            stored = await self._stored(body.reference)
            if stored is not None:
                return _replay(stored, body)
            return SimAnswer(504, {"code": "gateway_timeout"})
        # a new reference is the common case: insert first (group commit); a known one is left as it is
        now = self._clock.now()
        row = {
            "reference": body.reference,
            "mobile": body.mobile,
            "operator_code": body.operator_code,
            "product": body.product,
            "amount": body.amount,
            "status": FAILED if plan.startswith("fail") else APPLIED,
            "code": plan.partition(":")[2] or None,
            "provider_ref": None if plan.startswith("fail") else "SIM-" + secrets.token_hex(6).upper(),
            "applied_at": None if plan.startswith("fail") else now,
            "created_at": now,
        }
        inserted, stored = await self._writer().insert(row)
        if not inserted:  # the reference was already applied (or failed) — by another caller, now or before
            return _replay(stored, body)
        if plan == "apply_then_lose":
            return SimAnswer(504, {"code": "gateway_timeout"})
        return SimAnswer(200, _outcome(row))

    async def aclose(self) -> None:
        """Stop the writers after what is queued is written (the app's shutdown)."""
        writers, self._writers = self._writers, {}
        here = asyncio.get_running_loop()
        for loop, writer in writers.items():
            if loop is here:
                await writer.close()
            elif not loop.is_closed():  # a writer of another live loop stops there, after its queue
                loop.call_soon_threadsafe(writer.stop)

    async def status(self, reference: str) -> SimAnswer:
        answer_at = self._answer_at()
        stored = await self._stored(reference) if _REFERENCE.fullmatch(reference) else None
        await self._until(answer_at)
        if stored is None:
            return SimAnswer(404, {"reference": reference[:64], "status": "not_found"})
        return SimAnswer(200, _outcome(stored))

    async def applied(self, mobile: str | None = None, limit: int = 1000) -> list[dict[str, Any]]:
        t = sim_topups
        query = sa.select(t).where(t.c.status == APPLIED).order_by(t.c.id).limit(limit)
        if mobile:
            query = query.where(t.c.mobile == mobile)
        async with self._factory() as db:
            rows = (await db.execute(query)).mappings().all()
        return [
            {
                "reference": r["reference"],
                "mobile": r["mobile"],
                "product": r["product"],
                "amount": r["amount"],
                "applied_at": _iso(r["applied_at"]),
            }
            for r in rows
        ]

    async def _stored(self, reference: str) -> dict[str, Any] | None:
        async with self._factory() as db:
            row = (
                (await db.execute(sa.select(sim_topups).where(sim_topups.c.reference == reference))).mappings().first()
            )
        return dict(row) if row is not None else None

    def _writer(self) -> GroupCommit:
        loop = asyncio.get_running_loop()
        writer = self._writers.get(loop)
        if writer is None or not writer.running:
            self._writers = {other: w for other, w in self._writers.items() if not other.is_closed()}
            writer = self._writers[loop] = GroupCommit(self._factory, loop)
        return writer

    def _plan(self, mobile: str) -> str:
        if mobile.endswith("0000"):
            return "fail:invalid_number"
        if mobile.endswith("0001"):
            return "apply_then_lose"
        if mobile.endswith("0002"):
            return "drop"
        draw = self._rng.random()
        if draw < self.config.fail_rate:
            return "fail:operator_declined"
        if draw < self.config.fail_rate + self.config.unknown_rate:
            return "apply_then_lose" if self._rng.random() < 0.5 else "drop"
        return "apply"

    def _answer_at(self) -> float:
        """When the answer is due: ``latency_ms`` after the call arrived (the loop's clock)."""
        return asyncio.get_running_loop().time() + self.config.latency_ms / 1000

    @staticmethod
    async def _until(answer_at: float) -> None:
        """The latency is the operator's whole answer time: the work is done within it, not added to it."""
        rest = answer_at - asyncio.get_running_loop().time()
        if rest > 0:
            await asyncio.sleep(rest)


def _check(body: TopUpBody) -> str | None:
    if not _REFERENCE.fullmatch(body.reference):
        return "invalid_reference"
    if not is_normalized_mobile(body.mobile):
        return "invalid_number"
    if not _TEXT.fullmatch(body.operator_code) or not _TEXT.fullmatch(body.product):
        return "invalid_request"
    if body.amount <= 0:
        return "invalid_amount"
    return None


def _replay(stored: dict[str, Any], body: TopUpBody) -> SimAnswer:
    same = (stored["mobile"], stored["product"], int(stored["amount"])) == (body.mobile, body.product, body.amount)
    if not same:
        return SimAnswer(409, {"reference": body.reference, "status": FAILED, "code": "reference_conflict"})
    return SimAnswer(200, _outcome(stored))


def _outcome(row: dict[str, Any]) -> dict[str, Any]:
    if row["status"] == APPLIED:
        return {
            "reference": row["reference"],
            "status": "succeeded",
            "provider_ref": row["provider_ref"],
            "applied_at": _iso(row["applied_at"]),
        }
    return {"reference": row["reference"], "status": FAILED, "code": row["code"] or "operator_declined"}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
