"""Exports' small rules: the one-download limit, progress as a percentage, the export store's keys and purge
of leftovers, and a person's text that could read as a formula written as text."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]

from kook.adapters.excel.export_files import LocalExportFiles
from kook.adapters.excel.report_workbook import _local_parts, _user_text
from kook.application.reporting.export_transactions import MAX_EXPORT_ROWS
from kook.application.reporting.ports import ReportExport
from kook.application.reporting.report_exports import ExportNotFound
from kook.domain.shared.jalali import TEHRAN, from_gregorian

NOW = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)


def export(status: str, done: int, total: int) -> ReportExport:
    return ReportExport(
        id="e" * 32,
        owner_id="u",
        customer_id="c",
        kind="transactions",
        filter="{}",
        status=status,
        rows_total=total,
        rows_done=done,
        created_at=NOW,
        expires_at=NOW + timedelta(days=1),
    )


def test_one_download_holds_fifty_thousand_rows() -> None:
    assert MAX_EXPORT_ROWS == 50_000


def test_progress_is_a_percentage_that_reaches_100_only_when_done() -> None:
    assert export("queued", 0, 0).percent == 0
    assert export("running", 30_000, 120_000).percent == 25
    assert export("running", 120_000, 120_000).percent == 99  # written, not yet saved
    assert export("done", 120_000, 120_000).percent == 100


def test_the_store_answers_only_its_own_keys(tmp_path: Path) -> None:
    files = LocalExportFiles(tmp_path / "exports")
    key = files.new_key()
    assert files.path(key) == str(tmp_path / "exports" / f"{key}.xlsx")
    for bad in ("../../etc/passwd", "E" * 32, key + "0", "", "x" * 32):
        with pytest.raises(ExportNotFound):
            files.path(bad)
    with files.open_new(key) as handle:
        handle.write(b"x")
    assert os.stat(files.path(key)).st_mode & 0o777 == 0o600
    with pytest.raises(FileExistsError):
        files.open_new(key)  # never overwrites


async def test_leftovers_older_than_a_day_go_and_kept_or_fresh_files_stay(tmp_path: Path) -> None:
    files = LocalExportFiles(tmp_path)
    old, kept, fresh = files.new_key(), files.new_key(), files.new_key()
    for key in (old, kept, fresh):
        with files.open_new(key) as handle:
            handle.write(b"x")
    (tmp_path / "notes.txt").write_text("not an export")
    day_ago = time.time() - 86_400 - 60
    for key in (old, kept):
        os.utime(files.path(key), (day_ago, day_ago))
    assert await files.delete_older_than(86_400, keep={kept}) == 1
    assert await files.size(old) is None and await files.size(kept) == 1 and await files.size(fresh) == 1
    assert (tmp_path / "notes.txt").exists()


@pytest.mark.parametrize("text", ["=1+2", "+98912", "-5", "@SUM(A1)", "\t=x", "\r=x", "=\x01HYPERLINK()"])
def test_text_that_could_read_as_a_formula_is_a_text_cell(text: str) -> None:
    sheet = Workbook(write_only=True).create_sheet("s")
    cell: Any = _user_text(sheet, text)
    assert cell.data_type == "s" and "\x01" not in cell.value


def test_plain_text_stays_a_plain_value_without_illegal_characters() -> None:
    sheet = Workbook(write_only=True).create_sheet("s")
    assert _user_text(sheet, "حقوق آذر") == "حقوق آذر"
    assert _user_text(sheet, "a\x01b") == "ab"
    assert _user_text(sheet, "\x01=1") is not None and _user_text(sheet, "\x01=1").data_type == "s"
    assert _user_text(sheet, "") is None and _user_text(sheet, None) is None


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)))
def test_an_exported_time_is_tehrans_jalali_day_and_minute(moment: datetime) -> None:
    """The export makes each minute's date and time once: the same text as converting the moment itself,
    across Iran's old daylight saving, Nowruz and leap Esfand."""
    local = moment.astimezone(TEHRAN)
    year, month, day = from_gregorian(local.date())
    assert _local_parts(moment) == (f"{year:04d}/{month:02d}/{day:02d}", f"{local.hour:02d}:{local.minute:02d}")


def test_exported_times_at_tehrans_midnight_nowruz_and_leap_esfand() -> None:
    assert _local_parts(datetime(2026, 12, 2, 20, 29, 59, tzinfo=UTC)) == ("1405/09/11", "23:59")
    assert _local_parts(datetime(2026, 12, 2, 20, 30, tzinfo=UTC)) == ("1405/09/12", "00:00")
    assert _local_parts(datetime(2026, 3, 20, 20, 30, tzinfo=UTC)) == ("1405/01/01", "00:00")  # Nowruz 1405
    assert _local_parts(datetime(2025, 3, 20, 20, 29, tzinfo=UTC)) == ("1403/12/30", "23:59")  # leap Esfand 1403
