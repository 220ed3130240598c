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
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import re
import secrets
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, cast

import msgspec
import sqlalchemy as sa
import structlog
from litestar import Litestar, Request, Response, Router, get, post
from litestar.enums import ScopeType
from litestar.params import FromPath
from litestar.types import HTTPScope, LifeSpanReceive, LifeSpanScope, LifeSpanSend, Receive, Scope, Send
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from kook.adapters.postgres.tables.catalog import sim_topups
from kook.application.shared.ports import Clock
from kook.domain.shared.errors import DomainError
from kook.domain.shared.mobile import is_normalized_mobile, normalize_mobile

log = structlog.get_logger(__name__)

APPLIED: Final = "applied"
FAILED: Final = "failed"
_REFERENCE: Final = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
_TEXT: Final = re.compile(r"[A-Za-z0-9_.:-]{1,40}")
# Rows per group commit: ten columns each stays far below SQLite's bound-parameter limit.
_BATCH: Final = 500
# The standalone app's request body limit (Litestar's default, set explicitly: the fast path keeps to it too)
_MAX_BODY: Final = 10_000_000


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
        self._writers: dict[asyncio.AbstractEventLoop, _GroupCommit] = {}

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

    def _writer(self) -> _GroupCommit:
        loop = asyncio.get_running_loop()
        writer = self._writers.get(loop)
        if writer is None or not writer.running:
            self._writers = {other: w for other, w in self._writers.items() if not other.is_closed()}
            writer = self._writers[loop] = _GroupCommit(self._factory, loop)
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


Answer = tuple[bool, dict[str, Any]]  # (this caller's row was inserted, the row stored for its reference)


@dataclass(eq=False)
class _Queued:
    row: dict[str, Any]
    answer: asyncio.Future[Answer]


class _GroupCommit:
    """One writer task on one event loop: each turn writes everything queued (up to ``_BATCH`` rows)
    in one statement, then answers its callers. While a batch is written the next one gathers, so the
    batches grow with the load and a top-up costs a share of one write instead of a session of its own."""

    def __init__(self, factory: async_sessionmaker[AsyncSession], loop: asyncio.AbstractEventLoop) -> None:
        self._factory = factory
        self._loop = loop
        self._queue: list[_Queued] = []
        self._wake = asyncio.Event()
        self._stopping = False
        self._sqlite = factory().get_bind().dialect.name == "sqlite"  # a session that never connects: just asked
        # PostgreSQL: one connection kept in autocommit — the single INSERT commits on its own, so a batch
        # is one round trip without a pool checkout, BEGIN and COMMIT (most of a small batch's cost)
        self._held: tuple[AsyncSession, AsyncConnection] | None = None
        self._task = loop.create_task(self._run(), name="operator-sim-writer")

    @property
    def running(self) -> bool:
        return not self._stopping and not self._task.done()

    async def insert(self, row: dict[str, Any]) -> Answer:
        answer: asyncio.Future[Answer] = self._loop.create_future()
        self._queue.append(_Queued(row, answer))
        self._wake.set()
        return await answer

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    async def close(self) -> None:
        self.stop()
        await asyncio.wait([self._task])  # its end, however it ended

    async def _run(self) -> None:
        batch: list[_Queued] = []
        try:
            while True:
                if not self._queue:
                    if self._stopping:
                        return
                    self._wake.clear()
                    await self._wake.wait()
                    continue
                batch, self._queue = self._queue[:_BATCH], self._queue[_BATCH:]
                answers: list[Answer | Exception]
                try:
                    answers = await self._write([queued.row for queued in batch])
                except Exception as exc:  # nothing of this batch is known to be stored: its callers fail (500)
                    answers = [exc] * len(batch)
                for queued, answer in zip(batch, answers, strict=True):
                    if queued.answer.done():  # its caller went away; the row stays written
                        continue
                    if isinstance(answer, Exception):
                        queued.answer.set_exception(answer)
                    else:
                        queued.answer.set_result(answer)
                batch = []
        finally:  # stopped, or cancelled with its loop: whoever still waits is told so rather than left hanging
            for queued in (*batch, *self._queue):
                queued.answer.cancel()
            self._queue = []
            await self._release()

    async def _write(self, rows: Sequence[dict[str, Any]]) -> list[Answer | Exception]:
        first: dict[str, dict[str, Any]] = {}
        for row in rows:  # a reference twice in one batch: the later one replays the first
            first.setdefault(row["reference"], row)
        if self._sqlite:
            # SQLite: a transaction per batch (BEGIN IMMEDIATE takes the write lock up front)
            async with self._factory() as db, db.begin():
                inserted, stored = await _insert_new_sqlite(await db.connection(), list(first.values()))
        else:
            inserted, stored = await self._insert_on_kept_connection(list(first.values()))
        answers: list[Answer | Exception] = []
        for row in rows:
            reference = row["reference"]
            if reference in inserted:
                answers.append((first[reference] is row, first[reference]))
            elif reference in stored:
                answers.append((False, stored[reference]))
            else:  # pragma: no cover - not inserted means the unique key found the row
                answers.append(RuntimeError(f"sim_topups: {reference} neither inserted nor found"))
        return answers

    async def _insert_on_kept_connection(
        self, rows: list[dict[str, Any]]
    ) -> tuple[set[str], dict[str, dict[str, Any]]]:
        columns = _columns(rows)
        try:
            return await _insert_new_postgresql(await self._connection(), columns, rows)
        except Exception as exc:
            await self._release()  # whatever failed, the next batch takes a fresh connection
            if not (isinstance(exc, sa.exc.DBAPIError) and exc.connection_invalidated):
                raise
        # the kept connection died while idle (there is no pre-ping): once more on a fresh one. Safe whatever
        # the first attempt did — a row it committed is found by its reference and answered as stored.
        try:
            return await _insert_new_postgresql(await self._connection(), columns, rows)
        except Exception:
            await self._release()
            raise

    async def _connection(self) -> AsyncConnection:
        if self._held is None:
            db = self._factory()
            try:
                connection = await db.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
            except BaseException:
                await db.close()
                raise
            self._held = (db, connection)
        return self._held[1]

    async def _release(self) -> None:
        held, self._held = self._held, None
        if held is not None:
            with contextlib.suppress(Exception):
                await held[0].close()


