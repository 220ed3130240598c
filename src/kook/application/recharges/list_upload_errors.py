"""The rejected rows of one upload (still invalid), with the upload's headers."""

from __future__ import annotations

from kook.application.recharges.owned_request import owned_request
from kook.application.recharges.ports import LineView, RequestsUnitOfWork
from kook.domain.shared.errors import NotFound


class UploadNotFound(NotFound):
    code = "not_found"


class ListUploadErrors:
    """The rejected rows of one upload (still invalid), with the upload's headers."""

    def __init__(self, uow: RequestsUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, request_id: str, customer_id: str, upload_id: str) -> tuple[list[str], list[LineView]]:
        async with self._uow as uow:
            await owned_request(uow, request_id, customer_id)
            upload = await uow.uploads.get(request_id, upload_id)
            if upload is None:
                raise UploadNotFound()
            return upload.headers, await uow.lines.invalid_of_upload(request_id, upload_id)
