import random
import time

from django.core.management.base import BaseCommand

from icity.demo import seed_people
from icity.models import User
from tickets.demo import generate_tickets, seed_reference_data


class Command(BaseCommand):
    help = "Add COUNT generated tickets (for benchmarks), creating teams and categories first if needed."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=1000)
        parser.add_argument("--seed", default="icity-bench")

    def handle(self, *args, count: int, seed: str, **options):
        rng = random.Random(seed)
        if User.objects.count() < 50:
            seed_people(rng=rng)
        seed_reference_data(rng=rng)
        started = time.monotonic()
        made = generate_tickets(count=count, rng=rng)
        self.stdout.write(f"Created {made} tickets in {time.monotonic() - started:.1f} s.")
