"""Which operator a number belongs to: the prefix table, or the code given with it (SPEC §6.2)."""

from __future__ import annotations

from kook.application.shared.load_prefix_table import LoadPrefixTable
from kook.domain.routing.prefix_table import OperatorLookup


class LookUpOperator:
    """One number (any spelling) and an optional operator code → ``OperatorLookup``.

    Raises ``mobile_invalid``, ``operator_code_invalid``,
    ``mobile_prefix_unassigned`` or ``operator_unknown``.
    """

    def __init__(self, load_table: LoadPrefixTable) -> None:
        self._load_table = load_table

    async def __call__(self, mobile: object, operator: object = None) -> OperatorLookup:
        table = await self._load_table()
        return table.resolve(mobile, operator)
