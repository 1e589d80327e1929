"""The outbox against a real Celery worker, Redis and an SMTP sink.

Needs PostgreSQL and REDIS_URL (CI sets both; .ci/run fails when they are
down). The worker runs as a separate process on a private queue and reads the
test database, so these tests commit their data (transaction=True).
"""

import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from email import message_from_bytes
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from django.urls import reverse

from icity.celery import app as celery_app
from icity.models import Notification
from icity.outbox import notify
from icity.tasks import outbox_drain
from tests.icity.broker import reset_producer_pool as _reset_producer_pool

BASE_DIR = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a real Redis broker)"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a separate worker process needs PostgreSQL"),
]


class _Sink:
    def __init__(self):
        self.messages: list[bytes] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(envelope.content)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_sink():
    sink = _Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller.port, sink
    controller.stop()


@pytest.fixture
def worker(transactional_db, smtp_sink, tmp_path):
    port, _sink = smtp_sink
    database = connection.settings_dict
    queue = f"icity-test-{uuid.uuid4().hex[:10]}"
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}",
        "CELERY_QUEUE": queue,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "ICITY_VAR_DIR": str(tmp_path),
        "DJANGO_DEBUG": "1",
    }
    env.pop("ICITY_TESTING", None)
    log_path = tmp_path / "worker.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "icity", "worker", "-Q", f"{queue},{queue}-mail", "--concurrency", "2",
             "--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    deadline = time.monotonic() + 60
    while b"ready." not in log_path.read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("Celery worker did not start:\n" + log_path.read_text(errors="replace")[-3000:])
        time.sleep(0.2)
    yield queue
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def _wait_until_sent(count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while Notification.objects.filter(status=Notification.Status.SENT).count() < count:
        assert time.monotonic() < deadline, "the worker did not send the outbox in time"
        time.sleep(0.2)


def _queue_messages(count: int) -> list[str]:
    keys = [f"worker-test:{uuid.uuid4().hex}" for _ in range(count)]
    for key in keys:
        notify(
            dedupe_key=key,
            template="password_reset",
            to_email="someone@brucity.example",
            language="fr",
            context={"recipient_name": "Quelqu'un", "reset_url": "http://x/r"},
        )
    return keys


def _keys_in(messages: list[bytes]) -> list[str]:
    return [str(message_from_bytes(raw)["X-Icity-Notification"]).strip() for raw in messages]


def test_a_drain_delivered_twice_sends_the_message_once(worker, smtp_sink):
    _port, sink = smtp_sink
    [key] = _queue_messages(1)
    task_id = str(uuid.uuid4())
    # The same task message delivered twice (a broker redelivery), and one more drain.
    outbox_drain.apply_async(queue=worker, task_id=task_id)
    outbox_drain.apply_async(queue=worker, task_id=task_id)
    outbox_drain.apply_async(queue=worker)
    _wait_until_sent(1)
    time.sleep(2)  # let any duplicate arrive
    assert _keys_in(sink.messages) == [key]


def test_two_drains_at_once_send_every_message_exactly_once(worker, smtp_sink, settings):
    _port, sink = smtp_sink
    keys = _queue_messages(40)
    for _ in range(6):  # concurrency 2: drains overlap
        outbox_drain.apply_async(queue=worker)
    _wait_until_sent(40)
    time.sleep(2)
    sent = _keys_in(sink.messages)
    assert sorted(sent) == sorted(keys)
    assert len(sent) == len(set(sent)) == 40


def test_a_row_written_while_the_broker_was_down_is_sent_by_the_periodic_drain(
    worker, smtp_sink, client, settings, monkeypatch
):
    _port, sink = smtp_sink
    settings.OUTBOX_POKE_ON_COMMIT = True
    from tests.factories import make_user

    person = make_user("requester")
    # The broker is unreachable when the request commits its outbox row.
    monkeypatch.setitem(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    _reset_producer_pool(monkeypatch)
    response = client.post(reverse("password_reset"), {"email": person.email})
    assert response.status_code == 302
    row = Notification.objects.get(recipient=person)
    assert row.status == Notification.Status.PENDING
    monkeypatch.undo()
    _reset_producer_pool()
    # The broker is back: the periodic drain (what beat sends) delivers it once.
    outbox_drain.apply_async(queue=worker)
    _wait_until_sent(1)
    time.sleep(1)
    assert _keys_in(sink.messages) == [row.dedupe_key]
