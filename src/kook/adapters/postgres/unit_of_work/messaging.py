"""The messaging context's units of work: messages, and the low-balance alerts."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from kook.adapters.postgres.repositories.messaging import (
    SqlBalanceAlertRepository,
    SqlMessageRepository,
    SqlRecipientDirectory,
)
from kook.adapters.postgres.unit_of_work.base import SqlUnitOfWork
from kook.application.messaging.ports import AlertsUnitOfWork, MessagingUnitOfWork


class SqlMessagingUnitOfWork(SqlUnitOfWork, MessagingUnitOfWork):
    messages: SqlMessageRepository
    recipients: SqlRecipientDirectory

    def _bind(self, session: AsyncSession) -> None:
        super()._bind(session)
        self.messages = SqlMessageRepository(session)
        self.recipients = SqlRecipientDirectory(session)


class SqlAlertsUnitOfWork(SqlUnitOfWork, AlertsUnitOfWork):
    alerts: SqlBalanceAlertRepository
    messages: SqlMessageRepository
    recipients: SqlRecipientDirectory

    def _bind(self, session: AsyncSession) -> None:
        super()._bind(session)
        self.alerts = SqlBalanceAlertRepository(session)
        self.messages = SqlMessageRepository(session)
        self.recipients = SqlRecipientDirectory(session)
