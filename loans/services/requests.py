"""Equipment requests: submission, approval, preparation."""

import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from assets.models import Asset, AssetEvent, Kit, ProductModel, StockLevel, StockMovement
from assets.services import _apply_status, resolve_code, stock_move
from icity.models import Site
from icity.roles import Role, has_role

from ..models import (
    Delivery,
    DeliveryRun,
    EquipmentRequest,
    PreparedItem,
    RequestLine,
)
from .common import LoanError, R, S, _existing, _In, _lock_assets, _tell, _url

# --- Requests ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Wanted:
    kit: Kit | None = None
    model: ProductModel | None = None
    quantity: int = 1


def _needs_approval(lines: list[Wanted]) -> bool:
    for line in lines:
        if line.model is not None and line.model.requires_approval:
            return True
        if line.kit is not None and line.kit.items.filter(model__requires_approval=True).exists():
            return True
    return False


def can_request_for(actor, person) -> bool:
    return actor.pk == person.pk or (person.manager_id == actor.pk and has_role(actor, Role.MANAGER))


def _request_set_status(request: EquipmentRequest, status: str, *, actor, notify: bool = True) -> None:
    request.status = status
    request.updated_at = timezone.now()
    request.save(update_fields=["status", "updated_at"])
    if not notify:
        return
    with _In(request.requester):
        _tell(
            request.requester,
            key=f"request:{request.pk}:{status}",
            subject=_("%(ref)s: %(status)s") % {"ref": request.reference, "status": R(status).label},
            paragraphs=_status_paragraphs(request),
            url=_url("assets:request", pk=request.pk),
        )


def _status_paragraphs(request: EquipmentRequest) -> list[str]:
    status = request.status
    if status == R.READY:
        if request.delivery == Delivery.DESK:
            return [_("Your equipment is ready. Come and collect it at the i-CITY desk.")]
        return [_("Your equipment is ready; we will deliver it as planned.")]
    if status == R.REFUSED:
        return [_("Your request was refused: %(reason)s") % {"reason": request.refusal_reason}]
    if status == R.OUT_FOR_DELIVERY:
        return [_("Your equipment is on its way.")]
    return [_("Your request is now: %(status)s.") % {"status": R(status).label}]


@transaction.atomic
def request_submit(
    *,
    actor,
    requester,
    lines: list[Wanted],
    reason: str,
    wanted_by: date | None = None,
    delivery: str = Delivery.DESK,
    delivery_site: Site | None = None,
    delivery_address: str = "",
    idempotency_key: uuid.UUID | None = None,
) -> EquipmentRequest:
    """Ask for equipment, for oneself or (a manager) for a team member. Goes to the manager when an item asks for it."""
    existing = _existing(EquipmentRequest, idempotency_key)
    if existing is not None:
        return existing
    if not can_request_for(actor, requester):
        raise LoanError(_("You may request equipment only for yourself or for your own team."))
    lines = [line for line in lines if line.quantity]
    if not lines:
        raise LoanError(_("Choose at least one item."))
    for line in lines:
        if (line.kit is None) == (line.model is None) or line.quantity < 1:
            raise LoanError(_("Each line is one kit or one model, with a positive quantity."))
        if line.model is not None and not (line.model.requestable and line.model.is_active):
            raise LoanError(_("%(item)s cannot be requested.") % {"item": line.model})
        if line.kit is not None and not line.kit.requestable:
            raise LoanError(_("%(item)s cannot be requested.") % {"item": line.kit})
    if not reason.strip():
        raise LoanError(_("Say why you need it."))
    if delivery == Delivery.HOME and not delivery_address.strip():
        raise LoanError(_("Give the delivery address."))
    if delivery == Delivery.SITE and delivery_site is None:
        raise LoanError(_("Choose the site to deliver to."))
    if wanted_by is not None and wanted_by < timezone.localdate():
        raise LoanError(_("The wanted-by date cannot be in the past."))
    needs_approval = _needs_approval(lines)
    if needs_approval and requester.manager is None:
        raise LoanError(_("This item needs your manager's approval, but no manager is set for you: contact i-CITY."))
    try:
        with transaction.atomic():
            request = EquipmentRequest.objects.create(
                requester=requester,
                created_by=actor,
                reason=reason.strip(),
                wanted_by=wanted_by,
                delivery=delivery,
                delivery_site=delivery_site if delivery == Delivery.SITE else None,
                delivery_address=delivery_address.strip() if delivery == Delivery.HOME else "",
                status=R.PENDING_APPROVAL if needs_approval else R.SUBMITTED,
                approver=requester.manager if needs_approval else None,
                idempotency_key=idempotency_key,
            )
    except IntegrityError:
        return _existing(EquipmentRequest, idempotency_key)
    RequestLine.objects.bulk_create(
        [RequestLine(request=request, kit=line.kit, model=line.model, quantity=line.quantity) for line in lines]
    )
    _request_set_status(request, request.status, actor=actor)
    if needs_approval:
        with _In(request.approver):
            _tell(
                request.approver,
                key=f"request:{request.pk}:approval",
                subject=_("Equipment request %(ref)s awaits your approval") % {"ref": request.reference},
                paragraphs=[
                    _("%(name)s asks for equipment: %(reason)s")
                    % {"name": requester.get_full_name() or requester.email, "reason": request.reason}
                ],
                url=_url("assets:request", pk=request.pk),
            )
    return request


