"""Shared set-up for the email channel tests."""

from pathlib import Path

from icity.roles import Role
from tests.factories import make_user
from tickets.mail.models import OutboundEmail
from tickets.models import Ticket

from .factories import open_ticket

CORPUS = Path(__file__).parent / "email_corpus"
JEAN = "jean.dupont@brucity.example"
THREAD_ID = "<icity.corpus-thread@icity.example>"
ROOT_ID = "<icity.corpus-root@icity.example>"
REFERENCE = "HD-2026-000042"


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def jean_with_ticket():
    """Jean, and his ticket HD-2026-000042 that the corpus replies answer (by subject or Message-ID)."""
    jean = make_user(Role.REQUESTER, email=JEAN, first_name="Jean", last_name="Dupont")
    ticket = open_ticket(jean, title="Écran noir")
    Ticket.objects.filter(pk=ticket.pk).update(reference=REFERENCE)
    ticket.refresh_from_db()
    OutboundEmail.objects.create(message_id=THREAD_ID, ticket=ticket)
    OutboundEmail.objects.create(message_id=ROOT_ID, ticket=ticket)
    return jean, ticket


def build_email(
    *,
    sender: str = JEAN,
    subject: str = "Help",
    body: str = "Hello",
    message_id: str | None = None,
    headers: dict | None = None,
) -> bytes:
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = sender
    message["To"] = "helpdesk@icity.example"
    message["Subject"] = subject
    if message_id:
        message["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message.as_bytes()
