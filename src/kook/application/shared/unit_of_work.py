"""The transaction boundary every use case opens."""

from __future__ import annotations

from typing import Protocol, Self


class UnitOfWork(Protocol):
    """``async with uow:`` opens a transaction; leaving without ``commit`` rolls back."""

    async def __aenter__(self) -> Self: ...
    async def __aexit__(self, *exc: object) -> None: ...
    async def commit(self) -> None: ...