def _lock_request(request: EquipmentRequest | int) -> EquipmentRequest:
    request_id = request if isinstance(request, int) else request.pk
    return (
        EquipmentRequest.objects.select_for_update(of=("self",))
        .select_related("requester", "approver")
        .get(pk=request_id)
    )


@dataclass(frozen=True)
class LineChange:
    """The approver's change to one line when stock is short: a substitute model and/or fewer items.

    ``rest`` says what happens to the items not handed over: "cancel" (with ``reason``) or
    "backorder" (a new, already approved request for the rest, prepared when stock comes in).
    """

    line_id: int
    quantity: int
    substitute: ProductModel | None = None
    rest: str = ""
    reason: str = ""


REST_CANCEL, REST_BACKORDER = "cancel", "backorder"


def _apply_line_changes(request: EquipmentRequest, changes: list[LineChange]) -> tuple[list[str], list[RequestLine]]:
    """Validate and apply the approver's changes on the locked request's lines; return what to tell, and the rest."""
    lines = {line.pk: line for line in request.lines.select_for_update(of=("self",)).select_related("model", "kit")}
    substitutes = [change.substitute.pk for change in changes if change.substitute is not None]
    available = available_now(substitutes) if substitutes else {}
    told: list[str] = []
    rest: list[RequestLine] = []
    seen: set[int] = set()
    for change in changes:
        line = lines.get(change.line_id)
        if line is None or change.line_id in seen:
            raise LoanError(_("This line is not part of the request."))
        seen.add(change.line_id)
        asked = str(line.kit.name if line.kit_id else line.model)
        if not 1 <= change.quantity <= line.quantity:
            raise LoanError(_("%(item)s: hand over between 1 and %(max)d.") % {"item": asked, "max": line.quantity})
        substitute = change.substitute
        if substitute is not None and substitute.pk != line.model_id:
            if line.model_id is None:
                raise LoanError(_("%(item)s: a kit cannot be replaced by another model.") % {"item": asked})
            if substitute.category_id != line.model.category_id or not substitute.is_active:
                raise LoanError(
                    _("%(substitute)s is not a model of the same category as %(item)s.")
                    % {"substitute": substitute, "item": asked}
                )
            if available.get(substitute.pk, 0) < change.quantity:
                raise LoanError(
                    _("%(substitute)s: only %(count)d in stock.")
                    % {"substitute": substitute, "count": available.get(substitute.pk, 0)}
                )
        else:
            substitute = None
        missing = line.quantity - change.quantity
        if missing and change.rest not in (REST_CANCEL, REST_BACKORDER):
            raise LoanError(_("%(item)s: say whether the rest is cancelled or kept for later.") % {"item": asked})
        if missing and change.rest == REST_CANCEL and not change.reason.strip():
            raise LoanError(_("%(item)s: give a reason for not handing over the rest.") % {"item": asked})
        if substitute is None and not missing:
            continue
        fields = []
        if substitute is not None:
            line.asked_model, line.model = line.model, substitute
            fields += ["asked_model", "model"]
            told.append(
                _("%(item)s is replaced by %(substitute)s (same kind, in stock).")
                % {"item": asked, "substitute": substitute}
            )
        if missing:
            line.asked_quantity, line.quantity = line.quantity, change.quantity
            fields += ["asked_quantity", "quantity"]
            if change.rest == REST_CANCEL:
                line.rest_note = change.reason.strip()[:500]
                told.append(
                    _("%(item)s: %(given)d of %(asked)d will be handed over; the rest is cancelled: %(reason)s")
                    % {"item": asked, "given": change.quantity, "asked": line.asked_quantity, "reason": line.rest_note}
                )
            else:
                line.rest_note = _("Kept for later: prepared when stock comes in.")
                rest.append(RequestLine(kit=line.kit, model=line.asked_model or line.model, quantity=missing))
                told.append(
                    _("%(item)s: %(given)d of %(asked)d now; the other %(missing)d follow when stock comes in.")
                    % {"item": asked, "given": change.quantity, "asked": line.asked_quantity, "missing": missing}
                )
            fields.append("rest_note")
        line.save(update_fields=fields)
    return told, rest


