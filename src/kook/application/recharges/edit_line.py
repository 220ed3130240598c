"""Lines of a draft request, one at a time: add, edit (checked again), delete, page through."""

from __future__ import annotations

from kook.application.recharges.line_checker import LineChecker, LineInput, LineNotFound
from kook.application.recharges.owned_request import owned_request
from kook.application.recharges.ports import LineView, RequestsUnitOfWork
from kook.application.shared.load_prefix_table import LoadPrefixTable
from kook.application.shared.load_price_list import LoadPriceList


class EditLine(LineChecker):
    def __init__(self, uow: RequestsUnitOfWork, load_table: LoadPrefixTable, load_prices: LoadPriceList) -> None:
        super().__init__(load_table, load_prices)
        self._uow = uow

    async def __call__(self, request_id: str, customer_id: str, line_id: int, data: LineInput) -> LineView:
        async with self._uow as uow:
            (await owned_request(uow, request_id, customer_id)).ensure_draft()
            if await uow.lines.get(request_id, line_id) is None:
                raise LineNotFound()
        line = await self.check(data)
        async with self._uow as uow:
            request = await owned_request(uow, request_id, customer_id, lock=True)
            request.ensure_draft()
            old = await uow.lines.get(request.id, line_id)
            if old is None:
                raise LineNotFound()
            line.source_row, line.cells = old.source_row, old.cells if not line.valid else None
            if line.valid and line.mobile in await uow.lines.valid_mobiles(request.id, excluding=line_id):
                line.duplicate = True
            await uow.lines.replace(line_id, line)
            view = await uow.lines.get(request.id, line_id)
            await uow.commit()
        assert view is not None
        return view
