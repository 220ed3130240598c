"""Reading an uploaded workbook with python-calamine, refusing hostile files whole.

python-calamine reads a whole sheet into memory (ARCHITECTURE, Known traps:
a 1.6 MB zip bomb took 11 s and 1 GB), so everything that can be judged from
the bytes is judged first, without inflating anything:

* size over ``max_bytes`` → ``file_too_large``;
* neither a zip (xlsx) nor an OLE2 compound file (xls) → ``file_not_spreadsheet``;
* OLE2: the directory is read; an encrypted OOXML (a password-protected xlsx
  is stored as OLE2 with ``EncryptionInfo``/``EncryptedPackage`` streams) →
  ``file_encrypted``; no ``Workbook``/``Book`` stream → ``file_not_spreadsheet``;
  an xls with a FILEPASS record makes calamine raise PasswordError →
  ``file_encrypted``;
* zip: the central directory's declared sizes (too many members, too much in
  total, a member inflating too far) → ``file_bomb``; no ``xl/workbook.xml``
  → ``file_not_spreadsheet``; then the members calamine will parse are
  inflated in a stream, counting, and never past their declared size plus one
  byte — a member that lies about its size → ``file_bomb``.

Then the first visible worksheet is read row by row; more than ``max_rows``
non-blank rows below the header → ``too_many_rows``. calamine's XML parser
does not expand user-defined entities, so a billion-laughs sheet is not a risk.

One file, over 400 lines on purpose: the checks above are one guard in one order, each one trusting only
what the one before it vouched for (the OLE2 directory and the zip directory readers are its second half);
split across files, a reader would have to follow that order from module to module.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import python_calamine

from kook.application.recharges.ports import Cell, Grid, SheetReader
from kook.domain.recharges.sheet_rows import is_blank, is_header_row
from kook.domain.shared.errors import DomainError

MiB: Final = 1024 * 1024

_OLE2_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS: Final = (b"PK\x03\x04", b"PK\x05\x06")  # a local file header, or an empty archive's end record
_ENCRYPTED_STREAMS: Final = frozenset({"encryptioninfo", "encryptedpackage"})
_ENDOFCHAIN: Final = 0xFFFFFFFE
_EMPTY_ROW: Final[tuple[Cell, ...]] = ()
_EXACT: Final = 2.0**53  # floats below this are exact integers
_PLAIN: Final = frozenset({str, int, bool})  # cells kept as they are (calamine gives "" for an empty cell)


def _refuse(code: str, **details: object) -> DomainError:
    return DomainError(code, dict(details) if details else None)


class CalamineSheetReader(SheetReader):
    """A ``SheetReader`` (kook.application.recharges.sheets) over python-calamine."""

    def __init__(
        self,
        *,
        max_bytes: int = 20 * MiB,
        max_rows: int = 100_000,
        max_uncompressed: int = 200 * 1000 * 1000,
        max_ratio: int = 200,
        ratio_floor: int = 10 * 1000 * 1000,
        max_members: int = 1_000,
        max_columns: int = 50,
        max_cells: int = 10_000_000,
    ) -> None:
        self.max_bytes = max_bytes
        self.max_rows = max_rows
        self.max_uncompressed = max_uncompressed
        self.max_ratio = max_ratio
        self.ratio_floor = ratio_floor
        self.max_members = max_members
        self.max_columns = max_columns
        # calamine lays a sheet out densely, from its first to its last cell reference: two cells far apart
        # (A1 and XFD1048576) would ask for 17 billion cells and abort the process. Refused from the references
        # before calamine sees the sheet.
        self.max_cells = max_cells

    def read(self, content: bytes, filename: str | None = None) -> Grid:
        if len(content) > self.max_bytes:
            raise _refuse("file_too_large", max_bytes=self.max_bytes)
        if content.startswith(_OLE2_MAGIC):
            self._check_ole2(content)
        elif content.startswith(_ZIP_MAGICS):
            self._check_zip(content)
        else:
            raise _refuse("file_not_spreadsheet")
        return self._read_first_visible_sheet(content)

    # -- whole-file checks -------------------------------------------------

    def _check_ole2(self, content: bytes) -> None:
        try:
            ole = _Ole2(content)
            by_name = {entry.name.casefold(): entry for entry in ole.entries if entry.kind == 2}
            if by_name.keys() & _ENCRYPTED_STREAMS:
                raise _refuse("file_encrypted")
            stream = next((by_name[name] for name in ("workbook", "book") if name in by_name), None)
            if stream is None:
                raise _refuse("file_not_spreadsheet")
            try:
                prefix = ole.stream_prefix(stream, 4096)
            except ValueError:
                prefix = b""  # leave it to calamine, which refuses what it cannot read
            if _has_filepass(prefix):
                raise _refuse("file_encrypted")
        except ValueError:
            raise _refuse("file_not_spreadsheet") from None

    def _check_zip(self, content: bytes) -> None:
        try:
            archive = zipfile.ZipFile(io.BytesIO(content))
        except (zipfile.BadZipFile, ValueError, OSError, EOFError):
            raise _refuse("file_not_spreadsheet") from None
        with archive:
            members = archive.infolist()
            if len(members) > self.max_members:
                raise _refuse("file_bomb")
            total = 0
            for member in members:
                total += member.file_size
                if total > self.max_uncompressed:
                    raise _refuse("file_bomb")
                ratio = member.file_size / max(member.compress_size, 1)
                if member.file_size > self.ratio_floor and ratio > self.max_ratio:
                    raise _refuse("file_bomb")
            names = {member.filename for member in members}
            if "xl/workbook.xml" not in names:
                if "EncryptionInfo" in names or "EncryptedPackage" in names:
                    raise _refuse("file_encrypted")
                raise _refuse("file_not_spreadsheet")
            for member in members:
                if _parsed_by_calamine(member.filename):
                    self._check_member(content, member)

    def _check_member(self, content: bytes, member: zipfile.ZipInfo) -> None:
        """Inflate one member in a stream, keeping nothing: refuse one that lies about its size."""
        if member.flag_bits & 0x1:
            raise _refuse("file_encrypted")
        start = _member_data_offset(content, member)
        if start is None or start + member.compress_size > len(content):
            raise _refuse("file_not_spreadsheet")
        if member.compress_type == zipfile.ZIP_STORED:
            if member.filename.startswith("xl/worksheets/"):
                stored = _Extent()
                stored.feed(content[start : start + member.compress_size])
                self._check_extent(stored)
            return
        if member.compress_type != zipfile.ZIP_DEFLATED:
            raise _refuse("file_not_spreadsheet")
        allowance = member.file_size + 1
        produced = 0
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        view = memoryview(content)[start : start + member.compress_size]
        extent = _Extent() if member.filename.startswith("xl/worksheets/") else None
        try:
            for offset in range(0, len(view), 64 * 1024):
                pending = bytes(view[offset : offset + 64 * 1024])
                while pending:
                    chunk = inflater.decompress(pending, 1024 * 1024)
                    produced += len(chunk)
                    if produced > allowance:
                        raise _refuse("file_bomb")
                    if extent is not None:
                        extent.feed(chunk)
                    pending = inflater.unconsumed_tail
        except zlib.error:
            raise _refuse("file_not_spreadsheet") from None
        if produced != member.file_size:
            raise _refuse("file_not_spreadsheet")
        if extent is not None:
            self._check_extent(extent)

    def _check_extent(self, extent: _Extent) -> None:
        rows, columns = extent.size()
        if rows > 2 * self.max_rows + 1_000:  # past the row limit whatever blank rows there are
            raise _refuse("too_many_rows", max_rows=self.max_rows)
        if rows * columns > self.max_cells:
            raise _refuse("file_bomb")

    # -- reading -----------------------------------------------------------

    def _read_first_visible_sheet(self, content: bytes) -> Grid:
        try:
            workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        except python_calamine.PasswordError:
            raise _refuse("file_encrypted") from None
        except Exception:  # calamine raises CalamineError, XmlError, ZipError or plain errors for junk
            raise _refuse("file_not_spreadsheet") from None
        with workbook:
            index = _first_visible_sheet(workbook.sheets_metadata)
            if index is None:
                raise _refuse("file_not_spreadsheet")
            try:
                sheet = workbook.get_sheet_by_index(index)
                return Grid(rows=self._rows(sheet.iter_rows()))
            except python_calamine.PasswordError:
                raise _refuse("file_encrypted") from None
            except DomainError:
                raise
            except Exception:
                raise _refuse("file_not_spreadsheet") from None

    def _rows(self, raw_rows: Iterable[Sequence[Any]]) -> list[tuple[Cell, ...]]:
        rows: list[tuple[Cell, ...]] = []
        append = rows.append
        seen_first = False
        data_rows = 0
        max_rows = self.max_rows
        max_columns = self.max_columns
        for raw in raw_rows:
            # The common row is text and numbers only: convert it in one pass, no call per cell.
            cells: tuple[Cell, ...] = tuple(
                [
                    None  # type: ignore[misc]  # mypy joins the branches to object; each is a Cell
                    if value == ""
                    else int(value)
                    if value.__class__ is float and value.is_integer() and -_EXACT < value < _EXACT
                    else value
                    if value.__class__ in _PLAIN
                    else _cell(value)
                    for value in (raw if len(raw) <= max_columns else raw[:max_columns])
                ]
            )
            end = len(cells)
            while end and cells[end - 1] is None:
                end -= 1
            if end < len(cells):
                cells = cells[:end]
            if is_blank(cells):
                append(_EMPTY_ROW)
                continue
            if not seen_first:
                seen_first = True
                if is_header_row(cells):
                    append(cells)
                    continue
            data_rows += 1
            if data_rows > max_rows:
                raise _refuse("too_many_rows", max_rows=max_rows)
            append(cells)
        while rows and not rows[-1]:
            rows.pop()
        return rows


_REFERENCE = re.compile(rb'\sr="([A-Z]{0,3})([0-9]{1,9})"')


class _Extent:
    """The first and last row and column a worksheet's XML refers to (``<row r="7">``, ``<c r="B7">``)."""

    def __init__(self) -> None:
        self._tail = b""
        self.rows = (0, 0)
        self.columns = (0, 0)

    def feed(self, chunk: bytes) -> None:
        text = self._tail + chunk
        for letters, digits in _REFERENCE.findall(text):  # one seen twice (in the tail) changes nothing
            self._see(int(digits), _column_number(letters) if letters else 0)
        self._tail = text[-32:]  # a reference split between chunks is whole in the next text

    def _see(self, row: int, column: int) -> None:
        low, high = self.rows
        self.rows = (min(low, row) if low else row, max(high, row))
        if column:
            low, high = self.columns
            self.columns = (min(low, column) if low else column, max(high, column))

    def size(self) -> tuple[int, int]:
        rows = self.rows[1] - self.rows[0] + 1 if self.rows[1] else 0
        columns = self.columns[1] - self.columns[0] + 1 if self.columns[1] else 1
        return rows, columns


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _first_visible_sheet(metadata: list[python_calamine.SheetMetadata]) -> int | None:
    for index, sheet in enumerate(metadata):
        if (
            sheet.visible == python_calamine.SheetVisibleEnum.Visible
            and sheet.typ == python_calamine.SheetTypeEnum.WorkSheet
        ):
            return index
    return None


