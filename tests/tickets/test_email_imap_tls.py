"""IMAP over TLS, as production mailboxes use it: a real Dovecot offering only IMAPS with a
certificate from a test CA. Trusted through ``EMAIL_IMAP_CA_FILE`` the poll works; without it
the certificate is refused, the error is recorded and nothing is read."""

import imaplib
import ssl

import pytest

from tickets.mail import imap as imap_poll
from tickets.mail.models import Mailbox
from tickets.models import Ticket

from .dovecot import DOVECOT, PASSWORD, USER, running_dovecot
from .email_helpers import build_email

pytestmark = [
    pytest.mark.skipif(DOVECOT is None, reason="dovecot is not installed (apt-get install dovecot-imapd)"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def imaps():
    with running_dovecot(tls=True) as (port, ca_cert):
        yield port, ca_cert


@pytest.fixture
def mailbox(imaps, team):
    port, _ca = imaps
    return Mailbox.objects.create(
        address=USER, team=team, imap_host="127.0.0.1", imap_port=port, imap_tls=True, imap_user=USER,
        imap_password=PASSWORD,
    )  # fmt: skip


def _deliver_over_tls(port, ca_cert, *messages: bytes) -> None:
    client = imaplib.IMAP4_SSL("127.0.0.1", port, ssl_context=ssl.create_default_context(cafile=str(ca_cert)))
    client.login(USER, PASSWORD)
    for raw in messages:
        assert client.append("INBOX", None, None, raw)[0] == "OK"
    client.logout()


def test_poll_over_tls_with_the_citys_ca_creates_the_ticket(imaps, mailbox, settings):
    port, ca_cert = imaps
    settings.EMAIL_IMAP_CA_FILE = str(ca_cert)
    _deliver_over_tls(port, ca_cert, build_email(subject="Over TLS", message_id="<tls-1@mail.brucity.example>"))

    result = imap_poll.poll_mailbox(mailbox)

    assert result.error == "" and result.outcomes == ["processed"]
    assert Ticket.objects.filter(title="Over TLS", channel="email").exists()


def test_an_untrusted_certificate_is_refused_recorded_and_nothing_is_read(imaps, mailbox, settings):
    port, ca_cert = imaps
    settings.EMAIL_IMAP_CA_FILE = ""  # the system's authorities, which never signed the test CA
    _deliver_over_tls(port, ca_cert, build_email(subject="Not read", message_id="<tls-2@mail.brucity.example>"))

    results = imap_poll.poll_all_mailboxes()

    assert "CERTIFICATE_VERIFY_FAILED" in results[0].error
    assert results[0].outcomes == []
    assert not Ticket.objects.exists()
    mailbox.refresh_from_db()
    assert "CERTIFICATE_VERIFY_FAILED" in mailbox.last_error
