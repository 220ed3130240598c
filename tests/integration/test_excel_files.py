"""Real spreadsheet files through CalamineSheetReader and OpenpyxlWorkbookWriter (SPEC §7, Uploads).

Every file is built here: xlsx with openpyxl (or by hand, for hostile ones),
a legacy .xls as a minimal BIFF8 workbook inside a hand-built OLE2 compound
file, and OLE2 files standing for password-protected workbooks.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from collections.abc import Sequence

import openpyxl  # type: ignore[import-untyped, unused-ignore]
import pytest

from kook.adapters.excel import CalamineSheetReader, OpenpyxlWorkbookWriter
from kook.application.recharges.ports import ErrorRow, Grid
from kook.domain.recharges.sheet_rows import HEADER_COLUMNS, rows_from_grid
from kook.domain.shared.errors import DomainError

# -- building files ------------------------------------------------------------


def xlsx(rows: Sequence[Sequence[object]], *, hidden_first: bool = False, start_row: int = 1) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if hidden_first:
        sheet.title = "پنهان"
        sheet["A1"] = "hidden"
        sheet.sheet_state = "hidden"
        sheet = workbook.create_sheet("داده")
    for index, row in enumerate(rows):
        for column, value in enumerate(row):
            if value is not None:
                cell = sheet.cell(row=start_row + index, column=column + 1, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


Member = tuple[str, bytes, int, int]  # name, compressed bytes, declared uncompressed size, CRC-32


def raw_zip(members: Sequence[Member], *, deflated: bool = True) -> bytes:
    """A zip written by hand, so the declared sizes can be anything."""
    method = 8 if deflated else 0
    body = b""
    directory = b""
    for name, data, size, crc in members:
        encoded = name.encode()
        offset = len(body)
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, len(data), size, len(encoded), 0)
        body += encoded + data
        directory += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            0,
            method,
            0,
            0x21,
            crc,
            len(data),
            size,
            len(encoded),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        directory += encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), len(body), 0)
    return body + directory + end


def deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


def zeros_deflated(mebibytes: int) -> bytes:
    """``mebibytes`` MiB of zeros as one raw deflate stream, without ever holding them: one
    fully-flushed block repeated (a full flush resets the history, so the blocks are identical)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = packer.compress(bytes(1 << 20)) + packer.flush(zlib.Z_FULL_FLUSH)
    return block * mebibytes + b"\x03\x00"  # an empty final block


_MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PACKAGE = b"http://schemas.openxmlformats.org/package/2006"
_OFFICE = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_OOXML = b"application/vnd.openxmlformats-officedocument.spreadsheetml"


