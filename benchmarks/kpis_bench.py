"""KPI benchmark (issue 14, Must-show 5): the monthly snapshot of every KPI, the dashboard, a KPI page, the report.

Seed once (kept between runs; only what is missing is added): a base of tickets
through the ORM multiplied inside PostgreSQL, loans and survey answers by bulk
inserts (``benchmarks/kpis_bench_seed.py``; about 15 minutes on this machine):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/icity_kpis_bench \\
        nice -n 10 .venv/bin/python benchmarks/kpis_bench.py --tickets 1000000 --loans 200000 --answers 500000

Then it measures, last month:
- the snapshot of all KPIs (recompute), in a child process: wall time and peak RSS (targets 60 s, 300 MB);
- the month so far (what the hourly job computes);
- the dashboard and one KPI page through Django's test client, as a manager: p95 (targets 200 / 300 ms);
- the monthly report build (PDF and XLSX, French and Dutch): wall time (target 20 s).
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(1, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icity.settings")
os.environ.setdefault("OUTBOX_POKE_ON_COMMIT", "0")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("ICITY_TESTING", "1")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from icity.models import User  # noqa: E402
from icity.roles import Role  # noqa: E402
from kpis.definitions.base import BRUSSELS, Period  # noqa: E402


def last_month():
    return Period.of(timezone.localtime(timezone.now(), BRUSSELS).date()).previous().month


def snapshot_child() -> None:
    """Runs in its own process so its peak RSS is the snapshot's alone."""
    from kpis.services import kpis_snapshot_month

    started = time.perf_counter()
    result = kpis_snapshot_month(month=last_month(), recompute=True, reason="benchmark")
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"RESULT {elapsed:.1f} {peak:.0f} {result.values}")


def fill_history(month) -> int:
    """The dashboard's sparklines and a KPI page's chart read 13 and 24 months of snapshots.

    Computing 23 more months (about 25 s each here) would only fill the table the
    pages read, so the benchmark copies last month's rows into each earlier month
    that has none: the pages then read as many rows as in production.
    """
    months, current = [], Period(month)
    for _step in range(23):
        current = current.previous()
        months.append(current.month)
    copied = 0
    with connection.cursor() as cursor:
        for earlier in months:
            cursor.execute(
                "INSERT INTO kpis_snapshot (code, month, scope_kind, scope_key, scope_label, value, numerator,"
                " denominator, computed_at, is_final)"
                " SELECT code, %s, scope_kind, scope_key, scope_label, value, numerator, denominator, computed_at, true"
                " FROM kpis_snapshot WHERE month = %s AND NOT EXISTS (SELECT 1 FROM kpis_snapshot WHERE month = %s)",
                [earlier, month, earlier],
            )
            copied += cursor.rowcount
    return copied


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def timed_pages(client: Client, url: str, runs: int) -> tuple[int, float, float]:
    status = client.get(url).status_code  # warm-up
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    return status, statistics.median(timings), p95(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--loans", type=int, default=200_000)
    parser.add_argument("--answers", type=int, default=500_000)
    parser.add_argument("--base", type=int, default=40_000, help="tickets made through the ORM, then copied in SQL")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--skip-seed", action="store_true")
    parser.add_argument("--dashboard-url", default="/kpis/")
    parser.add_argument("--kpi-url", default="/kpis/HD08/")
    parser.add_argument("--child", choices=["snapshot"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "snapshot":
        snapshot_child()
        return
    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL (DATABASE_URL=postgres://…/icity_kpis_bench).")
    if not args.skip_seed:
        from kpis_bench_seed import seed

        seed(tickets=args.tickets, base=args.base, loans=args.loans, answers=args.answers)
    from loans.models import LoanLine
    from surveys.models import Answer
    from tickets.models import Ticket

    print(
        f"data: {Ticket.objects.count()} tickets, {LoanLine.objects.count()} loan lines, {Answer.objects.count()} answers"
    )
    print(f"load average before: {os.getloadavg()}")

    child = subprocess.run(
        [sys.executable, __file__, "--child", "snapshot"], capture_output=True, text=True, check=True, env=os.environ
    )
    line = next(row for row in child.stdout.splitlines() if row.startswith("RESULT"))
    _tag, seconds, peak, values = line.split()
    print(f"monthly snapshot of all KPIs: {seconds} s, peak RSS {peak} MB, {values} values (targets 60 s, 300 MB)")

    from kpis.services import kpis_snapshot_month

    started = time.perf_counter()
    result = kpis_snapshot_month(month=Period.of(timezone.localdate()).month)
    print(f"this month so far (the hourly job): {time.perf_counter() - started:.1f} s, {result.values} values")
    copied = fill_history(last_month())
    if copied:
        print(f"history for the pages: {copied} rows copied from last month's into the 23 months before it")

    manager = User.objects.filter(groups__name=Role.MANAGER).first()
    client = Client()
    client.force_login(manager)
    for label, url, target in (("dashboard", args.dashboard_url, 200), ("KPI page", args.kpi_url, 300)):
        status, median, high = timed_pages(client, url, args.runs)
        print(f"{label} {url}: HTTP {status}, median {median:.0f} ms, p95 {high:.0f} ms (target {target} ms)")

    from kpis.models import MonthlyReport
    from kpis.reports.services import report_prepare

    month = last_month()
    MonthlyReport.objects.filter(month=month, status="draft").delete()
    started = time.perf_counter()
    report_prepare(month=month)
    print(f"monthly report build (PDF + XLSX, FR + NL): {time.perf_counter() - started:.1f} s (target 20 s)")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
