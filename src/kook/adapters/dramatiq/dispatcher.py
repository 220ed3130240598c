from __future__ import annotations

from typing import Any

import dramatiq

from kook.application.shared.ports import Dispatcher


class DramatiqDispatcher(Dispatcher):
    """Enqueues an actor by name on the process's broker."""

    def __init__(self, broker: dramatiq.Broker) -> None:
        self._broker = broker

    def dispatch(self, actor: str, **kwargs: Any) -> None:
        self._broker.get_actor(actor).send(**kwargs)
