"""Inventory workflows: asset status and location changes, the stock ledger, stocktakes, sweeps.

Every function here is one transaction. Rows that two people may change at
once are locked first (``select_for_update``), in id order when there are
several, so concurrent requests queue instead of overwriting each other.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from icity.models import Site
from icity.outbox import notify_user
from icity.roles import Role

from .models import (
    Asset,
    AssetEvent,
    AssetStatus,
    ProductModel,
    StockLevel,
    StockMovement,
    Stocktake,
    StocktakeScan,
    TagCounter,
)
from .models.assets import HELD_STATUSES

S = AssetStatus

# Which status may follow which. Loans (check-out, check-in) use the same rules.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.IN_STOCK: frozenset({S.RESERVED, S.ON_LOAN, S.IN_REPAIR, S.RECONDITIONING, S.RETIRED, S.LOST}),
    S.RESERVED: frozenset({S.IN_STOCK, S.ON_LOAN, S.LOST}),
    S.ON_LOAN: frozenset({S.IN_STOCK, S.IN_REPAIR, S.RECONDITIONING, S.LOST}),
    S.IN_REPAIR: frozenset({S.IN_STOCK, S.RECONDITIONING, S.RETIRED, S.LOST}),
    S.RECONDITIONING: frozenset({S.IN_STOCK, S.IN_REPAIR, S.RETIRED, S.LOST}),
    S.RETIRED: frozenset({S.RECONDITIONING, S.DISPOSED}),
    S.LOST: frozenset({S.IN_STOCK, S.RETIRED, S.DISPOSED}),
    S.DISPOSED: frozenset(),
}

# Statuses in which a unit is expected to sit on its site's shelves.
ON_SITE_STATUSES = (S.IN_STOCK, S.RESERVED, S.RECONDITIONING)
WARRANTY_WINDOW_DAYS = 60
TAG_PREFIX = "IC-"


class InventoryError(Exception):
    """A refused inventory change, with a message to show the user."""

    def __init__(self, message: str, *, errors: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or []


class TransitionRefused(InventoryError):
    pass


class InsufficientStock(InventoryError):
    pass


def allowed_next_statuses(status: str) -> list[str]:
    return [value for value in S.values if value in ALLOWED_TRANSITIONS[status]]


def _event(asset: Asset, kind: str, *, actor, old="", new="", note: str = "") -> AssetEvent:
    return AssetEvent(
        asset=asset, kind=kind, actor=actor, old_value=str(old)[:255], new_value=str(new)[:255], note=note
    )


def _site_label(site: Site | None, location: str = "") -> str:
    if site is None:
        return location
    return f"{site.code} / {location}" if location else site.code


def _holder_label(user) -> str:
    return "" if user is None else f"{user.get_full_name() or user.email} <{user.email}>"


def asset_tag_next() -> str:
    """The next free IC-NNNNNN tag. The counter row is locked, so two creations never share one."""
    with transaction.atomic():
        TagCounter.objects.get_or_create(prefix=TAG_PREFIX)
        counter = TagCounter.objects.select_for_update().get(prefix=TAG_PREFIX)
        while True:
            counter.last_number += 1
            tag = f"{TAG_PREFIX}{counter.last_number:06d}"
            # Tags scanned in from an older system may already use the number.
            if not Asset.objects.filter(tag=tag).exists():
                break
        counter.save(update_fields=["last_number"])
    return tag


@transaction.atomic
def asset_create(
    *,
    actor,
    model: ProductModel,
    site: Site | None,
    tag: str = "",
    serial: str = "",
    status: str = S.IN_STOCK,
    condition: str = "new",
    location: str = "",
    purchase_date: date | None = None,
    purchase_price: Decimal | None = None,
    supplier: str = "",
    procurement_contract: str = "",
    procurement_order: str = "",
    warranty_end: date | None = None,
    notes: str = "",
    event_kind: str = AssetEvent.Kind.CREATED,
) -> Asset:
    """Register a unit. A blank tag gets the next IC-NNNNNN; an existing label may be scanned in."""
    if not model.is_unit_tracked:
        raise InventoryError(
            _("%(model)s is tracked by quantity: record it as stock, not as a unit.") % {"model": model}
        )
    if status in HELD_STATUSES:
        raise InventoryError(_("A new unit cannot start as reserved, on loan or lost."))
    tag = tag.strip().upper() or asset_tag_next()
    serial = serial.strip()
    if Asset.objects.filter(tag=tag).exists():
        raise InventoryError(_("The tag %(tag)s is already in use.") % {"tag": tag})
    if serial and Asset.objects.filter(manufacturer_id=model.manufacturer_id, serial=serial).exists():
        raise InventoryError(_("Serial %(serial)s is already registered for this manufacturer.") % {"serial": serial})
    try:
        with transaction.atomic():
            asset = Asset.objects.create(
                tag=tag,
                model=model,
                manufacturer_id=model.manufacturer_id,
                serial=serial,
                status=status,
                condition=condition,
                site=site,
                location=location,
                purchase_date=purchase_date,
                purchase_price=purchase_price,
                supplier=supplier,
                procurement_contract=procurement_contract,
                procurement_order=procurement_order,
                warranty_end=warranty_end,
                notes=notes,
            )
    except IntegrityError as error:  # a concurrent creation won the tag or serial
        raise InventoryError(_("This tag or serial number was registered at the same moment.")) from error
    _event(asset, event_kind, actor=actor, new=f"{status} @ {_site_label(site, location)}").save()
    return asset


def _lock_asset(asset: Asset | int) -> Asset:
    asset_id = asset if isinstance(asset, int) else asset.pk
    return Asset.objects.select_for_update(of=("self",)).select_related("site", "holder").get(pk=asset_id)


def _apply_status(
    asset: Asset,
    *,
    actor,
    status: str,
    holder=None,
    site: Site | None = None,
    note: str = "",
    event_kind: str = AssetEvent.Kind.STATUS,
    require_holder: bool = True,
) -> list[AssetEvent]:
    """Change a locked asset's status (and the holder/site that go with it); return the events."""
    if status == asset.status:
        raise TransitionRefused(_("%(tag)s is already %(status)s.") % {"tag": asset.tag, "status": S(status).label})
    if status not in ALLOWED_TRANSITIONS[asset.status]:
        raise TransitionRefused(
            _("%(tag)s cannot go from %(old)s to %(new)s.")
            % {"tag": asset.tag, "old": S(asset.status).label, "new": S(status).label}
        )
    events = [_event(asset, event_kind, actor=actor, old=asset.status, new=status, note=note)]
    new_holder = holder if status in HELD_STATUSES else None
    if status in HELD_STATUSES and holder is None:
        new_holder = asset.holder  # e.g. on loan → lost keeps who lost it
    # Loans to pupils (no account) will pass require_holder=False.
    if status == S.ON_LOAN and new_holder is None and require_holder:
        raise TransitionRefused(_("Choose who receives %(tag)s.") % {"tag": asset.tag})
    if new_holder != asset.holder:
        events.append(
            _event(
                asset,
                AssetEvent.Kind.HOLDER,
                actor=actor,
                old=_holder_label(asset.holder),
                new=_holder_label(new_holder),
            )
        )
        asset.holder = new_holder
    if site is not None and site != asset.site:
        events.append(
            _event(
                asset,
                AssetEvent.Kind.LOCATION,
                actor=actor,
                old=_site_label(asset.site, asset.location),
                new=_site_label(site, ""),
            )
        )
        asset.site = site
        asset.location = ""
    if status == S.IN_STOCK and asset.site is None:
        raise TransitionRefused(_("Choose the site where %(tag)s is stored.") % {"tag": asset.tag})
    asset.status = status
    asset.updated_at = timezone.now()
    return events


