"""The teams context's unit of work: members, invitations, approval policies and approvals."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from kook.adapters.postgres.repositories.identity import SqlOneTimeCodeRepository, SqlUserRepository
from kook.adapters.postgres.repositories.messaging import SqlMessageRepository
from kook.adapters.postgres.repositories.requests import SqlRequestRepository
from kook.adapters.postgres.repositories.teams import (
    SqlApprovalRepository,
    SqlInvitationRepository,
    SqlMemberRepository,
    SqlPolicyRepository,
)
from kook.adapters.postgres.unit_of_work.base import SqlUnitOfWork
from kook.application.teams.ports import TeamsUnitOfWork


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
