from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from kook.domain.shared.errors import Conflict


async def flush_or_conflict(session: AsyncSession) -> None:
    """A unique constraint lost to a concurrent writer is a conflict, not a crash."""
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict() from exc
