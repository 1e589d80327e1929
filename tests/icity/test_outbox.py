import threading

import pytest
from django.core import mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from icity import outbox
from icity.models import Notification
from icity.outbox import notify, notify_user, outbox_drain, outbox_purge_sent, outbox_retry
from icity.roles import Role
from tests.factories import make_user


def _queue(key="test:1", **kwargs):
    defaults = {
        "dedupe_key": key,
        "template": "password_reset",
        "to_email": "someone@brucity.example",
        "context": {"recipient_name": "Someone", "reset_url": "http://x/reset"},
    }
    return notify(**{**defaults, **kwargs})


def test_the_same_dedupe_key_is_queued_once(db):
    assert _queue() is True
    assert _queue() is False
    assert Notification.objects.count() == 1


def test_a_duplicate_key_leaves_the_callers_transaction_usable(db):
    with transaction.atomic():
        _queue()
        _queue()
        make_user(Role.REQUESTER)  # would fail if the transaction were broken
    assert Notification.objects.count() == 1


def test_a_rolled_back_change_leaves_no_message(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        _queue()
        raise RuntimeError("the change failed")
    assert not Notification.objects.exists()


def test_drain_sends_each_message_once_in_the_recipients_language(db):
    person = make_user(Role.REQUESTER, language="nl")
    notify_user(user=person, dedupe_key="test:nl", template="password_reset", context={"reset_url": "http://x/r"})
    assert outbox_drain() == 1
    assert outbox_drain() == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "wachtwoord" in message.subject.lower()
    html = message.alternatives[0][0]
    assert '<html lang="nl">' in html
    row = Notification.objects.get()
    assert row.status == Notification.Status.SENT and row.sent_at is not None and row.attempts == 1


def test_user_text_is_escaped_in_html_and_kept_plain_in_text(db):
    _queue(context={"recipient_name": "<script>alert(1)</script> & Co", "reset_url": "http://x/r"})
    outbox_drain()
    message = mail.outbox[0]
    assert "<script>" not in message.alternatives[0][0]
    assert "&lt;script&gt;" in message.alternatives[0][0]
    assert "<script>alert(1)</script> & Co" in message.body


def test_a_failed_send_is_retried_with_backoff_then_marked_failed(db, settings, monkeypatch):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    _queue()

    def broken_send(self, fail_silently=False):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken_send)
    assert outbox_drain() == 0
    row = Notification.objects.get()
    assert row.status == Notification.Status.PENDING and row.attempts == 1
    assert "SMTP down" in row.last_error
    assert row.next_attempt_at > timezone.now()
    assert outbox_drain() == 0  # not due yet: backoff
    Notification.objects.update(next_attempt_at=timezone.now())
    outbox_drain()
    row.refresh_from_db()
    assert row.status == Notification.Status.FAILED and row.attempts == 2
    monkeypatch.undo()
    assert outbox_retry(notification_ids=[row.id]) == 1
    assert outbox_drain() == 1
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT


def test_old_sent_messages_are_purged(db):
    _queue()
    outbox_drain()
    Notification.objects.update(sent_at=timezone.now() - timezone.timedelta(days=200))
    assert outbox_purge_sent(older_than_days=90) == 1


def test_admin_outbox_lists_and_retries(client, admin_user):
    _queue()
    Notification.objects.update(status=Notification.Status.FAILED, attempts=8)
    client.force_login(admin_user)
    changelist = reverse("admin:icity_notification_changelist")
    assert client.get(changelist + "?status__exact=failed").status_code == 200
    row = Notification.objects.get()
    response = client.post(changelist, {"action": "retry", "_selected_action": [row.id]})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == Notification.Status.PENDING


def test_non_staff_cannot_open_the_outbox_pages(client, agent):
    client.force_login(agent)
    assert client.get(reverse("admin:icity_notification_changelist")).status_code == 302
    assert client.get(reverse("icity:mail-outbox")).status_code == 302


def test_dev_mailbox_lists_files_for_admins(client, admin_user, settings, tmp_path):
    settings.EMAIL_FILE_PATH = tmp_path
    (tmp_path / "20261128-1.log").write_text("Subject: hello <b>")
    client.force_login(admin_user)
    page = client.get(reverse("icity:mail-outbox")).content.decode()
    assert "20261128-1.log" in page
    message = client.get(reverse("icity:mail-message", args=["20261128-1.log"]))
    assert message["Content-Type"].startswith("text/plain")
    assert client.get(reverse("icity:mail-message", args=["..%2Fsecret.log"])).status_code == 404


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_drains_at_once_send_each_message_once():
    for index in range(30):
        _queue(key=f"race:{index}")
    results = []
    barrier = threading.Barrier(2)

    def drain():
        barrier.wait()
        try:
            results.append(outbox_drain(limit=30))
        finally:
            connection.close()

    threads = [threading.Thread(target=drain) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == 30
    assert len(mail.outbox) == 30
    assert len({message.extra_headers["X-Icity-Notification"] for message in mail.outbox}) == 30


@pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_behind_pgbouncer_the_drain_lock_is_held_by_a_transaction_of_its_own(settings):
    # In PgBouncer's transaction mode a session lock outlives the drain on some server
    # connection; a transaction lock on a connection of its own ends with the drain.
    settings.DATABASE_PGBOUNCER = True
    with outbox._drain_lock() as first, outbox._drain_lock() as second:
        assert (first, second) == (True, False)  # a session lock would be taken twice here
    with outbox._drain_lock() as again:
        assert again
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [outbox.DRAIN_LOCK_ID],
        )
        assert cursor.fetchone()[0] == 0
