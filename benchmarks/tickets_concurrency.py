"""Concurrent helpdesk benchmark: 8 clients against gunicorn with 2 workers, PostgreSQL.

Seed first (``manage.py seed_tickets --count 100000``), then, from the checkout to measure:

    DATABASE_URL=postgres://... .venv/bin/python benchmarks/tickets_concurrency.py --port 8201 --seconds 30

It starts ``gunicorn icity.wsgi -w 2`` from the current directory, signs in the
first agent of a team (sessions made in this process, so no password is needed),
and runs three phases of ``--seconds`` each with ``--clients`` threads: ticket
creation through the API, the agent queue, and the personal views ("My tickets",
"Assigned to me"). It prints requests/s, median and p95 per phase and any
non-2xx/3xx answer. Run it on the code before and after a change in the same
session: figures from different machines or loads are not comparable.
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path.cwd()
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icity.settings")
os.environ.setdefault("OUTBOX_POKE_ON_COMMIT", "0")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
os.environ.setdefault("CSRF_COOKIE_SECURE", "0")
os.environ.setdefault("ICITY_TESTING", "1")  # no collected static manifest needed

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.middleware.csrf import _get_new_csrf_string  # noqa: E402

from icity.models import User  # noqa: E402
from icity.roles import Role  # noqa: E402
from tickets.models import Category  # noqa: E402


def session_for(user) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = next(b for b in settings.AUTHENTICATION_BACKENDS if "axes" not in b.lower())
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def p95(values):
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)] if ordered else 0.0


def run_phase(name, port, clients, seconds, make_request):
    timings, errors, lock = [], [], threading.Lock()
    deadline = time.monotonic() + seconds

    def client(index):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        count = 0
        while time.monotonic() < deadline:
            method, path, body, headers = make_request(index, count)
            started = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except Exception as error:  # noqa: BLE001 - counted and printed
                status = repr(error)
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if isinstance(status, int) and status < 400:
                    timings.append(elapsed)
                else:
                    errors.append(status)
            count += 1

    threads = [threading.Thread(target=client, args=(index,)) for index in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    print(
        f"{name:<16} {len(timings) / wall:7.1f} req/s  median {statistics.median(timings) if timings else 0:7.1f} ms"
        f"  p95 {p95(timings):7.1f} ms  ok {len(timings)}  errors {len(errors)} {sorted(set(map(str, errors)))[:3]}",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8201)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--agent-email", default="", help="the agent for the personal views (default: most assigned)")
    args = parser.parse_args()

    from django.db.models import Count, Q

    agent = (
        User.objects.filter(groups__name=Role.AGENT, helpdesk_teams__isnull=False, is_active=True)
        .annotate(open=Count("assigned_tickets", filter=Q(assigned_tickets__status__in=["new", "in_progress"])))
        .order_by("-open")
        .first()
        if not args.agent_email
        else User.objects.get(email=args.agent_email)
    )
    category = Category.objects.filter(is_active=True, default_team__isnull=False).order_by("pk").first()
    print(f"agent {agent.email} ({getattr(agent, 'open', '?')} open tickets assigned), category {category.pk}")
    cookie = f"sessionid={session_for(agent)}"
    csrf = _get_new_csrf_string()
    cookie += f"; csrftoken={csrf}"
    base = {"Cookie": cookie, "Host": "127.0.0.1", "Referer": f"http://127.0.0.1:{args.port}/"}

    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "icity.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{args.port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _attempt in range(60):
            try:
                probe = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
                probe.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
                probe.getresponse().read()
                break
            except OSError:
                time.sleep(0.5)
        body = {"impact": "low", "urgency": "medium", "category": category.pk}

        def create(index, count):
            payload = json.dumps({**body, "title": f"Bench {index}-{count}", "description": "Écran noir, benchmark."})
            headers = {**base, "Content-Type": "application/json", "X-CSRFToken": csrf}
            return "POST", "/api/v1/tickets/", payload, headers

        def queue(index, count):
            return "GET", "/tickets/queue/", None, base

        def personal(index, count):
            path = "/tickets/queue/?view=mine" if count % 2 else "/tickets/"
            return "GET", path, None, base

        run_phase("warm-up", args.port, args.clients, 3, queue)
        run_phase("create (API)", args.port, args.clients, args.seconds, create)
        run_phase("agent queue", args.port, args.clients, args.seconds, queue)
        run_phase("personal views", args.port, args.clients, args.seconds, personal)
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
