"""Hostile and broken spreadsheets uploaded through the HTTP API (SQLite and PostgreSQL):
each is refused whole with its code and a Persian message, and nothing is added — the
request keeps its lines and no upload is recorded. The files are built by
``test_excel_files`` (the reader's own tests); the size and row limits are made small
on the app's reader so the files stay small."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from litestar import Litestar

from kook.adapters.excel import CalamineSheetReader
from kook.adapters.postgres.tables.requests import request_uploads
from kook.application.recharges.ports import SheetReader
from kook.entrypoints.http.messages import error_text
from kook.entrypoints.settings import Settings
from tests.integration.helpers import Client
from tests.integration.test_catalog_api import count
from tests.integration.test_customers_api import use
from tests.integration.test_excel_files import (
    _LAUGHS,
    SHEET_XML,
    minimal_xlsx_members,
    ole2,
    raw_zip,
    xls,
    xlsx,
    zeros_deflated,
)
from tests.integration.test_requests_api import all_lines, new_request, upload
from tests.integration.test_wallet_api import demo_customer

GOOD = xlsx([["شماره موبایل", "مبلغ"], ["09121234567", 300_000], ["09351234567", 400_000]])


def _bomb() -> bytes:
    """500 MiB of zeros declared in the zip directory, under 1 MiB on disk."""
    sheet = ("xl/worksheets/sheet1.xml", zeros_deflated(500), 500 << 20, 0)
    return raw_zip([*minimal_xlsx_members(SHEET_XML)[:-1], sheet])


def _laughs() -> bytes:
    sheet = SHEET_XML.replace(b"?><worksheet", b"?>" + _LAUGHS + b"<worksheet").replace(b"09121234567", b"&lol9;")
    return raw_zip(minimal_xlsx_members(sheet))


def _sheet(sheet_xml: bytes) -> bytes:
    return raw_zip(minimal_xlsx_members(sheet_xml))


def _far_apart(last: bytes) -> bytes:
    """Two cells, A1 and ``last``: laid out densely from one to the other by calamine."""
    return _sheet(
        SHEET_XML.replace(
            b'<row r="2"><c r="A2"',
            b'<row r="' + last.lstrip(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ") + b'"><c r="' + last + b'"',
        )
    )


def _million_rows() -> bytes:
    """Excel's largest sheet, 1,048,576 rows, each with a number (about 3 MiB deflated)."""
    import zlib

    head, tail = SHEET_XML.split(b"<sheetData>")[0] + b"<sheetData>", b"</sheetData></worksheet>"
    packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    crc, size, parts = 0, 0, []
    for start in range(1, 1_048_577, 65_536):
        block = head if start == 1 else b""
        block += b"".join(
            b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>09121234567</t></is></c></row>' % (n, n)
            for n in range(start, start + 65_536)
        )
        block += tail if start + 65_536 > 1_048_576 else b""
        crc, size = zlib.crc32(block, crc), size + len(block)
        parts.append(packer.compress(block))
    parts.append(packer.flush())
    sheet = ("xl/worksheets/sheet1.xml", b"".join(parts), size, crc)
    return raw_zip([*minimal_xlsx_members(SHEET_XML)[:-1], sheet])


def _many_entries() -> bytes:
    members = [*minimal_xlsx_members(SHEET_XML), *[(f"xl/media/{i}.bin", b"", 0, 0) for i in range(5_000)]]
    return raw_zip(members, deflated=False)


_XXE = b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'

CASES: list[tuple[str, Callable[[], bytes], str, int, dict[str, int]]] = [
    ("csv", lambda: b"mobile,amount\n09121234567,300000\n", "file_not_spreadsheet", 422, {}),
    ("image", lambda: b"\x89PNG\r\n\x1a\n" + bytes(64), "file_not_spreadsheet", 422, {}),
    ("truncated-xlsx", lambda: GOOD[:-200], "file_not_spreadsheet", 422, {}),
    (
        "broken-sheet-xml",
        lambda: raw_zip(minimal_xlsx_members(b"<worksheet><sheetData><row><c")),
        "file_not_spreadsheet",
        422,
        {},
    ),
    (
        "encrypted-xlsx",
        lambda: ole2([("EncryptionInfo", bytes(4096)), ("EncryptedPackage", bytes(8192))]),
        "file_encrypted",
        422,
        {},
    ),
    ("xls-with-password", lambda: xls([["mobile"], ["09121234567"]], password=True), "file_encrypted", 422, {}),
    ("over-the-size-limit", lambda: GOOD, "file_too_large", 413, {"max_bytes": len(GOOD) - 1}),
    ("over-the-row-limit", lambda: GOOD, "too_many_rows", 422, {"max_rows": 1}),
    ("zip-bomb", _bomb, "file_bomb", 422, {}),
    ("billion-laughs", _laughs, "file_not_spreadsheet", 422, {}),
    # issue 16
    (
        "exe-renamed-xlsx",
        lambda: b"MZ\x90\x00\x03\x00\x00\x00" + bytes(56) + b"PE\x00\x00" + bytes(512),
        "file_not_spreadsheet",
        422,
        {},
    ),
    ("wrong-magic-bytes", lambda: b"PX" + GOOD[2:], "file_not_spreadsheet", 422, {}),
    (
        "html-as-excel",
        lambda: b"<html><table><tr><td>09121234567</td><td>300000</td></tr></table></html>",
        "file_not_spreadsheet",
        422,
        {},
    ),
    ("csv-in-utf16", lambda: "mobile,amount\n09121234567,300000\n".encode("utf-16"), "file_not_spreadsheet", 422, {}),
    ("zip-of-many-entries", _many_entries, "file_bomb", 422, {}),
    (
        "external-entity",
        lambda: _sheet(
            SHEET_XML.replace(b"?><worksheet", b"?>" + _XXE + b"<worksheet").replace(b"09121234567", b"&xxe;")
        ),
        "file_not_spreadsheet",
        422,
        {},
    ),
    ("cells-a-million-rows-apart", lambda: _far_apart(b"XFD1048576"), "too_many_rows", 422, {}),
    ("cells-16384-columns-apart", lambda: _far_apart(b"XFD90000"), "file_bomb", 422, {}),
    ("a-1048576-row-sheet", _million_rows, "too_many_rows", 422, {}),
]


