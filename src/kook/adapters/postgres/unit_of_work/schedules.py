"""The unit of work of scheduled and repeating requests: the requests' one, plus the due query and run copies."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from kook.adapters.postgres.repositories.schedules import SqlScheduleRepository
from kook.adapters.postgres.unit_of_work.requests import SqlRequestsUnitOfWork
from kook.application.recharges.ports import SchedulesUnitOfWork


class SqlSchedulesUnitOfWork(SqlRequestsUnitOfWork, SchedulesUnitOfWork):
    schedules: SqlScheduleRepository

    def _bind(self, session: AsyncSession) -> None:
        super()._bind(session)
        self.schedules = SqlScheduleRepository(session)