@transaction.atomic
def request_decide(
    *,
    actor,
    request: EquipmentRequest | int,
    approve: bool,
    reason: str = "",
    changes: list[LineChange] | None = None,
) -> EquipmentRequest:
    """The requester's manager approves or refuses (with a reason).

    When stock is short the approver may approve with changes: a substitute model of the
    same category that is in stock, or a partial quantity whose rest is cancelled (with a
    reason) or kept as a new, already approved request. The request and its lines are
    locked, so two approvals cannot both apply; the requester is told through the outbox.
    """
    locked = _lock_request(request)
    if locked.approver_id != actor.pk:
        raise LoanError(_("Only the requester's manager decides on this request."))
    if locked.status != R.PENDING_APPROVAL:
        raise LoanError(_("This request is not waiting for approval."))
    if not approve and not reason.strip():
        raise LoanError(_("Give a reason for the refusal."))
    told: list[str] = []
    rest: list[RequestLine] = []
    if approve and changes:
        told, rest = _apply_line_changes(locked, changes)
    locked.decided_at = timezone.now()
    locked.refusal_reason = "" if approve else reason.strip()
    locked.save(update_fields=["decided_at", "refusal_reason"])
    if rest:
        backorder = EquipmentRequest.objects.create(
            requester=locked.requester,
            created_by=locked.created_by,
            reason=locked.reason,
            wanted_by=locked.wanted_by,
            delivery=locked.delivery,
            delivery_site=locked.delivery_site,
            delivery_address=locked.delivery_address,
            status=R.SUBMITTED,
            approver=locked.approver,
            decided_at=locked.decided_at,
            backorder_of=locked,
        )
        for line in rest:
            line.request = backorder
        RequestLine.objects.bulk_create(rest)
        told.append(_("The rest is request %(ref)s.") % {"ref": backorder.reference})
    _request_set_status(locked, R.SUBMITTED if approve else R.REFUSED, actor=actor)
    if told:
        with _In(locked.requester):
            _tell(
                locked.requester,
                key=f"request:{locked.pk}:approved-with-changes",
                subject=_("%(ref)s: approved with changes") % {"ref": locked.reference},
                paragraphs=told,
                url=_url("assets:request", pk=locked.pk),
            )
    return locked


