"""Inventory benchmark on PostgreSQL: 100,000 assets.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/icity_bench \
        .venv/bin/python benchmarks/assets_bench.py --count 100000

Seeds the database up to ``--count`` assets (bulk inserts; reused on the next
run), then times through Django's test client, as a browser would hit them:
the asset list filtered + searched, and the asset page. Reports median and
p95 in milliseconds, then streams the CSV and XLSX exports of every asset and
reports the peak memory they needed (tracemalloc) and the process RSS.
"""

import argparse
import os
import random
import resource
import statistics
import sys
import time
import tracemalloc
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


def timed(client: Client, urls: list[str]) -> list[float]:
    durations = []
    for url in urls:
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


def measure_export(client: Client, fmt: str) -> None:
    tracemalloc.start()
    start = time.perf_counter()
    response = client.get(f"/equipment/assets/export/?format={fmt}")
    size = 0
    for chunk in response.streaming_content:
        size += len(chunk)
    elapsed = time.perf_counter() - start
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"export {fmt:<5} {size / 1e6:6.1f} MB in {elapsed:5.1f} s; Python heap peak {peak / 1e6:6.1f} MB;"
        f" process max RSS so far {rss:6.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--skip-export", action="store_true")
    args = parser.parse_args()
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
    report("scan (tag → redirect)", _scan(client, tags))
    if not args.skip_export:
        measure_export(client, "csv")
        measure_export(client, "xlsx")


def _scan(client: Client, tags: list[str]) -> list[float]:
    durations = []
    for tag in tags:
        start = time.perf_counter()
        response = client.get(f"/equipment/scan/?code={tag}")
        durations.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 302
    return durations


if __name__ == "__main__":
    main()
