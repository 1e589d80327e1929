"""Sending one message at a time, coalesced pokes, interrupts and relay failures."""

import itertools
import smtplib

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from icity import outbox
from icity.models import Notification
from icity.outbox import notify, outbox_drain, poke_drain


def _queue(key, **kwargs):
    return notify(
        dedupe_key=key,
        template="password_reset",
        to_email="someone@brucity.example",
        context={"recipient_name": "Someone", "reset_url": "http://x/reset"},
        **kwargs,
    )


@pytest.fixture
def pokes(settings, monkeypatch):
    """Count the drains the outbox asks for."""
    settings.OUTBOX_POKE_ON_COMMIT = True
    settings.OUTBOX_POKE_INTERVAL = 30
    cache.clear()
    monkeypatch.setattr(outbox, "_last_poke", 0.0)
    calls = []
    monkeypatch.setattr(outbox, "_drain_trigger", lambda countdown=None: calls.append(countdown))
    return calls


def test_500_notifications_in_one_transaction_queue_one_drain(db, pokes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for index in range(500):
            _queue(f"burst:{index}")
    assert Notification.objects.count() == 500
    assert pokes == [None]


def test_a_burst_of_transactions_queues_one_drain_now_and_one_at_the_end_of_the_interval(db, pokes, monkeypatch):
    for _ in range(50):
        poke_drain()
    assert pokes == [None]
    # Another process (its own process-local memory) in the same interval: one deferred drain, once.
    monkeypatch.setattr(outbox, "_last_poke", 0.0)
    poke_drain()
    monkeypatch.setattr(outbox, "_last_poke", 0.0)
    poke_drain()
    assert len(pokes) == 2 and pokes[1] is not None and 0 < pokes[1] <= 30


def test_bulk_work_inside_one_poke_queues_a_single_drain_at_the_end(db, pokes, django_capture_on_commit_callbacks):
    with outbox.one_poke():
        for index in range(20):
            with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
                _queue(f"bulk:{index}")
        assert pokes == []
    assert pokes == [None]


def test_a_broker_outage_does_not_fail_the_poke(db, pokes, monkeypatch):
    def down(countdown=None):
        raise ConnectionRefusedError

    monkeypatch.setattr(outbox, "_drain_trigger", down)
    poke_drain()  # logged, not raised


def test_each_message_is_marked_sent_before_the_next_is_sent(db, monkeypatch):
    """A worker dying mid-drain leaves every message it sent marked sent: only the one in flight repeats."""
    for index in range(5):
        _queue(f"crash:{index}")
    real_send = mail.EmailMultiAlternatives.send
    sends = []

    class Killed(BaseException):
        pass

    def send(self, fail_silently=False):
        if len(sends) == 3:
            raise Killed  # like kill -9 while the fourth message is with the relay
        sends.append(self)
        return real_send(self, fail_silently)

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", send)
    with pytest.raises(Killed):
        outbox_drain()
    assert Notification.objects.filter(status=Notification.Status.SENT).count() == 3
    in_flight = Notification.objects.get(attempts=1, status=Notification.Status.PENDING)
    assert in_flight.next_attempt_at > timezone.now()  # leased: no other drain takes it before the lease ends
    assert Notification.objects.filter(attempts=0).count() == 1
    monkeypatch.undo()
    assert outbox_drain() == 1  # the untouched one; the leased one waits for its lease
    Notification.objects.filter(pk=in_flight.pk).update(next_attempt_at=timezone.now())
    assert outbox_drain() == 1
    assert len(mail.outbox) == 5


def test_the_soft_time_limit_stops_the_drain_rather_than_counting_as_a_failure(db, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    _queue("soft:1")
    _queue("soft:2")

    def send(self, fail_silently=False):
        raise SoftTimeLimitExceeded

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", send)
    with pytest.raises(SoftTimeLimitExceeded):
        outbox_drain(interrupts=(SoftTimeLimitExceeded,))
    rows = list(Notification.objects.order_by("id"))
    assert [row.attempts for row in rows] == [1, 0]
    assert rows[0].last_error == ""


def test_the_drain_task_stops_at_its_soft_limit_cleanly(db, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    from icity import tasks

    _queue("task:1")

    def send(self, fail_silently=False):
        raise SoftTimeLimitExceeded

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", send)
    monkeypatch.setattr(tasks, "queue_drain", lambda **kwargs: None)
    assert tasks.outbox_drain() == 0


def test_the_drain_claims_nothing_after_its_time_budget(db, monkeypatch):
    for index in range(3):
        _queue(f"budget:{index}")
    clock = itertools.chain([0.0, 0.0], itertools.repeat(100.0))
    monkeypatch.setattr(outbox.time, "monotonic", lambda: next(clock))
    assert outbox_drain(time_budget=10) == 1
    assert Notification.objects.filter(status=Notification.Status.PENDING, attempts=0).count() == 2


@pytest.mark.parametrize(
    "error",
    [ConnectionRefusedError("refused"), TimeoutError("timed out"), smtplib.SMTPServerDisconnected("gone")],
)
def test_a_relay_failure_stops_the_drain_and_backs_off(db, monkeypatch, error):
    for index in range(4):
        _queue(f"relay:{index}")

    def send(self, fail_silently=False):
        raise error

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", send)
    assert outbox_drain() == 0
    failed = Notification.objects.get(attempts=1)
    assert failed.last_error.startswith("relay: ") and failed.next_attempt_at > timezone.now()
    assert Notification.objects.filter(attempts=0).count() == 3  # not tried against a dead relay


def test_a_refused_recipient_fails_that_message_only(db, monkeypatch):
    _queue("bad:1")
    _queue("bad:2")
    real_send = mail.EmailMultiAlternatives.send

    def send(self, fail_silently=False):
        if self.extra_headers["X-Icity-Notification"] == "bad:1":
            raise smtplib.SMTPRecipientsRefused({"someone@brucity.example": (550, b"no such user")})
        return real_send(self, fail_silently)

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", send)
    assert outbox_drain() == 1
    assert not Notification.objects.get(dedupe_key="bad:1").last_error.startswith("relay: ")


def test_the_smtp_connection_has_a_timeout(settings):
    from django.core.mail import get_connection

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert get_connection().timeout == settings.EMAIL_TIMEOUT == 10


def test_the_outbox_does_not_import_its_task_module():
    import ast
    from pathlib import Path

    tree = ast.parse(Path(outbox.__file__).read_text())
    imported = {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)} | {
        alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    }
    assert not {"tasks", "icity.tasks", "celery"} & imported
