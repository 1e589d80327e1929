from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError

from assets.imports import ImportFileError, guess_mapping, import_apply, import_dry_run, read_table, sniff_format
from assets.models import ImportBatch
from assets.services import InventoryError


class Command(BaseCommand):
    help = (
        "Import assets or stock levels from a CSV/XLSX file whose headers use the field names "
        "(tag, serial, model, site, …). Dry run by default; --apply writes everything or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--kind", choices=["assets", "stock"], default="assets")
        parser.add_argument("--as", dest="email", required=True, help="Email of the logistics user doing the import.")
        parser.add_argument("--apply", action="store_true")

    def handle(self, *args, path: str, kind: str, email: str, apply: bool, **options):
        user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {email}.")
        data = Path(path).read_bytes()
        try:
            sniff_format(data[:4096])
            headers, _rows = read_table(data)
        except ImportFileError as error:
            raise CommandError(error.message) from error
        batch = ImportBatch(kind=kind, original_name=Path(path).name, headers=headers, created_by=user)
        batch.file.save(Path(path).name, ContentFile(data))
        try:
            report = import_dry_run(batch=batch, mapping=guess_mapping(kind, headers))
            for error in report["errors"]:
                self.stdout.write(f"row {error['row']}: {' '.join(error['messages'])}")
            self.stdout.write(f"{report['total']} rows: {report['counts']}, {len(report['errors'])} with errors")
            if apply:
                if report["errors"]:
                    raise CommandError("The file has errors: nothing was imported.")
                import_apply(actor=user, batch=batch)
                self.stdout.write(self.style.SUCCESS("Applied."))
        except InventoryError as error:
            raise CommandError(error.message) from error
