from django.core.management.base import BaseCommand

from loans import sweeps as loan_sweeps


class Command(BaseCommand):
    help = "Run the loan, request, delivery and recovery reminder sweeps now (beat runs them on schedule)."

    def add_arguments(self, parser):
        parser.add_argument("--digest", action="store_true", help="Also send today's logistics digest.")

    def handle(self, *args, **options):
        results = loan_sweeps.all_loan_sweeps()
        if options["digest"]:
            results["digest"] = loan_sweeps.logistics_digest_sweep()
        for name, count in results.items():
            self.stdout.write(f"{name}: {count}")
