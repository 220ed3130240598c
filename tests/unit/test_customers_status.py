"""The customer form's validation and the profile's status machine (SPEC §3)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kook.domain.customers.customer import (
    Action,
    Customer,
    CustomerKind,
    CustomerStatus,
    InvalidTransition,
    LegalDetails,
    NaturalDetails,
    ProfileLocked,
    clean_reason,
    form_values,
    validate_details,
)
from kook.domain.shared.errors import ValidationFailed
from tests.fakes.customers import LEGAL, NATURAL, persian

TODAY = date(2026, 5, 22)  # ۱۴۰۵/۰۳/۰۱
NOW = datetime(2026, 5, 22, 6, 50, tzinfo=UTC)

# --------------------------------------------------------------------------- the form


def test_a_natural_person_in_persian_digits() -> None:
    details = validate_details(persian(NATURAL), TODAY)
    assert isinstance(details, NaturalDetails)
    assert details.national_code == "0499370899"
    assert details.birth_date == date(1991, 8, 3)
    assert details.postal_code == "1966943614"
    assert details.phone == "02188776655"
    assert details.email == "maryam@example.ir"


def test_a_legal_person_in_persian_digits() -> None:
    details = validate_details(persian(LEGAL), TODAY)
    assert isinstance(details, LegalDetails)
    assert details.national_id == "10380284790"
    assert details.phone == "02144200953"
    assert details.representative_mobile == "09121110000"
    assert details.economic_code == "411111111111"


def test_every_bad_field_is_named_at_once_with_its_code() -> None:
    bad = dict(
        LEGAL,
        national_id="10380284791",
        postal_code="0966943614",
        phone="09121234567",
        economic_code="123",
        representative_national_code="1111111111",
        representative_mobile="02144200953",
        company_name="  ",
    )
    with pytest.raises(ValidationFailed) as error:
        validate_details(bad, TODAY)
    assert error.value.fields == {
        "national_id": "legal_id_invalid",
        "postal_code": "postal_code_invalid",
        "phone": "phone_invalid",
        "economic_code": "economic_code_invalid",
        "representative_national_code": "national_code_invalid",
        "representative_mobile": "mobile_invalid",
        "company_name": "required",
    }


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("national_code", "0499370898", "national_code_invalid"),
        ("birth_date", "1405/03/01", "date_not_past"),  # today
        ("birth_date", "1405/12/01", "date_not_past"),
        ("birth_date", "1404/12/30", "date_invalid"),  # 1404 is not a leap year
        ("birth_date", "1299/12/29", "date_invalid"),
        ("birth_date", "دیروز", "date_invalid"),
        ("email", "not-an-email", "email_invalid"),
        ("first_name", "م" * 51, "too_long"),
        ("first_name", "مریم۲", "name_invalid"),
        ("address", "تهران", "too_short"),
        ("father_name", None, "required"),
        ("kind", "company", "invalid"),
        ("postal_code", 1966943614, "invalid"),
    ],
)
def test_one_bad_natural_field(field: str, value: Any, code: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        validate_details(dict(NATURAL, **{field: value}), TODAY)
    assert error.value.fields == {field: code}


def test_email_is_optional_and_iso_birth_dates_are_read() -> None:
    values = dict(NATURAL, email="", birth_date="1991-08-03")
    details = validate_details(values, TODAY)
    assert isinstance(details, NaturalDetails)
    assert details.email is None and details.birth_date == date(1991, 8, 3)


def test_no_kind() -> None:
    with pytest.raises(ValidationFailed) as error:
        validate_details({}, TODAY)
    assert error.value.fields == {"kind": "required"}


def test_the_other_kinds_fields_are_ignored() -> None:
    details = validate_details(dict(LEGAL, first_name="x1", national_code="bad"), TODAY)
    assert isinstance(details, LegalDetails)


@pytest.mark.parametrize(
    ("reason", "outcome"),
    [
        ("", "required"),
        ("  ", "required"),
        ("اب", "too_short"),
        ("ک" * 501, "too_long"),
        ("  کد ملی   با نام   نمی‌خواند  ", "کد ملی با نام نمی‌خواند"),
        ("خط اول\n\n  خط دوم ", "خط اول\nخط دوم"),
        ("ک" * 500, "ک" * 500),
    ],
)
def test_rejection_reasons(reason: str, outcome: str) -> None:
    if outcome in ("required", "too_short", "too_long"):
        with pytest.raises(ValidationFailed) as error:
            clean_reason(reason)
        assert error.value.fields == {"reason": outcome}
    else:
        assert clean_reason(reason) == outcome


# --------------------------------------------------------------------------- the status machine


def a_customer(values: dict[str, Any] = NATURAL) -> Customer:
    return Customer.start(id="c1", owner_user_id="u1", details=validate_details(values, TODAY), now=NOW)


def test_the_whole_way_rejected_corrected_resubmitted_approved() -> None:
    customer = a_customer()

    def status() -> CustomerStatus:  # read afresh each time (mypy would narrow the attribute)
        return customer.status

    assert status() == CustomerStatus.DRAFT and customer.kind == CustomerKind.NATURAL
    customer.submit(NOW)
    assert status() == CustomerStatus.SUBMITTED and customer.submitted_at == NOW
    later = NOW + timedelta(hours=1)
    customer.reject("staff:r1", "کد پستی با نشانی نمی‌خواند", later)
    assert status() == CustomerStatus.REJECTED
    assert customer.rejection_reason == "کد پستی با نشانی نمی‌خواند"
    assert customer.decided_by == "staff:r1" and customer.decided_at == later

    customer.edit(validate_details(LEGAL, TODAY), later)  # corrected: a draft again, and now a company
    assert status() == CustomerStatus.DRAFT and customer.kind.value == "legal"
    assert customer.first_name is None and customer.national_code is None
    assert customer.company_name == LEGAL["company_name"]
    assert customer.rejection_reason  # still shown until it is sent again
    customer.submit(later)
    assert customer.rejection_reason is None
    customer.approve("staff:r2", later)
    assert customer.is_approved and customer.decided_by == "staff:r2"
    with pytest.raises(ProfileLocked):
        customer.edit(validate_details(LEGAL, TODAY), later)


def test_a_rejected_profile_may_be_sent_again_as_it_is() -> None:
    customer = a_customer()
    customer.submit(NOW)
    customer.reject("staff:r", "نامشخص است", NOW)
    customer.submit(NOW)
    assert customer.status == CustomerStatus.SUBMITTED


def test_form_values_round_trip() -> None:
    customer = a_customer(NATURAL)
    values = form_values(customer)
    assert values["birth_date"] == "1370/05/12"
    assert validate_details(values, TODAY) == customer.details()
    legal = a_customer(LEGAL)
    assert validate_details(form_values(legal), TODAY) == legal.details()


# The rule, written again: (from, action) -> to.
ALLOWED = {
    ("draft", "edit"): "draft",
    ("rejected", "edit"): "draft",
    ("draft", "submit"): "submitted",
    ("rejected", "submit"): "submitted",
    ("submitted", "approve"): "approved",
    ("submitted", "reject"): "rejected",
}


@given(actions=st.lists(st.sampled_from(list(Action)), max_size=12))
def test_any_sequence_follows_the_table_and_a_refused_move_changes_nothing(actions: list[Action]) -> None:
    customer = a_customer()
    details = validate_details(LEGAL, TODAY)
    for action in actions:
        before = (customer.status, customer.kind, customer.decided_by, customer.rejection_reason)
        expected = ALLOWED.get((customer.status.value, action.value))
        try:
            if action == Action.EDIT:
                customer.edit(details, NOW)
            elif action == Action.SUBMIT:
                customer.submit(NOW)
            elif action == Action.APPROVE:
                customer.approve("staff:x", NOW)
            else:
                customer.reject("staff:x", "دلیل رد", NOW)
        except (InvalidTransition, ProfileLocked) as exc:
            assert expected is None
            assert (customer.status, customer.kind, customer.decided_by, customer.rejection_reason) == before
            locked = action == Action.EDIT and before[0] == CustomerStatus.APPROVED
            assert exc.code == ("profile_locked" if locked else "invalid_transition")
        else:
            assert expected is not None and customer.status.value == expected


def test_a_bad_reason_does_not_reject() -> None:
    customer = a_customer()
    customer.submit(NOW)
    with pytest.raises(ValidationFailed):
        customer.reject("staff:r", "x", NOW)
    assert customer.status == CustomerStatus.SUBMITTED and customer.decided_by is None
