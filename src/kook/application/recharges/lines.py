"""Lines of a draft request, one at a time: add, edit (checked again), delete, page through."""

from __future__ import annotations

from dataclasses import dataclass, replace

from kook.application.catalog.load_price_list import LoadPriceList
from kook.application.recharges.request_ports import LineCursor, LineView, RequestsUnitOfWork
from kook.application.recharges.requests import owned_request
from kook.application.routing.load_prefix_table import LoadPrefixTable
from kook.application.shared.ports import Clock
from kook.domain.recharges.request import LineDraft, LineStatus, RequestStatus, check_line
from kook.domain.shared.errors import NotFound, ValidationFailed


@dataclass(frozen=True)
class LineInput:
    mobile: object
    amount: object = None
    package_code: object = None
    operator: object = None


class LineNotFound(NotFound):
    code = "not_found"


class _Checker:
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


class AddLine(_Checker):
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


class EditLine(_Checker):
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


class DeleteLine:
    def __init__(self, uow: RequestsUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, request_id: str, customer_id: str, line_id: int) -> None:
        async with self._uow as uow:
            request = await owned_request(uow, request_id, customer_id, lock=True)
            request.ensure_draft()
            if not await uow.lines.delete(request.id, line_id):
                raise LineNotFound()
            await uow.commit()


_STATUSES = frozenset(s.value for s in LineStatus)


class ListLines:
    """A page of lines: invalid first, then the rest, by id; ``status`` narrows to one status."""

    def __init__(self, uow: RequestsUnitOfWork) -> None:
        self._uow = uow

    async def __call__(
        self, request_id: str, customer_id: str, *, status: str | None, after: LineCursor | None, limit: int
    ) -> list[tuple[LineCursor, LineView]]:
        if status is not None and status not in _STATUSES:
            raise ValidationFailed({"status": "invalid"})
        async with self._uow as uow:
            request = await owned_request(uow, request_id, customer_id)
            if request.status is RequestStatus.DRAFT:
                return await uow.lines.page(request_id, status=status, after=after, limit=limit)
            # once confirmed, a valid line waits for fulfilment: it is shown (and filtered) as pending
            stored = LineStatus.VALID.value if status == LineStatus.PENDING.value else status
            found = await uow.lines.page(request_id, status=stored, after=after, limit=limit)
        return [
            (cursor, replace(view, status=LineStatus.PENDING.value) if view.status == LineStatus.VALID.value else view)
            for cursor, view in found
        ]
