"""Work started after the answer: a text to send, so that how long the provider takes
is not part of how long the request takes (and so cannot tell one number from another)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

import structlog

log = structlog.get_logger(__name__)


class BackgroundWork:
    """Runs coroutines on the running loop, keeps them referenced until done, and
    can wait for all of them (shutdown; the sandbox inbox before it is read)."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def start(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background_work_failed", error=repr(task.exception()))

    async def drain(self) -> None:
        """Wait until everything started so far (and anything it starts) has finished."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
