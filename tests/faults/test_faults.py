"""The fault suite (`make faults`): kill, stall and restart what icity depends on, count what arrives.

Each scenario checks that every accepted request is stored, that every
notification arrives, and counts duplicates by Message-ID: at most one per
worker killed (the message in flight: SMTP gives no way to know whether the
relay took it), none anywhere else. Figures are printed at the end (README).
Runs on its own PostgreSQL, Redis and SMTP sink (tests/faults/harness.py).
"""

import contextlib
import json
import os
import signal
import threading
import time

import pytest
import requests

from .harness import WEB_PORT, Postgres, Redis, Sink, Stack, wait_for

pytestmark = pytest.mark.skipif(not os.environ.get("ICITY_FAULTS"), reason="the fault suite runs with `make faults`")

FIGURES: dict[str, dict] = {}
BASE = f"http://127.0.0.1:{WEB_PORT}"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    root = tmp_path_factory.mktemp("faults")

    def stop_on_term(*_args):
        raise KeyboardInterrupt  # `timeout` sends SIGTERM: still stop every process and server started here

    # Every service is registered for teardown before it starts, so that a failure anywhere in the
    # setup (initdb, a port taken, a migration) still stops whatever did start (ExitStack: last in, first out).
    with contextlib.ExitStack() as teardown:
        teardown.callback(signal.signal, signal.SIGTERM, signal.signal(signal.SIGTERM, stop_on_term))
        teardown.callback(_print_figures)
        postgres = Postgres()
        teardown.callback(postgres.remove)
        teardown.callback(postgres.stop)
        postgres.start()
        with postgres.connect("postgres") as conn:
            conn.execute("CREATE DATABASE icity_faults")
        redis, sink = Redis(root), Sink()
        teardown.callback(redis.stop)
        redis.start()
        teardown.callback(sink.refuse)
        sink.answer()
        stack = Stack(root, postgres, redis, sink)
        teardown.callback(stack.stop_all)
        stack.manage("migrate", "--noinput", "-v0")
        token = stack.shell(
            "from icity.tokens import api_token_issue\n"
            "from tickets.models import Category\n"
            "from tests.factories import make_user\n"
            "agent = make_user('requester', 'agent', email='agent@faults.example')\n"
            "agent.set_password('fault-pass-2026'); agent.save()\n"
            "Category.objects.create(name_fr='Imprimante', name_nl='Printer')\n"
            "print(api_token_issue(user=agent, name='faults')[1])\n"
        ).strip()
        stack.token = token.splitlines()[-1]
        stack.category = postgres.scalar("SELECT id FROM tickets_category LIMIT 1")
        yield stack


def _print_figures():
    print("\n=== fault suite figures ===")
    print(json.dumps(FIGURES, indent=2))


@pytest.fixture
def clean(stack):
    stack.sink.answer()
    stack.sink.delay = 0.0
    stack.sink.reset()
    yield stack
    stack.stop_all()
    stack.sink.answer()


def _record(name: str, figures: dict) -> dict:
    FIGURES[name] = figures
    print(name, figures)
    return figures


def test_worker_killed_three_times_while_hundreds_are_pending(clean):
    stack = clean
    stack.sink.delay = 0.02
    stack.queue_messages(300, "kill")
    stack.start("worker")
    stack.start("beat")
    kills = 0
    for threshold in (40, 100, 160):
        wait_for(lambda t=threshold: stack.delivery("kill")["delivered"] >= t, 120, f"{threshold} messages sent")
        stack.kill9("worker")
        kills += 1
        pending = stack.outbox("kill").get("pending", 0)
        assert pending >= 100, "kill while hundreds are pending"
        stack.start("worker")
    figures = _record("worker kill -9 x3", {**stack.wait_delivered("kill", 240), "kills": kills})
    assert figures["lost"] == 0
    assert figures["duplicates"] <= kills
    assert stack.outbox("kill") == {"sent": 300}


