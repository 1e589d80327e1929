"""Demo data for the email channel: the helpdesk mailbox and a few emails through the real intake.

Idempotent: the intake ignores a Message-ID it has seen, and the mailbox is get_or_create.
"""

import random
from email.message import EmailMessage

from icity.models import User
from icity.roles import Role
from tickets.models import Team

from .intake import email_ingest
from .models import Mailbox


def _email(*, sender: str, subject: str, body: str, message_id: str, headers: dict | None = None) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, "helpdesk@icity.example", subject
    message["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message.as_bytes()


def seed_email(*, rng: random.Random, stdout=None, **kwargs) -> None:
    team = Team.objects.filter(email="helpdesk@icity.example").first() or Team.objects.order_by("pk").first()
    # No IMAP host in the demo: set one in the admin to poll a real mailbox.
    mailbox, _created = Mailbox.objects.get_or_create(address="helpdesk@icity.example", defaults={"team": team})
    requester = User.objects.filter(groups__name=Role.REQUESTER, is_active=True).order_by("pk").first()
    if requester is None:
        return
    first = "<demo-email-1@mail.brucity.example>"
    messages = [
        _email(
            sender=requester.email,
            subject="Imprimante du 2e étage hors service",
            body="Bonjour,\n\nL'imprimante PRN-0207 affiche « bourrage papier » alors qu'il n'y a pas de papier coincé.\n\nMerci,",
            message_id=first,
        ),
        _email(
            sender=requester.email,
            subject="Re: Imprimante du 2e étage hors service",
            body="Précision : le problème se produit seulement en recto-verso.\n\n> Bonjour,\n> L'imprimante PRN-0207...",
            message_id="<demo-email-2@mail.brucity.example>",
            headers={"In-Reply-To": first, "References": first},
        ),
        _email(
            sender=requester.email,
            subject="Réponse automatique : absent",
            body="Je suis absent jusqu'à lundi.",
            message_id="<demo-email-3@mail.brucity.example>",
            headers={"Auto-Submitted": "auto-replied"},
        ),
        b"Subject: no sender\r\nMessage-ID: <demo-email-4@mail.brucity.example>\r\n\r\nA message without From: quarantined.\r\n",
    ]
    outcomes = [email_ingest(raw=raw, mailbox=mailbox).status for raw in messages]
    if stdout is not None:
        stdout.write(f"  emails: {', '.join(outcomes)}")
