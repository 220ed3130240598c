"""The customers, services and messaging use cases told as stories, on the fakes."""

from __future__ import annotations

from typing import Any

import pytest

from kook.application.customers.profile_decision import ReviewDecision
from kook.application.customers.save_customer_draft import SaveCustomerDraftCommand
from kook.application.services.activate_service import ActivateServiceCommand
from kook.application.shared.ports import AuditFilter
from kook.domain.customers.customer import (
    CustomerKind,
    CustomerStatus,
    InvalidTransition,
    ProfileLocked,
    ProfileNotApproved,
)
from kook.domain.identity.staff import StaffRole
from kook.domain.services.service import (
    ServiceNotActivatable,
    ServiceNotActive,
    ServiceStatus,
    TermsVersionOutdated,
)
from kook.domain.shared.errors import Forbidden, NotFound, ValidationFailed
from tests.fakes.customers import LEGAL, NATURAL, CustomersWorld, persian

ADDRESS = "198.51.100.7"


@pytest.fixture
def world() -> CustomersWorld:
    return CustomersWorld()


def decision(customer_id: str, staff_id: str, role: StaffRole = StaffRole.REVIEWER, reason: str = "") -> ReviewDecision:
    return ReviewDecision(customer_id=customer_id, staff_id=staff_id, staff_role=role, reason=reason)


def activation(user_id: str, *, accept: bool = True, version: str = "1", code: str = "enterprise_topup") -> Any:
    return ActivateServiceCommand(
        user_id=user_id, service_code=code, accept_terms=accept, terms_version=version, client_address=ADDRESS
    )


# =========================================================================== the customer's form


async def test_a_new_user_saves_a_draft_in_persian_digits(world: CustomersWorld) -> None:
    user = await world.given_user()
    assert await world.get_customer_of_user(user.id) is None

    customer = await world.save_draft(SaveCustomerDraftCommand(user_id=user.id, values=persian(NATURAL)))

    assert customer.status == CustomerStatus.DRAFT and customer.kind == CustomerKind.NATURAL
    stored = await world.get_customer_of_user(user.id)
    assert stored is not None and stored.id == customer.id and stored.national_code == "0499370899"


async def test_a_bad_form_writes_nothing_and_names_every_field(world: CustomersWorld) -> None:
    user = await world.given_user()
    with pytest.raises(ValidationFailed) as error:
        await world.save_draft(
            SaveCustomerDraftCommand(
                user_id=user.id, values=dict(LEGAL, national_id="11111111111", postal_code="123"), submit=True
            )
        )
    assert error.value.fields == {"national_id": "legal_id_invalid", "postal_code": "postal_code_invalid"}
    assert world.uow.state.customers == {}


async def test_saving_again_edits_the_one_customer_and_may_switch_kind(world: CustomersWorld) -> None:
    user = await world.given_user()
    first = await world.save_draft(SaveCustomerDraftCommand(user_id=user.id, values=NATURAL))
    second = await world.save_draft(SaveCustomerDraftCommand(user_id=user.id, values=LEGAL, submit=True))
    assert second.id == first.id and len(world.uow.state.customers) == 1
    assert world.stored(first.id).kind == CustomerKind.LEGAL
    assert world.stored(first.id).status == CustomerStatus.SUBMITTED


async def test_submit_needs_a_saved_profile(world: CustomersWorld) -> None:
    user = await world.given_user()
    with pytest.raises(NotFound):
        await world.submit(user.id)


async def test_a_submitted_profile_cannot_be_edited_or_submitted_again(world: CustomersWorld) -> None:
    user = await world.given_user()
    await world.save_draft(SaveCustomerDraftCommand(user_id=user.id, values=NATURAL, submit=True))
    with pytest.raises(InvalidTransition):
        await world.save_draft(SaveCustomerDraftCommand(user_id=user.id, values=LEGAL))
    with pytest.raises(InvalidTransition):
        await world.submit(user.id)


async def test_an_approved_profile_is_locked_even_against_a_bad_form(world: CustomersWorld) -> None:
    user = await world.given_user()
    await world.given_customer(user, LEGAL, CustomerStatus.APPROVED)
    with pytest.raises(ProfileLocked):
        await world.save_draft(SaveCustomerDraftCommand(user_id=user.id, values={"kind": "legal"}))


# =========================================================================== review