def substitutes_for(model: ProductModel, *, quantity: int = 1) -> list[tuple[ProductModel, int]]:
    """Active models of the same category with at least ``quantity`` available now, most in stock first."""
    candidates = list(
        ProductModel.objects.filter(category_id=model.category_id, is_active=True)
        .exclude(pk=model.pk)
        .select_related("manufacturer")
    )
    available = available_now([candidate.pk for candidate in candidates])
    ready = [(candidate, available[candidate.pk]) for candidate in candidates if available[candidate.pk] >= quantity]
    return sorted(ready, key=lambda pair: (-pair[1], str(pair[0])))


@transaction.atomic
def request_cancel(*, actor, request: EquipmentRequest | int) -> EquipmentRequest:
    """Cancel before hand-over; reserved units go back to stock and issued stock is returned."""
    locked = _lock_request(request)
    if locked.status in (R.HANDED_OVER, R.CLOSED, R.REFUSED, R.CANCELLED):
        raise LoanError(_("This request can no longer be cancelled."))
    _release_prepared(locked, actor=actor)
    _request_set_status(locked, R.CANCELLED, actor=actor)
    DeliveryRun.objects.filter(request=locked, status=DeliveryRun.Status.PLANNED).delete()
    return locked


def _release_prepared(request: EquipmentRequest, *, actor) -> None:
    items = list(request.prepared_items.select_related("model", "stock_site"))
    assets = _lock_assets(item.asset_id for item in items if item.asset_id)
    events: list[AssetEvent] = []
    for asset in assets:
        if asset.status == S.RESERVED:
            events += _apply_status(asset, actor=actor, status=S.IN_STOCK, note=request.reference)
            asset.save(update_fields=["status", "holder", "site", "location", "updated_at"])
    AssetEvent.objects.bulk_create(events)
    for item in items:
        if item.asset_id is None:
            stock_move(
                actor=actor,
                model=item.model,
                site=item.stock_site,
                kind=StockMovement.Kind.RETURN,
                quantity=item.quantity,
                reason=request.reference,
            )
    request.prepared_items.all().delete()


@transaction.atomic
def request_start_preparing(*, actor, request: EquipmentRequest | int) -> EquipmentRequest:
    """Logistics takes a request from the queue: the requester sees it is being prepared."""
    locked = _lock_request(request)
    if locked.status != R.SUBMITTED:
        raise LoanError(_("This request cannot be prepared now."))
    locked.prepared_by = actor
    locked.save(update_fields=["prepared_by"])
    _request_set_status(locked, R.PREPARING, actor=actor)
    return locked


def request_needs(request: EquipmentRequest) -> Counter:
    """{model id: quantity} that the request asks for, kits expanded."""
    needs: Counter = Counter()
    for line in request.lines.select_related("kit").prefetch_related("kit__items"):
        if line.model_id:
            needs[line.model_id] += line.quantity
        else:
            for item in line.kit.items.all():
                needs[item.model_id] += item.quantity * line.quantity
    return needs


