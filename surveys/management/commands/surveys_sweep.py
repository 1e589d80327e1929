from django.core.management.base import BaseCommand

from surveys.services import campaigns_sweep


class Command(BaseCommand):
    help = "Run the survey sweep by hand: close expired campaigns, queue invitations and reminders."

    def handle(self, *args, **options):
        result = campaigns_sweep()
        self.stdout.write(
            f"Invitations queued: {result.invited}, reminders: {result.reminded}, closed: {result.closed}"
        )