async def test_approval_decides_writes_a_message_and_the_audit_then_texts(world: CustomersWorld) -> None:
    user = await world.given_user()
    reviewer = await world.given_staff(StaffRole.REVIEWER)
    customer = await world.given_customer(user, LEGAL, CustomerStatus.SUBMITTED)

    decided = await world.approve(decision(customer.id, reviewer.id))

    assert decided.status == CustomerStatus.APPROVED
    stored = world.stored(customer.id)
    assert stored.status == CustomerStatus.APPROVED and stored.decided_by == f"staff:{reviewer.id}"
    [message] = world.uow.messages.to(user.id)
    assert message.kind == "profile_approved" and message.customer_id == customer.id and message.read_at is None
    [record] = world.uow.audit.records
    assert (record.actor, record.action, record.subject) == (
        f"staff:{reviewer.id}",
        "customer.approve",
        f"customer:{customer.id}",
    )
    assert record.before == {"status": "submitted", "kind": "legal"}
    assert record.after == {"status": "approved", "kind": "legal"}
    assert record.at == world.clock.now()
    [sms] = world.sms.sent_to(user.mobile)
    assert "تأیید شد" in sms.text


async def test_rejection_needs_a_reason_and_texts_it(world: CustomersWorld) -> None:
    user = await world.given_user()
    reviewer = await world.given_staff(StaffRole.REVIEWER)
    customer = await world.given_customer(user, NATURAL, CustomerStatus.SUBMITTED)

    for bad in ("", "  ", "ab", "ر" * 501):
        with pytest.raises(ValidationFailed):
            await world.reject(decision(customer.id, reviewer.id, reason=bad))
    assert world.stored(customer.id).status == CustomerStatus.SUBMITTED
    assert world.uow.state.messages == {} and world.uow.audit.records == [] and world.sms.sent == []

    await world.reject(decision(customer.id, reviewer.id, reason="  کد پستی با نشانی   نمی‌خواند "))

    stored = world.stored(customer.id)
    assert stored.status == CustomerStatus.REJECTED and stored.rejection_reason == "کد پستی با نشانی نمی‌خواند"
    [sms] = world.sms.sent_to(user.mobile)
    assert "کد پستی با نشانی نمی‌خواند" in sms.text
    [message] = world.uow.messages.to(user.id)
    assert message.kind == "profile_rejected" and "کد پستی با نشانی نمی‌خواند" in message.body
    [record] = world.uow.audit.records
    assert record.after == {"status": "rejected", "kind": "natural", "rejection_reason": "کد پستی با نشانی نمی‌خواند"}


async def test_a_long_reason_is_shortened_in_the_sms_but_not_in_the_message(world: CustomersWorld) -> None:
    user = await world.given_user()
    reviewer = await world.given_staff(StaffRole.ADMIN)
    customer = await world.given_customer(user, NATURAL, CustomerStatus.SUBMITTED)
    reason = "دلیل " * 90  # 450 characters
    await world.reject(decision(customer.id, reviewer.id, StaffRole.ADMIN, reason=reason))
    [sms] = world.sms.sent_to(user.mobile)
    assert "…" in sms.text and len(sms.text) < 300
    [message] = world.uow.messages.to(user.id)
    assert reason.strip() in message.body


async def test_finance_may_not_decide_a_profile(world: CustomersWorld) -> None:
    user = await world.given_user()
    finance = await world.given_staff(StaffRole.FINANCE)
    customer = await world.given_customer(user, NATURAL, CustomerStatus.SUBMITTED)
    with pytest.raises(Forbidden):
        await world.approve(decision(customer.id, finance.id, StaffRole.FINANCE))
    with pytest.raises(Forbidden):
        await world.reject(decision(customer.id, finance.id, StaffRole.FINANCE, reason="نامعتبر است"))
    assert world.stored(customer.id).status == CustomerStatus.SUBMITTED and world.sms.sent == []


async def test_the_second_decision_is_an_invalid_transition_and_changes_nothing(world: CustomersWorld) -> None:
    user = await world.given_user()
    first = await world.given_staff(StaffRole.REVIEWER, "09351111111")
    second = await world.given_staff(StaffRole.REVIEWER, "09352222222")
    customer = await world.given_customer(user, NATURAL, CustomerStatus.SUBMITTED)
    await world.approve(decision(customer.id, first.id))
    with pytest.raises(InvalidTransition) as error:
        await world.reject(decision(customer.id, second.id, reason="دیر رسیدم"))
    assert error.value.code == "invalid_transition"
    with pytest.raises(InvalidTransition):
        await world.approve(decision(customer.id, second.id))
    assert world.stored(customer.id).decided_by == f"staff:{first.id}"
    assert len(world.sms.sent) == 1 and len(world.uow.audit.records) == 1


async def test_drafts_cannot_be_decided_and_unknown_ids_are_not_found(world: CustomersWorld) -> None:
    user = await world.given_user()
    reviewer = await world.given_staff(StaffRole.REVIEWER)
    customer = await world.given_customer(user, NATURAL)
    with pytest.raises(InvalidTransition):
        await world.approve(decision(customer.id, reviewer.id))
    with pytest.raises(NotFound):
        await world.approve(decision("nope", reviewer.id))


