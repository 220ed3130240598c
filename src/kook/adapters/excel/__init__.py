"""Spreadsheets: reading uploads (python-calamine) and writing workbooks (openpyxl)."""

from kook.adapters.excel.calamine_sheet_reader import CalamineSheetReader
from kook.adapters.excel.openpyxl_workbook_writer import OpenpyxlWorkbookWriter

__all__ = ["CalamineSheetReader", "OpenpyxlWorkbookWriter"]
