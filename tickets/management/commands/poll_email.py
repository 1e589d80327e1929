"""Poll the team mailboxes now (what the beat task does every minute)."""

from django.core.management.base import BaseCommand

from tickets.mail.imap import poll_all_mailboxes


class Command(BaseCommand):
    help = "Read every enabled team mailbox over IMAP and ingest the new messages."

    def handle(self, *args, **options):
        for result in poll_all_mailboxes():
            summary = result.error or f"{len(result.outcomes)} message(s): {', '.join(result.outcomes) or 'none'}"
            self.stdout.write(f"{result.mailbox}: {summary}")