async def test_an_sms_failure_does_not_undo_the_decision(world: CustomersWorld) -> None:
    user = await world.given_user()
    reviewer = await world.given_staff(StaffRole.REVIEWER)
    customer = await world.given_customer(user, NATURAL, CustomerStatus.SUBMITTED)
    world.sms.fail_next()
    await world.approve(decision(customer.id, reviewer.id))
    assert world.stored(customer.id).status == CustomerStatus.APPROVED
    assert len(world.uow.messages.to(user.id)) == 1


async def test_rejected_corrected_resubmitted_approved_two_texts(world: CustomersWorld) -> None:
    user = await world.given_user()
    reviewer = await world.given_staff(StaffRole.REVIEWER)
    customer = await world.save_draft(SaveCustomerDraftCommand(user_id=user.id, values=NATURAL, submit=True))
    await world.reject(decision(customer.id, reviewer.id, reason="نام پدر با کارت ملی نمی‌خواند"))
    corrected = await world.save_draft(
        SaveCustomerDraftCommand(user_id=user.id, values=dict(NATURAL, father_name="علی"))
    )
    assert corrected.status == CustomerStatus.DRAFT and corrected.rejection_reason
    await world.submit(user.id)
    await world.approve(decision(customer.id, reviewer.id))
    assert world.stored(customer.id).status == CustomerStatus.APPROVED
    assert [("تأیید نشد" in s.text, "تأیید شد" in s.text) for s in world.sms.sent_to(user.mobile)] == [
        (True, False),
        (False, True),
    ]
    history = await world.get_for_review(customer.id)
    assert [e.action for e in history.history] == ["customer.approve", "customer.reject"]
    assert history.owner is not None and history.owner.id == user.id
    assert history.decided_by is not None and history.decided_by.id == reviewer.id


async def test_the_queue_is_oldest_first_and_pages(world: CustomersWorld) -> None:
    ids = []
    for i in range(5):
        user = await world.given_user(f"0912000000{i}")
        customer = await world.save_draft(SaveCustomerDraftCommand(user_id=user.id, values=NATURAL, submit=True))
        ids.append(customer.id)
        world.clock.advance(minutes=1)
    first = await world.list_for_review(CustomerStatus.SUBMITTED, limit=2)
    assert [c.id for c in first] == ids[:2]
    rest = await world.list_for_review(CustomerStatus.SUBMITTED, after=first[-1].position, limit=10)
    assert [c.id for c in rest] == ids[2:]
    assert rest[0].owner_mobile == "09120000002"
    newest_first = await world.list_for_review(None, limit=10)
    assert [c.id for c in newest_first] == list(reversed(ids))


# =========================================================================== services


async def approved_user(world: CustomersWorld) -> Any:
    user = await world.given_user()
    customer = await world.given_customer(user, LEGAL, CustomerStatus.APPROVED)
    return user, customer


@pytest.mark.parametrize("status", [None, *[s for s in CustomerStatus if s != CustomerStatus.APPROVED]])
async def test_services_are_closed_until_the_profile_is_approved(
    world: CustomersWorld, status: CustomerStatus | None
) -> None:
    user = await world.given_user()
    if status is not None:
        await world.given_customer(user, NATURAL, status)
    for attempt in (
        world.list_services(user.id),
        world.get_terms(user.id, "enterprise_topup"),
        world.activate(activation(user.id)),
        world.gate(user.id),
    ):
        with pytest.raises(ProfileNotApproved) as error:
            await attempt
        assert error.value.code == "profile_not_approved"
    assert world.uow.state.activations == []


async def test_activating_the_enterprise_top_up_records_the_acceptance(world: CustomersWorld) -> None:
    user, customer = await approved_user(world)
    views = await world.list_services(user.id)
    assert [(v.code, v.status, v.terms_version) for v in views] == [
        ("enterprise_topup", ServiceStatus.INACTIVE, "1"),
        ("topup_gateway", ServiceStatus.NOT_ACTIVATABLE, None),
    ]
    assert views[1].contact_phone == "021-44200953"
    with pytest.raises(ServiceNotActive) as error:
        await world.gate(user.id)
    assert error.value.code == "service_not_active"

    view = await world.activate(activation(user.id))

    assert view.status == ServiceStatus.ACTIVE and view.accepted_terms_version == "1"
    [recorded] = world.uow.state.activations
    assert (recorded.customer_id, recorded.accepted_by_user_id, recorded.terms_version, recorded.client_address) == (
        customer.id,
        user.id,
        "1",
        ADDRESS,
    )
    assert recorded.accepted_at == world.clock.now()
    assert await world.gate(user.id) == customer.id

    world.clock.advance(minutes=5)
    again = await world.activate(activation(user.id))
    assert again == view and len(world.uow.state.activations) == 1


