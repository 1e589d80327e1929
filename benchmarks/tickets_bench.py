"""Helpdesk latency benchmark: median and p95 of the agent queue, the ticket page and ticket creation.

Run against a PostgreSQL database seeded with ``manage.py seed_tickets --count 100000``:

    DATABASE_URL=postgres://... .venv/bin/python benchmarks/tickets_bench.py [--runs 50]

Requests go through Django's test client (full middleware, templates and
queries, no network or web server), signed in as the demo agent.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icity.settings")
os.environ.setdefault("OUTBOX_POKE_ON_COMMIT", "0")
# Production-like settings (DEBUG off) without TLS redirects or a collected static manifest.
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("ICITY_TESTING", "1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from icity.models import User  # noqa: E402
from icity.roles import Role  # noqa: E402
from tickets.models import Category, Ticket  # noqa: E402


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def measure(label: str, runs: int, call) -> tuple[str, float, float, float, float]:
    """Wall-clock latency, and the CPU time of this (Django) process alone.

    The CPU column leaves out PostgreSQL's own work and time spent waiting for
    a core, so it stays meaningful on a machine shared with other jobs.
    """
    call()  # warm-up
    timings, cpu = [], []
    for index in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        call(index)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return label, statistics.median(timings), _p95(timings), statistics.median(cpu), _p95(cpu)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["testserver"]  # no setup_test_environment(): it instruments every template render
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    agent = User.objects.filter(groups__name=Role.AGENT, helpdesk_teams__isnull=False).order_by("pk").first()
    if agent is None:
        sys.exit("No agent in a team: run `manage.py seed_tickets --count 100000` first.")
    client = Client()
    client.force_login(agent)
    total = Ticket.objects.count()
    open_tickets = list(
        Ticket.objects.filter(status="in_progress", team__members=agent)
        .order_by("-pk")
        .values_list("reference", flat=True)[:200]
    )
    category = Category.objects.filter(parent__isnull=False, default_team__members=agent).first()
    print(f"Database: {connection.vendor}, {total} tickets, {args.runs} runs each, agent {agent.email}")

    def get(url, params=None):
        response = client.get(url, params or {})
        assert response.status_code == 200, (url, response.status_code)

    def create(index=0):
        response = client.post(
            "/tickets/new/",
            {
                "category": category.pk,
                "title": f"Benchmark ticket {index}",
                "description": "Créé par le benchmark.",
                "impact": "low",
                "urgency": "medium",
            },
        )
        assert response.status_code == 302, response.status_code

    load_before = f"{os.getloadavg()[0]:.1f}"
    results = [
        measure("agent queue, default view", args.runs, lambda i=0: get("/tickets/queue/")),
        measure(
            "agent queue, filtered + searched",
            args.runs,
            lambda i=0: get(
                "/tickets/queue/", {"view": "all", "q": "imprimante", "priority": ["3", "4"], "sort": "-updated"}
            ),
        ),
        measure("ticket page (agent)", args.runs, lambda i=0: get(f"/tickets/{open_tickets[i % len(open_tickets)]}/")),
        measure("ticket creation", args.runs, create),
        measure("API ticket list", args.runs, lambda i=0: get("/api/v1/tickets/")),
    ]
    print(f"load average before/after: {load_before} / {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"{'case':36} {'median ms':>10} {'p95 ms':>8} {'CPU med':>8} {'CPU p95':>8}")
    for label, median, p95, cpu_median, cpu_p95 in results:
        print(f"{label:36} {median:10.1f} {p95:8.1f} {cpu_median:8.1f} {cpu_p95:8.1f}")


if __name__ == "__main__":
    main()