def test_a_drain_past_its_time_limit_stops_cleanly(clean):
    stack = clean
    stack.sink.delay = 0.2  # a slow relay: 60 messages take 12 s, the drain budget is 4 s
    stack.queue_messages(60, "limit")
    env = {"OUTBOX_TASK_SOFT_TIME_LIMIT": "8", "OUTBOX_DRAIN_SECONDS": "4"}
    stack.start("worker", env=env)
    stack.start("beat", env=env)
    figures = _record("drain past its time limit", stack.wait_delivered("limit", 180))
    assert figures["lost"] == 0 and figures["duplicates"] == 0
    assert "Hard time limit" not in stack.log("worker")


def test_relay_refusing_then_hanging_then_back(clean):
    stack = clean
    stack.sink.refuse()
    stack.start("worker")
    stack.start("beat")
    stack.queue_messages(50, "relay")
    time.sleep(5)
    stack.sink.hang()
    hang_started = time.time()
    time.sleep(30)
    # The heartbeat (and with it every sweep: same queue) kept running while sending hung.
    beat_age = stack.postgres.scalar(
        "SELECT extract(epoch FROM now() - seen_at) FROM icity_heartbeat WHERE name='beat'"
    )
    assert beat_age is not None and float(beat_age) < 25, f"heartbeat {beat_age} s old while the relay hangs"
    cause = stack.shell("from icity.health import check_outbox; print(check_outbox())")
    stack.sink.answer()
    figures = stack.wait_delivered("relay", 180)
    figures |= {"heartbeat_age_during_hang_s": round(float(beat_age)), "hang_s": round(time.time() - hang_started)}
    _record("SMTP refusing, hanging, back", figures)
    assert "relay" in cause or "timed out" in cause or "refused" in cause.lower()
    assert figures["lost"] == 0 and figures["duplicates"] == 0


def _plain_http(session: requests.Session) -> None:
    """The web runs as in production, so its cookies are Secure; the suite speaks plain HTTP on loopback."""
    for cookie in session.cookies:
        cookie.secure = False


def _login(session: requests.Session):
    session.get(f"{BASE}/accounts/login/", timeout=20)
    _plain_http(session)
    response = session.post(
        f"{BASE}/accounts/login/",
        data={
            "username": "agent@faults.example",
            "password": "fault-pass-2026",
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": f"{BASE}/accounts/login/"},
        timeout=20,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.status_code
    _plain_http(session)


class Traffic:
    """Two clients: one creating tickets through the API, one reading pages; every answer recorded."""

    PAGES = ("/equipment/assets/", "/tickets/", "/tickets/?view=mine", "/")

    def __init__(self, stack: Stack, prefix: str):
        self.stack, self.prefix = stack, prefix
        self.statuses: list[tuple[str, int]] = []
        self.created: list[str] = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._create), threading.Thread(target=self._read)]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def _create(self):
        headers = {"Authorization": f"Token {self.stack.token}"}
        index = 0
        while not self.stop.is_set():
            index += 1
            try:
                response = requests.post(
                    f"{BASE}/api/v1/tickets/",
                    json={"title": f"{self.prefix} {index}", "description": "fault", "category": self.stack.category},
                    headers=headers,
                    timeout=30,
                )
            except requests.RequestException:
                self.statuses.append(("create", 0))
                continue
            self.statuses.append(("create", response.status_code))
            if response.status_code == 201:
                self.created.append(f"{self.prefix} {index}")
            time.sleep(0.2)

    def _read(self):
        session = requests.Session()
        try:
            _login(session)
        except Exception:
            self.statuses.append(("login", 0))
            return
        while not self.stop.is_set():
            for page in self.PAGES:
                try:
                    self.statuses.append((page, session.get(f"{BASE}{page}", timeout=30).status_code))
                except requests.RequestException:
                    self.statuses.append((page, 0))
            time.sleep(0.2)

    def errors(self, allowed=()) -> list[tuple[str, int]]:
        return [
            (what, status) for what, status in self.statuses if status >= 500 or status == 0 if status not in allowed
        ]

    def stored(self) -> int:
        with self.stack.postgres.connect() as conn:
            return conn.execute("SELECT count(*) FROM tickets_ticket WHERE title = ANY(%s)", [self.created]).fetchone()[
                0
            ]

    def opened_notifications(self) -> set[str]:
        with self.stack.postgres.connect() as conn:
            rows = conn.execute(
                "SELECT n.headers->>'Message-ID' FROM icity_notification n JOIN tickets_ticket t"
                " ON n.dedupe_key = 'ticket:' || t.id || ':opened' WHERE t.title = ANY(%s)",
                [self.created],
            ).fetchall()
        return {row[0] for row in rows}