async def test_activation_refusals(world: CustomersWorld) -> None:
    user, _customer = await approved_user(world)
    with pytest.raises(ValidationFailed) as error:
        await world.activate(activation(user.id, accept=False))
    assert error.value.fields == {"accept_terms": "terms_not_accepted"}
    with pytest.raises(ValidationFailed) as error:
        await world.activate(activation(user.id, version=" "))
    assert error.value.fields == {"terms_version": "required"}
    with pytest.raises(TermsVersionOutdated) as outdated:
        await world.activate(activation(user.id, version="0"))
    assert outdated.value.details == {"current_version": "1"}
    with pytest.raises(ServiceNotActivatable):
        await world.activate(activation(user.id, code="topup_gateway"))
    with pytest.raises(NotFound):
        await world.activate(activation(user.id, code="nothing"))
    assert world.uow.state.activations == []


async def test_new_terms_version_makes_the_old_one_outdated(world: CustomersWorld) -> None:
    user, _customer = await approved_user(world)
    world.uow.state.services["enterprise_topup"].current_terms_version = "2"
    with pytest.raises(TermsVersionOutdated):
        await world.activate(activation(user.id, version="1"))


async def test_the_terms_are_the_current_version(world: CustomersWorld) -> None:
    user, _customer = await approved_user(world)
    view = await world.get_terms(user.id, "enterprise_topup")
    assert view.terms.version == "1" and "قوانین" in view.terms.text
    with pytest.raises(NotFound):
        await world.get_terms(user.id, "topup_gateway")


# =========================================================================== messages


async def test_inbox_newest_first_paged_read_once_and_private(world: CustomersWorld) -> None:
    user = await world.given_user()
    other = await world.given_user("09351234567")
    customer = await world.given_customer(user, NATURAL)
    for i in range(3):
        await world.notifier.notify(customer.id, kind="test", title=f"پیام {i}", body="متن")
        world.clock.advance(seconds=1)
    assert [s.text for s in world.sms.sent] == []  # no SMS unless given
    assert await world.count_unread(user.id) == 3

    page = await world.list_messages(user.id, limit=2)
    assert [m.title for m in page] == ["پیام 2", "پیام 1"]
    rest = await world.list_messages(user.id, before=(page[-1].created_at, page[-1].id), limit=2)
    assert [m.title for m in rest] == ["پیام 0"]

    read = await world.mark_read(user.id, page[0].id)
    first_read_at = read.read_at
    world.clock.advance(minutes=1)
    again = await world.mark_read(user.id, page[0].id)
    assert again.read_at == first_read_at and await world.count_unread(user.id) == 2
    assert [m.title for m in await world.list_messages(user.id, unread_only=True)] == ["پیام 1", "پیام 0"]

    with pytest.raises(NotFound):
        await world.mark_read(other.id, page[1].id)
    assert await world.count_unread(user.id) == 2 and await world.list_messages(other.id) == []


async def test_the_notifier_texts_when_asked_and_ignores_unknown_customers(world: CustomersWorld) -> None:
    user = await world.given_user()
    customer = await world.given_customer(user, NATURAL)
    await world.notifier.notify(customer.id, kind="deposit_approved", title="فیش", body="تأیید شد", sms="کوک: تأیید")
    assert [s.text for s in world.sms.sent_to(user.mobile)] == ["کوک: تأیید"]
    await world.notifier.notify("missing", kind="x", title="x", body="x", sms="x")
    assert len(world.sms.sent) == 1 and len(world.uow.state.messages) == 1


async def test_the_audit_list_is_newest_first_and_filters(world: CustomersWorld) -> None:
    user = await world.given_user()
    reviewer = await world.given_staff(StaffRole.REVIEWER)
    customer = await world.given_customer(user, NATURAL, CustomerStatus.SUBMITTED)
    await world.reject(decision(customer.id, reviewer.id, reason="ناقص است"))
    await world.save_draft(SaveCustomerDraftCommand(user_id=user.id, values=NATURAL, submit=True))
    await world.approve(decision(customer.id, reviewer.id))
    entries = await world.list_audit()
    assert [e.action for e in entries] == ["customer.approve", "customer.reject"]
    only = await world.list_audit(AuditFilter(action="customer.reject"))
    assert [e.action for e in only] == ["customer.reject"]
    older = await world.list_audit(before_id=entries[0].id)
    assert [e.action for e in older] == ["customer.reject"]
