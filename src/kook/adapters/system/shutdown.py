"""A worker's stop request: set when the worker is asked to stop (SIGTERM), read by long-running work."""

from __future__ import annotations

import threading

from kook.application.shared.ports import ShutdownSignal


class ProcessShutdown(ShutdownSignal):
    """Owned by the worker that sets it (``kook.entrypoints.worker.middleware.DishkaMiddleware``) and handed to
    that worker's container; a container with no worker gets one that is never set."""

    def __init__(self) -> None:
        self._stopping = threading.Event()

    def request(self) -> None:
        self._stopping.set()

    def clear(self) -> None:
        """For a worker started again in the same process (tests, ``kook serve`` restarted in-process)."""
        self._stopping.clear()

    def requested(self) -> bool:
        return self._stopping.is_set()
