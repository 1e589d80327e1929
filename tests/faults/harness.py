"""Throwaway PostgreSQL, Redis, an SMTP sink and icity's processes, for the fault suite (`make faults`).

Everything runs on its own ports and data directories; the suite never touches
the PostgreSQL or Redis a developer or CI already runs.
"""

import asyncio
import contextlib
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path

import psycopg
from aiosmtpd.controller import Controller

BASE_DIR = Path(__file__).resolve().parents[2]
PG_PORT = int(os.environ.get("FAULTS_PG_PORT", "5441"))
REDIS_PORT = int(os.environ.get("FAULTS_REDIS_PORT", "6391"))
WEB_PORT = int(os.environ.get("FAULTS_WEB_PORT", "8601"))
SMTP_PORT = int(os.environ.get("FAULTS_SMTP_PORT", "8602"))
# aiosmtpd logs every SMTP command at INFO: thousands of lines that hide the figures.
logging.getLogger("mail.log").setLevel(logging.WARNING)
WEB_PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "SECRET_KEY": "faults-" + os.urandom(24).hex(),
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "ICITY_TESTING": "1",  # only switches static files to the plain storage
}
MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>]+>)", re.M | re.I)


def wait_for(predicate, timeout: float, what: str, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


def _run_as_postgres(command: list[str], **kwargs):
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode:
        raise RuntimeError(f"{command} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return result


class Postgres:
    def __init__(self):
        # Its own directory, readable by the postgres user (pytest's tmp is private to root).
        root = Path(tempfile.mkdtemp(prefix="faults-pg-"))
        root.chmod(0o755)
        self.root = root
        versions = sorted(Path("/usr/lib/postgresql").iterdir(), key=lambda path: int(path.name))
        self.bin = versions[-1] / "bin"
        self.data = root / "pg"
        self.socket_dir = root / "pgsock"
        for path in (self.data, self.socket_dir):
            path.mkdir(parents=True)
            if os.geteuid() == 0:
                shutil.chown(path, "postgres")
        try:
            _run_as_postgres(
                [str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
            )
        except BaseException:
            self.remove()
            raise
        self.url = f"postgres://postgres@127.0.0.1:{PG_PORT}/icity_faults"

    def start(self):
        options = f"-p {PG_PORT} -k {self.socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60"
        _run_as_postgres(
            [str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.data / "log"), "-w", "start"]
        )

    def stop(self):
        if not (self.data / "postmaster.pid").exists():
            return  # never started, or already stopped
        _run_as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"])

    def remove(self):
        shutil.rmtree(self.root, ignore_errors=True)

    def restart(self):
        self.stop()
        self.start()

    def connect(self, dbname="icity_faults"):
        return psycopg.connect(host="127.0.0.1", port=PG_PORT, user="postgres", dbname=dbname, autocommit=True)

    def scalar(self, sql: str, params=()):
        with self.connect() as conn:
            return conn.execute(sql, params).fetchone()[0]


class Redis:
    def __init__(self, root: Path):
        self.dir = root / "redis"
        self.dir.mkdir()
        self.process = None
        self.url = f"redis://127.0.0.1:{REDIS_PORT}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(lambda: _port_open(REDIS_PORT), 10, "redis")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status == 200
    except Exception:
        return False


def _port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


class Sink:
    """An SMTP sink that can answer, refuse (port closed) or hang (accept, never answer)."""

    def __init__(self):
        self.messages: list[bytes] = []
        self.lock = threading.Lock()
        self.delay = 0.0
        self.controller = None
        self.hang_socket = None
        self.held: list[socket.socket] = []

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            self.messages.append(envelope.content)
        return "250 OK"

    def answer(self):
        self._stop_hanging()
        if self.controller is None:
            self.controller = Controller(self, hostname="127.0.0.1", port=SMTP_PORT)
            self.controller.start()

    def refuse(self):
        self._stop_hanging()
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def hang(self):
        self.refuse()
        self.hang_socket = socket.socket()
        self.hang_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.hang_socket.bind(("127.0.0.1", SMTP_PORT))
        self.hang_socket.listen(50)

        def accept():
            while self.hang_socket is not None:
                try:
                    conn, _ = self.hang_socket.accept()
                except OSError:
                    return
                self.held.append(conn)  # never answered

        threading.Thread(target=accept, daemon=True).start()

    def _stop_hanging(self):
        if self.hang_socket is not None:
            sock, self.hang_socket = self.hang_socket, None
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
            sock.close()
            for conn in self.held:
                conn.close()
            self.held.clear()

    def ids(self) -> Counter:
        with self.lock:
            return Counter(
                match.group(1).decode("ascii", "replace") for raw in self.messages if (match := MESSAGE_ID.search(raw))
            )

    def reset(self):
        with self.lock:
            self.messages.clear()


class Stack:
    """icity's processes against the throwaway services."""

    def __init__(self, root: Path, postgres: Postgres, redis: Redis, sink: Sink):
        self.root, self.postgres, self.redis, self.sink = root, postgres, redis, sink
        self.processes: dict[str, subprocess.Popen] = {}
        self.env = {
            **os.environ,
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": postgres.url,
            "REDIS_URL": redis.url,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(SMTP_PORT),
            "EMAIL_TIMEOUT": "3",
            "ICITY_VAR_DIR": str(root / "var"),
            "AXES_FAILURE_LIMIT": "1000",
            # Scaled down so that each scenario fits in a minute or two.
            "OUTBOX_LEASE_SECONDS": "15",
            "OUTBOX_DRAIN_EVERY": "5",
            "OUTBOX_RETRY_BASE_SECONDS": "2",
            "OUTBOX_MAX_ATTEMPTS": "30",
            "LOG_LEVEL": "WARNING",
        }
        self.env.pop("ICITY_TESTING", None)
        for name in ("DJANGO_SETTINGS_MODULE",):
            self.env.pop(name, None)

    def manage(self, *args: str, env: dict | None = None, timeout: float = 300) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=BASE_DIR, env={**self.env, **(env or {})},
            capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
        return result.stdout

    def shell(self, code: str, **kwargs) -> str:
        return self.manage("shell", "-c", code, **kwargs)

    def start(self, name: str, *, env: dict | None = None):
        celery = [sys.executable, "-m", "celery", "-A", "icity"]
        kind = name.rstrip("0123456789")
        command = {
            "worker": [*celery, "worker", "-Q", "icity,icity-mail", "--concurrency", "2", "--loglevel", "INFO",
                       "--without-gossip", "--without-mingle", "--without-heartbeat"],
            "beat": [*celery, "beat", "--loglevel", "WARNING", "--schedule", str(self.root / f"{name}-schedule")],
            "web": [sys.executable, "-m", "gunicorn", "icity.wsgi", "--bind", f"127.0.0.1:{WEB_PORT}",
                    "--workers", "2", "--timeout", "60"],
        }[kind]  # fmt: skip
        log_path = self.root / f"{name}.log"
        readies = log_path.read_bytes().count(b" ready.") if log_path.exists() else 0
        if kind == "web":
            # As in production (DEBUG off): a database outage answers the 503 page (handler500), not
            # Django's debug 500. Plain HTTP on loopback, plain static files (no collectstatic here).
            env = {**WEB_PRODUCTION_ENV, **(env or {})}
        log = open(log_path, "ab")  # noqa: SIM115 - closed with the process
        self.processes[name] = subprocess.Popen(
            command, cwd=BASE_DIR, env={**self.env, **(env or {})}, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        if kind == "worker":
            # A worker that loses its broker while still booting exits for good (Celery's own bootstrap):
            # the faults start once it says it is ready.
            wait_for(lambda: log_path.read_bytes().count(b" ready.") > readies, 90, f"{name} ready")
        if kind == "web":
            wait_for(lambda: _port_open(WEB_PORT), 60, "gunicorn")
            # Both workers have imported the app and answered once (traffic measures faults, not boot time).
            wait_for(lambda: sum(_answers(f"http://127.0.0.1:{WEB_PORT}/accounts/login/") for _ in range(4)) == 4,
                     90, "gunicorn answering")  # fmt: skip

    def kill9(self, name: str):
        process = self.processes.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self, name: str):
        process = self.processes.pop(name, None)
        if process is None:
            return
        with_suppress_killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with_suppress_killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def stop_all(self):
        for name in list(self.processes):
            self.stop(name)

    def log(self, name: str) -> str:
        path = self.root / f"{name}.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    # Outbox figures ------------------------------------------------------

    def queue_messages(self, count: int, prefix: str) -> None:
        """``count`` notifications in one transaction (so one drain is poked), through ``notify``."""
        self.shell(
            "from django.db import transaction\n"
            "from icity.outbox import notify\n"
            "with transaction.atomic():\n"
            f"    for i in range({count}):\n"
            f"        notify(dedupe_key='{prefix}:%s' % i, template='password_reset', to_email='p%s@brucity.example' % i,"
            " language='fr', context={'recipient_name': 'X', 'reset_url': 'http://x/r'})\n"
        )

    def outbox(self, prefix: str) -> dict:
        with self.postgres.connect() as conn:
            rows = conn.execute(
                "SELECT status, count(*) FROM icity_notification WHERE dedupe_key LIKE %s GROUP BY status",
                [f"{prefix}:%"],
            ).fetchall()
        return dict(rows)

    def message_ids(self, prefix: str) -> set[str]:
        with self.postgres.connect() as conn:
            rows = conn.execute(
                "SELECT headers->>'Message-ID' FROM icity_notification WHERE dedupe_key LIKE %s", [f"{prefix}:%"]
            ).fetchall()
        return {row[0] for row in rows}

    def delivery(self, prefix: str) -> dict:
        """Figures for a scenario: queued, delivered (distinct), duplicates, lost."""
        expected = self.message_ids(prefix)
        received = self.sink.ids()
        ours = {key: count for key, count in received.items() if key in expected}
        return {
            "queued": len(expected),
            "delivered": len(ours),
            "duplicates": sum(count - 1 for count in ours.values()),
            "lost": len(expected - set(ours)),
        }

    def wait_delivered(self, prefix: str, timeout: float) -> dict:
        wait_for(lambda: self.delivery(prefix)["lost"] == 0, timeout, f"every {prefix} message to arrive", every=0.5)
        time.sleep(2)  # let a late duplicate arrive
        return self.delivery(prefix)


def with_suppress_killpg(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)
