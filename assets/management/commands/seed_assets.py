import random

from django.core.management.base import BaseCommand

from assets.demo import bulk_seed_assets


class Command(BaseCommand):
    help = "Add N demo assets quickly (bulk inserts), e.g. 100000 for the benchmark."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=1000)
        parser.add_argument("--seed", default="icity-bench")

    def handle(self, *args, count: int, seed: str, **options):
        created = bulk_seed_assets(count=count, rng=random.Random(seed))
        self.stdout.write(self.style.SUCCESS(f"Created {created} assets."))