# SQLite: executemany with RETURNING is sent as one multi-row INSERT ("insertmanyvalues"), compiled once
_INSERT_NEW_SQLITE: Final = (
    sqlite.insert(sim_topups)
    .on_conflict_do_nothing(index_elements=[sim_topups.c.reference])
    .returning(sim_topups.c.reference)
)

# PostgreSQL: one statement text for every batch size, so asyncpg prepares it once per connection and sends
# ten arrays (encoded by its codecs) instead of a multi-VALUES text per size with every row bound one by one
_INSERT_NEW_POSTGRESQL: Final = (
    "INSERT INTO sim_topups"
    " (reference, mobile, operator_code, product, amount, status, code, provider_ref, applied_at, created_at)"
    " SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[], $5::bigint[],"
    " $6::varchar[], $7::varchar[], $8::varchar[], $9::timestamptz[], $10::timestamptz[])"
    " ON CONFLICT (reference) DO NOTHING RETURNING reference"
)

Columns = tuple[list[Any], ...]  # one list per column, in the order of the INSERT's column list


def _columns(rows: Sequence[dict[str, Any]]) -> Columns:
    """The rows as one list per column; times in UTC, as ``UtcDateTime`` binds them (a naive one is refused)."""
    return (
        [row["reference"] for row in rows],
        [row["mobile"] for row in rows],
        [row["operator_code"] for row in rows],
        [row["product"] for row in rows],
        [row["amount"] for row in rows],
        [row["status"] for row in rows],
        [row["code"] for row in rows],
        [row["provider_ref"] for row in rows],
        [_utc(row["applied_at"]) for row in rows],
        [_utc(row["created_at"]) for row in rows],
    )


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to the database")
    return moment.astimezone(UTC)


async def _insert_new_sqlite(
    connection: AsyncConnection, rows: list[dict[str, Any]]
) -> tuple[set[str], dict[str, dict[str, Any]]]:
    """Insert the rows whose reference is new, in one statement; the others answer their stored row."""
    inserted = set((await connection.execute(_INSERT_NEW_SQLITE, rows)).scalars())
    return inserted, await _known(connection, rows, inserted)


async def _insert_new_postgresql(
    connection: AsyncConnection, columns: Columns, rows: list[dict[str, Any]]
) -> tuple[set[str], dict[str, dict[str, Any]]]:
    """As ``_insert_new_sqlite``, with the rows given as ``_columns(rows)``: one prepared statement for any size."""
    inserted = set((await connection.exec_driver_sql(_INSERT_NEW_POSTGRESQL, columns)).scalars())
    return inserted, await _known(connection, rows, inserted)


async def _known(
    connection: AsyncConnection, rows: list[dict[str, Any]], inserted: set[str]
) -> dict[str, dict[str, Any]]:
    """The stored rows of the references that were not inserted: the unique key found them already there."""
    known = [row["reference"] for row in rows if row["reference"] not in inserted]
    if not known:
        return {}
    t = sim_topups
    found = await connection.execute(sa.select(t).where(t.c.reference.in_(known)))
    return {r["reference"]: dict(r) for r in found.mappings()}


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


# --------------------------------------------------------------------------- HTTP

SimulatorOf = Callable[[Request[Any, Any, Any]], Awaitable[OperatorSimulator]]


