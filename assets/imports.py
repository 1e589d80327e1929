"""Import assets or stock levels from CSV/XLSX: map columns, dry-run every row, then apply atomically.

Re-importing the same file changes nothing: an asset already registered with
the same tag (or serial for the same manufacturer) is reported as unchanged,
and a stock row sets the level to the counted quantity, so a second run finds
nothing to move.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from icity.models import Site

from .models import Asset, AssetEvent, AssetStatus, Condition, ImportBatch, ProductModel
from .services import InventoryError, asset_create, stock_set_level

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 20000
MAX_XLSX_UNPACKED_BYTES = 100 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"

# (field, label, required) in the order the mapping form shows them.
ASSET_TARGETS = [
    ("tag", gettext_lazy("Asset tag"), False),
    ("serial", gettext_lazy("Serial number"), False),
    ("model", gettext_lazy("Model"), True),
    ("site", gettext_lazy("Site (code or name)"), True),
    ("location", gettext_lazy("Sub-location"), False),
    ("status", gettext_lazy("Status"), False),
    ("condition", gettext_lazy("Condition"), False),
    ("purchase_date", gettext_lazy("Purchase date"), False),
    ("purchase_price", gettext_lazy("Purchase price"), False),
    ("supplier", gettext_lazy("Supplier"), False),
    ("procurement_contract", gettext_lazy("Procurement contract"), False),
    ("procurement_order", gettext_lazy("Order number"), False),
    ("warranty_end", gettext_lazy("Warranty end"), False),
    ("notes", gettext_lazy("Notes"), False),
    ("model_weight_kg", gettext_lazy("Model weight (kg)"), False),
    ("model_carbon_kg", gettext_lazy("Model embodied carbon (kg CO2e)"), False),
]
# Asset-import columns that describe the model, not the unit: written on the model when given.
MODEL_FIELDS = {"model_weight_kg": "weight_kg", "model_carbon_kg": "embodied_carbon_kg"}
STOCK_TARGETS = [
    ("model", gettext_lazy("Model"), True),
    ("site", gettext_lazy("Site (code or name)"), True),
    ("quantity", gettext_lazy("Quantity"), True),
    ("minimum", gettext_lazy("Minimum level"), False),
]
IMPORTABLE_STATUSES = {AssetStatus.IN_STOCK, AssetStatus.IN_REPAIR, AssetStatus.RECONDITIONING, AssetStatus.RETIRED}


class ImportFileError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def targets_for(kind: str) -> list[tuple[str, str, bool]]:
    return ASSET_TARGETS if kind == ImportBatch.Kind.ASSETS else STOCK_TARGETS


def sniff_format(head: bytes) -> str:
    """Decide by content, not by file name: an XLSX is a zip; a CSV is text without NUL bytes."""
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if b"\x00" in head:
        raise ImportFileError(_("This file is neither a CSV nor an XLSX spreadsheet."))
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # a cut multi-byte character at the end is fine
            try:
                head.decode("cp1252")
            except UnicodeDecodeError:
                raise ImportFileError(_("This file is neither a CSV nor an XLSX spreadsheet.")) from None
    return "csv"


def _cell(value) -> object:
    if isinstance(value, str):
        return value.strip()
    return "" if value is None else value


def read_table(data: bytes) -> tuple[list[str], list[list[object]]]:
    """Header and data rows of a CSV or the first sheet of an XLSX file."""
    if sniff_format(data[:4096]) == "xlsx":
        import zipfile

        from openpyxl import load_workbook

        try:
            # A 5 MB zip can unpack to gigabytes: refuse before openpyxl inflates it.
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if sum(info.file_size for info in archive.infolist()) > MAX_XLSX_UNPACKED_BYTES:
                    raise ImportFileError(_("The spreadsheet is too large once unpacked."))
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except ImportFileError:
            raise
        except Exception as error:
            raise ImportFileError(_("The spreadsheet could not be read.")) from error
        rows = _bounded(workbook.worksheets[0].iter_rows(values_only=True))
        workbook.close()
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        rows = _bounded(csv.reader(io.StringIO(text), dialect))
    rows = [row for row in rows if any(value != "" for value in row)]
    if not rows:
        raise ImportFileError(_("The file is empty."))
    headers = [str(value) for value in rows[0]]
    return headers, rows[1:]


def _bounded(source) -> list[list[object]]:
    """Read rows, stopping as soon as the file has more than the allowed number."""
    rows = []
    for row in source:
        rows.append([_cell(value) for value in row])
        if len(rows) > MAX_IMPORT_ROWS + 1:
            raise ImportFileError(_("The file has more than %(max)d rows.") % {"max": MAX_IMPORT_ROWS})
    return rows


def guess_mapping(kind: str, headers: list[str]) -> dict:
    normalised = {header.strip().lower().replace(" ", "_").replace("-", "_"): header for header in headers}
    return {name: normalised[name] for name, _label, _required in targets_for(kind) if name in normalised}


def _parse_date(value) -> date | None:
    if value in ("", None):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(str(value), pattern).date()
        except ValueError:
            continue
    raise ValueError


def _parse_decimal(value) -> Decimal | None:
    if value in ("", None):
        return None
    try:
        number = Decimal(str(value).replace(" ", "").replace(",", "."))
    except InvalidOperation:
        raise ValueError from None
    if number < 0 or not number.is_finite():
        raise ValueError
    return number.quantize(Decimal("0.01"))


def _parse_int(value) -> int | None:
    if value in ("", None):
        return None
    number = _parse_decimal(value)
    if number is None or number != number.to_integral_value():
        raise ValueError
    return int(number)


class _Lookups:
    def __init__(self, kind: str):
        tracking = ProductModel.Tracking.UNIT if kind == ImportBatch.Kind.ASSETS else ProductModel.Tracking.QUANTITY
        self.models: dict[str, ProductModel] = {}
        by_name: dict[str, list[ProductModel]] = {}
        for model in ProductModel.objects.filter(tracking=tracking).select_related("manufacturer"):
            self.models[f"{model.manufacturer.name} {model.name}".lower()] = model
            by_name.setdefault(model.name.lower(), []).append(model)
        for name, models in by_name.items():
            if len(models) == 1:
                self.models.setdefault(name, models[0])
        self.sites: dict[str, Site] = {}
        for site in Site.objects.all():
            for key in (site.code, site.name_fr, site.name_nl):
                self.sites.setdefault(key.lower(), site)
        self.statuses = {value: value for value in AssetStatus.values} | {
            str(label).lower(): value for value, label in AssetStatus.choices
        }
        self.conditions = {value: value for value in Condition.values}


@dataclass
class RowPlan:
    row: int
    action: str  # "create", "unchanged" or "set"
    values: dict = field(default_factory=dict)


@dataclass
class ImportReport:
    total: int = 0
    plans: list[RowPlan] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        counts: dict[str, int] = {}
        for plan in self.plans:
            counts[plan.action] = counts.get(plan.action, 0) + 1
        return {"total": self.total, "counts": counts, "errors": self.errors}


def _check_assets(rows: list[dict], lookups: _Lookups) -> ImportReport:
    report = ImportReport(total=len(rows))
    seen_tags: dict[str, int] = {}
    seen_serials: dict[tuple[int, str], int] = {}
    tags = {str(row.get("tag", "")).upper() for row in rows if row.get("tag")}
    serials = {str(row.get("serial", "")) for row in rows if row.get("serial")}
    existing_by_tag = {asset.tag: asset for asset in Asset.objects.filter(tag__in=tags)}
    existing_by_serial = {
        (asset.manufacturer_id, asset.serial): asset for asset in Asset.objects.filter(serial__in=serials)
    }
    for number, row in enumerate(rows, start=2):
        messages = []
        tag = str(row.get("tag", "")).strip().upper()
        serial = str(row.get("serial", "")).strip()
        model = lookups.models.get(str(row.get("model", "")).lower())
        if model is None:
            messages.append(_("Unknown model “%(value)s”.") % {"value": row.get("model", "")})
        site = lookups.sites.get(str(row.get("site", "")).lower())
        if site is None:
            messages.append(_("Unknown site “%(value)s”.") % {"value": row.get("site", "")})
        status = lookups.statuses.get(str(row.get("status", "") or "in_stock").lower())
        if status not in IMPORTABLE_STATUSES:
            messages.append(_("Status “%(value)s” cannot be imported.") % {"value": row.get("status", "")})
        condition = lookups.conditions.get(str(row.get("condition", "") or "new").lower())
        if condition is None:
            messages.append(_("Unknown condition “%(value)s”.") % {"value": row.get("condition", "")})
        values = {}
        for name in ("purchase_date", "warranty_end"):
            try:
                values[name] = _parse_date(row.get(name, ""))
            except ValueError:
                messages.append(_("Bad date “%(value)s” (use YYYY-MM-DD).") % {"value": row.get(name, "")})
        try:
            values["purchase_price"] = _parse_decimal(row.get("purchase_price", ""))
        except ValueError:
            messages.append(_("Bad price “%(value)s”.") % {"value": row.get("purchase_price", "")})
        for name in MODEL_FIELDS:
            try:
                values[name] = _parse_decimal(row.get(name, ""))
                if values[name] is not None and (values[name] <= 0 or values[name] >= 100000):
                    raise ValueError
            except ValueError:
                messages.append(_("Bad weight or carbon figure “%(value)s”.") % {"value": row.get(name, "")})
        if not tag and not serial:
            messages.append(_("A row needs a tag or a serial number."))
        if len(tag) > 40 or len(serial) > 100:
            messages.append(_("Tag or serial number too long."))
        if tag:
            if tag in seen_tags:
                messages.append(_("Duplicate tag %(tag)s (also on row %(row)d).") % {"tag": tag, "row": seen_tags[tag]})
            seen_tags.setdefault(tag, number)
        if serial and model is not None:
            key = (model.manufacturer_id, serial)
            if key in seen_serials:
                messages.append(
                    _("Duplicate serial %(serial)s (also on row %(row)d).")
                    % {"serial": serial, "row": seen_serials[key]}
                )
            seen_serials.setdefault(key, number)
        action = "create"
        if model is not None:
            by_tag = existing_by_tag.get(tag) if tag else None
            by_serial = existing_by_serial.get((model.manufacturer_id, serial)) if serial else None
            if by_tag is not None:
                if by_tag.model_id != model.pk or (serial and by_tag.serial != serial):
                    messages.append(_("Tag %(tag)s already belongs to another unit.") % {"tag": tag})
                action = "unchanged"
            if by_serial is not None:
                if tag and by_serial.tag != tag:
                    messages.append(
                        _("Serial %(serial)s is already registered as %(tag)s.")
                        % {"serial": serial, "tag": by_serial.tag}
                    )
                action = "unchanged"
        if messages:
            report.errors.append({"row": number, "messages": messages})
            continue
        values.update(
            tag=tag,
            serial=serial,
            model=model,
            site=site,
            status=status,
            condition=condition,
            location=str(row.get("location", ""))[:100],
            supplier=str(row.get("supplier", ""))[:150],
            procurement_contract=str(row.get("procurement_contract", ""))[:60],
            procurement_order=str(row.get("procurement_order", ""))[:60],
            notes=str(row.get("notes", "")),
        )
        report.plans.append(RowPlan(row=number, action=action, values=values))
    return report


def _check_stock(rows: list[dict], lookups: _Lookups) -> ImportReport:
    from .models import StockLevel

    report = ImportReport(total=len(rows))
    current = {(level.model_id, level.site_id): level for level in StockLevel.objects.all()}
    seen: dict[tuple[int, int], int] = {}
    for number, row in enumerate(rows, start=2):
        messages = []
        model = lookups.models.get(str(row.get("model", "")).lower())
        if model is None:
            messages.append(_("Unknown model “%(value)s”.") % {"value": row.get("model", "")})
        site = lookups.sites.get(str(row.get("site", "")).lower())
        if site is None:
            messages.append(_("Unknown site “%(value)s”.") % {"value": row.get("site", "")})
        quantity = minimum = None
        try:
            quantity = _parse_int(row.get("quantity", ""))
            if quantity is None:
                raise ValueError
        except ValueError:
            messages.append(_("Bad quantity “%(value)s”.") % {"value": row.get("quantity", "")})
        try:
            minimum = _parse_int(row.get("minimum", ""))
        except ValueError:
            messages.append(_("Bad minimum “%(value)s”.") % {"value": row.get("minimum", "")})
        if model is not None and site is not None:
            key = (model.pk, site.pk)
            if key in seen:
                messages.append(_("The same model and site are also on row %(row)d.") % {"row": seen[key]})
            seen.setdefault(key, number)
        if messages:
            report.errors.append({"row": number, "messages": messages})
            continue
        level = current.get((model.pk, site.pk))
        unchanged = level is not None and level.quantity == quantity and (minimum is None or minimum == level.minimum)
        if level is None and quantity == 0 and not minimum:
            unchanged = True
        report.plans.append(
            RowPlan(
                row=number,
                action="unchanged" if unchanged else "set",
                values={"model": model, "site": site, "quantity": quantity, "minimum": minimum},
            )
        )
    return report


def import_check(*, batch: ImportBatch, mapping: dict) -> ImportReport:
    """The dry run: every row's problems, nothing written."""
    missing = [str(label) for name, label, required in targets_for(batch.kind) if required and not mapping.get(name)]
    if missing:
        raise InventoryError(_("Map a column to: %(fields)s") % {"fields": ", ".join(missing)})
    with batch.file.open("rb") as handle:
        headers, raw_rows = read_table(handle.read())
    index = {header: position for position, header in enumerate(headers)}
    rows = []
    for raw in raw_rows:
        rows.append(
            {
                name: raw[index[column]] if column in index and index[column] < len(raw) else ""
                for name, column in mapping.items()
            }
        )
    lookups = _Lookups(batch.kind)
    if batch.kind == ImportBatch.Kind.ASSETS:
        return _check_assets(rows, lookups)
    return _check_stock(rows, lookups)


