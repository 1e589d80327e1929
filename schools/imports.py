"""Pupil registration from a CSV or XLSX file, with a dry run.

The whole file is checked first; if any row is wrong nothing is saved, and the
school contact gets one clear message per bad row.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from assets.imports import ImportFileError, read_table

from .models import EligibilityReason, GuardianLanguage, Pupil, School
from .services import PUPIL_FIELDS, ProgrammeError, pupil_register

# Column names accepted in the header row (lower case, spaces as underscores).
ALIASES = {
    "reference": ("reference", "pupil_reference", "ref", "référence", "referentie"),
    "first_name": ("first_name", "firstname", "prénom", "prenom", "voornaam"),
    "last_name": ("last_name", "lastname", "name", "nom", "naam", "achternaam"),
    "class_name": ("class_name", "class", "classe", "klas"),
    "guardian_name": ("guardian_name", "guardian", "parent", "tuteur", "ouder"),
    "guardian_email": ("guardian_email", "email", "e_mail", "courriel"),
    "guardian_phone": ("guardian_phone", "phone", "téléphone", "telephone", "telefoon"),
    "language": ("language", "langue", "taal"),
    "eligibility": ("eligibility", "reason", "motif", "reden"),
}
REQUIRED = ("reference", "first_name", "last_name", "class_name", "guardian_name", "eligibility")


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    errors: list[str] = field(default_factory=list)
    dry_run: bool = True

    @property
    def ok(self) -> bool:
        return not self.errors


def _columns(headers: list[str]) -> dict[str, int]:
    normalised = [header.strip().lower().replace(" ", "_").replace("-", "_") for header in headers]
    columns = {}
    for name, aliases in ALIASES.items():
        for index, header in enumerate(normalised):
            if header in aliases:
                columns[name] = index
                break
    return columns


def _row_errors(values: dict) -> list[str]:
    errors = []
    for name in REQUIRED:
        if not values[name]:
            errors.append(_("%(field)s is missing") % {"field": Pupil._meta.get_field(name).verbose_name})
    if not values["guardian_email"] and not values["guardian_phone"]:
        errors.append(_("give the guardian's email or phone"))
    if values["guardian_email"]:
        try:
            validate_email(values["guardian_email"])
        except ValidationError:
            errors.append(_("the email address is not valid"))
    if values["language"] not in GuardianLanguage.values:
        errors.append(_("language must be fr or nl"))
    if values["eligibility"] and values["eligibility"] not in EligibilityReason.values:
        errors.append(_("eligibility must be one of: %(values)s") % {"values": ", ".join(EligibilityReason.values)})
    for name in PUPIL_FIELDS:
        limit = Pupil._meta.get_field(name).max_length
        if limit and len(values[name]) > limit:
            errors.append(_("%(field)s is too long") % {"field": Pupil._meta.get_field(name).verbose_name})
    return errors


def pupil_import(*, actor, school: School, data: bytes, dry_run: bool) -> ImportReport:
    """Check every row; unless it is a dry run and only if all rows are valid, register them all."""
    report = ImportReport(dry_run=dry_run)
    try:
        headers, rows = read_table(data)
    except ImportFileError as error:
        report.errors.append(error.message)
        return report
    columns = _columns(headers)
    missing = [name for name in (*REQUIRED, "language") if name not in columns]
    if missing:
        report.errors.append(_("Columns missing from the header row: %(columns)s") % {"columns": ", ".join(missing)})
        return report
    existing = set(Pupil.objects.filter(school=school, anonymised_at__isnull=True).values_list("reference", flat=True))
    seen: set[str] = set()
    parsed = []
    for line, row in enumerate(rows, start=2):
        values = {
            name: str(row[columns[name]]).strip() if name in columns and columns[name] < len(row) else ""
            for name in PUPIL_FIELDS
        }
        values["language"] = values["language"].lower()
        values["guardian_email"] = values["guardian_email"].lower()
        errors = _row_errors(values)
        if values["reference"] in existing:
            errors.append(_("this pupil reference is already registered"))
        elif values["reference"] in seen:
            errors.append(_("this pupil reference appears twice in the file"))
        seen.add(values["reference"])
        if errors:
            report.errors.append(_("Line %(line)d: %(errors)s.") % {"line": line, "errors": "; ".join(errors)})
        parsed.append(values)
    report.rows = len(parsed)
    if report.errors or dry_run:
        return report
    try:
        with transaction.atomic():
            for values in parsed:
                pupil_register(actor=actor, school=school, data=values)
    except ProgrammeError as error:
        report.errors.append(error.message)
        return report
    report.created = len(parsed)
    return report
