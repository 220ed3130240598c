"""Tells the customer a request finished (portal message + SMS), once it committed; marks it told."""

from __future__ import annotations

from datetime import timedelta

import structlog

from kook.application.fulfilment.ports import FulfilmentConfig, FulfilmentUnitOfWork
from kook.application.fulfilment.texts import request_finished
from kook.application.shared.ports import Clock, CustomerNotifier
from kook.domain.recharges.line import LineStatus

log = structlog.get_logger(__name__)


class FinishNotice:
    """Tells the customer a request finished (portal message + SMS), once it committed; marks it told.

    A teller first claims the notice (``Request.claim_notice``, under the request's lock, committed), then tells,
    then marks it told. Two tellers at once (the run that finished the request and the sweeper retelling a late
    notice) tell once: the second finds the claim. Telling that fails gives the claim up (the sweeper tells
    again); a teller that dies leaves its claim, and the sweeper tells again once ``notice_lease_seconds`` passed.
    The lock is not held while telling: the notifier writes the message in a transaction of its own (on SQLite
    a second writer would wait for this one)."""

    def __init__(
        self, uow: FulfilmentUnitOfWork, notifier: CustomerNotifier, clock: Clock, config: FulfilmentConfig
    ) -> None:
        self._uow = uow
        self._notifier = notifier
        self._clock = clock
        self._lease = timedelta(seconds=config.notice_lease_seconds)

    async def __call__(self, request_id: str) -> None:
        async with self._uow as uow:
            request = await uow.work.request(request_id, for_update=True)
            if request is None or not request.claim_notice(self._clock.now(), self._lease):
                return
            succeeded = await uow.work.count_status(request_id, LineStatus.SUCCEEDED)
            failed = await uow.work.count_status(request_id, LineStatus.FAILED)
            await uow.requests.save(request)
            await uow.commit()
        title, body, sms = request_finished(request.name, succeeded, failed, request.released)
        try:
            await self._notifier.notify(request.customer_id, kind="request_finished", title=title, body=body, sms=sms)
        except Exception:
            await self._settle(request_id, told=False)
            raise
        await self._settle(request_id, told=True)

    async def _settle(self, request_id: str, *, told: bool) -> None:
        try:
            async with self._uow as uow:
                request = await uow.work.request(request_id, for_update=True)
                if request is None or request.notified_at is not None:
                    return
                if told:
                    request.notified_at = self._clock.now()
                else:
                    request.notice_given_up()
                await uow.requests.save(request)
                await uow.commit()
        except Exception:  # the claim's lease is the backstop
            if told:
                raise
            log.warning("finish_notice_claim_not_given_up", request_id=request_id, exc_info=True)
