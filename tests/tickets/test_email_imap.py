"""The IMAP poll against a real Dovecot on loopback, started and stopped by the test.

Plain authentication over loopback only (production mailboxes use TLS).
Skipped, with the reason, when the dovecot binary is absent (.ci/run installs it).
"""

import imaplib
import os
import subprocess
import time
from pathlib import Path

import pytest

from tickets.mail import imap as imap_poll
from tickets.mail import intake as email_intake
from tickets.mail.models import InboundMessage, InboundStatus, Mailbox
from tickets.models import Ticket

from .dovecot import DOVECOT, PASSWORD, USER, free_port, running_dovecot
from .email_helpers import build_email, corpus

pytestmark = [
    pytest.mark.skipif(DOVECOT is None, reason="dovecot is not installed (apt-get install dovecot-imapd)"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def dovecot():
    with running_dovecot() as (port, _ca):
        yield port


def _client(port: int) -> imaplib.IMAP4:
    client = imaplib.IMAP4("127.0.0.1", port)
    client.login(USER, PASSWORD)
    return client


def _deliver(port: int, *messages: bytes) -> None:
    client = _client(port)
    for raw in messages:
        assert client.append("INBOX", None, None, raw)[0] == "OK"
    client.logout()


def _count(port: int, folder: str) -> int:
    client = _client(port)
    status, data = client.status(f'"{folder}"', "(MESSAGES)")
    client.logout()
    if status != "OK":
        return 0
    return int(data[0].split(b"MESSAGES")[1].strip(b" )"))


@pytest.fixture
def mailbox(dovecot, team):
    return Mailbox.objects.create(
        address=USER,
        team=team,
        imap_host="127.0.0.1",
        imap_port=dovecot,
        imap_tls=False,
        imap_user=USER,
        imap_password=PASSWORD,
    )


def _messages(count: int) -> list[bytes]:
    return [
        build_email(subject=f"IMAP problem {n}", body=f"Body {n}", message_id=f"<imap-{n}@mail.brucity.example>")
        for n in range(count)
    ]


def test_delivered_messages_become_tickets_are_moved_and_repolling_creates_nothing(dovecot, mailbox):
    from tests.factories import make_user

    make_user(email="jean.dupont@brucity.example")
    _deliver(dovecot, *_messages(3), corpus("22_x_autoreply.eml"), corpus("29_garbage.eml"))

    results = imap_poll.poll_all_mailboxes()

    assert sorted(results[0].outcomes) == ["ignored", "processed", "processed", "processed", "quarantined"]
    assert Ticket.objects.filter(channel="email", team=mailbox.team).count() == 3
    assert _count(dovecot, "INBOX") == 0 and _count(dovecot, "Processed") == 5
    mailbox.refresh_from_db()
    assert mailbox.last_polled_at is not None and mailbox.last_error == ""

    assert imap_poll.poll_all_mailboxes()[0].outcomes == []
    # A redelivery of the same messages (same Message-IDs) creates nothing either.
    _deliver(dovecot, *_messages(3))
    assert imap_poll.poll_all_mailboxes()[0].outcomes == ["duplicate"] * 3
    assert Ticket.objects.count() == 3 and InboundMessage.objects.count() == 5
    assert _count(dovecot, "INBOX") == 0


class Killed(BaseException):
    """Stands for the process dying: not an Exception, so nothing in the intake catches it."""


def test_killing_the_poll_mid_batch_loses_and_duplicates_nothing(dovecot, mailbox, monkeypatch):
    _deliver(dovecot, *_messages(6))

    # Killed after the 2nd message's transaction committed, before it left the inbox.
    def die_after_second(raw, outcome, seen=[]):  # noqa: B006 - counts calls within this test
        seen.append(outcome)
        if len(seen) == 2:
            raise Killed

    with pytest.raises(Killed):
        imap_poll.poll_mailbox(mailbox, after_ingest=die_after_second)
    assert Ticket.objects.count() == 2 and _count(dovecot, "INBOX") == 5

    # Killed in the middle of the next message's transaction: it rolls back entirely.
    real_rethread = email_intake.outbound.rethread

    def die_inside_transaction(ticket):
        raise Killed

    monkeypatch.setattr(email_intake.outbound, "rethread", die_inside_transaction)
    with pytest.raises(Killed):
        imap_poll.poll_mailbox(mailbox)
    monkeypatch.setattr(email_intake.outbound, "rethread", real_rethread)
    # (The already-committed 2nd message was recognised as a duplicate and moved first.)
    assert Ticket.objects.count() == 2 and InboundMessage.objects.count() == 2
    assert _count(dovecot, "INBOX") == 4

    # The next poll finishes the batch: every message once, none lost.
    outcomes = imap_poll.poll_mailbox(mailbox).outcomes
    assert outcomes == ["processed"] * 4
    titles = sorted(Ticket.objects.values_list("title", flat=True))
    assert titles == [f"IMAP problem {n}" for n in range(6)]
    assert InboundMessage.objects.filter(status=InboundStatus.PROCESSED).count() == 6
    assert _count(dovecot, "INBOX") == 0 and _count(dovecot, "Processed") == 6


def test_an_unreachable_server_is_recorded_and_does_not_stop_other_mailboxes(dovecot, mailbox):
    Mailbox.objects.create(address="down@icity.test", imap_host="127.0.0.1", imap_port=free_port(), imap_tls=False)
    _deliver(dovecot, *_messages(1))
    results = {result.mailbox: result for result in imap_poll.poll_all_mailboxes()}
    assert results["down@icity.test"].error
    assert results[USER].outcomes == ["processed"]
    assert Mailbox.objects.get(address="down@icity.test").last_error


def test_a_poll_process_killed_with_sigkill_mid_batch_loses_and_duplicates_nothing(dovecot, mailbox, tmp_path):
    """The real thing: ``manage.py poll_email`` in its own process, killed -9 while it works."""
    import signal
    import sys

    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("The poll process must share the test database: needs PostgreSQL.")
    count = 40
    _deliver(dovecot, *_messages(count))
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "ICITY_VAR_DIR": str(tmp_path),
        "OUTBOX_POKE_ON_COMMIT": "0",
    }
    process = subprocess.Popen(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "poll_email"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while InboundMessage.objects.count() < 5 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    done_before_kill = InboundMessage.objects.count()
    assert 0 < done_before_kill < count, process.stderr.read().decode()[-2000:]  # killed mid-batch

    outcomes = imap_poll.poll_mailbox(mailbox).outcomes

    assert outcomes.count("processed") == count - done_before_kill
    titles = sorted(Ticket.objects.values_list("title", flat=True))
    assert titles == sorted(f"IMAP problem {n}" for n in range(count))
    assert _count(dovecot, "INBOX") == 0 and _count(dovecot, "Processed") == count
