"""Dramatiq actors: thin and idempotent (ids in, one use case call), named ``<context>.<verb>``.

Each is declared on the broker a process builds (``declare_actors``, called by ``broker.build_broker``), not on
Dramatiq's global broker; its ``FromDishka`` parameters are injected per message, in a REQUEST scope of the
container of the worker running on that broker (``middleware.worker_container``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import dramatiq
from dishka import FromDishka
from dishka.integrations.base import wrap_injection

from kook.application.calendar.send_due_reminders import SendDueReminders
from kook.application.fulfilment.check_unknown_lines import CheckUnknownLines
from kook.application.fulfilment.execute_recharge_lines import ExecuteRechargeLines
from kook.application.fulfilment.sweep_fulfilment import SweepFulfilment
from kook.application.identity.purge_expired import PurgeExpiredIdentityData
from kook.application.messaging.check_low_balances import CheckLowBalances
from kook.application.recharges.deliver_run_notices import DeliverRunNotices
from kook.application.recharges.remind_short_runs import RemindShortRuns
from kook.application.recharges.start_due_requests import StartDueRequests
from kook.application.reporting.fold_transaction_totals import FoldTransactionTotals
from kook.application.reporting.purge_expired_exports import PurgeExpiredExports
from kook.application.reporting.run_transaction_export import RunTransactionExport
from kook.application.wallet.expire_stale_payments import ExpireStalePayments
from kook.application.webhooks.send_due_deliveries import SendDueDeliveries
from kook.entrypoints.worker.middleware import worker_container

# Run messages of fulfilment have a queue of their own (see ``broker.FULFILMENT_PREFETCH``).
FULFILMENT_QUEUE = "fulfilment"


@dataclass(frozen=True)
class ActorSpec:
    """An actor to declare on a broker: its name, its coroutine, its Dramatiq options."""

    name: str
    fn: Callable[..., Awaitable[None]]
    options: Mapping[str, Any]


def kook_actor(name: str, **options: Any) -> Callable[[Callable[..., Awaitable[None]]], ActorSpec]:
    """An async actor named ``<context>.<verb>`` whose FromDishka parameters are injected per message."""

    def describe(fn: Callable[..., Awaitable[None]]) -> ActorSpec:
        return ActorSpec(name, fn, options)

    return describe


@kook_actor("identity.purge_expired", max_retries=3, time_limit=300_000)
async def purge_expired(purge: FromDishka[PurgeExpiredIdentityData]) -> None:
    await purge()


@kook_actor("wallet.expire_payments", max_retries=3, time_limit=600_000)
async def expire_payments(expire: FromDishka[ExpireStalePayments]) -> None:
    await expire()


# Fulfilment. Every message is safe to deliver twice: lines are claimed atomically and every line keeps one
# operator reference, so a redelivered or duplicated run sends nothing twice. Retries cover a database or broker
# hiccup; what they miss, the sweeper finds (the database says what is left to do).
@kook_actor(
    "fulfilment.run",
    queue_name=FULFILMENT_QUEUE,
    max_retries=5,
    min_backoff=1_000,
    max_backoff=30_000,
    time_limit=300_000,
)
async def run_request(request_id: str, run: FromDishka[ExecuteRechargeLines]) -> None:
    await run(request_id)


@kook_actor("fulfilment.check_unknown", max_retries=0, time_limit=300_000)
async def check_unknown(check: FromDishka[CheckUnknownLines]) -> None:
    await check()


@kook_actor("fulfilment.sweep", max_retries=0, time_limit=300_000)
async def sweep(sweep_fulfilment: FromDishka[SweepFulfilment]) -> None:
    await sweep_fulfilment()


# Scheduled and repeating requests: safe to run twice at once (rows locked, each run unique per occurrence).
# Then the short-wallet reminders before runs and any run notice whose teller died (each told once).
@kook_actor("requests.start_due", max_retries=0, time_limit=300_000)
async def start_due(
    start: FromDishka[StartDueRequests], remind: FromDishka[RemindShortRuns], deliver: FromDishka[DeliverRunNotices]
) -> None:
    await start()
    await remind()
    await deliver()


# Event reminders: each claimed by one scheduler in the database, so two at once send each once.
@kook_actor("calendar.remind", max_retries=0, time_limit=300_000)
async def remind_events(send: FromDishka[SendDueReminders]) -> None:
    await send()


# The low-balance alert: each crossing claimed once in the database.
@kook_actor("messaging.low_balance", max_retries=0, time_limit=300_000)
async def low_balance(check: FromDishka[CheckLowBalances]) -> None:
    await check()


# Reports: a large export in the background (claimed once: a redelivered message finds it taken or done; a
# failure is recorded on the export, for its owner to see and start again), and the purge of expired ones.
@kook_actor("reports.export", max_retries=0, time_limit=1_200_000)
async def export_transactions(export_id: str, run: FromDishka[RunTransactionExport]) -> None:
    await run(export_id)


@kook_actor("reports.purge_exports", max_retries=0, time_limit=300_000)
async def purge_exports(purge: FromDishka[PurgeExpiredExports]) -> None:
    await purge()


# Webhooks: the outbox rows were written with their events; this sends what is due (leased, so two passes at once
# never send one delivery together; a receiver deduplicates on the delivery id anyway).
@kook_actor("webhooks.send", max_retries=0, time_limit=300_000)
async def send_webhooks(send: FromDishka[SendDueDeliveries]) -> None:
    await send()


# The transaction totals' rollup: the lines' changes the trigger logged, folded in (exact either way; folding
# keeps the totals' reads small).
@kook_actor("reports.fold_totals", max_retries=0, time_limit=300_000)
async def fold_totals(fold: FromDishka[FoldTransactionTotals]) -> None:
    await fold()


ACTORS = (
    purge_expired,
    expire_payments,
    run_request,
    check_unknown,
    sweep,
    start_due,
    remind_events,
    low_balance,
    export_transactions,
    purge_exports,
    send_webhooks,
    fold_totals,
)


def declare_actors(broker: dramatiq.Broker) -> None:
    for spec in ACTORS:
        injected = wrap_injection(
            func=spec.fn,
            container_getter=lambda _args, _kwargs: worker_container(broker),
            is_async=True,
            manage_scope=True,
        )
        dramatiq.actor(broker=broker, actor_name=spec.name, **spec.options)(injected)
