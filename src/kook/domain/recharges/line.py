"""A line of a bulk request before it is stored: its draft, the one check every line passes (typed,
edited or uploaded: ``check_line``, and ``check_rows`` for a sheet's rows), and the duplicate flag.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field

from kook.domain.catalog.product import PriceList
from kook.domain.recharges.sheet_rows import SheetRow
from kook.domain.routing.operator import Operator, parse_optional_operator
from kook.domain.routing.prefix_table import PrefixTable
from kook.domain.shared.errors import DomainError
from kook.domain.shared.mobile import normalize_mobile
from kook.domain.shared.money import MAX_STORABLE_RIALS, parse_rials


class LineStatus(enum.StrEnum):
    VALID = "valid"  # in a confirmed request: waiting for fulfilment (shown as pending)
    INVALID = "invalid"
    PENDING = "pending"  # how a waiting line of a confirmed request is shown (never stored)
    SENDING = "sending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    UNKNOWN = "unknown"
    CANCELLED = "cancelled"


class ProductKind(enum.StrEnum):
    AIRTIME = "airtime"
    PACKAGE = "package"


class OperatorMismatch(DomainError):
    """A package line whose number belongs to another operator than the package's."""

    code = "operator_mismatch"


class MobileMissing(DomainError):
    code = "mobile_missing"


@dataclass(slots=True)
class LineDraft:
    """A line as checked, ready to be stored (valid or invalid)."""

    mobile: str
    operator: int | None
    ported: bool
    product: ProductKind
    amount: int | None
    package_code: str | None
    package_title: str | None
    price: int
    status: LineStatus
    error_column: str | None = None
    error_code: str | None = None
    duplicate: bool = False
    source_row: int | None = None
    cells: list[object] | None = field(default=None)

    @property
    def valid(self) -> bool:
        return self.status is LineStatus.VALID


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _raw_text(value: object, limit: int = 32) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()[:limit]


def check_line(
    table: PrefixTable,
    prices: PriceList,
    *,
    mobile: object,
    operator: object = None,
    amount: object = None,
    package_code: object = None,
    package_operator: Operator | None = None,
) -> LineDraft:
    """Decide one line. ``package_code`` set → a package line, else airtime.

    ``package_operator`` (uploads of packages): the operator the user chose; a
    number of another operator without a code naming the chosen one is
    ``operator_mismatch``. Never raises for a bad line: it comes back invalid
    with its first fault's code and column.
    """
    is_package = not _is_blank(package_code)
    product = ProductKind.PACKAGE if is_package else ProductKind.AIRTIME
    draft = LineDraft(
        mobile=_raw_text(mobile),
        operator=None,
        ported=False,
        product=product,
        amount=None,
        package_code=_raw_text(package_code).upper() if is_package else None,
        package_title=None,
        price=0,
        status=LineStatus.VALID,
    )
    column = "mobile"
    try:
        if _is_blank(mobile):
            raise MobileMissing()
        column = "operator"
        given = parse_optional_operator(operator)
        column = "mobile"
        lookup = table.resolve(mobile, given)
        draft.mobile = lookup.mobile
        draft.operator = int(lookup.operator)
        draft.ported = lookup.ported
        if is_package:
            column = "package_code"
            snapshot = prices.package(str(package_code))
            draft.package_code = snapshot.code
            draft.package_title = snapshot.title
            draft.price = snapshot.price
            chosen = package_operator if package_operator is not None else snapshot.operator
            if lookup.operator != chosen or snapshot.operator != chosen:
                column = "operator"
                raise OperatorMismatch(details={"operator": int(lookup.operator), "expected": int(chosen)})
        else:
            column = "amount"
            value = prices.airtime_amount(lookup.operator, amount)
            draft.amount = value
            draft.price = value
    except DomainError as error:
        draft.status = LineStatus.INVALID
        draft.error_code = error.code
        draft.error_column = column
        draft.price = 0
        if not is_package and draft.amount is None and not _is_blank(amount):
            try:
                typed = parse_rials(amount)
            except DomainError:
                typed = None
            # Kept to show the customer what they typed, unless no amount column could hold it.
            draft.amount = typed if typed is not None and typed <= MAX_STORABLE_RIALS else None
    return draft


def flag_duplicates(lines: list[LineDraft], seen: set[str]) -> int:
    """Mark valid lines whose number is already in ``seen`` (which grows); the count marked."""
    count = 0
    for line in lines:
        if not line.valid:
            continue
        if line.mobile in seen:
            line.duplicate = True
            count += 1
        else:
            seen.add(line.mobile)
    return count


_AIRTIME = ProductKind.AIRTIME  # looked up once: check_rows makes some 100,000 lines
_VALID = LineStatus.VALID


def check_rows(
    rows: Sequence[SheetRow],
    *,
    table: PrefixTable,
    prices: PriceList,
    package_code: str | None,
    package_operator: Operator | None,
) -> list[LineDraft]:
    """``check_line`` for each row of a sheet (the upload path), the common airtime line decided without building
    it twice: the same calls ``check_line`` makes, and when any of them refuses, ``check_line`` decides."""
    drafts: list[LineDraft] = []
    append = drafts.append
    amounts: dict[tuple[Operator, int], int] = {}  # (operator, amount) → the checked amount
    for row in rows:
        if package_code is None:
            # The same calls check_line makes, in a row; when any of them refuses,
            # check_line decides (and names the fault).
            try:
                mobile = normalize_mobile(row.mobile)
                given = None if row.operator is None else parse_optional_operator(row.operator)
                operator, ported = table.route(mobile, given)
                amount = row.amount
                if type(amount) is int:
                    value = amounts.get((operator, amount))
                    if value is None:
                        value = amounts[operator, amount] = prices.airtime_amount(operator, amount)
                else:
                    value = prices.airtime_amount(operator, amount)
            except DomainError:
                pass
            else:
                line = LineDraft(
                    mobile, int(operator), ported, ProductKind.AIRTIME, value, None, None, value, LineStatus.VALID
                )
                line.source_row = row.row
                append(line)
                continue
        line = check_line(
            table,
            prices,
            mobile=row.mobile,
            operator=row.operator,
            amount=row.amount if package_code is None else None,
            package_code=package_code,
            package_operator=package_operator,
        )
        line.source_row = row.row
        if not line.valid:
            line.cells = list(row.cells)
        append(line)
    return drafts