@transaction.atomic
def asset_change_status(
    *, actor, asset: Asset | int, status: str, holder=None, site: Site | None = None, note: str = ""
) -> Asset:
    """Move one unit to another status if the transition is allowed; history records it."""
    locked = _lock_asset(asset)
    events = _apply_status(locked, actor=actor, status=status, holder=holder, site=site, note=note)
    locked.save(update_fields=["status", "holder", "site", "location", "updated_at"])
    AssetEvent.objects.bulk_create(events)
    return locked


@transaction.atomic
def asset_assign(*, actor, asset: Asset | int, holder, note: str = "") -> Asset:
    """Hand a unit from stock to a person (a permanent assignment until loans track it)."""
    return asset_change_status(actor=actor, asset=asset, status=S.ON_LOAN, holder=holder, note=note)


@transaction.atomic
def asset_move(*, actor, asset: Asset | int, site: Site, location: str = "", note: str = "") -> Asset:
    locked = _lock_asset(asset)
    location = location.strip()
    if site == locked.site and location == locked.location:
        return locked
    AssetEvent.objects.create(
        asset=locked,
        kind=AssetEvent.Kind.LOCATION,
        actor=actor,
        old_value=_site_label(locked.site, locked.location),
        new_value=_site_label(site, location),
        note=note,
    )
    locked.site, locked.location, locked.updated_at = site, location, timezone.now()
    locked.save(update_fields=["site", "location", "updated_at"])
    return locked