def _wait_opened_delivered(stack: Stack, traffic: Traffic, timeout: float) -> dict:
    expected = traffic.opened_notifications()
    wait_for(lambda: expected <= set(stack.sink.ids()), timeout, "every ticket notification to arrive", every=0.5)
    time.sleep(2)
    ids = stack.sink.ids()
    return {"notifications": len(expected), "duplicates": sum(ids[key] - 1 for key in expected)}


def test_redis_stopped_during_traffic(clean):
    stack = clean
    stack.start("web")
    stack.start("worker")
    stack.start("beat")
    with Traffic(stack, "redis") as traffic:
        time.sleep(5)
        stack.redis.stop()
        time.sleep(20)
        stack.redis.start()
        time.sleep(5)
    mail = _wait_opened_delivered(stack, traffic, 180)
    figures = {
        "requests": len(traffic.statuses),
        "5xx": len(traffic.errors()),
        "tickets_accepted": len(traffic.created),
        "tickets_stored": traffic.stored(),
        **mail,
    }
    _record("Redis stopped 20 s during traffic", figures)
    assert figures["5xx"] == 0, traffic.errors()[:10]
    assert figures["tickets_stored"] == figures["tickets_accepted"] > 0
    assert mail["duplicates"] == 0


def test_postgres_restarted_during_traffic_and_while_idle(clean):
    stack = clean
    stack.start("web")
    stack.start("worker")
    stack.start("beat")
    with Traffic(stack, "pg-busy") as traffic:
        time.sleep(5)
        stack.postgres.restart()
        time.sleep(15)
    during = traffic.errors(allowed=(503,))
    mail = _wait_opened_delivered(stack, traffic, 180)
    busy = {
        "requests": len(traffic.statuses),
        "503": sum(1 for _what, status in traffic.statuses if status == 503),
        "other_failures": len(during),
        "tickets_accepted": len(traffic.created),
        "tickets_stored": traffic.stored(),
        **mail,
    }
    _record("PostgreSQL restarted during traffic", busy)
    assert busy["tickets_stored"] == busy["tickets_accepted"] > 0
    assert busy["other_failures"] == 0, during[:10]
    assert mail["duplicates"] == 0

    # Idle: every persistent connection is now dead; none of the next requests may fail.
    time.sleep(3)
    stack.postgres.restart()
    with Traffic(stack, "pg-idle") as traffic:
        time.sleep(8)
    idle = {"requests": len(traffic.statuses), "failed": len([s for s in traffic.statuses if s[1] >= 400 or s[1] == 0])}
    _record("PostgreSQL restarted while idle", idle)
    assert idle["failed"] == 0, traffic.statuses[:10]


def test_two_beats(clean):
    stack = clean
    stack.sink.delay = 0.01
    stack.start("worker")
    stack.start("beat1")
    stack.start("beat2")
    for batch in range(5):
        stack.queue_messages(40, f"beats{batch}")
        time.sleep(3)
    figures = {"queued": 0, "delivered": 0, "duplicates": 0, "lost": 0}
    for batch in range(5):
        for key, value in stack.wait_delivered(f"beats{batch}", 120).items():
            figures[key] += value
    _record("two beats", figures)
    assert figures["lost"] == 0 and figures["duplicates"] == 0
