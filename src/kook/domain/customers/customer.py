"""The customer: KYC details of a natural or legal person and their review (SPEC §3).

Status machine::

    draft ──submit──▶ submitted ──approve──▶ approved   (read-only to the customer)
      ▲                   │
      │                   └──reject(reason)──▶ rejected
      └──────── correct (an edit) ────────────────┘  │
                submitted ◀────── submit (re-submit as is) ┘

Editing is allowed in ``draft`` and ``rejected`` (a rejected profile that is
edited is corrected and becomes a draft again). Any other move raises
``InvalidTransition`` (or ``ProfileLocked`` for an edit of an approved
profile) and changes nothing.

Why one file of some 440 lines: the customer's fields, their checks and the review status machine change
together (every edit re-checks the whole profile); the identifiers that stand alone are in ``identifiers.py``.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from kook.domain.customers.identifiers import (
    check_economic_code,
    check_landline,
    check_legal_id,
    check_national_code,
    check_postal_code,
    check_registration_number,
)
from kook.domain.identity.staff import StaffRole
from kook.domain.shared.errors import DomainError, ValidationFailed
from kook.domain.shared.jalali import JalaliDate, parse_date
from kook.domain.shared.mobile import normalize_mobile
from kook.domain.shared.text import clean_text


class CustomerKind(enum.StrEnum):
    NATURAL = "natural"  # حقیقی
    LEGAL = "legal"  # حقوقی


class CustomerStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"


class Action(enum.StrEnum):
    EDIT = "edit"
    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"


# (from, action) -> to. Anything not listed is refused.
TRANSITIONS: Final[dict[tuple[CustomerStatus, Action], CustomerStatus]] = {
    (CustomerStatus.DRAFT, Action.EDIT): CustomerStatus.DRAFT,
    (CustomerStatus.REJECTED, Action.EDIT): CustomerStatus.DRAFT,  # corrected
    (CustomerStatus.DRAFT, Action.SUBMIT): CustomerStatus.SUBMITTED,
    (CustomerStatus.REJECTED, Action.SUBMIT): CustomerStatus.SUBMITTED,  # re-submitted as it is
    (CustomerStatus.SUBMITTED, Action.APPROVE): CustomerStatus.APPROVED,
    (CustomerStatus.SUBMITTED, Action.REJECT): CustomerStatus.REJECTED,
}


class ProfileLocked(DomainError):
    code = "profile_locked"


class InvalidTransition(DomainError):
    code = "invalid_transition"

    def __init__(self, status: CustomerStatus, action: Action) -> None:
        super().__init__(details={"status": status.value, "action": action.value})
        self.status = status
        self.action = action


class ProfileNotApproved(DomainError):
    code = "profile_not_approved"


# Who may approve or reject a profile.
REVIEWER_ROLES: Final = frozenset({StaffRole.REVIEWER, StaffRole.ADMIN})

REASON_MIN_LENGTH: Final = 3
REASON_MAX_LENGTH: Final = 500
FIRST_BIRTH_YEAR: Final = 1300  # Jalali

MAX_LENGTHS: Final = {
    "first_name": 50,
    "last_name": 50,
    "father_name": 50,
    "company_name": 150,
    "representative_name": 100,
    "address": 300,
    "email": 254,
}
MIN_ADDRESS_LENGTH: Final = 10

COMMON_FIELDS: Final = ("postal_code", "address", "phone")
NATURAL_FIELDS: Final = ("first_name", "last_name", "father_name", "national_code", "birth_date", "email")
LEGAL_FIELDS: Final = (
    "company_name",
    "national_id",
    "registration_number",
    "economic_code",
    "representative_name",
    "representative_national_code",
    "representative_mobile",
)
FORM_FIELDS: Final = ("kind", *NATURAL_FIELDS, *LEGAL_FIELDS, *COMMON_FIELDS)

_EMAIL: Final = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]{2,}")


@dataclass(frozen=True)
class NaturalDetails:
    first_name: str
    last_name: str
    father_name: str
    national_code: str
    birth_date: date
    postal_code: str
    address: str
    phone: str
    email: str | None = None

    @property
    def kind(self) -> CustomerKind:
        return CustomerKind.NATURAL


@dataclass(frozen=True)
class LegalDetails:
    company_name: str
    national_id: str
    registration_number: str
    economic_code: str
    postal_code: str
    address: str
    phone: str
    representative_name: str
    representative_national_code: str
    representative_mobile: str

    @property
    def kind(self) -> CustomerKind:
        return CustomerKind.LEGAL


CustomerDetails = NaturalDetails | LegalDetails


# --------------------------------------------------------------------------- validation


class _Fields:
    """Collects every bad field at once: field -> stable code."""

    def __init__(self, raw: Mapping[str, object]) -> None:
        self.raw = raw
        self.errors: dict[str, str] = {}

    def text(self, name: str, *, required: bool = True) -> str | None:
        value = self.raw.get(name)
        if value is None:
            if required:
                self.errors[name] = "required"
            return None
        if not isinstance(value, str):
            self.errors[name] = "invalid"
            return None
        try:
            cleaned = clean_text(value, name)
        except ValidationFailed as exc:
            self.errors.update(exc.fields)
            return None
        if not cleaned:
            if required:
                self.errors[name] = "required"
            return None
        limit = MAX_LENGTHS.get(name)
        if limit is not None and len(cleaned) > limit:
            self.errors[name] = "too_long"
            return None
        return cleaned

    def name(self, name: str) -> str:
        value = self.text(name)
        if value is not None and (not any(ch.isalpha() for ch in value) or any(ch.isdigit() for ch in value)):
            self.errors[name] = "name_invalid"
        return value or ""

    def checked(self, name: str, check: Callable[[str], str]) -> str:
        value = self.text(name)
        if value is None:
            return ""
        try:
            return check(value)
        except DomainError as exc:
            self.errors[name] = exc.code
            return ""

    def address(self) -> str:
        value = self.text("address")
        if value is not None and len(value) < MIN_ADDRESS_LENGTH:
            self.errors["address"] = "too_short"
        return value or ""

    def email(self) -> str | None:
        value = self.text("email", required=False)
        if value is None:
            return None
        if not _EMAIL.fullmatch(value):
            self.errors["email"] = "email_invalid"
            return None
        local, _, domain = value.rpartition("@")
        return f"{local}@{domain.lower()}"

    def birth_date(self, today: date) -> date:
        value = self.text("birth_date")
        if value is None:
            return date.min
        parsed = parse_date(value)
        if parsed is None or JalaliDate.from_date(parsed).year < FIRST_BIRTH_YEAR:
            self.errors["birth_date"] = "date_invalid"
            return date.min
        if parsed >= today:
            self.errors["birth_date"] = "date_not_past"
        return parsed


def validate_details(raw: Mapping[str, object], today: date) -> CustomerDetails:
    """The form (API body) as typed; ``ValidationFailed`` names every bad field.

    ``today`` is the calendar day in Tehran: a birth date must be before it.
    """
    f = _Fields(raw)
    kind_value = raw.get("kind")
    kind = CustomerKind(kind_value) if kind_value in ("natural", "legal") else None
    if kind is None:
        f.errors["kind"] = "required" if kind_value in (None, "") else "invalid"
        raise ValidationFailed(f.errors)
    postal_code = f.checked("postal_code", check_postal_code)
    address = f.address()
    phone = f.checked("phone", check_landline)
    details: CustomerDetails
    if kind == CustomerKind.NATURAL:
        details = NaturalDetails(
            first_name=f.name("first_name"),
            last_name=f.name("last_name"),
            father_name=f.name("father_name"),
            national_code=f.checked("national_code", check_national_code),
            birth_date=f.birth_date(today),
            postal_code=postal_code,
            address=address,
            phone=phone,
            email=f.email(),
        )
    else:
        details = LegalDetails(
            company_name=f.text("company_name") or "",
            national_id=f.checked("national_id", check_legal_id),
            registration_number=f.checked("registration_number", check_registration_number),
            economic_code=f.checked("economic_code", check_economic_code),
            postal_code=postal_code,
            address=address,
            phone=phone,
            representative_name=f.name("representative_name"),
            representative_national_code=f.checked("representative_national_code", check_national_code),
            representative_mobile=f.checked("representative_mobile", normalize_mobile),
        )
    if f.errors:
        raise ValidationFailed(f.errors)
    return details


def clean_reason(reason: str) -> str:
    """A rejection reason: 3–500 characters after folding spaces (line breaks kept)."""
    cleaned = clean_text(reason, "reason", multiline=True)
    if len(cleaned) < REASON_MIN_LENGTH:
        raise ValidationFailed({"reason": "required" if not cleaned else "too_short"})
    if len(cleaned) > REASON_MAX_LENGTH:
        raise ValidationFailed({"reason": "too_long"})
    return cleaned


# --------------------------------------------------------------------------- the aggregate


_DETAIL_FIELDS: Final = (*NATURAL_FIELDS, *LEGAL_FIELDS, *COMMON_FIELDS)


@dataclass(eq=False)
class Customer:
    id: str
    owner_user_id: str
    kind: CustomerKind
    status: CustomerStatus
    created_at: datetime
    updated_at: datetime
    status_changed_at: datetime
    submitted_at: datetime | None = None
    decided_at: datetime | None = None
    decided_by: str | None = None
    rejection_reason: str | None = None
    postal_code: str | None = None
    address: str | None = None
    phone: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    father_name: str | None = None
    national_code: str | None = None
    birth_date: date | None = None
    email: str | None = None
    company_name: str | None = None
    national_id: str | None = None
    registration_number: str | None = None
    economic_code: str | None = None
    representative_name: str | None = None
    representative_national_code: str | None = None
    representative_mobile: str | None = None

    @classmethod
    def start(cls, *, id: str, owner_user_id: str, details: CustomerDetails, now: datetime) -> Customer:
        """A new draft with the given details."""
        customer = cls(
            id=id,
            owner_user_id=owner_user_id,
            kind=details.kind,
            status=CustomerStatus.DRAFT,
            created_at=now,
            updated_at=now,
            status_changed_at=now,
        )
        customer._apply(details)
        return customer

    # -- the status machine ------------------------------------------------------
    def can(self, action: Action) -> bool:
        return (self.status, action) in TRANSITIONS

    def ensure_can(self, action: Action) -> None:
        if (self.status, action) not in TRANSITIONS:
            if action == Action.EDIT and self.status == CustomerStatus.APPROVED:
                raise ProfileLocked()
            raise InvalidTransition(self.status, action)

    def _move(self, action: Action, now: datetime) -> None:
        self.ensure_can(action)
        target = TRANSITIONS[(self.status, action)]
        if target != self.status:
            self.status = target
            self.status_changed_at = now
        self.updated_at = now

    def edit(self, details: CustomerDetails, now: datetime) -> None:
        """Replace the details (a rejected profile becomes a draft again)."""
        self._move(Action.EDIT, now)
        self._apply(details)

    def submit(self, now: datetime) -> None:
        self._move(Action.SUBMIT, now)
        self.submitted_at = now
        self.rejection_reason = None

    def approve(self, decided_by: str, now: datetime) -> None:
        self._move(Action.APPROVE, now)
        self.decided_at = now
        self.decided_by = decided_by
        self.rejection_reason = None

    def reject(self, decided_by: str, reason: str, now: datetime) -> None:
        self.ensure_can(Action.REJECT)
        cleaned = clean_reason(reason)
        self._move(Action.REJECT, now)
        self.decided_at = now
        self.decided_by = decided_by
        self.rejection_reason = cleaned

    @property
    def is_approved(self) -> bool:
        return self.status == CustomerStatus.APPROVED

    @property
    def is_editable(self) -> bool:
        return self.can(Action.EDIT)

    # -- details -------------------------------------------------------------------
    def _apply(self, details: CustomerDetails) -> None:
        self.kind = details.kind
        for name in _DETAIL_FIELDS:
            setattr(self, name, getattr(details, name, None))

    def details(self) -> CustomerDetails:
        common: dict[str, Any] = {name: getattr(self, name) for name in COMMON_FIELDS}
        if self.kind == CustomerKind.NATURAL:
            return NaturalDetails(**common, **{name: getattr(self, name) for name in NATURAL_FIELDS})
        return LegalDetails(**common, **{name: getattr(self, name) for name in LEGAL_FIELDS})

    @property
    def display_name(self) -> str:
        if self.kind == CustomerKind.LEGAL:
            return self.company_name or ""
        return f"{self.first_name or ''} {self.last_name or ''}".strip()

    @property
    def identifier(self) -> str:
        """The national code of a person, the national ID of a company."""
        return (self.national_id if self.kind == CustomerKind.LEGAL else self.national_code) or ""

    @property
    def birth_date_jalali(self) -> JalaliDate | None:
        return JalaliDate.from_date(self.birth_date) if self.birth_date is not None else None

    def snapshot(self) -> dict[str, Any]:
        """JSON-safe state for the audit log."""
        data: dict[str, Any] = {"status": self.status.value, "kind": self.kind.value}
        if self.rejection_reason:
            data["rejection_reason"] = self.rejection_reason
        return data


def form_values(customer: Customer) -> dict[str, str]:
    """The customer's details as the form shows them (Jalali birth date)."""
    values: dict[str, str] = {"kind": customer.kind.value}
    for name in _DETAIL_FIELDS:
        value = getattr(customer, name)
        if name == "birth_date":
            jalali = customer.birth_date_jalali
            values[name] = str(jalali) if jalali else ""
        else:
            values[name] = "" if value is None else str(value)
    return values
