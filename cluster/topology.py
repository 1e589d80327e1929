"""The cluster on loopback from well-known parts: `make cluster` (and `make cluster-test`).

    HAProxy :8800 --/readyz--> web1 :8811, web2 :8812 (gunicorn)
    worker1, worker2 (Celery), beat1, beat2 (Celery beat + RedBeat lock)
    Redis :6392 (broker, cache, sessions, beat lock) -- own throwaway instance
    PgBouncer :6433 (transaction mode) -> PostgreSQL 127.0.0.1:5432 (existing server)
    moto S3 server :8820 (bucket icity-files, private) and an SMTP sink :8825 (Maildir)

Every process runs in its own process group, so that a node can be killed with
SIGKILL as a whole (gunicorn master and workers), and one Ctrl-C stops them all.
Ports and names come from the environment (CLUSTER_*), defaults above.
"""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PY = sys.executable
PORTS = {
    "haproxy": int(os.environ.get("CLUSTER_HTTP_PORT", 8800)),
    "stats": int(os.environ.get("CLUSTER_STATS_PORT", 8801)),
    "web1": int(os.environ.get("CLUSTER_WEB1_PORT", 8811)),
    "web2": int(os.environ.get("CLUSTER_WEB2_PORT", 8812)),
    "s3": int(os.environ.get("CLUSTER_S3_PORT", 8820)),
    "smtp": int(os.environ.get("CLUSTER_SMTP_PORT", 8825)),
    "redis": int(os.environ.get("CLUSTER_REDIS_PORT", 6392)),
    "pgbouncer": int(os.environ.get("CLUSTER_PGBOUNCER_PORT", 6433)),
}
PG_HOST = os.environ.get("CLUSTER_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("CLUSTER_PG_PORT", 5432))
PG_USER = os.environ.get("CLUSTER_PG_USER", "postgres")
DB_NAME = os.environ.get("CLUSTER_DB_NAME", "icity_cluster")
BUCKET = "icity-files"
S3_KEY, S3_SECRET = "icity-cluster", "icity-cluster-secret"
WEB_NODES = ("web1", "web2")
WORKERS = ("worker1", "worker2")
BEATS = ("beat1", "beat2")
# Requests HAProxy lets a web node run at once (its gunicorn has 2 x 8 threads; 2 shared cores).
NODE_MAXCONN = int(os.environ.get("CLUSTER_NODE_MAXCONN", 8))
# The default queue and the outbox's (settings.OUTBOX_QUEUE): a worker on "icity" alone never sends mail.
WORKER_QUEUES = "icity,icity-mail"

HAPROXY_CFG = """
global
    maxconn 2000
    # One line per request on stdout (logs/haproxy.log): accept time, server, retries,
    # termination state, so that every error of a run can be told apart.
    log stdout format raw local0
defaults
    mode http
    log global
    option httplog
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout http-request 30s
    timeout http-keep-alive 60s
    # Requests beyond a node's maxconn wait here, at most this long, for whichever node frees first.
    timeout queue 30s
    # A fresh connection to the node for every request: never one the node is closing at that
    # moment (gunicorn keeps an idle one 2 s), which for a POST would be an error, not a retry.
    option http-server-close
    # A busy node answers /readyz late, not never: only a node that fails three 10-second
    # checks in a row (or refuses connections: killed) leaves the pool.
    timeout check 10s
    # A request whose node refused the connection goes to the other node; a GET whose node
    # died before answering too. Anything else is retried only if it never reached a node
    # (below): a POST that a node received may have been committed, and is not sent twice.
    retries 2
    option redispatch 1
    retry-on conn-failure empty-response 503
frontend icity
    bind 127.0.0.1:{haproxy}
    default_backend web
backend web
    balance roundrobin
    http-request disable-l7-retry if !METH_GET
    option httpchk GET /readyz
    http-check expect status 200
    # A refused connection on live traffic takes a node out at once, not after three checks.
    # maxconn: a node runs at most that many requests at a time; the rest queue in HAProxy, where
    # a node's death costs them nothing. A node killed -9 loses only the requests it was running,
    # and only the POSTs among them fail (never resent).
    default-server inter 2s fall 3 rise 2 slowstart 5s maxconn {maxconn}
    default-server observe layer4 error-limit 1 on-error mark-down
    server web1 127.0.0.1:{web1} check
    server web2 127.0.0.1:{web2} check
    # When no node passes its check (all busy, say), try them anyway rather than answer 503;
    # a node that refuses the connection is skipped by the retry above.
    option allbackups
    server web1-fallback 127.0.0.1:{web1} backup
    server web2-fallback 127.0.0.1:{web2} backup
listen stats
    bind 127.0.0.1:{stats}
    stats enable
    stats uri /
"""

PGBOUNCER_INI = """
[databases]
{db} = host={pg_host} port={pg_port} dbname={db} user={pg_user}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {pgbouncer}
unix_socket_dir =
auth_type = trust
auth_file = {dir}/userlist.txt
pool_mode = transaction
max_client_conn = 400
default_pool_size = 20
ignore_startup_parameters = extra_float_digits
logfile = {dir}/pgbouncer.log
pidfile = {dir}/pgbouncer.pid
"""


def environment(run_dir: Path) -> dict[str, str]:
    """The settings every node shares (README, 'Running on several servers')."""
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        {
            "DJANGO_DEBUG": "1",  # plain HTTP on loopback: no secure-only cookies
            "ICITY_VAR_DIR": str(run_dir / "var"),
            "DATABASE_URL": f"postgres://{PG_USER}@127.0.0.1:{PORTS['pgbouncer']}/{DB_NAME}",
            "DATABASE_PGBOUNCER": "1",
            "BEAT_REDBEAT": "1",
            "REDIS_URL": f"redis://127.0.0.1:{PORTS['redis']}/0",
            "STORAGE_URL": f"s3://{BUCKET}",
            "S3_ENDPOINT_URL": f"http://127.0.0.1:{PORTS['s3']}",
            "S3_REGION": "us-east-1",
            "S3_ACCESS_KEY_ID": S3_KEY,
            "S3_SECRET_ACCESS_KEY": S3_SECRET,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(PORTS["smtp"]),
            "SITE_URL": f"http://127.0.0.1:{PORTS['haproxy']}",
            "AXES_PROXY_COUNT": "0",
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def direct_database_url() -> str:
    return f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{DB_NAME}"


class Cluster:
    def __init__(self, run_dir: Path | None = None, web_workers: int = 2, web_threads: int = 8):
        self.dir = run_dir or Path(tempfile.mkdtemp(prefix="icity-cluster-"))
        self.logs = self.dir / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        (self.dir / "var").mkdir(exist_ok=True)
        self.maildir = self.dir / "maildir"
        self.env = environment(self.dir)
        self.web_workers, self.web_threads = web_workers, web_threads
        self.processes: dict[str, subprocess.Popen] = {}

    # -- processes --------------------------------------------------------------------------------
    def commands(self) -> dict[str, list[str]]:
        celery = [PY, "-m", "celery", "-A", "icity"]
        gunicorn = [PY, "-m", "gunicorn", "icity.wsgi", "--worker-class", "gthread"]
        gunicorn += ["--workers", str(self.web_workers), "--threads", str(self.web_threads), "--timeout", "60"]
        commands = {
            "redis": ["redis-server", "--port", str(PORTS["redis"]), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--dir", str(self.dir)],
            "pgbouncer": ["/usr/sbin/pgbouncer", *(["-u", "postgres"] if os.geteuid() == 0 else [])]
            + [str(self.dir / "pgbouncer.ini")],
            "s3": [PY, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(PORTS["s3"])],
            "smtp": [PY, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{PORTS['smtp']}"]
            + ["-c", "aiosmtpd.handlers.Mailbox", str(self.maildir)],
            "haproxy": ["/usr/sbin/haproxy", "-db", "-f", str(self.dir / "haproxy.cfg")],
        }
        for node in WEB_NODES:
            commands[node] = [*gunicorn, "--bind", f"127.0.0.1:{PORTS[node]}", "--name", f"icity-{node}"]
        for worker in WORKERS:
            commands[worker] = [*celery, "worker", "-n", f"{worker}@%h", "--loglevel", "INFO", "--concurrency", "2"]
            commands[worker] += ["-Q", WORKER_QUEUES]
        for beat in BEATS:
            commands[beat] = [*celery, "beat", "--loglevel", "INFO", "--schedule", str(self.dir / f"{beat}.db")]
        return commands

    def start(self, name: str) -> subprocess.Popen:
        log = (self.logs / f"{name}.log").open("ab")
        process = subprocess.Popen(
            self.commands()[name],
            cwd=BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill -9 takes the node, children included
        )
        self.processes[name] = process
        return process

    def kill(self, name: str) -> None:
        """Kill -9 a node and its children (a crash, not a shutdown)."""
        process = self.processes[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in self.processes.values():
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)

    # -- bring-up ---------------------------------------------------------------------------------
    def write_configs(self) -> None:
        (self.dir / "haproxy.cfg").write_text(HAPROXY_CFG.format(**PORTS, maxconn=NODE_MAXCONN))
        (self.dir / "userlist.txt").write_text(f'"{PG_USER}" ""\n')
        values = {"db": DB_NAME, "pg_host": PG_HOST, "pg_port": PG_PORT, "pg_user": PG_USER, "dir": self.dir}
        (self.dir / "pgbouncer.ini").write_text(PGBOUNCER_INI.format(**PORTS, **values))
        if os.geteuid() == 0:
            shutil.chown(self.dir, user="postgres")
            os.chmod(self.dir, 0o755)  # noqa: S103 - pgbouncer runs as postgres and reads its config here

    def manage(self, *args: str, direct: bool = False, env: dict | None = None, check: bool = True):
        run_env = {**self.env, **(env or {})}
        if direct:
            # Schema changes go straight to PostgreSQL, not through the transaction pooler.
            run_env["DATABASE_URL"] = direct_database_url()
            run_env.pop("DATABASE_PGBOUNCER", None)
        return subprocess.run([PY, "manage.py", *args], cwd=BASE_DIR, env=run_env, check=check)

    def create_database(self, fresh: bool = False) -> None:
        if fresh:
            subprocess.run(
                ["psql", "-h", PG_HOST, "-p", str(PG_PORT), "-U", PG_USER, "-qc"]
                + [f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)'],
                check=True,
            )
        exists = subprocess.run(
            ["psql", "-h", PG_HOST, "-p", str(PG_PORT), "-U", PG_USER, "-tAc"]
            + [f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'"],  # noqa: S608 - our own constant
            capture_output=True,
            text=True,
            check=True,
        )
        if exists.stdout.strip() != "1":
            subprocess.run(
                ["psql", "-h", PG_HOST, "-p", str(PG_PORT), "-U", PG_USER, "-c", f'CREATE DATABASE "{DB_NAME}"'],
                check=True,
            )

    def create_bucket(self) -> None:
        import boto3

        s3 = boto3.client(
            "s3",
            endpoint_url=self.env["S3_ENDPOINT_URL"],
            region_name="us-east-1",
            aws_access_key_id=S3_KEY,
            aws_secret_access_key=S3_SECRET,
        )
        names = {bucket["Name"] for bucket in s3.list_buckets().get("Buckets", [])}
        if BUCKET not in names:
            s3.create_bucket(Bucket=BUCKET, ACL="private")

    def wait_http(self, url: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310 - loopback http
                    if response.status < 500:
                        return
            except Exception:
                time.sleep(0.5)
        raise RuntimeError(f"{url} did not answer within {timeout:.0f} s (logs in {self.logs})")

    def wait_port(self, port: int, timeout: float = 30) -> None:
        import socket

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                sock.settimeout(1)
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"nothing listens on {port} after {timeout:.0f} s (logs in {self.logs})")

    def up(self, prepare=None, fresh_database: bool = False) -> None:
        """Start everything; `prepare(cluster)` runs after migrations, before the app nodes."""
        self.write_configs()
        self.create_database(fresh=fresh_database)
        for name in ("redis", "pgbouncer", "s3", "smtp"):
            self.start(name)
        for name in ("redis", "pgbouncer", "s3", "smtp"):
            self.wait_port(PORTS[name])
        self.create_bucket()
        self.manage("migrate", "--noinput", "--verbosity", "0", direct=True)
        if prepare:
            prepare(self)
        self.start("haproxy")
        for name in (*WEB_NODES, *WORKERS, *BEATS):
            self.start(name)
        for node in WEB_NODES:
            self.wait_http(f"http://127.0.0.1:{PORTS[node]}/readyz")
        self.wait_http(f"http://127.0.0.1:{PORTS['haproxy']}/readyz")

    def dead(self) -> list[str]:
        return [name for name, process in self.processes.items() if process.poll() is not None]


def main() -> int:
    cluster = Cluster()
    stopping = False

    def stop(*_args):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    try:
        cluster.up()
        print(
            f"icity cluster on http://127.0.0.1:{PORTS['haproxy']}/ (HAProxy stats :{PORTS['stats']}), "
            f"logs in {cluster.logs} — press Ctrl-C to stop.",
            flush=True,
        )
        while not stopping:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        print("stopping the cluster…", flush=True)
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