@transaction.atomic
def request_prepare(
    *, actor, request: EquipmentRequest | int, codes: Iterable[str], stock_site: Site
) -> EquipmentRequest:
    """Pick a request: scanned units of the right models are reserved, stock items issued — all or nothing.

    A wrong model, an unavailable unit, a missing unit or too little stock
    refuses the whole preparation with every reason listed: a kit is fully
    prepared or not at all.
    """
    locked = _lock_request(request)
    if locked.status not in (R.SUBMITTED, R.PREPARING):
        raise LoanError(_("This request cannot be prepared now."))
    needs = request_needs(locked)
    models = ProductModel.objects.in_bulk(needs)
    errors: list[str] = []
    scanned: list[Asset] = []
    for code in [code.strip() for code in codes if code.strip()]:
        asset = resolve_code(code)
        if asset is None:
            errors.append(_("%(code)s: unknown tag or serial.") % {"code": code})
        elif asset.pk in {a.pk for a in scanned}:
            errors.append(_("%(code)s was scanned twice.") % {"code": asset.tag})
        else:
            scanned.append(asset)
    locked_assets = {asset.pk: asset for asset in _lock_assets(asset.pk for asset in scanned)}
    unit_counts: Counter = Counter()
    events: list[AssetEvent] = []
    for asset in (locked_assets[a.pk] for a in scanned):
        if asset.model_id not in needs or not models[asset.model_id].is_unit_tracked:
            errors.append(_("%(tag)s is a %(model)s: not asked for here.") % {"tag": asset.tag, "model": asset.model})
            continue
        unit_counts[asset.model_id] += 1
        if unit_counts[asset.model_id] > needs[asset.model_id]:
            errors.append(_("%(tag)s: enough %(model)s already scanned.") % {"tag": asset.tag, "model": asset.model})
            continue
        if asset.status != S.IN_STOCK:
            errors.append(
                _("%(tag)s is not available (%(status)s).") % {"tag": asset.tag, "status": S(asset.status).label}
            )
            continue
        events += _apply_status(asset, actor=actor, status=S.RESERVED, holder=locked.requester, note=locked.reference)
    for model_id, quantity in needs.items():
        model = models[model_id]
        if model.is_unit_tracked and unit_counts[model_id] < quantity:
            errors.append(
                _("%(model)s: %(missing)d more unit(s) to scan.")
                % {"model": model, "missing": quantity - unit_counts[model_id]}
            )
    if errors:
        raise LoanError(_("Nothing was prepared: %(count)d problem(s).") % {"count": len(errors)}, errors=errors)
    for asset in locked_assets.values():
        asset.save(update_fields=["status", "holder", "site", "location", "updated_at"])
    AssetEvent.objects.bulk_create(events)
    items = [PreparedItem(request=locked, model_id=asset.model_id, asset=asset) for asset in locked_assets.values()]
    for model_id, quantity in sorted(needs.items()):
        if not models[model_id].is_unit_tracked:
            # Raises InsufficientStock (rolling everything back) when the site has too few.
            stock_move(
                actor=actor,
                model=models[model_id],
                site=stock_site,
                kind=StockMovement.Kind.ISSUE,
                quantity=quantity,
                reason=locked.reference,
            )
            items.append(PreparedItem(request=locked, model_id=model_id, quantity=quantity, stock_site=stock_site))
    PreparedItem.objects.bulk_create(items)
    locked.prepared_by, locked.ready_at = actor, timezone.now()
    locked.save(update_fields=["prepared_by", "ready_at"])
    _request_set_status(locked, R.READY, actor=actor)
    return locked


def available_now(model_ids) -> dict[int, int]:
    """How many of each model can be handed out now: units in stock, plus stock items on every site.
    Two grouped queries, whatever the number of models."""
    model_ids = list(model_ids)
    counts = Counter(
        dict(
            Asset.objects.filter(model_id__in=model_ids, status=S.IN_STOCK)
            .values("model_id")
            .annotate(n=Count("pk"))
            .values_list("model_id", "n")
        )
    )
    counts.update(
        dict(
            StockLevel.objects.filter(model_id__in=model_ids, quantity__gt=0)
            .values("model_id")
            .annotate(n=Sum("quantity"))
            .values_list("model_id", "n")
        )
    )
    return {model_id: counts.get(model_id, 0) for model_id in model_ids}


def kits_available(kits, available: dict[int, int]) -> dict[int, int]:
    """How many complete packs the stock makes (the scarcest item decides); kits need their items prefetched."""
    result = {}
    for kit in kits:
        items = list(kit.items.all())
        result[kit.pk] = min((available.get(item.model_id, 0) // item.quantity for item in items), default=0)
    return result
