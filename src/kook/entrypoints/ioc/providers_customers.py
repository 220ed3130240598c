"""dishka providers of the customers, services, messaging and audit contexts."""

from __future__ import annotations

from dishka import Provider, Scope, provide
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kook.adapters.postgres.engine import ReadSessions
from kook.adapters.postgres.repositories.audit_reader import SqlAuditReader
from kook.adapters.postgres.unit_of_work.customers import SqlCustomersUnitOfWork
from kook.adapters.postgres.unit_of_work.messaging import SqlMessagingUnitOfWork
from kook.adapters.postgres.unit_of_work.services import SqlServicesUnitOfWork
from kook.adapters.postgres.unit_of_work.teams import SqlTeamsUnitOfWork
from kook.application.audit.list_audit_entries import ListAuditEntries
from kook.application.audit.ports import AuditReader
from kook.application.customers.approve_customer_profile import ApproveCustomerProfile
from kook.application.customers.get_customer_of_user import GetCustomerOfUser
from kook.application.customers.ports import CustomersUnitOfWork
from kook.application.customers.reject_customer_profile import RejectCustomerProfile
from kook.application.customers.review_queries import (
    CustomerNames,
    GetCustomerForReview,
    ListCustomersForReview,
)
from kook.application.customers.save_customer_draft import SaveCustomerDraft
from kook.application.customers.submit_customer_profile import SubmitCustomerProfile
from kook.application.messaging.count_unread_messages import CountUnreadMessages
from kook.application.messaging.list_messages import ListMessages
from kook.application.messaging.mark_message_read import MarkMessageRead
from kook.application.messaging.notify_customer import NotifyCustomer
from kook.application.messaging.ports import MessagingUnitOfWork
from kook.application.services.activate_service import ActivateService
from kook.application.services.gate import EnterpriseTopupGate
from kook.application.services.get_service_terms import GetServiceTerms
from kook.application.services.list_services import ListServices
from kook.application.services.ports import ServicesUnitOfWork
from kook.application.shared.ports import Clock, CustomerNotifier
from kook.application.teams.approvals import (
    ApproveRequest,
    AuthorizeConfirmation,
    GetApproval,
    GetApprovalPolicy,
    SendApprovalCode,
    SetApprovalPolicy,
    SubmitForApproval,
)
from kook.application.teams.members import (
    AcceptInvitation,
    ChangeMemberRole,
    InviteMember,
    ListTeam,
    PendingInvitation,
    RemoveMember,
    ResolveMember,
    WithdrawInvitation,
)
from kook.application.teams.ports import TeamsUnitOfWork


class CustomersProvider(Provider):
    """Units of work, the notifier, the gate and every use case (REQUEST scope)."""

    scope = Scope.REQUEST

    @provide
    def customers_uow(self, factory: async_sessionmaker[AsyncSession], clock: Clock) -> CustomersUnitOfWork:
        return SqlCustomersUnitOfWork(factory, clock)

    @provide
    def services_uow(self, factory: async_sessionmaker[AsyncSession], clock: Clock) -> ServicesUnitOfWork:
        return SqlServicesUnitOfWork(factory, clock)

    @provide
    def messaging_uow(self, factory: async_sessionmaker[AsyncSession], clock: Clock) -> MessagingUnitOfWork:
        return SqlMessagingUnitOfWork(factory, clock)

    @provide
    def teams_uow(self, factory: async_sessionmaker[AsyncSession], clock: Clock) -> TeamsUnitOfWork:
        return SqlTeamsUnitOfWork(factory, clock)

    @provide(scope=Scope.APP)
    def audit_reader(self, factory: async_sessionmaker[AsyncSession]) -> AuditReader:
        return SqlAuditReader(factory)

    notifier = provide(NotifyCustomer, provides=CustomerNotifier)

    @provide
    def gate(self, reads: ReadSessions, clock: Clock) -> EnterpriseTopupGate:
        """Read-only (the customer and its activation, no lock): in autocommit, see ReadSessions."""
        return EnterpriseTopupGate(SqlServicesUnitOfWork(reads.factory, clock))

    get_customer_of_user = provide(GetCustomerOfUser)
    save_customer_draft = provide(SaveCustomerDraft)
    submit_customer_profile = provide(SubmitCustomerProfile)
    list_customers_for_review = provide(ListCustomersForReview)
    get_customer_for_review = provide(GetCustomerForReview)
    customer_names = provide(CustomerNames)
    approve_customer_profile = provide(ApproveCustomerProfile)
    reject_customer_profile = provide(RejectCustomerProfile)
    list_services = provide(ListServices)
    get_service_terms = provide(GetServiceTerms)
    activate_service = provide(ActivateService)
    list_messages = provide(ListMessages)
    count_unread_messages = provide(CountUnreadMessages)
    mark_message_read = provide(MarkMessageRead)
    list_audit_entries = provide(ListAuditEntries)
    # teams and approvals (issue 18)
    resolve_member = provide(ResolveMember)
    list_team = provide(ListTeam)
    invite_member = provide(InviteMember)
    withdraw_invitation = provide(WithdrawInvitation)
    pending_invitation = provide(PendingInvitation)
    accept_invitation = provide(AcceptInvitation)
    change_member_role = provide(ChangeMemberRole)
    remove_member = provide(RemoveMember)
    get_approval_policy = provide(GetApprovalPolicy)
    set_approval_policy = provide(SetApprovalPolicy)
    authorize_confirmation = provide(AuthorizeConfirmation)
    get_approval = provide(GetApproval)
    submit_for_approval = provide(SubmitForApproval)
    send_approval_code = provide(SendApprovalCode)
    approve_request = provide(ApproveRequest)