def sim_router(simulator_of: SimulatorOf, path: str = "/sim") -> Router:
    """The simulator's endpoints under ``path``; ``simulator_of`` finds the simulator for a request."""

    @post("/topups", status_code=200)
    async def create_top_up(request: Request[Any, Any, Any]) -> Response[Any]:
        try:
            body = _TOP_UP.decode(await request.body())
        except msgspec.DecodeError:  # malformed JSON, or a field missing or of the wrong type
            return Response(_INVALID_REQUEST, status_code=400)
        answer = await (await simulator_of(request)).top_up(body)
        return Response(answer.body, status_code=answer.status_code)

    @get("/topups/{reference:str}")
    async def top_up_status(request: Request[Any, Any, Any], reference: FromPath[str]) -> Response[Any]:
        answer = await (await simulator_of(request)).status(reference)
        return Response(answer.body, status_code=answer.status_code)

    @get("/topups")
    async def applied(request: Request[Any, Any, Any]) -> Response[Any]:
        raw = request.query_params.get("mobile")
        mobile = None
        if raw:
            try:
                mobile = normalize_mobile(raw)
            except DomainError as exc:
                return Response({"code": exc.code, "details": exc.details}, status_code=422)
        return Response(await (await simulator_of(request)).applied(mobile))

    return Router(path=path, route_handlers=[create_top_up, top_up_status, applied], include_in_schema=False)


def create_sim_app(simulator: OperatorSimulator, *, on_shutdown: list[Callable[[], Any]] | None = None) -> Litestar:
    """The simulator as its own service (``kook operator-sim``), at ``/sim`` like under ``kook serve``;
    ``POST /sim/topups`` takes the fast path of ``_SimApp``."""

    async def same(_request: Request[Any, Any, Any]) -> OperatorSimulator:
        return simulator

    @get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    return _SimApp(
        simulator,
        "/sim",
        route_handlers=[sim_router(same, "/sim"), health],
        on_shutdown=[simulator.aclose, *(on_shutdown or [])],  # the writer's queue first, then the engine
        openapi_config=None,
        debug=False,
        logging_config=None,
        request_max_body_size=_MAX_BODY,
    )


_TOP_UP: Final = msgspec.json.Decoder(TopUpBody)
_ENCODE: Final = msgspec.json.Encoder()
_INVALID_REQUEST: Final = {"status": FAILED, "code": "invalid_request"}
_INVALID_REQUEST_JSON: Final = _ENCODE.encode(_INVALID_REQUEST)
_JSON: Final = (b"content-type", b"application/json")
# What Litestar answers (debug off, no exception handlers) when the handler raises: the fast path says the same
_INTERNAL_ERROR: Final = _ENCODE.encode({"status_code": 500, "detail": "Internal Server Error"})
_TOO_LARGE: Final = _ENCODE.encode({"status_code": 413, "detail": "Request Entity Too Large"})


class _SimApp(Litestar):
    """Litestar, with ``POST <path>/topups`` answered in front of it: the body decoded straight into
    ``TopUpBody``, the simulator asked, its answer encoded — no routing, middleware, ``Request`` or ``Response``.
    The answers are the route's own (status, JSON body, content type); a request the fast path does not take
    as it comes (no or an odd ``content-length``, a ``root_path``, any other method or path) goes to Litestar,
    which also runs the lifespan (the simulator's ``aclose`` at shutdown)."""

    def __init__(self, simulator: OperatorSimulator, path: str, **options: Any) -> None:
        super().__init__(**options)
        self._simulator = simulator
        self._top_ups_path = path + "/topups"

    async def __call__(
        self, scope: Scope | LifeSpanScope, receive: Receive | LifeSpanReceive, send: Send | LifeSpanSend
    ) -> None:
        if scope["type"] == ScopeType.HTTP:
            http = cast("HTTPScope", scope)
            if http["method"] == "POST" and http["path"] == self._top_ups_path and not http.get("root_path"):
                length = _content_length(http["headers"])
                if length is not None and length <= _MAX_BODY:
                    await self._create_top_up(cast("Receive", receive), cast("Send", send))
                    return
        await super().__call__(scope, receive, send)

    async def _create_top_up(self, receive: Receive, send: Send) -> None:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the caller went away: nobody to answer
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        status: int
        content: bytes
        if size > _MAX_BODY:  # more than content-length said (a server lets no such body through)
            status, content = 413, _TOO_LARGE
        else:
            try:
                body = _TOP_UP.decode(chunks[0] if len(chunks) == 1 else b"".join(chunks))
            except msgspec.DecodeError:
                status, content = 400, _INVALID_REQUEST_JSON
            else:
                try:
                    answer = await self._simulator.top_up(body)
                except Exception:  # as Litestar's exception middleware answers; logged here for whoever debugs
                    log.exception("operator_sim_top_up_failed")
                    status, content = 500, _INTERNAL_ERROR
                else:
                    status, content = answer.status_code, _ENCODE.encode(answer.body)
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [_JSON, (b"content-length", str(len(content)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": content, "more_body": False})


def _content_length(headers: Iterable[tuple[bytes, bytes]]) -> int | None:
    """The request's ``content-length`` when it is a plain number; otherwise None (Litestar decides)."""
    for name, value in headers:
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None
