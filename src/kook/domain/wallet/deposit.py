"""Deposit slips: money paid into one of Kook's bank accounts, checked by finance (SPEC §5)."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date, datetime

from kook.domain.shared.errors import Conflict, DomainError, ValidationFailed
from kook.domain.shared.mobile import to_latin_digits
from kook.domain.shared.text import clean_text


class DepositStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class DepositDuplicate(DomainError):
    code = "deposit_duplicate"


def normalize_tracking_number(value: str) -> str:
    """Bank tracking numbers: digits (any script) and Latin letters, 4–30 long."""
    text = re.sub(r"[\s\-_/.\u200c\u200d]", "", to_latin_digits(clean_text(value, "tracking_number"))).upper()
    if not re.fullmatch(r"[0-9A-Z]{4,30}", text):
        raise ValidationFailed({"tracking_number": "invalid"})
    return text


def check_deposit_date(value: date, today: date) -> date:
    if value > today:
        raise ValidationFailed({"deposit_date": "date_in_future"})
    if (today - value).days > 365:
        raise ValidationFailed({"deposit_date": "date_too_old"})
    return value


@dataclass(eq=False)
class DepositSlip:
    id: str
    customer_id: str
    user_id: str
    bank_account: str  # key of one of Kook's accounts
    amount: int
    deposit_date: date
    tracking_number: str
    slip_key: str
    slip_kind: str
    slip_size: int
    status: DepositStatus
    created_at: datetime
    decided_at: datetime | None = None
    decided_by: str | None = None
    reject_reason: str | None = None

    def _require_pending(self) -> None:
        if self.status != DepositStatus.PENDING:
            raise Conflict("invalid_transition", details={"status": self.status.value})

    def approve(self, staff_id: str, now: datetime) -> None:
        self._require_pending()
        self.status = DepositStatus.APPROVED
        self.decided_at = now
        self.decided_by = staff_id

    def reject(self, staff_id: str, reason: str, now: datetime) -> None:
        self._require_pending()
        cleaned = clean_text(reason, "reason")
        if not 3 <= len(cleaned) <= 500:
            raise ValidationFailed({"reason": "invalid"})
        self.status = DepositStatus.REJECTED
        self.decided_at = now
        self.decided_by = staff_id
        self.reject_reason = cleaned
