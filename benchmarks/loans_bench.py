"""Loans benchmark on PostgreSQL: 200,000 loans, 50,000 active.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/icity_loans_bench \
        .venv/bin/python benchmarks/loans_bench.py

Seeds up to ``--loans`` loans (``manage.py seed_loans_bench``; reused on the next run), then times
through Django's test client: the overdue list (logistics, page 1 and a deep page) and "My equipment"
for borrowers; median and p95 in ms. Then runs one full reminder sweep in a fresh process and
reports its time, messages queued and peak resident memory: first in steady state (yesterday's
sweep ran), then with ``--cold`` catch-up where no reminder was ever sent (every open loan at or
past its first stage gets one).
"""

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icity.settings")
os.environ.setdefault("OUTBOX_POKE_ON_COMMIT", "0")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from icity.demo import seed_people  # noqa: E402
from icity.models import Notification, User  # noqa: E402
from loans.bench_seed import seed_loans_bench  # noqa: E402
from loans.models import Loan  # noqa: E402


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def timed(client: Client, urls: list[str], *, login=None) -> list[float]:
    durations = []
    for url in urls:
        if login is not None:
            client.force_login(login(url))
        start = time.perf_counter()
        response = client.get(url)
        durations.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return durations


def report(name: str, durations: list[float]) -> None:
    print(
        f"{name:<42} n={len(durations):<4} median={statistics.median(durations):7.1f} ms"
        f"  p95={percentile(durations, 0.95):7.1f} ms  max={max(durations):7.1f} ms"
    )


def sweep_child() -> None:
    from loans.sweeps import loan_reminder_sweep

    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    sent = loan_reminder_sweep()
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"sweep: {sent} messages queued in {elapsed:5.1f} s; peak RSS {peak:4.0f} MB (baseline {baseline:4.0f} MB)")


def run_sweep(label: str) -> None:
    result = subprocess.run([sys.executable, __file__, "--sweep-only"], capture_output=True, text=True, check=True)
    print(f"{label:<26} {result.stdout.strip().splitlines()[-1]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--loans", type=int, default=200_000)
    parser.add_argument("--active", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--sweep-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    settings.DEBUG = False
    if args.sweep_only:
        sweep_child()
        return
    if connection.vendor != "postgresql":
        print("Warning: not PostgreSQL; figures will not be comparable.")
    call_command("migrate", verbosity=0)
    rng = random.Random("icity-loans-bench")
    seed_people(rng=rng)
    start = time.perf_counter()
    made = seed_loans_bench(loans=args.loans, active=args.active, rng=rng)
    if made:
        print(f"seeded {made} loans in {time.perf_counter() - start:.0f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    open_loans = Loan.objects.filter(status__in=Loan.OPEN_STATUSES)
    print(f"loans: {Loan.objects.count()}, active: {open_loans.count()}")

    client = Client()
    client.force_login(User.objects.get(email="logistics@icity.example"))
    client.get("/equipment/loans/")  # warm-up
    report("overdue list, page 1", timed(client, ["/equipment/loans/?view=overdue"] * args.requests))
    report("overdue list, page 100", timed(client, ["/equipment/loans/?view=overdue&page=100"] * args.requests))
    report("due within 7 days", timed(client, ["/equipment/loans/?view=due_soon"] * args.requests))
    borrowers = list(
        User.objects.filter(loans__status="active")
        .distinct()
        .order_by("?")
        .values_list("pk", flat=True)[: args.requests]
    )
    users = User.objects.in_bulk(borrowers)
    urls = [f"/equipment/mine/?b={pk}" for pk in borrowers]
    report("My equipment (borrower)", timed(client, urls, login=lambda url: users[int(url.rsplit("=", 1)[1])]))
    client.force_login(User.objects.get(email="logistics@icity.example"))
    report("API loans?overdue=true", timed(client, ["/api/v1/loans/?overdue=true"] * args.requests))

    Notification.objects.filter(dedupe_key__startswith="loan:").delete()
    run_sweep("steady state (daily)")
    run_sweep("again (nothing new)")
    Loan.objects.update(reminder_offset=None)
    Notification.objects.filter(dedupe_key__startswith="loan:").delete()
    run_sweep("cold catch-up (worst)")


if __name__ == "__main__":
    main()
