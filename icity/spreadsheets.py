"""Helpers for every CSV/XLSX export the apps stream."""

from collections.abc import Iterable

from .text import XML_ILLEGAL

# Spreadsheet programs run a cell that starts with one of these as a formula
# (CSV injection); a leading apostrophe makes it plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise_formula(value):
    """Return ``value`` made inert in a spreadsheet; non-text values pass through."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def xlsx_value(value):
    """A cell value an XLSX can always hold: characters XML refuses dropped, formulas made inert.

    A stored ESC or NUL (from before input cleaning, or from a path that does not
    clean) would otherwise make openpyxl refuse the whole workbook.
    """
    if isinstance(value, str):
        return neutralise_formula(XML_ILLEGAL.sub("", value))
    return value


def xlsx_write(rows: Iterable[Iterable], handle, *, title: str) -> None:
    """The one XLSX writer: a write-only workbook (constant memory) of ``rows`` saved to ``handle``."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(title)[:31])
    for row in rows:
        sheet.append([xlsx_value(value) for value in row])
    workbook.save(handle)
