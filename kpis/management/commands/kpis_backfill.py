"""Compute the snapshots of past months from the data already in icity.

    manage.py kpis_backfill --months 24
    manage.py kpis_backfill --from 2025-01 --to 2025-12

Months that already have final values are left as they are (the same rule as
the monthly job); use the recompute form on a KPI page to change a sent month.
"""

import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from kpis.definitions.base import Period
from kpis.services import current_month, kpis_snapshot_month


def _month(text: str) -> date:
    try:
        year, month = text.split("-")
        return date(int(year), int(month), 1)
    except ValueError:
        raise CommandError(f"Months are written YYYY-MM, got {text!r}.") from None


def progress_bar(done: int, total: int, label: str, width: int = 30) -> str:
    filled = width * done // total if total else width
    return f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {label}"


class Command(BaseCommand):
    help = "Compute the KPI snapshots of past months (final months already stored are kept)."

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, default=24, help="How many months back from last month.")
        parser.add_argument("--from", dest="start", help="First month, YYYY-MM.")
        parser.add_argument("--to", dest="end", help="Last month, YYYY-MM (default: last month).")

    def handle(self, *args, months: int, start: str | None, end: str | None, **options):
        last = _month(end) if end else Period.of(current_month()).previous().month
        if last >= current_month():
            raise CommandError("Only months that are over can be back-filled.")
        if start:
            first = _month(start)
        else:
            if months < 1:
                raise CommandError("--months must be at least 1.")
            first = last
            for _step in range(months - 1):
                first = Period(first).previous().month
        if first > last:
            raise CommandError("--from is after --to.")
        todo = []
        month = first
        while month <= last:
            todo.append(month)
            month = Period(month).next_month
        written = 0
        interactive = self.stdout.isatty() if hasattr(self.stdout, "isatty") else sys.stdout.isatty()
        for index, month in enumerate(todo, 1):
            result = kpis_snapshot_month(month=month)
            written += result.values
            bar = progress_bar(index, len(todo), f"{month:%Y-%m}")
            self.stdout.write(bar if interactive else bar.lstrip("\r"), ending="" if interactive else "\n")
        if interactive:
            self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"{len(todo)} months, {written} values written."))
