from django.core.management.base import BaseCommand

from assets.services import stock_low_sweep, warranty_digest_sweep


class Command(BaseCommand):
    help = "Run the inventory sweeps by hand: low-stock alerts and the weekly warranty digest."

    def handle(self, *args, **options):
        self.stdout.write(f"Low-stock alerts queued: {stock_low_sweep()}")
        self.stdout.write(f"Warranty digests queued: {warranty_digest_sweep()}")
