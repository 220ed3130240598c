"""Bulk requests through the real app (SQLite and PostgreSQL + Redis): lines one by
one and from spreadsheets (no row lost, invalid first, the error workbook), whole-file
refusals with nothing added, the summary, and confirmation holding the money once."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import openpyxl  # type: ignore[import-untyped, unused-ignore]
from litestar import Litestar

from kook.application.identity.ports import IdentityUnitOfWork
from kook.application.services.gate import EnterpriseTopupGate
from kook.application.shared.ledger_poster import LedgerPoster
from kook.application.wallet.ports import WalletUnitOfWork
from kook.domain.shared.ids import new_id
from kook.domain.wallet.ledger import EntryKind, bank_account
from kook.entrypoints.ioc.containers import make_http_container
from kook.entrypoints.settings import Settings
from kook.sandbox.demo import DEMO_CUSTOMER
from kook.sandbox.demo_customers import seed_demo_customer
from tests.integration.helpers import Client, sign_up
from tests.integration.test_customers_api import use
from tests.integration.test_wallet_api import demo_customer

Jar = dict[str, str]


async def fund(settings: Settings, amount: int, mobile: str = DEMO_CUSTOMER[0]) -> str:
    """Credit the customer's wallet directly through the ledger; its customer id."""
    container = make_http_container(settings)
    try:
        async with container() as scope:
            identity = await scope.get(IdentityUnitOfWork)
            async with identity:
                user = await identity.users.by_mobile(mobile)
            assert user is not None
            customer_id = await (await scope.get(EnterpriseTopupGate))(user.id)
            uow = await scope.get(WalletUnitOfWork)
            poster = await scope.get(LedgerPoster)
            async with uow:
                await poster.credit(
                    uow.ledger, customer_id, amount, bank_account("test"), key=new_id(), kind=EntryKind.DEPOSIT
                )
                await uow.commit()
    finally:
        await container.close()
    return customer_id


