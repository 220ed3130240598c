"""One line typed by hand, checked against the prefix table and the price list (shared by adding and editing)."""

from __future__ import annotations

from dataclasses import dataclass

from kook.application.shared.load_prefix_table import LoadPrefixTable
from kook.application.shared.load_price_list import LoadPriceList
from kook.domain.recharges.line import LineDraft, check_line
from kook.domain.shared.errors import NotFound, ValidationFailed


@dataclass(frozen=True)
class LineInput:
    mobile: object
    amount: object = None
    package_code: object = None
    operator: object = None


class LineNotFound(NotFound):
    code = "not_found"


class LineChecker:
    def __init__(self, load_table: LoadPrefixTable, load_prices: LoadPriceList) -> None:
        self._load_table = load_table
        self._load_prices = load_prices

    async def check(self, data: LineInput) -> LineDraft:
        if data.package_code in (None, "") and data.amount in (None, ""):
            raise ValidationFailed({"amount": "required"})
        table = await self._load_table()
        prices = await self._load_prices()
        return check_line(
            table,
            prices,
            mobile=data.mobile,
            operator=data.operator,
            amount=data.amount,
            package_code=data.package_code,
        )
