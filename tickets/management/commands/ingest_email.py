"""Read one RFC 822 message on standard input (a mail server pipe) and ingest it.

Exit status 0 whenever the message is safely recorded (ticket, comment,
ignored, duplicate or quarantined); 75 (EX_TEMPFAIL) when it could not be
recorded at all, so that the mail server keeps it and retries.
"""

import sys

from django.core.management.base import BaseCommand, CommandError

from tickets.mail.intake import email_ingest
from tickets.mail.models import Mailbox

EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Ingest one email read from standard input (new ticket or reply)."
    stealth_options = ("stdin",)  # tests pass a bytes stream

    def add_arguments(self, parser):
        parser.add_argument("--mailbox", help="Address of the team mailbox the message was delivered to.")

    def handle(self, *args, mailbox=None, stdin=None, **options):
        box = None
        if mailbox:
            box = Mailbox.objects.filter(address__iexact=mailbox).first()
            if box is None:
                raise CommandError(f"No mailbox {mailbox!r}.")
        raw = (stdin or sys.stdin.buffer).read()
        try:
            result = email_ingest(raw=raw, mailbox=box)
        except Exception as error:  # database down and the like: let the mail server retry later
            self.stderr.write(f"Could not record the message: {type(error).__name__}: {error}")
            sys.exit(EX_TEMPFAIL)
        reference = result.ticket.reference if result.ticket else "-"
        self.stdout.write(f"{result.status} {reference} {result.reason}")