def minimal_xlsx_members(sheet_xml: bytes) -> list[Member]:
    """The parts of a one-sheet workbook, the sheet's XML given (deflated)."""
    parts = {
        "[Content_Types].xml": (
            b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="' + _PACKAGE + b'/content-types">'
            b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            b'<Default Extension="xml" ContentType="application/xml"/>'
            b'<Override PartName="/xl/workbook.xml" ContentType="' + _OOXML + b'.sheet.main+xml"/>'
            b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="' + _OOXML + b'.worksheet+xml"/>'
            b"</Types>"
        ),
        "_rels/.rels": (
            b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="' + _PACKAGE + b'/relationships">'
            b'<Relationship Id="rId1" Type="' + _OFFICE + b'/officeDocument" Target="xl/workbook.xml"/>'
            b"</Relationships>"
        ),
        "xl/workbook.xml": (
            b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="' + _MAIN + b'" xmlns:r="' + _OFFICE + b'">'
            b'<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="' + _PACKAGE + b'/relationships">'
            b'<Relationship Id="rId1" Type="' + _OFFICE + b'/worksheet" Target="worksheets/sheet1.xml"/>'
            b"</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    return [(name, deflate(data), len(data), zlib.crc32(data)) for name, data in parts.items()]


SHEET_XML = (
    b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>mobile</t></is></c></row>'
    b'<row r="2"><c r="A2" t="inlineStr"><is><t>09121234567</t></is></c></row></sheetData></worksheet>'
)

# OLE2 (compound file) and BIFF8, just enough for calamine and for the reader's checks.
_FREE, _END, _FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def _directory_entry(
    name: str, kind: int, *, start: int = _END, size: int = 0, child: int = _FREE, right: int = _FREE
) -> bytes:
    raw = name.encode("utf-16-le") + b"\0\0"
    entry = raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1)
    entry += struct.pack("<III", _FREE, right, child) + bytes(16 + 4 + 16)
    entry += struct.pack("<II", start, size) + bytes(4)
    return entry


def ole2(streams: Sequence[tuple[str, bytes]]) -> bytes:
    """A version-3 compound file: one FAT sector, one directory sector, streams of ≥ 4096 bytes."""
    fat = [_FATSECT, _END]
    data = b""
    entries = []
    for name, stream in streams:
        assert len(stream) >= 4096, "small streams would belong in the mini stream"
        count = -(-len(stream) // 512)
        start = len(fat)
        fat += [start + index + 1 for index in range(count - 1)] + [_END]
        data += stream.ljust(count * 512, b"\0")
        entries.append((name, start, len(stream)))
    assert len(fat) <= 128
    directory = _directory_entry("Root Entry", 5, child=1 if entries else _FREE)
    for index, (name, start, size) in enumerate(entries):
        directory += _directory_entry(
            name, 2, start=start, size=size, right=index + 2 if index + 1 < len(entries) else _FREE
        )
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
    header += struct.pack("<IIIIIIIIII", 0, 1, 1, 0, 4096, _END, 0, _END, 0, 0) + b"\xff" * (4 * 108)
    assert len(header) == 512
    return header + struct.pack(f"<{len(fat)}I", *fat).ljust(512, b"\xff") + directory.ljust(512, b"\0") + data


def _record(kind: int, body: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def xls(rows: Sequence[Sequence[object]], *, password: bool = False) -> bytes:
    """A BIFF8 workbook (Excel 97–2003) with one sheet of LABEL and NUMBER cells."""

    def bof(substream: int) -> bytes:
        return _record(0x0809, struct.pack("<HHHHII", 0x0600, substream, 1, 0x7CC, 0, 0x0106))

    def globals_(sheet_at: int) -> bytes:
        out = bof(0x0005)
        if password:
            out += _record(0x002F, struct.pack("<HHH", 1, 1, 1) + bytes(48))  # FILEPASS, RC4
        out += _record(0x0042, struct.pack("<H", 1200))  # CODEPAGE: UTF-16
        out += _record(0x0085, struct.pack("<IBBBB", sheet_at, 0, 0, 6, 1) + "Sheet1".encode("utf-16-le"))
        return out + _record(0x000A)

    sheet = bof(0x0010) + _record(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, max(map(len, rows)), 0))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str):
                sheet += _record(0x0204, struct.pack("<HHHHB", r, c, 15, len(value), 1) + value.encode("utf-16-le"))
            elif isinstance(value, int | float):
                sheet += _record(0x0203, struct.pack("<HHHd", r, c, 15, float(value)))
    sheet += _record(0x000A)
    stream = globals_(len(globals_(0))) + sheet
    return ole2([("Workbook", stream.ljust(4096, b"\0"))])


def refused(reader: CalamineSheetReader, content: bytes) -> str:
    with pytest.raises(DomainError) as caught:
        reader.read(content, "upload.xlsx")
    return caught.value.code


@pytest.fixture
def reader() -> CalamineSheetReader:
    return CalamineSheetReader()


# -- reading ---------------------------------------------------------------------


def test_an_xlsx_reads_back_with_sheet_row_numbers(reader: CalamineSheetReader) -> None:
    content = xlsx(
        [
            ["نام", "شماره موبايل ", "مبلغ (ریال)", "اپراتور"],
            ["علی", "09121234567", 200000, None],
            [None, None, None, None],
            ["", "۰۹۳۵۱۲۳۴۵۶۷", "۵۰۰٬۰۰۰", 2],
            ["رضا", 9121234567, 1_000_000.0, "3"],
            ["تاریخ", dt.date(2024, 1, 2), True, None],
        ],
        hidden_first=True,
        start_row=3,
    )
    grid = reader.read(content, "upload.xlsx")
    assert grid.rows[:2] == [(), ()]
    assert [(row.row, row.mobile, row.amount, row.operator) for row in rows_from_grid(grid.rows, "topup")] == [
        (4, "09121234567", 200000, None),
        (6, "۰۹۳۵۱۲۳۴۵۶۷", "۵۰۰٬۰۰۰", 2),
        (7, 9121234567, 1_000_000, "3"),
        (8, "2024-01-02", True, None),
    ]


def test_the_first_visible_sheet_is_read(reader: CalamineSheetReader) -> None:
    grid = reader.read(xlsx([["mobile"], ["09121234567"]], hidden_first=True))
    assert grid.rows == [("mobile",), ("09121234567",)]


def test_a_legacy_xls_reads(reader: CalamineSheetReader) -> None:
    content = xls([["شماره موبایل", "مبلغ"], ["09121234567", 200000], [9121234567, "۵۰۰٬۰۰۰"]])
    grid = reader.read(content, "upload.xls")
    assert grid.rows == [("شماره موبایل", "مبلغ"), ("09121234567", 200000), (9121234567, "۵۰۰٬۰۰۰")]


def test_an_empty_sheet_reads_as_no_rows(reader: CalamineSheetReader) -> None:
    assert reader.read(xlsx([])).rows == []


# -- whole-file refusals ----------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + bytes(100)
HTML = b"<html><body><table><tr><td>09121234567</td></tr></table></body></html>"


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(PNG, id="png"),
        pytest.param(HTML, id="html"),
        pytest.param(os.urandom(5000), id="random"),
        pytest.param(b"", id="empty"),
        pytest.param(b"mobile,amount\n09121234567,200000\n", id="csv"),
        pytest.param(b"PK\x03\x04" + os.urandom(2000), id="corrupt-zip"),
        pytest.param(
            raw_zip([("word/document.xml", deflate(b"<w/>"), 4, zlib.crc32(b"<w/>"))]), id="zip-without-workbook"
        ),
        pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(3000), id="ole2-junk"),
        pytest.param(ole2([("WordDocument", bytes(4096))]), id="ole2-not-a-workbook"),
        pytest.param(xlsx([["a"]])[:-200], id="truncated-xlsx"),
    ],
)
def test_what_is_not_a_spreadsheet_is_refused(reader: CalamineSheetReader, content: bytes) -> None:
    assert refused(reader, content) == "file_not_spreadsheet"