def sheet(rows: list[list[Any]], header: list[str] | None = None) -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    if header:
        ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def upload(client: Client, headers: dict[str, str], request_id: str, content: bytes, **form: str) -> Any:
    return await client.post(
        f"/api/v1/requests/{request_id}/uploads",
        files={"file": ("lines.xlsx", content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")},
        data={"kind": "topup", **form},
        headers=headers,
    )


async def new_request(client: Client, headers: dict[str, str], kind: str = "topup") -> str:
    response = await client.post("/api/v1/requests", json={"name": "شارژ کارکنان", "kind": kind}, headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "draft"
    return str(response.json()["id"])


async def all_lines(client: Client, request_id: str, **params: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        query = dict(params) | ({"cursor": cursor} if cursor else {})
        page = (await client.get(f"/api/v1/requests/{request_id}/lines", params=query)).json()
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


async def test_a_request_built_by_hand_is_confirmed_once_and_cancelled(client: Client, settings: Settings) -> None:
    headers = use(client, await demo_customer(client, settings))
    request_id = await new_request(client, headers)
    renamed = await client.patch(f"/api/v1/requests/{request_id}", json={"name": "شارژ اسفند"}, headers=headers)
    assert renamed.status_code == 200 and renamed.json()["name"] == "شارژ اسفند"

    base = f"/api/v1/requests/{request_id}"
    good = await client.post(f"{base}/lines", json={"mobile": "۰۹۱۲۱۲۳۴۵۶۷", "amount": "۵۰۰٬۰۰۰"}, headers=headers)
    assert good.status_code == 201, good.text
    assert good.json() | {"id": "x"} == {
        "id": "x",
        "mobile": "09121234567",
        "operator": 1,
        "ported": False,
        "product": "airtime",
        "amount": 500_000,
        "package_title": None,
        "price": 500_000,
        "status": "valid",
        "error": None,
        "warning": None,
        "source_row": None,
        "upload_id": None,
    }
    package = await client.post(
        f"{base}/lines", json={"mobile": "09351234567", "package_code": "MTN-1D-2GB"}, headers=headers
    )
    bad = await client.post(f"{base}/lines", json={"mobile": "09121234567", "amount": "12.5"}, headers=headers)
    assert bad.status_code == 201
    assert bad.json()["status"] == "invalid" and bad.json()["warning"] is None
    assert bad.json()["error"]["code"] == "amount_not_whole" and bad.json()["error"]["column"] == "amount"
    assert bad.json()["error"]["message"]
    lines = await all_lines(client, request_id)
    assert lines[0]["status"] == "invalid"  # invalid first
    assert len(lines) == 3

    refused = await client.post(f"{base}/confirm", headers=headers)
    assert refused.status_code == 409 and refused.json()["code"] == "invalid_lines"
    assert refused.json()["details"] == {"count": 1}

    fixed = await client.patch(
        f"{base}/lines/{bad.json()['id']}", json={"mobile": "09121234567", "amount": 300_000}, headers=headers
    )
    assert fixed.status_code == 200 and fixed.json()["status"] == "valid"
    assert fixed.json()["warning"] == "duplicate_mobile"  # the same number twice: a warning only

    summary = (await client.get(f"{base}/summary")).json()
    package_price = package.json()["price"]
    total = 800_000 + package_price
    assert summary["total"] == total and summary["lines"] == 3 and summary["invalid"] == 0
    assert {p["product"]: p["lines"] for p in summary["by_product"]} == {"airtime": 2, "MTN-1D-2GB": 1}
    assert summary["available"] == 0 and summary["shortfall"] == total

    short = await client.post(f"{base}/confirm", headers=headers)
    assert short.status_code == 409 and short.json()["code"] == "insufficient_funds"
    assert short.json()["details"] == {"shortfall": total}

    await fund(settings, total + 1_000)
    first = await client.post(f"{base}/confirm", headers=headers | {"Idempotency-Key": "a"})
    again = await client.post(f"{base}/confirm", headers=headers | {"Idempotency-Key": "b"})
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() == {"status": "confirmed"}
    assert (await client.get("/api/v1/wallet")).json() == {"available": 1_000, "held": total, "total": total + 1_000}
    assert {line["status"] for line in await all_lines(client, request_id)} == {"pending"}

    for response in (
        await client.patch(base, json={"name": "x"}, headers=headers),
        await client.post(f"{base}/lines", json={"mobile": "09121234567", "amount": 300_000}, headers=headers),
        await client.delete(base, headers=headers),
    ):
        assert response.status_code == 409 and response.json()["code"] == "request_not_draft", response.text

    cancelled = await client.post(f"{base}/cancel", headers=headers)
    assert cancelled.status_code == 200 and cancelled.json() == {"status": "cancelled"}
    assert (await client.post(f"{base}/cancel", headers=headers)).json() == {"status": "cancelled"}
    assert (await client.get("/api/v1/wallet")).json() == {
        "available": total + 1_000,
        "held": 0,
        "total": total + 1_000,
    }
    kinds = [e["kind"] for e in (await client.get("/api/v1/wallet/entries")).json()["items"]]
    assert sorted(kinds) == ["deposit", "hold", "release"]


async def test_a_messy_sheet_becomes_lines_with_no_row_lost(client: Client, settings: Settings) -> None:
    headers = use(client, await demo_customer(client, settings))
    request_id = await new_request(client, headers)
    rows: list[list[Any]] = [[f" 0912{n:07d} ", f"{300_000 + n:,}", None, "x"] for n in range(140)]
    rows += [
        ["", "300000", None, "x"],  # mobile missing
        [9121234567, "12.5", None, "x"],  # amount not whole; the number lost its leading zero
        ["09121234567", None, None, "x"],  # amount missing
        ["09991234567", 300_000, None, "x"],  # shared prefix without a code
        ["09991234567", 300_000, "۲", "x"],  # with a code: fine
        [None, None, None, None],  # blank row: skipped
        ["09120000001", "۳۰۰٬۰۰۰", "همراه اول", "x"],  # a duplicate of row 3
    ]
    # the header names the columns in another order than the cells: swap the first two
    content = sheet([[r[1], r[0], r[2], r[3]] for r in rows], header=["مبلغ", " شماره موبایل", "OPERATOR", "توضیح"])
    response = await upload(client, headers, request_id, content)
    assert response.status_code == 201, response.text
    result = response.json()
    assert result | {"upload_id": "x"} == {"upload_id": "x", "rows": 146, "valid": 142, "invalid": 4, "duplicates": 1}

    lines = await all_lines(client, request_id)
    assert len(lines) == 146 and len({line["id"] for line in lines}) == 146
    assert [line["status"] for line in lines[:4]] == ["invalid"] * 4
    assert {(line["source_row"], line["error"]["code"]) for line in lines[:4]} == {
        (142, "mobile_missing"),
        (143, "amount_not_whole"),
        (144, "amount_missing"),
        (145, "operator_unknown"),
    }
    invalid_only = await all_lines(client, request_id, status="invalid")
    assert len(invalid_only) == 4

    errors = await client.get(f"/api/v1/requests/{request_id}/uploads/{result['upload_id']}/errors.xlsx")
    assert errors.status_code == 200
    book = openpyxl.load_workbook(BytesIO(errors.content))
    ws = book.worksheets[0]
    values = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    assert len(values) == 5  # header and the four rejected rows
    assert any("09991234567" in str(cell) for row in values for cell in row)

    confirm = await client.post(f"/api/v1/requests/{request_id}/confirm", headers=headers)
    assert confirm.status_code == 409 and confirm.json()["details"] == {"count": 4}


async def test_a_package_sheet_refuses_numbers_of_another_operator(client: Client, settings: Settings) -> None:
    headers = use(client, await demo_customer(client, settings))
    request_id = await new_request(client, headers, kind="package")
    content = sheet([["09121234567"], ["09351234567", None], ["09351234568", 1]], header=["موبایل", "اپراتور"])
    response = await upload(
        client, headers, request_id, content, kind="package", operator="1", package_code="MCI-7D-2GB"
    )
    assert response.status_code == 201, response.text
    assert response.json()["valid"] == 2 and response.json()["invalid"] == 1
    lines = await all_lines(client, request_id)
    assert lines[0]["error"]["code"] == "operator_mismatch"
    assert [line["ported"] for line in lines[1:]] == [False, True]
    assert {line["product"] for line in lines} == {"MCI-7D-2GB"}

    wrong = await upload(client, headers, request_id, content, kind="package", operator="2", package_code="MCI-7D-2GB")
    assert wrong.status_code == 422 and wrong.json()["code"] == "validation_error"
    missing = await upload(client, headers, request_id, content, kind="package", operator="1", package_code="NOPE")
    assert missing.status_code == 404 and missing.json()["code"] == "package_not_found"
    assert len(await all_lines(client, request_id)) == 3


async def test_whole_files_are_refused_and_nothing_is_added(client: Client, settings: Settings) -> None:
    headers = use(client, await demo_customer(client, settings))
    request_id = await new_request(client, headers)
    for content, code, status in (
        (b"mobile,amount\n09121234567,300000\n", "file_not_spreadsheet", 422),
        (b"PK\x03\x04 not really a zip", "file_not_spreadsheet", 422),
        (b"\0" * (21 * 1024 * 1024), "file_too_large", 413),  # the reader's own limit answers
        (b"\0" * (25 * 1024 * 1024), "payload_too_large", 413),  # the route's body limit, above the reader's
        (sheet([], header=["موبایل", "مبلغ"]), "sheet_empty", 422),  # issue 20: was 201 with 0 rows
        (sheet([]), "sheet_empty", 422),
    ):
        response = await upload(client, headers, request_id, content)
        assert response.status_code == status and response.json()["code"] == code, response.text
    assert await all_lines(client, request_id) == []
    assert (await client.get(f"/api/v1/requests/{request_id}/summary")).json()["lines"] == 0
    empty = await upload(client, headers, request_id, sheet([], header=["موبایل", "مبلغ"]))
    assert "هیچ ردیفی" in empty.json()["message"] and "چیزی اضافه نشد" in empty.json()["message"]


async def test_samples_and_a_foreign_request_and_bad_input(client: Client, settings: Settings, app: Litestar) -> None:
    for name in ("topup.xlsx", "package.xlsx"):
        sample = await client.get(f"/templates/{name}")
        assert sample.status_code == 200 and sample.content[:2] == b"PK"
    assert (await client.get("/templates/other.xlsx")).status_code == 404

    headers = use(client, await demo_customer(client, settings))
    mine = await new_request(client, headers)
    bad = await client.post("/api/v1/requests", json={"name": " ", "kind": "airtime"}, headers=headers)
    assert bad.status_code == 422 and set(bad.json()["details"]["fields"]) == {"name"}
    assert (await client.get("/api/v1/requests")).json()["items"][0]["id"] == mine

    client.cookies.clear()
    other = await sign_up(client, "09127654321")
    other_headers = {"x-csrftoken": other["csrf_token"]}
    assert (await client.get("/api/v1/requests")).json()["code"] == "profile_not_approved"
    container = make_http_container(settings)
    try:
        async with container() as scope:
            await seed_demo_customer(scope, "09127654321")
    finally:
        await container.close()
    for response in (
        await client.get(f"/api/v1/requests/{mine}"),
        await client.get(f"/api/v1/requests/{mine}/lines"),
        await client.post(f"/api/v1/requests/{mine}/confirm", headers=other_headers),
        await client.delete(f"/api/v1/requests/{mine}", headers=other_headers),
    ):
        assert response.status_code == 404 and response.json()["code"] == "not_found", response.text
    assert (await client.get("/api/v1/requests")).json()["items"] == []


async def test_a_draft_can_be_deleted_with_its_lines(client: Client, settings: Settings) -> None:
    headers = use(client, await demo_customer(client, settings))
    request_id = await new_request(client, headers)
    await upload(client, headers, request_id, sheet([["09121234567", 300_000]]))
    line = (await all_lines(client, request_id))[0]
    deleted = await client.delete(f"/api/v1/requests/{request_id}/lines/{line['id']}", headers=headers)
    assert deleted.status_code == 204
    assert (
        await client.delete(f"/api/v1/requests/{request_id}/lines/{line['id']}", headers=headers)
    ).status_code == 404
    await upload(client, headers, request_id, sheet([["09121234567", 300_000]]))
    assert (await client.delete(f"/api/v1/requests/{request_id}", headers=headers)).status_code == 204
    assert (await client.get(f"/api/v1/requests/{request_id}")).status_code == 404