def _cell(value: object) -> Cell:
    if value is None or (isinstance(value, str) and value == ""):
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)  # Excel keeps every number as a float: 2.0 is the operator code 2
    if isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    return str(value)


def _parsed_by_calamine(name: str) -> bool:
    return name.endswith((".xml", ".rels", ".bin")) and name.startswith(("xl/", "_rels/", "[Content_Types]"))


def _member_data_offset(content: bytes, member: zipfile.ZipInfo) -> int | None:
    """Where a member's compressed bytes start: after its local header (30 bytes, the name and extra)."""
    at = member.header_offset
    header = content[at : at + 30]
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        return None
    name_length, extra_length = struct.unpack_from("<HH", header, 26)
    return int(at + 30 + name_length + extra_length)


@dataclass(frozen=True)
class _OleEntry:
    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    start: int
    size: int


class _Ole2:
    """Just enough of an OLE2 compound file to list its directory and read a stream's start.

    Every chain is bounded and checked, so a looping or truncated file raises
    ValueError instead of hanging the reader.
    """

    def __init__(self, content: bytes) -> None:
        if len(content) < 512 or not content.startswith(_OLE2_MAGIC):
            raise ValueError("not an OLE2 file")
        self.content = content
        shift = struct.unpack_from("<H", content, 30)[0]
        if shift not in (9, 12):
            raise ValueError("bad sector size")
        self.size = size = 1 << shift
        self.sectors = (len(content) - size) // size if len(content) > size else 0
        if self.sectors <= 0:
            raise ValueError("no sectors")
        self.mini_cutoff, first_minifat, minifat_count = struct.unpack_from("<III", content, 56)
        per_sector = size // 4
        difat = list(struct.unpack_from("<109I", content, 76))
        next_difat, difat_count = struct.unpack_from("<II", content, 68)
        for _ in range(min(difat_count, self.sectors)):
            if next_difat >= _ENDOFCHAIN:
                break
            entries = struct.unpack_from(f"<{per_sector}I", self.sector(next_difat))
            difat.extend(entries[:-1])
            next_difat = entries[-1]
        self.fat: list[int] = []
        for number in difat:
            if number < self.sectors:
                self.fat.extend(struct.unpack_from(f"<{per_sector}I", self.sector(number)))
        directory = b"".join(self.sector(n) for n in self.chain(struct.unpack_from("<I", content, 48)[0]))
        self.entries: list[_OleEntry] = []
        for offset in range(0, len(directory), 128):
            entry = directory[offset : offset + 128]
            length = struct.unpack_from("<H", entry, 64)[0]
            kind = entry[66]
            if kind in (1, 2, 5) and 2 <= length <= 64:
                start, stream_size = struct.unpack_from("<II", entry, 116)
                name = entry[: length - 2].decode("utf-16-le", errors="replace")
                self.entries.append(_OleEntry(name, kind, start, stream_size))
        if not self.entries or self.entries[0].kind != 5:
            raise ValueError("no root entry")
        self.minifat: list[int] = []
        if minifat_count and first_minifat < _ENDOFCHAIN:
            for number in self.chain(first_minifat):
                self.minifat.extend(struct.unpack_from(f"<{per_sector}I", self.sector(number)))

    def sector(self, number: int) -> bytes:
        if not 0 <= number < self.sectors:
            raise ValueError("sector out of range")
        start = (number + 1) * self.size
        return self.content[start : start + self.size]

    def chain(self, first: int, table: list[int] | None = None, limit: int | None = None) -> list[int]:
        fat = self.fat if table is None else table
        numbers: list[int] = []
        seen: set[int] = set()
        current = first
        while current != _ENDOFCHAIN:
            if current in seen or not 0 <= current < len(fat):
                raise ValueError("broken chain")
            seen.add(current)
            numbers.append(current)
            if limit is not None and len(numbers) >= limit:
                break
            current = int(fat[current])
        return numbers

    def stream_prefix(self, entry: _OleEntry, length: int) -> bytes:
        """The first ``length`` bytes of a stream (fewer when it is shorter)."""
        wanted = min(length, entry.size)
        if entry.size >= self.mini_cutoff:
            sectors = self.chain(entry.start, limit=-(-wanted // self.size) or 1)
            return b"".join(self.sector(n) for n in sectors)[:wanted]
        root = self.entries[0]
        container = b"".join(self.sector(n) for n in self.chain(root.start))
        minis = self.chain(entry.start, self.minifat, limit=-(-wanted // 64) or 1)
        data = b"".join(container[n * 64 : n * 64 + 64] for n in minis)
        return data[:wanted]


def _has_filepass(workbook_stream: bytes) -> bool:
    """True when the globals substream carries a FILEPASS record (an encrypted xls)."""
    offset = 0
    for _ in range(64):
        if offset + 4 > len(workbook_stream):
            return False
        kind, length = struct.unpack_from("<HH", workbook_stream, offset)
        if kind == 0x002F:
            return True
        if kind == 0x000A:  # EOF of the globals
            return False
        offset += 4 + length
    return False


def ole2_entry_names(content: bytes) -> list[str]:
    """The names in an OLE2 compound file's directory (raises ValueError when it is not one)."""
    return [entry.name for entry in _Ole2(content).entries]
