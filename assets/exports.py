"""Streamed CSV and XLSX exports of asset lists, safe to open in a spreadsheet.

Rows are read from the database in chunks (``iterator``) and written as they
come, so 100,000 assets never sit in memory at once. Any cell that starts
with = + - @ tab or carriage return is prefixed with an apostrophe: a
spreadsheet would otherwise run it as a formula (CSV/formula injection).
"""

import csv
import itertools
import os
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from typing import BinaryIO

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from icity.spreadsheets import neutralise_formula, xlsx_write

from .models import AssetStatus, Condition

EXPORT_FIELDS = [
    "tag",
    "serial",
    "manufacturer__name",
    "model__name",
    "model__category__code",
    "status",
    "condition",
    "site__code",
    "location",
    "holder__email",
    "purchase_date",
    "purchase_price",
    "supplier",
    "procurement_contract",
    "procurement_order",
    "warranty_end",
    "notes",
]


def export_headers() -> list[str]:
    return [
        _("Asset tag"),
        _("Serial number"),
        _("Manufacturer"),
        _("Model"),
        _("Category"),
        _("Status"),
        _("Condition"),
        _("Site"),
        _("Sub-location"),
        _("Holder"),
        _("Purchase date"),
        _("Purchase price"),
        _("Supplier"),
        _("Procurement contract"),
        _("Order number"),
        _("Warranty end"),
        _("Notes"),
    ]


def neutralise(value) -> object:
    """Make a value inert in a spreadsheet: text that looks like a formula gets a leading apostrophe."""
    return "" if value is None else neutralise_formula(value)


def export_rows(queryset: QuerySet, *, chunk_size: int = 2000) -> Iterator[list]:
    statuses = dict(AssetStatus.choices)
    conditions = dict(Condition.choices)
    status_index, condition_index = EXPORT_FIELDS.index("status"), EXPORT_FIELDS.index("condition")
    for values in queryset.values_list(*EXPORT_FIELDS).iterator(chunk_size=chunk_size):
        row = list(values)
        row[status_index] = str(statuses.get(row[status_index], row[status_index]))
        row[condition_index] = str(conditions.get(row[condition_index], row[condition_index]))
        yield [neutralise(value) for value in row]


class _Echo:
    def write(self, value: str) -> str:
        return value


def stream_csv(queryset: QuerySet) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # Excel opens UTF-8 correctly only with a BOM
    yield writer.writerow(export_headers())
    for row in export_rows(queryset):
        yield writer.writerow([value.isoformat() if hasattr(value, "isoformat") else value for value in row])


def write_xlsx(queryset: QuerySet) -> BinaryIO:
    """Write an XLSX with openpyxl's write-only mode (constant memory) to a temporary file on disk."""
    rows = ([float(value) if isinstance(value, Decimal) else value for value in row] for row in export_rows(queryset))
    # Closed by stream_file once the response has been sent.
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    xlsx_write(itertools.chain([export_headers()], rows), handle, title=_("Assets"))
    handle.seek(0, os.SEEK_SET)
    return handle


def stream_file(handle, *, block_size: int = 64 * 1024) -> Iterator[bytes]:
    try:
        while chunk := handle.read(block_size):
            yield chunk
    finally:
        handle.close()


def stream_xlsx(queryset: QuerySet) -> Iterator[bytes]:
    """Build the workbook on disk once the response has started, then send it in blocks."""
    yield from stream_file(write_xlsx(queryset))