@transaction.atomic
def import_dry_run(*, batch: ImportBatch, mapping: dict) -> dict:
    report = import_check(batch=batch, mapping=mapping)
    locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if locked.status == ImportBatch.Status.APPLIED:
        raise InventoryError(_("This import was already applied."))
    locked.mapping, locked.report, locked.status = mapping, report.as_dict(), ImportBatch.Status.CHECKED
    locked.save(update_fields=["mapping", "report", "status"])
    return locked.report


@transaction.atomic
def import_apply(*, actor, batch: ImportBatch) -> dict:
    """Write every row or none: any row error (even one that appeared since the dry run) aborts."""
    locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if locked.status == ImportBatch.Status.APPLIED:
        raise InventoryError(_("This import was already applied."))
    if locked.status != ImportBatch.Status.CHECKED:
        raise InventoryError(_("Run the dry run first."))
    report = import_check(batch=locked, mapping=locked.mapping)
    if report.errors:
        locked.report = report.as_dict()
        locked.save(update_fields=["report"])
        raise InventoryError(_("The file has errors: nothing was imported."))
    reason = _("Import of %(name)s") % {"name": locked.original_name}
    for plan in report.plans:
        values = dict(plan.values)
        model_values = {MODEL_FIELDS[name]: values.pop(name) for name in MODEL_FIELDS if name in values}
        model_values = {name: value for name, value in model_values.items() if value is not None}
        if model_values:
            ProductModel.objects.filter(pk=values["model"].pk).update(**model_values)
        if plan.action == "create":
            asset_create(actor=actor, event_kind=AssetEvent.Kind.IMPORT, **values)
        elif plan.action == "set":
            stock_set_level(
                actor=actor,
                model=values["model"],
                site=values["site"],
                quantity=values["quantity"],
                minimum=values["minimum"],
                reason=reason,
            )
    locked.report = report.as_dict()
    locked.status, locked.applied_at = ImportBatch.Status.APPLIED, timezone.now()
    locked.save(update_fields=["report", "status", "applied_at"])
    return locked.report