def test_a_zip_whose_sheet_xml_is_broken_is_refused(reader: CalamineSheetReader) -> None:
    members = minimal_xlsx_members(b"<worksheet><sheetData><row><c")
    assert refused(reader, raw_zip(members)) == "file_not_spreadsheet"


def test_a_hand_made_minimal_xlsx_reads(reader: CalamineSheetReader) -> None:
    """The control for the hostile zips below: the same parts, honest, are read."""
    assert reader.read(raw_zip(minimal_xlsx_members(SHEET_XML))).rows == [("mobile",), ("09121234567",)]


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(
            ole2([("EncryptionInfo", bytes(4096)), ("EncryptedPackage", bytes(8192))]), id="password-protected-xlsx"
        ),
        pytest.param(xls([["mobile"], ["09121234567"]], password=True), id="xls-with-filepass"),
    ],
)
def test_a_password_protected_workbook_is_refused(reader: CalamineSheetReader, content: bytes) -> None:
    assert refused(reader, content) == "file_encrypted"


def test_a_file_over_the_size_limit_is_refused_before_anything_else() -> None:
    content = xlsx([["mobile"], ["09121234567"]])
    assert CalamineSheetReader(max_bytes=len(content)).read(content).rows
    assert refused(CalamineSheetReader(max_bytes=len(content) - 1), content) == "file_too_large"
    assert refused(CalamineSheetReader(max_bytes=10), PNG) == "file_too_large"


def test_the_default_limits_are_20_mib_and_100000_rows() -> None:
    reader = CalamineSheetReader()
    assert (reader.max_bytes, reader.max_rows) == (20 * 1024 * 1024, 100_000)