# Fields a details edit may change (never status, holder or site: they have their own workflows).
DETAIL_FIELDS = (
    "serial",
    "condition",
    "purchase_date",
    "purchase_price",
    "supplier",
    "procurement_contract",
    "procurement_order",
    "warranty_end",
    "notes",
)


@transaction.atomic
def asset_update_details(*, actor, asset: Asset | int, changes: dict) -> Asset:
    unknown = set(changes) - set(DETAIL_FIELDS)
    if unknown:
        raise InventoryError(
            _("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    locked = _lock_asset(asset)
    changed = [name for name, value in changes.items() if getattr(locked, name) != value]
    if not changed:
        return locked
    if "serial" in changed and changes["serial"]:
        duplicate = (
            Asset.objects.filter(manufacturer_id=locked.manufacturer_id, serial=changes["serial"])
            .exclude(pk=locked.pk)
            .exists()
        )
        if duplicate:
            raise InventoryError(_("Serial %(serial)s is already registered for this manufacturer.") % changes)
    events = []
    for name in changed:
        kind = AssetEvent.Kind.CONDITION if name == "condition" else AssetEvent.Kind.DETAILS
        label = "" if kind == AssetEvent.Kind.CONDITION else f"{name}: "
        events.append(
            _event(
                locked,
                kind,
                actor=actor,
                old=f"{label}{getattr(locked, name) or ''}",
                new=f"{label}{changes[name] or ''}",
            )
        )
        setattr(locked, name, changes[name])
    locked.updated_at = timezone.now()
    locked.save(update_fields=[*changed, "updated_at"])
    AssetEvent.objects.bulk_create(events)
    return locked


@transaction.atomic
def asset_bulk_change(
    *,
    actor,
    asset_ids: Iterable[int],
    status: str = "",
    site: Site | None = None,
    location: str | None = None,
    note: str = "",
) -> int:
    """Change status and/or location of many units at once: all of them, or none (with every refusal listed)."""
    if not status and site is None:
        raise InventoryError(_("Choose a new status or a new location."))
    assets = list(
        Asset.objects.select_for_update(of=("self",))
        .select_related("site", "holder")
        .filter(pk__in=list(asset_ids))
        .order_by("pk")
    )
    if not assets:
        raise InventoryError(_("Select at least one asset."))
    events: list[AssetEvent] = []
    errors: list[str] = []
    now = timezone.now()
    for asset in assets:
        try:
            if status and status != asset.status:
                events += _apply_status(asset, actor=actor, status=status, site=site, note=note)
            elif site is not None:
                new_location = asset.location if location is None else location.strip()
                if site != asset.site or new_location != asset.location:
                    events.append(
                        _event(
                            asset,
                            AssetEvent.Kind.LOCATION,
                            actor=actor,
                            old=_site_label(asset.site, asset.location),
                            new=_site_label(site, new_location),
                            note=note,
                        )
                    )
                    asset.site, asset.location = site, new_location
            if location is not None and status and site is not None:
                asset.location = location.strip()
        except TransitionRefused as refusal:
            errors.append(refusal.message)
        asset.updated_at = now
    if errors:
        raise TransitionRefused(
            _("Nothing was changed: %(count)d asset(s) refused the change.") % {"count": len(errors)}, errors=errors
        )
    Asset.objects.bulk_update(assets, ["status", "holder", "site", "location", "updated_at"])
    AssetEvent.objects.bulk_create(events)
    return len(assets)


# --- Stock ledger ---------------------------------------------------------------------------------


def _lock_levels(model: ProductModel, sites: list[Site]) -> dict[int, StockLevel]:
    for site in sites:
        StockLevel.objects.get_or_create(model=model, site=site)
    # Lock in id order: a transfer A→B and a transfer B→A never deadlock.
    levels = StockLevel.objects.select_for_update().filter(model=model, site__in=sites).order_by("pk")
    return {level.site_id: level for level in levels}


def _record(level: StockLevel, *, kind: str, delta: int, actor, reason: str, other_site: Site | None) -> StockMovement:
    balance = level.quantity + delta
    if balance < 0:
        raise InsufficientStock(
            _("Only %(available)d left at this site: cannot take %(wanted)d.")
            % {"available": level.quantity, "wanted": -delta}
        )
    level.quantity = balance
    level.updated_at = timezone.now()
    level.save(update_fields=["quantity", "updated_at"])
    movement = StockMovement.objects.create(
        level=level, kind=kind, delta=delta, balance=balance, actor=actor, reason=reason, other_site=other_site
    )
    _check_low_stock(level)
    return movement


def _logistics_team():
    return get_user_model().objects.filter(groups__name=Role.LOGISTICS, is_active=True).distinct().order_by("pk")


def _check_low_stock(level: StockLevel) -> bool:
    """Queue one alert when a locked level crosses below its minimum; re-arm once it is back."""
    if level.is_low and level.low_alert_armed:
        level.low_alert_armed = False
        level.low_crossings += 1
        level.save(update_fields=["low_alert_armed", "low_crossings"])
        model = ProductModel.objects.select_related("manufacturer").get(pk=level.model_id)
        site = Site.objects.get(pk=level.site_id)
        for user in _logistics_team():
            notify_user(
                user=user,
                dedupe_key=f"stock:{level.pk}:low:{level.low_crossings}:{user.pk}",
                template="assets_low_stock",
                context={
                    "model": str(model),
                    "site": site.name_nl if user.language == "nl" else site.name_fr,
                    "quantity": level.quantity,
                    "minimum": level.minimum,
                    "url": settings.SITE_URL + reverse("assets:stock"),
                },
            )
        return True
    if not level.is_low and not level.low_alert_armed:
        level.low_alert_armed = True
        level.save(update_fields=["low_alert_armed"])
    return False


INCREASING = {StockMovement.Kind.RECEIPT, StockMovement.Kind.RETURN}
DECREASING = {StockMovement.Kind.ISSUE}


@transaction.atomic
def stock_move(
    *,
    actor,
    model: ProductModel,
    site: Site,
    kind: str,
    quantity: int,
    reason: str = "",
    to_site: Site | None = None,
) -> list[StockMovement]:
    """Record a receipt, issue, return, adjustment or transfer in the ledger.

    ``quantity`` is positive, except for an adjustment where it is the signed
    correction. Two people issuing the last unit at once: the second waits for
    the first's row lock, then sees zero left and is refused.
    """
    if model.is_unit_tracked:
        raise InventoryError(_("%(model)s is tracked per unit: use its assets, not stock.") % {"model": model})
    reason = reason.strip()
    if kind == StockMovement.Kind.ADJUSTMENT:
        if quantity == 0:
            raise InventoryError(_("An adjustment must change the quantity."))
        if not reason:
            raise InventoryError(_("Give the reason for an adjustment."))
    elif quantity <= 0:
        raise InventoryError(_("The quantity must be a positive number."))
    if kind == "transfer":
        if to_site is None or to_site == site:
            raise InventoryError(_("Choose another site to transfer to."))
        levels = _lock_levels(model, [site, to_site])
        out = _record(
            levels[site.pk],
            kind=StockMovement.Kind.TRANSFER_OUT,
            delta=-quantity,
            actor=actor,
            reason=reason,
            other_site=to_site,
        )
        into = _record(
            levels[to_site.pk],
            kind=StockMovement.Kind.TRANSFER_IN,
            delta=quantity,
            actor=actor,
            reason=reason,
            other_site=site,
        )
        return [out, into]
    if kind in INCREASING:
        delta = quantity
    elif kind in DECREASING:
        delta = -quantity
    elif kind == StockMovement.Kind.ADJUSTMENT:
        delta = quantity
    else:
        raise InventoryError(_("Unknown movement."))
    level = _lock_levels(model, [site])[site.pk]
    return [_record(level, kind=kind, delta=delta, actor=actor, reason=reason, other_site=None)]


@transaction.atomic
def stock_set_level(
    *, actor, model: ProductModel, site: Site, quantity: int, minimum: int | None = None, reason: str
) -> StockLevel:
    """Bring a level to a counted quantity (an import): one movement for the difference, none if equal."""
    if quantity < 0:
        raise InventoryError(_("The quantity cannot be negative."))
    level = _lock_levels(model, [site])[site.pk]
    if minimum is not None and minimum != level.minimum:
        level.minimum = minimum
        level.save(update_fields=["minimum"])
    if quantity != level.quantity:
        _record(
            level,
            kind=StockMovement.Kind.IMPORT,
            delta=quantity - level.quantity,
            actor=actor,
            reason=reason,
            other_site=None,
        )
    else:
        _check_low_stock(level)
    return level


@transaction.atomic
def stock_set_minimum(*, actor, model: ProductModel, site: Site, minimum: int) -> StockLevel:
    if minimum < 0:
        raise InventoryError(_("The minimum cannot be negative."))
    level = _lock_levels(model, [site])[site.pk]
    level.minimum = minimum
    level.save(update_fields=["minimum"])
    _check_low_stock(level)
    return level


def stock_low_sweep() -> int:
    """Catch levels that went low without a movement (a raised minimum, an import). One alert per crossing."""
    alerted = 0
    candidate_ids = list(
        StockLevel.objects.filter(low_alert_armed=True, quantity__lt=F("minimum")).values_list("pk", flat=True)
    )
    rearm_ids = list(
        StockLevel.objects.filter(low_alert_armed=False, quantity__gte=F("minimum")).values_list("pk", flat=True)
    )
    for level_id in candidate_ids + rearm_ids:
        with transaction.atomic():
            level = StockLevel.objects.select_for_update().get(pk=level_id)
            alerted += _check_low_stock(level)
    return alerted


def warranty_digest_sweep(*, today: date | None = None) -> int:
    """Once per ISO week, tell logistics which units' warranty ends within 60 days."""
    today = today or timezone.localdate()
    year, week, _weekday = today.isocalendar()
    expiring = (
        Asset.objects.filter(
            warranty_end__gte=today,
            warranty_end__lte=today + timedelta(days=WARRANTY_WINDOW_DAYS),
        )
        .exclude(status__in=[S.RETIRED, S.DISPOSED, S.LOST])
        .select_related("model__manufacturer")
        .order_by("warranty_end", "tag")
    )
    total = expiring.count()
    if not total:
        return 0
    rows = [
        {
            "tag": asset.tag,
            "model": str(asset.model),
            "warranty_end": asset.warranty_end.isoformat(),
            "url": settings.SITE_URL + asset.get_absolute_url(),
        }
        for asset in expiring[:50]
    ]
    list_url = settings.SITE_URL + reverse("assets:list") + "?warranty=60"
    sent = 0
    with transaction.atomic():
        for user in _logistics_team():
            sent += notify_user(
                user=user,
                dedupe_key=f"assets:warranty-digest:{year}-W{week:02d}:{user.pk}",
                template="assets_warranty_digest",
                context={"total": total, "assets": rows, "days": WARRANTY_WINDOW_DAYS, "list_url": list_url},
            )
    return sent


# --- Stocktake ------------------------------------------------------------------------------------


def resolve_code(code: str) -> Asset | None:
    """A scanned code is a tag, a serial or the URL printed in a label's QR code."""
    return resolve_codes([code]).get(code)


def _scanned(code: str) -> str:
    code = code.strip()
    return code.rstrip("/").rsplit("/", 1)[-1] if "/" in code else code


def resolve_codes(codes: list[str]) -> dict[str, Asset | None]:
    """Scanned codes to units in at most two queries: {code: asset or None}.

    A code is a tag, a serial (when exactly one unit has it) or the URL printed in a
    label's QR code. Tags are stored upper-case: an exact match uses the unique index
    (iexact would scan the table).
    """
    scanned = {code: _scanned(code) for code in codes if code.strip()}
    by_tag = {asset.tag: asset for asset in Asset.objects.filter(tag__in={value.upper() for value in scanned.values()})}
    by_serial: dict[str, list[Asset]] = {}
    untagged = {value for value in scanned.values() if value.upper() not in by_tag}
    if untagged:
        for asset in Asset.objects.filter(serial__in=untagged):
            by_serial.setdefault(asset.serial, []).append(asset)
    found: dict[str, Asset | None] = {}
    for code, value in scanned.items():
        serials = by_serial.get(value, [])
        found[code] = by_tag.get(value.upper()) or (serials[0] if len(serials) == 1 else None)
    return found


@transaction.atomic
def stocktake_start(*, actor, site: Site) -> Stocktake:
    try:
        with transaction.atomic():
            return Stocktake.objects.create(site=site, started_by=actor)
    except IntegrityError as error:
        raise InventoryError(_("A stocktake is already in progress for this site.")) from error


def _lock_open_stocktake(stocktake: Stocktake | int) -> Stocktake:
    stocktake_id = stocktake if isinstance(stocktake, int) else stocktake.pk
    locked = Stocktake.objects.select_for_update(of=("self",)).select_related("site").get(pk=stocktake_id)
    if locked.status != Stocktake.Status.OPEN:
        raise InventoryError(_("This stocktake is closed."))
    return locked


@transaction.atomic
def stocktake_scan(*, actor, stocktake: Stocktake | int, code: str) -> StocktakeScan:
    locked = _lock_open_stocktake(stocktake)
    code = code.strip()
    if not code:
        raise InventoryError(_("Scan or type a tag."))
    asset = resolve_code(code)
    key = asset.tag if asset else code.upper()[:100]
    scan, _created = StocktakeScan.objects.get_or_create(
        stocktake=locked, code=key, defaults={"asset": asset, "scanned_by": actor}
    )
    return scan


@dataclass
class StocktakeResult:
    found: list[Asset] = field(default_factory=list)
    missing: list[Asset] = field(default_factory=list)
    unexpected: list[Asset] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def stocktake_result(stocktake: Stocktake) -> StocktakeResult:
    expected = {
        asset.pk: asset
        for asset in Asset.objects.filter(site_id=stocktake.site_id, status__in=ON_SITE_STATUSES).select_related(
            "model__manufacturer", "site"
        )
    }
    result = StocktakeResult()
    scanned_ids = set()
    for scan in stocktake.scans.select_related("asset__model__manufacturer", "asset__site").order_by(
        "scanned_at", "pk"
    ):
        if scan.asset is None:
            result.unknown.append(scan.code)
            continue
        scanned_ids.add(scan.asset_id)
        if scan.asset_id in expected:
            result.found.append(scan.asset)
        else:
            result.unexpected.append(scan.asset)
    result.missing = sorted((asset for pk, asset in expected.items() if pk not in scanned_ids), key=lambda a: a.tag)
    return result


@transaction.atomic
def stocktake_confirm(
    *, actor, stocktake: Stocktake | int, missing_ids: Iterable[int], unexpected_ids: Iterable[int]
) -> Stocktake:
    """Close a count: chosen missing units become lost, chosen unexpected ones move here. Each is a history event."""
    locked = _lock_open_stocktake(stocktake)
    result = stocktake_result(locked)
    missing = {asset.pk for asset in result.missing} & set(missing_ids)
    unexpected = {asset.pk for asset in result.unexpected} & set(unexpected_ids)
    note = _("Stocktake of %(site)s started %(date)s") % {
        "site": locked.site.code,
        "date": f"{locked.started_at:%Y-%m-%d}",
    }
    events: list[AssetEvent] = []
    for asset in (
        Asset.objects.select_for_update(of=("self",))
        .select_related("site", "holder")
        .filter(pk__in=missing)
        .order_by("pk")
    ):
        events += _apply_status(asset, actor=actor, status=S.LOST, note=note, event_kind=AssetEvent.Kind.STOCKTAKE)
        asset.save(update_fields=["status", "holder", "site", "location", "updated_at"])
    for asset in (
        Asset.objects.select_for_update(of=("self",))
        .select_related("site", "holder")
        .filter(pk__in=unexpected)
        .order_by("pk")
    ):
        if asset.status == S.LOST:
            events += _apply_status(
                asset, actor=actor, status=S.IN_STOCK, site=locked.site, note=note, event_kind=AssetEvent.Kind.STOCKTAKE
            )
        elif asset.site_id != locked.site_id:
            events.append(
                _event(
                    asset,
                    AssetEvent.Kind.STOCKTAKE,
                    actor=actor,
                    old=_site_label(asset.site, asset.location),
                    new=_site_label(locked.site),
                    note=note,
                )
            )
            asset.site, asset.location = locked.site, ""
        asset.updated_at = timezone.now()
        asset.save(update_fields=["status", "holder", "site", "location", "updated_at"])
    AssetEvent.objects.bulk_create(events)
    locked.status = Stocktake.Status.CONFIRMED
    locked.closed_by, locked.closed_at = actor, timezone.now()
    locked.save(update_fields=["status", "closed_by", "closed_at"])
    return locked


@transaction.atomic
def stocktake_cancel(*, actor, stocktake: Stocktake | int) -> Stocktake:
    locked = _lock_open_stocktake(stocktake)
    locked.status = Stocktake.Status.CANCELLED
    locked.closed_by, locked.closed_at = actor, timezone.now()
    locked.save(update_fields=["status", "closed_by", "closed_at"])
    return locked
