"""Wallet statement lines as people read them, in the portal and in the API.

A ledger entry stores its kind and a reference (``memo``); the Persian
description is composed here, when read, so entries written long ago read the
same as new ones: «رزرو مبلغ درخواست «شارژ کارکنان»» with the request's short
id, «افزایش اعتبار با فیش واریزی» with its tracking number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from litestar import Request

from kook.application.recharges.get_request_names import GetRequestNames
from kook.application.shared.ports import StatementLine
from kook.domain.wallet.ledger import memo_reference
from kook.entrypoints.http.context import resolve
from kook.entrypoints.http.messages import (
    ENTRY_DESCRIPTIONS,
    ENTRY_OTHER,
    ENTRY_REFERENCE_LABELS,
    REQUEST_NAMED,
    REQUEST_UNNAMED,
)

SHORT_ID = 8


@dataclass(frozen=True)
class DescribedLine:
    entry_id: str
    kind: str
    created_at: datetime
    available_change: int
    held_change: int
    text: str  # Persian words only: no id, no raw memo
    request_id: str | None = None  # the request this money moved for (linked in the portal)
    reference: str | None = None  # a deposit's tracking number, a payment's gateway reference
    reference_label: str | None = None

    @property
    def memo(self) -> str:
        """The one-line description of the API's ``memo``: the words, then the reference."""
        if self.request_id is not None:
            return f"{self.text} — {ENTRY_REFERENCE_LABELS['request']} {self.request_id[:SHORT_ID]}"
        if self.reference:
            return f"{self.text} — {self.reference_label} {self.reference}"
        return self.text


def describe(line: StatementLine, request_names: dict[str, str]) -> DescribedLine:
    ref = memo_reference(line.memo)
    template = ENTRY_DESCRIPTIONS.get(line.kind, ENTRY_OTHER)
    if ref.request_id is not None:
        name = request_names.get(ref.request_id)
        request = REQUEST_NAMED.format(name=name) if name else REQUEST_UNNAMED
    else:
        request = REQUEST_UNNAMED
    text = template.format(request=request)
    return DescribedLine(
        entry_id=line.entry_id,
        kind=line.kind,
        created_at=line.created_at,
        available_change=line.available_change,
        held_change=line.held_change,
        text=text,
        request_id=ref.request_id,
        reference=ref.reference,
        reference_label=(
            ENTRY_REFERENCE_LABELS.get(line.kind, ENTRY_REFERENCE_LABELS["request"]) if ref.reference else None
        ),
    )


async def described_lines(
    request: Request[Any, Any, Any], customer_id: str, lines: Sequence[StatementLine]
) -> list[DescribedLine]:
    """The lines with their Persian descriptions, the customer's request names read at once."""
    ids = {ref.request_id for ref in (memo_reference(line.memo) for line in lines) if ref.request_id}
    names = await (await resolve(request, GetRequestNames))(customer_id, ids) if ids else {}
    return [describe(line, names) for line in lines]
