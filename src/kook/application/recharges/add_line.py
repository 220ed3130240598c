"""Add one line (the manual's «افزودن جزئیات»); a bad line is kept invalid with its reason."""

from __future__ import annotations

from kook.application.recharges.line_checker import LineChecker, LineInput
from kook.application.recharges.owned_request import owned_request
from kook.application.recharges.ports import LineView, RequestsUnitOfWork
from kook.application.shared.load_prefix_table import LoadPrefixTable
from kook.application.shared.load_price_list import LoadPriceList
from kook.application.shared.ports import Clock


class AddLine(LineChecker):
    """Add one line (the manual's «افزودن جزئیات»); a bad line is kept invalid with its reason."""

    def __init__(
        self, uow: RequestsUnitOfWork, load_table: LoadPrefixTable, load_prices: LoadPriceList, clock: Clock
    ) -> None:
        super().__init__(load_table, load_prices)
        self._uow = uow
        self._clock = clock

    async def __call__(self, request_id: str, customer_id: str, data: LineInput) -> LineView:
        async with self._uow as uow:
            (await owned_request(uow, request_id, customer_id)).ensure_draft()
        line = await self.check(data)
        async with self._uow as uow:
            request = await owned_request(uow, request_id, customer_id, lock=True)
            request.ensure_draft()
            if line.valid and line.mobile in await uow.lines.valid_mobiles(request.id):
                line.duplicate = True
            ids = await uow.lines.add_many(request, None, [line], self._clock.now())
            view = await uow.lines.get(request.id, ids[0])
            await uow.commit()
        assert view is not None
        return view
