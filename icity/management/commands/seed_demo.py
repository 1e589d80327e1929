import random

from django.core.management.base import BaseCommand

from icity.demo import DEMO_ACCOUNTS, DEMO_DOMAIN, DEMO_PASSWORD
from icity.outbox import one_poke
from icity.registry import seeders


class Command(BaseCommand):
    help = "Create realistic demo data (idempotent: running it twice changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Do not print the demo accounts.")

    def handle(self, *args, quiet: bool = False, **options):
        # One drain for everything the seeders queue, at the end (not one per message).
        with one_poke():
            for seeder in seeders():
                self.stdout.write(f"Seeding {seeder.name}…")
                seeder.seed(rng=random.Random(f"icity-demo-{seeder.name}"), stdout=self.stdout)
        if quiet:
            return
        self.stdout.write(self.style.SUCCESS(f"\nDemo accounts (password for all: {DEMO_PASSWORD})"))
        for key, first, last, roles, _department, _language in DEMO_ACCOUNTS:
            role_names = ", ".join(str(role) for role in roles)
            self.stdout.write(f"  {key + '@' + DEMO_DOMAIN:<28} {first + ' ' + last:<22} [{role_names}]")
