"""This process's stop request: set when a worker is asked to stop (SIGTERM), read by long-running work."""

from __future__ import annotations

import threading

from kook.application.shared.ports import ShutdownSignal

_STOPPING = threading.Event()


def request_shutdown() -> None:
    _STOPPING.set()


def clear_shutdown() -> None:
    """For a process that starts a worker again (tests, ``kook serve`` restarted in-process)."""
    _STOPPING.clear()


class ProcessShutdown(ShutdownSignal):
    def requested(self) -> bool:
        return _STOPPING.is_set()
