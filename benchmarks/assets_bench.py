"""Inventory benchmark on PostgreSQL: 100,000 assets.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/icity_bench \
        .venv/bin/python benchmarks/assets_bench.py --count 100000

Seeds the database up to ``--count`` assets (bulk inserts; reused on the next
run), then times through Django's test client, as a browser would hit them:
the asset list filtered + searched, and the asset page. Reports median and
p95 in milliseconds, then streams the CSV and XLSX exports of every asset and
reports each one's peak resident memory, measured in a fresh process.
"""

import argparse
import os
import random
import resource
import statistics
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

from assets.demo import bulk_seed_assets, ensure_catalogue  # noqa: E402
from assets.models import Asset, AssetEvent  # noqa: E402
from icity.demo import seed_people  # noqa: E402
from icity.models import Site, User  # noqa: E402


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


class QueryTimer:
    """Wall time spent waiting on PostgreSQL, summed per request."""

    def __init__(self):
        self.total = 0.0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.total += time.perf_counter() - start


def timed(client: Client, urls: list[str], expected: int = 200) -> list[tuple[float, float, float]]:
    """(wall ms, Python CPU ms, database ms) per request.

    CPU and database time are reported too because the benchmark machine may be
    shared: wall time then includes waiting for a core, the other two do not (much).
    """
    samples = []
    for url in urls:
        timer = QueryTimer()
        with connection.execute_wrapper(timer):
            start, cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            wall, cpu = (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000
        assert response.status_code == expected, (url, response.status_code)
        samples.append((wall, cpu, timer.total * 1000))
    return samples


def report(name: str, samples: list[tuple[float, float, float]]) -> None:
    wall, cpu, db = ([sample[i] for sample in samples] for i in range(3))
    print(
        f"{name:<40} n={len(samples):<4} wall median {statistics.median(wall):6.1f} p95 {percentile(wall, 0.95):6.1f}"
        f" | CPU median {statistics.median(cpu):6.1f} p95 {percentile(cpu, 0.95):6.1f}"
        f" | DB median {statistics.median(db):6.1f} p95 {percentile(db, 0.95):6.1f}  (ms)"
    )


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export_child(fmt: str) -> None:
    """Run in a fresh process: stream one export of every asset, report time and peak RSS."""
    client = Client()
    client.force_login(User.objects.get(email="logistics@icity.example"))
    client.get("/equipment/assets/?q=IC-000001")  # load templates and code before the baseline
    baseline = rss_mb()
    start = time.perf_counter()
    response = client.get(f"/equipment/assets/export/?format={fmt}")
    size = sum(len(chunk) for chunk in response.streaming_content)
    elapsed = time.perf_counter() - start
    print(
        f"export {fmt:<5} {size / 1e6:6.1f} MB in {elapsed:5.1f} s; process peak RSS {rss_mb():5.0f} MB"
        f" (baseline before the export {baseline:4.0f} MB)"
    )


def measure_export(fmt: str) -> None:
    import subprocess

    result = subprocess.run([sys.executable, __file__, "--export-only", fmt], capture_output=True, text=True)
    if result.returncode:
        print(f"export {fmt} failed:\n{result.stderr}")
        return
    print(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--skip-export", action="store_true")
    parser.add_argument("--export-only", choices=["csv", "xlsx"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export_only:
        settings.DEBUG = False
        export_child(args.export_only)
        return
    if connection.vendor != "postgresql":
        print("Warning: not PostgreSQL; figures will not be comparable.")
    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    rng = random.Random("icity-bench")
    seed_people(rng=rng)
    ensure_catalogue()
    missing = args.count - Asset.objects.count()
    if missing > 0:
        start = time.perf_counter()
        bulk_seed_assets(count=missing, rng=rng)
        print(f"seeded {missing} assets in {time.perf_counter() - start:.0f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"assets: {Asset.objects.count()}, history events: {AssetEvent.objects.count()}")

    user = User.objects.get(email="logistics@icity.example")
    client = Client()
    client.force_login(user)
    sites = list(Site.objects.values_list("pk", flat=True))
    tags = list(Asset.objects.order_by("?").values_list("tag", flat=True)[: args.requests])
    holders = list(
        User.objects.filter(held_assets__isnull=False).distinct().values_list("email", flat=True)[: args.requests]
    )
    statuses = ["in_stock", "on_loan", "in_repair", "reconditioning"]
    base = "/equipment/assets/"

    client.get(base)  # warm-up
    list_urls = [
        f"{base}?status={rng.choice(statuses)}&site={rng.choice(sites)}&q={rng.choice(tags)[:7]}&sort=-updated"
        for _ in range(args.requests)
    ]
    report("list: status + site + tag prefix, sorted", timed(client, list_urls))
    holder_urls = [f"{base}?q={rng.choice(holders)[:6]}" for _ in range(args.requests)]
    report("list: search holder email prefix", timed(client, holder_urls))
    report("list: unfiltered, page 1", timed(client, [base] * args.requests))
    report("list: unfiltered, page 1000", timed(client, [f"{base}?page=1000"] * args.requests))
    report("list: warranty ends within 60 days", timed(client, [f"{base}?warranty=60"] * args.requests))
    report("asset page", timed(client, [f"/equipment/a/{tag}/" for tag in tags]))
    report("scan (tag → redirect)", timed(client, [f"/equipment/scan/?code={tag}" for tag in tags], expected=302))
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if not args.skip_export:
        measure_export("csv")
        measure_export("xlsx")


if __name__ == "__main__":
    main()
