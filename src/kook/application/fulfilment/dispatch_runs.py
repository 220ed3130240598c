"""Asking the workers to carry out a confirmed request (the recharges context's dispatch port)."""

from __future__ import annotations

import structlog

from kook.application.fulfilment.ports import FulfilmentConfig
from kook.application.shared.ports import Dispatcher

log = structlog.get_logger(__name__)


RUN_ACTOR = "fulfilment.run"


def dispatch_runs(dispatcher: Dispatcher, request_id: str, count: int) -> None:
    """Enqueue ``count`` run messages; a lost enqueue is found again by the sweeper."""
    try:
        for _ in range(max(1, count)):
            dispatcher.dispatch(RUN_ACTOR, request_id=request_id)
    except Exception:  # the broker may be down; the database still says what is to be done
        log.warning("fulfilment_dispatch_failed", request_id=request_id, exc_info=True)


class DispatchRuns:
    """Recharges' ``FulfilmentStarter`` port: a confirmed request's runs, as many as may run side by side."""

    def __init__(self, dispatcher: Dispatcher, config: FulfilmentConfig) -> None:
        self._dispatcher = dispatcher
        self._config = config

    def start(self, request_id: str) -> None:
        dispatch_runs(self._dispatcher, request_id, self._config.parallel_runs)
