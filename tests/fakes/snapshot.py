"""Unit-of-work semantics for in-memory fakes: each ``async with`` works on a
copy of the committed state, and only ``commit()`` makes it the committed one."""

from __future__ import annotations

import copy
from typing import Generic, Self, TypeVar

S = TypeVar("S")


class SnapshotUnitOfWork(Generic[S]):
    def __init__(self, initial: S) -> None:
        self.committed = initial
        self.commits = 0
        self._work: S | None = None

    def _bind(self, state: S) -> None:
        """Point the fake repositories at ``state``."""
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        self._work = copy.deepcopy(self.committed)
        self._bind(self._work)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._work = None

    async def commit(self) -> None:
        assert self._work is not None
        self.committed = self._work
        self._work = copy.deepcopy(self._work)
        self._bind(self._work)
        self.commits += 1