def test_more_data_rows_than_the_limit_are_refused() -> None:
    with_header = xlsx([["mobile"], *[[f"0912123456{index}"] for index in range(3)], [None], [None]])
    without_header = xlsx([[f"0912123456{index}"] for index in range(3)])
    small = CalamineSheetReader(max_rows=3)
    assert len(rows_from_grid(small.read(with_header).rows, "topup")) == 3  # the header and blank rows do not count
    assert len(rows_from_grid(small.read(without_header).rows, "topup")) == 3
    smaller = CalamineSheetReader(max_rows=2)
    assert refused(smaller, with_header) == "too_many_rows"
    assert refused(smaller, without_header) == "too_many_rows"


def test_a_zip_bomb_is_refused_from_its_directory_without_inflating(reader: CalamineSheetReader) -> None:
    members = [*minimal_xlsx_members(SHEET_XML)[:-1], ("xl/worksheets/sheet1.xml", zeros_deflated(500), 500 << 20, 0)]
    content = raw_zip(members)
    assert len(content) < 1 << 20
    started = time.perf_counter()
    assert refused(reader, content) == "file_bomb"
    assert time.perf_counter() - started < 1.0


def test_a_member_inflating_too_far_is_refused(reader: CalamineSheetReader) -> None:
    # 50 MiB of zeros: under the total limit, but a ratio of about 1000:1.
    members = [*minimal_xlsx_members(SHEET_XML)[:-1], ("xl/worksheets/sheet1.xml", zeros_deflated(50), 50 << 20, 0)]
    assert refused(reader, raw_zip(members)) == "file_bomb"


def test_a_member_that_lies_about_its_size_is_refused(reader: CalamineSheetReader) -> None:
    """Declared 1 MiB, inflates to 300 MiB: refused after inflating (and discarding) at most 1 MiB + 1 byte."""
    members = [*minimal_xlsx_members(SHEET_XML)[:-1], ("xl/worksheets/sheet1.xml", zeros_deflated(300), 1 << 20, 0)]
    started = time.perf_counter()
    assert refused(reader, raw_zip(members)) == "file_bomb"
    assert time.perf_counter() - started < 1.0


def test_too_many_members_is_refused() -> None:
    members = [*minimal_xlsx_members(SHEET_XML), *[(f"xl/media/{index}.bin", b"", 0, 0) for index in range(20)]]
    assert refused(CalamineSheetReader(max_members=10), raw_zip(members, deflated=False)) == "file_bomb"


_LAUGHS = (
    b'<!DOCTYPE worksheet [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (level, (b"&lol%d;" % (level - 1) if level > 1 else b"&lol;") * 10)
        for level in range(1, 10)
    )
    + b"]>"
)


def test_xml_entity_expansion_is_not_expanded(reader: CalamineSheetReader) -> None:
    """A billion-laughs sheet: calamine does not expand user-defined entities; the file is refused."""
    sheet = SHEET_XML.replace(b"?><worksheet", b"?>" + _LAUGHS + b"<worksheet").replace(b"09121234567", b"&lol9;")
    assert b"&lol9;" in sheet
    started = time.perf_counter()
    assert refused(reader, raw_zip(minimal_xlsx_members(sheet))) == "file_not_spreadsheet"
    assert time.perf_counter() - started < 1.0


def test_reading_a_billion_laughs_keeps_memory_low(tmp_path: object) -> None:
    """The same, in a fresh process, measuring its peak memory."""
    sheet = SHEET_XML.replace(b"?><worksheet", b"?>" + _LAUGHS + b"<worksheet").replace(b"09121234567", b"&lol9;")
    script = (
        "import resource, sys\n"
        "from kook.adapters.excel import CalamineSheetReader\n"
        "from kook.domain.shared.errors import DomainError\n"
        "content = sys.stdin.buffer.read()\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "try:\n    CalamineSheetReader().read(content)\nexcept DomainError as error:\n    print(error.code)\n"
        "print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        input=raw_zip(minimal_xlsx_members(sheet)),
        capture_output=True,
        timeout=60,
        check=True,
    )
    code, grown_mib = result.stdout.decode().split()
    assert code == "file_not_spreadsheet"
    assert int(grown_mib) < 50


# -- writing -----------------------------------------------------------------------


