import random

from django.core.management.base import BaseCommand

from loans.bench_seed import seed_loans_bench


class Command(BaseCommand):
    help = "Seed many loans for the benchmark (bulk inserts): 200,000 loans, 50,000 active by default."

    def add_arguments(self, parser):
        parser.add_argument("--loans", type=int, default=200_000)
        parser.add_argument("--active", type=int, default=50_000)
        parser.add_argument("--cold", action="store_true", help="No reminder sent yet on any loan (worst case).")

    def handle(self, *args, **options):
        made = seed_loans_bench(
            loans=options["loans"],
            active=options["active"],
            cold=options["cold"],
            rng=random.Random("icity-loans-bench"),
            stdout=self.stdout,
        )
        self.stdout.write(f"created {made} loans")
