"""Units of work of the customers, services, messaging and calendar contexts."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from kook.adapters.postgres.repositories.calendar import SqlEventRepository, SqlFeedRepository
from kook.adapters.postgres.repositories.customers import SqlCustomerRepository
from kook.adapters.postgres.repositories.identity import (
    SqlOneTimeCodeRepository,
    SqlStaffRepository,
    SqlUserRepository,
)
from kook.adapters.postgres.repositories.messaging import (
    SqlBalanceAlertRepository,
    SqlMessageRepository,
    SqlRecipientDirectory,
)
from kook.adapters.postgres.repositories.requests import SqlRequestRepository
from kook.adapters.postgres.repositories.services import SqlActivationRepository, SqlServiceRepository
from kook.adapters.postgres.repositories.teams import (
    SqlApprovalRepository,
    SqlInvitationRepository,
    SqlMemberRepository,
    SqlPolicyRepository,
)
from kook.adapters.postgres.unit_of_work import SqlUnitOfWork
from kook.application.calendar.ports import CalendarUnitOfWork
from kook.application.customers.ports import CustomersUnitOfWork
from kook.application.messaging.ports import AlertsUnitOfWork, MessagingUnitOfWork
from kook.application.services.ports import ServicesUnitOfWork
from kook.application.teams.ports import TeamsUnitOfWork


class SqlCustomersUnitOfWork(SqlUnitOfWork, CustomersUnitOfWork):
    customers: SqlCustomerRepository
    users: SqlUserRepository
    staff: SqlStaffRepository
    messages: SqlMessageRepository

    def _bind(self, session: AsyncSession) -> None:
        super()._bind(session)
        self.customers = SqlCustomerRepository(session)
        self.users = SqlUserRepository(session)
        self.staff = SqlStaffRepository(session)
        self.messages = SqlMessageRepository(session)


class SqlServicesUnitOfWork(SqlUnitOfWork, ServicesUnitOfWork):
    customers: SqlCustomerRepository
    services: SqlServiceRepository
    activations: SqlActivationRepository

    def _bind(self, session: AsyncSession) -> None:
        super()._bind(session)
        self.customers = SqlCustomerRepository(session)
        self.services = SqlServiceRepository(session)
        self.activations = SqlActivationRepository(session)


class SqlMessagingUnitOfWork(SqlUnitOfWork, MessagingUnitOfWork):
    messages: SqlMessageRepository
    recipients: SqlRecipientDirectory

    def _bind(self, session: AsyncSession) -> None:
        super()._bind(session)
        self.messages = SqlMessageRepository(session)
        self.recipients = SqlRecipientDirectory(session)


class SqlCalendarUnitOfWork(SqlUnitOfWork, CalendarUnitOfWork):
    events: SqlEventRepository
    feeds: SqlFeedRepository
    messages: SqlMessageRepository

    def _bind(self, session: AsyncSession) -> None:
        super()._bind(session)
        self.events = SqlEventRepository(session)
        self.feeds = SqlFeedRepository(session)
        self.messages = SqlMessageRepository(session)


class SqlAlertsUnitOfWork(SqlUnitOfWork, AlertsUnitOfWork):
    alerts: SqlBalanceAlertRepository
    messages: SqlMessageRepository
    recipients: SqlRecipientDirectory

    def _bind(self, session: AsyncSession) -> None:
        super()._bind(session)
        self.alerts = SqlBalanceAlertRepository(session)
        self.messages = SqlMessageRepository(session)
        self.recipients = SqlRecipientDirectory(session)


class SqlTeamsUnitOfWork(SqlUnitOfWork, TeamsUnitOfWork):
    members: SqlMemberRepository
    invitations: SqlInvitationRepository
    policies: SqlPolicyRepository
    approvals: SqlApprovalRepository
    users: SqlUserRepository
    codes: SqlOneTimeCodeRepository
    messages: SqlMessageRepository
    requests: SqlRequestRepository

    def _bind(self, session: AsyncSession) -> None:
        super()._bind(session)
        self.members = SqlMemberRepository(session)
        self.invitations = SqlInvitationRepository(session)
        self.policies = SqlPolicyRepository(session)
        self.approvals = SqlApprovalRepository(session)
        self.users = SqlUserRepository(session)
        self.codes = SqlOneTimeCodeRepository(session)
        self.messages = SqlMessageRepository(session)
        self.requests = SqlRequestRepository(session)