def test_the_error_workbook_never_holds_a_formula(reader: CalamineSheetReader) -> None:
    hostile = ['=HYPERLINK("http://x","y")', "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", "#N/A", "=1", "a\x01b"]
    rows = [
        ErrorRow(row=2, cells=hostile, column="mobile", code="mobile_invalid", message="شماره موبایل نامعتبر است"),
        ErrorRow(
            row=5, cells=["09121234567", 150000.0], column="amount", code="amount_out_of_range", message="=خارج از بازه"
        ),
        ErrorRow(row=7, cells=[], column=None, code="=cmd", message="-"),
    ]
    content = OpenpyxlWorkbookWriter().error_workbook(["mobile", "=amount"], rows)

    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    assert sheet.sheet_view.rightToLeft is True
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    assert not any(isinstance(cell.value, str) and cell.data_type == "e" for cell in cells)
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    width = len(hostile)
    assert values[0] == ["mobile", "=amount", *[None] * (width - 2), "ردیف", "ستون خطا", "کد خطا", "توضیح خطا"]
    # (a carriage return comes back as itself or, through some XML writers, as a line feed: either way text)
    assert [str(v).replace("\r", "\n") for v in values[1][:width]] == [
        *(text.replace("\r", "\n") for text in hostile[:-1]),
        "ab",
    ]
    assert values[1][width:] == [2, "شماره موبایل", "mobile_invalid", "شماره موبایل نامعتبر است"]
    assert values[2][width:] == [5, "مبلغ", "amount_out_of_range", "=خارج از بازه"]
    assert values[3][width:] == [7, None, "=cmd", "-"]
    # the raw XML: no <f> element anywhere
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert all(b"<f>" not in archive.read(name) and b"<f " not in archive.read(name) for name in archive.namelist())
    # and it reads back through the upload path, ready to be fixed and uploaded again
    grid: Grid = reader.read(content)
    (first, *_) = rows_from_grid(grid.rows, "topup")
    assert first.row == 2 and first.mobile == hostile[0]


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (
            "topup",
            [
                (2, "09121234567", 200000, None),
                (3, "09351234567", 500000, None),
                (4, "09121234567", 1000000, None),
                (5, "09191234567", 300000, 2),
            ],
        ),
        (
            "package",
            [
                (2, "09121234567", None, None),
                (3, "09351234567", None, None),
                (4, "09211234567", None, None),
                (5, "09191234567", None, 2),
            ],
        ),
    ],
)
def test_the_samples_read_back_through_the_upload_path(
    reader: CalamineSheetReader, kind: str, expected: list[tuple[int, object, object, object]]
) -> None:
    content = OpenpyxlWorkbookWriter().sample(kind)
    grid = reader.read(content, f"sample-{kind}.xlsx")
    assert tuple(grid.rows[0]) == HEADER_COLUMNS[kind]
    rows = rows_from_grid(grid.rows, "topup" if kind == "topup" else "package")
    assert [(row.row, row.mobile, row.amount, row.operator) for row in rows] == expected

    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["نمونه", "راهنما"]
    sample, guide = workbook.worksheets
    assert sample.sheet_view.rightToLeft and guide.sheet_view.rightToLeft
    assert sample["A2"].data_type == "s" and sample["A2"].value == "09121234567"  # the leading zero survives
    assert sample.column_dimensions["A"].width >= 15
    text = " ".join(str(cell.value) for row in guide.iter_rows() for cell in row if cell.value is not None)
    for needle in (
        "۲۰۰٬۰۰۰",
        "۱٬۰۰۰٬۰۰۰",
        "تکراری",
        "ترابرد",
        "همراه اول",
        "ایرانسل",
        "رایتل",
        "شاتل",
        "۱۰۰٬۰۰۰",
        "۲۰ مگابایت",
    ):
        assert needle in text
    assert [(row[0].value, row[1].value) for row in guide.iter_rows(min_row=guide.max_row - 3)] == [
        (1, "همراه اول"),
        (2, "ایرانسل"),
        (3, "رایتل"),
        (5, "شاتل"),
    ]


def test_an_unknown_sample_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        OpenpyxlWorkbookWriter().sample("other")
