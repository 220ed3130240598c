"""dishka providers of the customers, services, messaging and audit contexts."""

from __future__ import annotations

from dishka import Provider, Scope, alias, provide
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kook.adapters.postgres.engine import ReadSessions
from kook.adapters.postgres.repositories.audit_reader import SqlAuditReader
from kook.adapters.postgres.unit_of_work.customers import SqlCustomersUnitOfWork
from kook.adapters.postgres.unit_of_work.messaging import SqlMessagingUnitOfWork
from kook.adapters.postgres.unit_of_work.services import SqlServicesUnitOfWork
from kook.adapters.postgres.unit_of_work.teams import SqlTeamsUnitOfWork
from kook.application.audit.list_audit_entries import ListAuditEntries
from kook.application.customers.approve_customer_profile import ApproveCustomerProfile
from kook.application.customers.get_customer_for_review import GetCustomerForReview
from kook.application.customers.get_customer_names import GetCustomerNames
from kook.application.customers.get_customer_of_user import GetCustomerOfUser
from kook.application.customers.list_customers_for_review import ListCustomersForReview
from kook.application.customers.ports import CustomersUnitOfWork
from kook.application.customers.reject_customer_profile import RejectCustomerProfile
from kook.application.customers.save_customer_draft import SaveCustomerDraft
from kook.application.customers.submit_customer_profile import SubmitCustomerProfile
from kook.application.identity.code_sender import CodeSender
from kook.application.messaging.count_unread_messages import CountUnreadMessages
from kook.application.messaging.list_messages import ListMessages
from kook.application.messaging.mark_message_read import MarkMessageRead
from kook.application.messaging.notify_customer import NotifyCustomer
from kook.application.messaging.ports import MessagingUnitOfWork
from kook.application.recharges.confirm_recharge_request import ConfirmRechargeRequest
from kook.application.recharges.summarize_request import SummarizeRequest
from kook.application.services.activate_service import ActivateService
from kook.application.services.gate import EnterpriseTopupGate
from kook.application.services.get_service_terms import GetServiceTerms
from kook.application.services.list_services import ListServices
from kook.application.services.ports import ServicesUnitOfWork
from kook.application.shared.caller_facts import CallerFacts
from kook.application.shared.ports import AuditReader, Clock, CustomerNotifier
from kook.application.teams.accept_invitation import AcceptInvitation
from kook.application.teams.approve_request import ApproveRequest
from kook.application.teams.authorize_confirmation import AuthorizeConfirmation
from kook.application.teams.change_member_role import ChangeMemberRole
from kook.application.teams.get_approval import GetApproval
from kook.application.teams.get_approval_policy import GetApprovalPolicy
from kook.application.teams.get_pending_invitation import GetPendingInvitation
from kook.application.teams.invite_member import InviteMember
from kook.application.teams.list_team import ListTeam
from kook.application.teams.ports import ApprovalCodes, RequestConfirmation, RequestSummaries, TeamsUnitOfWork
from kook.application.teams.remove_member import RemoveMember
from kook.application.teams.resolve_member import ResolveMember
from kook.application.teams.send_approval_code import SendApprovalCode
from kook.application.teams.set_approval_policy import SetApprovalPolicy
from kook.application.teams.submit_for_approval import SubmitForApproval
from kook.application.teams.withdraw_invitation import WithdrawInvitation


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
    def gate(self, reads: ReadSessions, clock: Clock, facts: CallerFacts) -> EnterpriseTopupGate:
        """Read-only (the customer and its activation, no lock): in autocommit, see ReadSessions; a read
        request's answer comes with its caller (CallerFacts)."""
        return EnterpriseTopupGate(SqlServicesUnitOfWork(reads.factory, clock), facts.access)

    @provide
    def resolve_member(self, uow: TeamsUnitOfWork, facts: CallerFacts) -> ResolveMember:
        return ResolveMember(uow, facts.members)

    get_customer_of_user = provide(GetCustomerOfUser)
    save_customer_draft = provide(SaveCustomerDraft)
    submit_customer_profile = provide(SubmitCustomerProfile)
    list_customers_for_review = provide(ListCustomersForReview)
    get_customer_for_review = provide(GetCustomerForReview)
    customer_names = provide(GetCustomerNames)
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
    list_team = provide(ListTeam)
    invite_member = provide(InviteMember)
    withdraw_invitation = provide(WithdrawInvitation)
    pending_invitation = provide(GetPendingInvitation)
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
    # teams reaches recharges and identity through its ports
    request_summaries = alias(source=SummarizeRequest, provides=RequestSummaries)
    request_confirmation = alias(source=ConfirmRechargeRequest, provides=RequestConfirmation)
    approval_codes = alias(source=CodeSender, provides=ApprovalCodes)