MEMORY_CASES = [
    "zip-bomb",
    "billion-laughs",
    "zip-of-many-entries",
    "cells-a-million-rows-apart",
    "cells-16384-columns-apart",
    "a-1048576-row-sheet",
]


@pytest.mark.parametrize("case", MEMORY_CASES)
def test_reading_a_hostile_file_keeps_memory_bounded(case: str) -> None:
    """The reader at its default limits, in a fresh process (a native abort fails this test, not the run),
    measuring the peak memory it adds: bounded whatever the file claims."""
    import subprocess
    import sys

    content, code = next((c[1](), c[2]) for c in CASES if c[0] == case)
    script = (
        "import resource, sys\n"
        "from kook.adapters.excel import CalamineSheetReader\n"
        "from kook.domain.shared.errors import DomainError\n"
        "content = sys.stdin.buffer.read()\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "try:\n    CalamineSheetReader().read(content)\nexcept DomainError as error:\n    print(error.code)\n"
        "print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], input=content, capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    refused, grown_mib = result.stdout.decode().split()
    assert refused == code
    assert int(grown_mib) < 100


async def test_a_stale_dimension_tag_is_not_believed(client: Client, settings: Settings) -> None:
    """A ``<dimension>`` that claims one cell, or the whole sheet, changes nothing: the rows are read."""
    headers = use(client, await demo_customer(client, settings))
    request_id = await new_request(client, headers)
    rows = SHEET_XML.replace(
        b'<c r="A2" t="inlineStr"><is><t>09121234567</t></is></c>',
        b'<c r="A2" t="inlineStr"><is><t>09121234567</t></is></c><c r="B2"><v>300000</v></c>',
    )
    for ref in (b"A1:A1", b"A1:XFD1048576"):
        sheet = rows.replace(b"<sheetData>", b'<dimension ref="' + ref + b'"/><sheetData>')
        response = await upload(client, headers, request_id, _sheet(sheet))
        assert response.status_code == 201 and response.json()["rows"] == 1, response.text


async def _reader(app: Litestar) -> CalamineSheetReader:
    reader = await app.state.dishka_container.get(SheetReader)
    assert isinstance(reader, CalamineSheetReader)
    return reader


@pytest.mark.parametrize(("content", "code", "status", "limits"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
async def test_a_hostile_file_is_refused_whole_and_nothing_is_added(
    client: Client,
    settings: Settings,
    app: Litestar,
    content: Callable[[], bytes],
    code: str,
    status: int,
    limits: dict[str, int],
) -> None:
    headers = use(client, await demo_customer(client, settings))
    request_id = await new_request(client, headers)
    first = await client.post(
        f"/api/v1/requests/{request_id}/lines", json={"mobile": "09121234567", "amount": 300_000}, headers=headers
    )
    assert first.status_code == 201
    reader = await _reader(app)
    for name, value in limits.items():
        setattr(reader, name, value)

    body = content()
    response = await upload(client, headers, request_id, body)
    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    assert response.json()["message"] == error_text(code) and "فایل" in response.json()["message"]

    assert [line["id"] for line in await all_lines(client, request_id)] == [first.json()["id"]]
    assert (await client.get(f"/api/v1/requests/{request_id}/summary")).json()["lines"] == 1
    assert await count(app, request_uploads) == 0

    # the control: with the reader's limits back, a good sheet is read and recorded
    reader.max_bytes, reader.max_rows = CalamineSheetReader().max_bytes, CalamineSheetReader().max_rows
    accepted = await upload(client, headers, request_id, GOOD)
    assert accepted.status_code == 201 and accepted.json()["rows"] == 2, accepted.text
    assert len(await all_lines(client, request_id)) == 3
    assert await count(app, request_uploads) == 1
