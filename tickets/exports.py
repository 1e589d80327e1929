"""The queue's export: the tickets a reader sees in the queue, as CSV or XLSX.

Same scoping as the queue page (``access.queue_tickets``: an agent every ticket,
a support manager the tickets of the teams they lead) and the same allow-listed
filters (``QueueFilterForm``: an unknown parameter is ignored). Rows are read
with one query in chunks and written as they come, so a large export never sits
in memory. Text is made safe for a spreadsheet: control characters are dropped
(XML refuses them, and they mean nothing in a cell) and a cell that starts like a
formula gets a leading apostrophe (CSV/formula injection).
"""

import csv
import itertools
import os
import tempfile
from collections.abc import Iterator
from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from icity.spreadsheets import neutralise_formula, xlsx_write
from icity.text import CONTROL_OR_BREAK

from .access import queue_tickets, reads_queue
from .models import Kind, Priority, Status
from .queries import QueueFilterForm, filter_queue

FORMATS = ("csv", "xlsx")
# Beyond this a spreadsheet is no longer the tool: refine the filters (the page says so).
EXPORT_ROW_CAP = 50_000

FIELDS = [
    "reference",
    "title",
    "kind",
    "status",
    "priority",
    "category__name_fr",
    "category__name_nl",
    "team__name",
    "team__name_nl",
    "team__name_en",
    "requester__first_name",
    "requester__last_name",
    "requester__email",
    "requester__department__name_fr",
    "requester__department__name_nl",
    "assignee__first_name",
    "assignee__last_name",
    "created_at",
    "updated_at",
    "first_response_at",
    "resolution_due",
    "resolved_at",
    "closed_at",
]


def export_headers() -> list[str]:
    return [
        _("Reference"),
        _("Title"),
        _("Kind"),
        _("Status"),
        _("Priority"),
        _("Category"),
        _("Team"),
        _("Requester"),
        _("Requester email"),
        _("Department"),
        _("Assignee"),
        _("Opened"),
        _("Last activity"),
        _("First response"),
        _("Resolution due"),
        _("Resolved"),
        _("Closed"),
    ]


def cell(value):
    """A value a spreadsheet shows as plain text: no control characters, no formula."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, str):
        # Line breaks go too: one ticket, one line, whatever the title held.
        return neutralise_formula(CONTROL_OR_BREAK.sub(" ", value).strip())
    return value


def _in_language(fr: str | None, nl: str | None, en: str | None = None) -> str:
    language = get_language()
    if language == "nl" and nl:
        return nl
    if language == "en" and en:
        return en
    return fr or ""


def export_rows(queryset, *, chunk_size: int = 2000) -> Iterator[list]:
    kinds, statuses, priorities = dict(Kind.choices), dict(Status.choices), dict(Priority.choices)
    for row in queryset.values(*FIELDS)[:EXPORT_ROW_CAP].iterator(chunk_size=chunk_size):
        values = [
            row["reference"],
            row["title"],
            str(kinds.get(row["kind"], "")),
            str(statuses.get(row["status"], "")),
            str(priorities.get(row["priority"], "")),
            _in_language(row["category__name_fr"], row["category__name_nl"]),
            _in_language(row["team__name"], row["team__name_nl"], row["team__name_en"]),
            f"{row['requester__first_name']} {row['requester__last_name']}".strip(),
            row["requester__email"],
            _in_language(row["requester__department__name_fr"], row["requester__department__name_nl"]),
            f"{row['assignee__first_name'] or ''} {row['assignee__last_name'] or ''}".strip(),
            row["created_at"],
            row["updated_at"],
            row["first_response_at"],
            row["resolution_due"],
            row["resolved_at"],
            row["closed_at"],
        ]
        yield [cell(value) for value in values]


class _Echo:
    def write(self, value: str) -> str:
        return value


# The generators run while the response is sent, after the view has returned: each one
# sets the reader's language itself rather than rely on what the thread still has active.


def stream_csv(queryset, *, language: str) -> Iterator[str]:
    writer = csv.writer(_Echo())
    with override(language):
        yield "\ufeff"  # Excel reads UTF-8 only with a BOM
        yield writer.writerow(export_headers())
        for row in export_rows(queryset):
            yield writer.writerow(row)


def stream_xlsx(queryset, *, language: str) -> Iterator[bytes]:
    """Build the workbook on disk (constant memory) once the response has started, then send it in blocks."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed below once sent
    try:
        with override(language):
            xlsx_write(itertools.chain([export_headers()], export_rows(queryset)), handle, title=_("Tickets"))
        handle.seek(0, os.SEEK_SET)
        while chunk := handle.read(64 * 1024):
            yield chunk
    finally:
        handle.close()


@require_GET
@login_required
def queue_export(request):
    """The queue as the reader sees it, filters included, as ``?format=csv`` (default) or ``xlsx``."""
    if not reads_queue(request.user):
        raise PermissionDenied
    form = QueueFilterForm(request.GET, user=request.user)
    data = form.valid_data()
    tickets = filter_queue(queue_tickets(request.user), data, request.user)
    export_format = request.GET.get("format") if request.GET.get("format") in FORMATS else "csv"
    language = get_language()
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if export_format == "xlsx":
        response = StreamingHttpResponse(
            stream_xlsx(tickets, language=language),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = StreamingHttpResponse(stream_csv(tickets, language=language), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="tickets-{stamp}.{export_format}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
