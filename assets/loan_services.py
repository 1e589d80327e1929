"""Loans and logistics workflows: requests, preparation, hand-over, returns, extensions, losses, deliveries.

Every function is one transaction. Asset rows are locked (``select_for_update``)
in id order before their status changes, and statuses change only through the
inventory's transition rules (``services._apply_status``), so an asset's status
always agrees with its loans. The partial unique constraint on ``LoanLine``
(one open line per asset) is the last line of defence: two people scanning the
same laptop at once get one loan and one refusal.

The schools app calls ``loan_check_out`` and ``loan_check_in`` for pupils
(``borrower_kind="pupil"``, no user account) and links its pupil to the loan.
"""

import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from icity.models import Site
from icity.outbox import notify_user
from icity.roles import Role, has_role

from . import receipts
from .models import (
    Asset,
    AssetEvent,
    AssetStatus,
    BorrowerKind,
    Delivery,
    DeliveryRun,
    EquipmentRequest,
    Kit,
    Loan,
    LoanExtension,
    LoanLine,
    LoanPolicy,
    LoanTerms,
    PreparedItem,
    ProductModel,
    Receipt,
    Recovery,
    RequestLine,
    StockMovement,
)
from .services import InventoryError, _apply_status, _event, resolve_code, stock_move

S = AssetStatus
R = EquipmentRequest.Status
OPEN = LoanLine.State.OPEN


class LoanError(InventoryError):
    """A refused loans or logistics action, with a message for the user."""


# --- Helpers -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Policy:
    loan_days: int | None
    max_extensions: int
    extension_days: int
    always_recondition: bool


def policy_for(model: ProductModel) -> Policy:
    policy = LoanPolicy.objects.filter(category_id=model.category_id).first()
    if policy is None:
        return Policy(
            loan_days=settings.LOANS_DEFAULT_DAYS,
            max_extensions=settings.LOANS_DEFAULT_MAX_EXTENSIONS,
            extension_days=settings.LOANS_DEFAULT_EXTENSION_DAYS,
            always_recondition=model.category.code in settings.LOANS_ALWAYS_RECONDITION,
        )
    return Policy(
        loan_days=policy.loan_days,
        max_extensions=policy.max_extensions,
        extension_days=policy.extension_days,
        always_recondition=policy.always_recondition or model.category.code in settings.LOANS_ALWAYS_RECONDITION,
    )


def due_date_for(models: Iterable[ProductModel], *, start: date) -> date | None:
    """The earliest due date the lent models' policies allow; None when every one is a permanent assignment."""
    days = [policy.loan_days for policy in map(policy_for, models) if policy.loan_days]
    return start + timedelta(days=min(days)) if days else None


def _url(name: str, **kwargs) -> str:
    return settings.SITE_URL + reverse(name, kwargs=kwargs or None)


def _tell(
    user,
    *,
    key: str,
    subject: str,
    paragraphs: list[str],
    items: list[str] | None = None,
    url: str = "",
    receipt: Receipt | None = None,
    receipt_note: dict | None = None,
):
    """Queue one message, its text rendered now in the recipient's language (the context stays JSON).

    ``receipt`` is attached as its PDF when the message is sent; ``receipt_note``
    ({"attached": ..., "missing": ...}) says so, or (if the receipt was deleted
    before the send) that it is on the page.
    """
    if user is None or not user.email:
        return False
    return notify_user(
        user=user,
        dedupe_key=key,
        template="loans_notice",
        attachments=[{"kind": receipts.RECEIPT_ATTACHMENT, "id": receipt.pk}] if receipt is not None else None,
        context={
            "subject": subject,
            "greeting": _("Hello %(name)s,") % {"name": user.get_full_name() or user.email},
            "paragraphs": paragraphs,
            "items": items or [],
            "url": url,
            "receipt_note": receipt_note or {},
        },
    )


class _In:
    """``with _In(user):`` — gettext in the recipient's language while writing their message."""

    def __init__(self, user):
        self.language = getattr(user, "language", None) or settings.LANGUAGE_CODE

    def __enter__(self):
        self._override = translation.override(self.language)
        self._override.__enter__()

    def __exit__(self, *exc):
        self._override.__exit__(*exc)


def _asset_label(asset: Asset) -> str:
    return f"{asset.tag} — {asset.model}" + (f" (S/N {asset.serial})" if asset.serial else "")


def _lock_assets(asset_ids: Iterable[int]) -> list[Asset]:
    # Lock in id order so that two check-outs of overlapping units queue instead of deadlocking.
    return list(
        Asset.objects.select_for_update(of=("self",))
        .select_related("site", "holder", "model__manufacturer", "model__category")
        .filter(pk__in=set(asset_ids))
        .order_by("pk")
    )


def _lock_loan(loan: Loan | int) -> Loan:
    loan_id = loan if isinstance(loan, int) else loan.pk
    return Loan.objects.select_for_update(of=("self",)).select_related("borrower").get(pk=loan_id)


def _refresh_status(loan: Loan) -> None:
    states = Counter(loan.lines.values_list("state", flat=True))
    if states[OPEN]:
        done = states[LoanLine.State.RETURNED] + states[LoanLine.State.LOST]
        status = Loan.Status.PARTIALLY_RETURNED if done else Loan.Status.ACTIVE
    elif states[LoanLine.State.LOST]:
        status = Loan.Status.LOST
    else:
        status = Loan.Status.RETURNED
    if status != loan.status:
        loan.status = status
        loan.closed_at = None if status in Loan.OPEN_STATUSES else timezone.now()
        loan.save(update_fields=["status", "closed_at"])


def _existing(model, key: uuid.UUID | None):
    return model.objects.filter(idempotency_key=key).first() if key else None


# --- Check-out and hand-over ---------------------------------------------------------------------


@dataclass(frozen=True)
class StockItem:
    """A quantity of a stock item: lent (to come back) or given (consumable)."""

    model: ProductModel
    site: Site
    quantity: int = 1
    given: bool = False


def loan_check_out(
    *,
    actor,
    borrower=None,
    borrower_kind: str = BorrowerKind.USER,
    borrower_label: str = "",
    language: str | None = None,
    assets: Iterable[Asset | int] = (),
    stock: Iterable[StockItem] = (),
    due_date: date | None = None,
    use_policy_due_date: bool = True,
    terms: LoanTerms | None = None,
    accepted_name: str = "",
    witnessed_by=None,
    idempotency_key: uuid.UUID | None = None,
    request: EquipmentRequest | None = None,
    stock_already_issued: bool = False,
) -> Loan:
    """Lend units (and stock items) to a borrower in one transaction: all of them or none.

    ``due_date`` wins; otherwise the models' policies decide (None = permanent
    assignment) unless ``use_policy_due_date`` is False. When ``accepted_name``
    is given the borrower accepted ``terms`` here: the hand-over receipt is
    made and the borrower told. The same ``idempotency_key`` twice returns the
    first loan (a double-submitted form creates one loan).
    """
    if borrower_kind == BorrowerKind.USER and borrower is None:
        raise LoanError(_("Choose who borrows the equipment."))
    if borrower_kind not in BorrowerKind.values:
        raise LoanError(_("Unknown kind of borrower."))
    if accepted_name and terms is None:
        raise LoanError(_("The borrower must accept the loan terms."))
    existing = _existing(Loan, idempotency_key)
    if existing is not None:
        return existing
    stock = list(stock)
    asset_ids = [asset if isinstance(asset, int) else asset.pk for asset in assets]
    if not asset_ids and not stock:
        raise LoanError(_("Scan at least one unit or add a stock item."))
    if len(set(asset_ids)) != len(asset_ids):
        raise LoanError(_("The same unit was scanned twice."))
    try:
        with transaction.atomic():
            return _check_out(
                actor=actor,
                borrower=borrower,
                borrower_kind=borrower_kind,
                borrower_label=borrower_label,
                language=language,
                asset_ids=asset_ids,
                stock=stock,
                due_date=due_date,
                use_policy_due_date=use_policy_due_date,
                terms=terms,
                accepted_name=accepted_name.strip(),
                witnessed_by=witnessed_by,
                idempotency_key=idempotency_key,
                request=request,
                stock_already_issued=stock_already_issued,
            )
    except IntegrityError as error:
        # The same form committed a moment ago, or another loan won a unit at the same time.
        existing = _existing(Loan, idempotency_key)
        if existing is not None:
            return existing
        raise LoanError(_("One of these units was lent at the same moment by someone else.")) from error
    except LoanError:
        raise
    except InventoryError as error:  # not enough stock, a refused transition
        raise LoanError(error.message, errors=error.errors) from error


def _check_out(
    *,
    actor,
    borrower,
    borrower_kind,
    borrower_label,
    language,
    asset_ids,
    stock,
    due_date,
    use_policy_due_date,
    terms,
    accepted_name,
    witnessed_by,
    idempotency_key,
    request,
    stock_already_issued,
) -> Loan:
    locked = _lock_assets(asset_ids)
    # A second submit of the same form waited for our locks: it now sees the first loan.
    existing = _existing(Loan, idempotency_key)
    if existing is not None:
        return existing
    if len(locked) != len(set(asset_ids)):
        raise LoanError(_("A scanned unit does not exist."))
    errors: list[str] = []
    events: list[AssetEvent] = []
    reserved_for = request.requester if request is not None else None
    for asset in locked:
        if asset.status == S.RESERVED and (reserved_for is None or asset.holder_id != reserved_for.pk):
            errors.append(_("%(tag)s is reserved for someone else.") % {"tag": asset.tag})
            continue
        if asset.status not in (S.IN_STOCK, S.RESERVED):
            errors.append(
                _("%(tag)s is not available (%(status)s).") % {"tag": asset.tag, "status": S(asset.status).label}
            )
            continue
        events += _apply_status(
            asset,
            actor=actor,
            status=S.ON_LOAN,
            holder=borrower,
            note=_("Lent to %(name)s") % {"name": borrower_label or str(borrower)},
            require_holder=borrower_kind == BorrowerKind.USER,
        )
    if errors:
        raise LoanError(_("Nothing was lent: %(count)d unit(s) refused.") % {"count": len(errors)}, errors=errors)
    now = timezone.now()
    models = [asset.model for asset in locked] + [item.model for item in stock if not item.given]
    if due_date is None and use_policy_due_date:
        due_date = due_date_for(models, start=timezone.localdate())
    if due_date is not None and due_date < timezone.localdate():
        raise LoanError(_("The due date cannot be in the past."))
    loan = Loan.objects.create(
        borrower_kind=borrower_kind,
        borrower=borrower,
        borrower_label=(borrower_label or (borrower.get_full_name() or borrower.email if borrower else ""))[:200],
        language=language or getattr(borrower, "language", None) or settings.LANGUAGE_CODE,
        request=request,
        due_date=due_date,
        checked_out_by=actor,
        terms=terms,
        accepted_name=accepted_name[:200],
        accepted_at=now if accepted_name else None,
        witnessed_by=witnessed_by or (actor if accepted_name else None),
        idempotency_key=idempotency_key,
        started_at=now,
    )
    for asset in locked:
        asset.save(update_fields=["status", "holder", "site", "location", "updated_at"])
    AssetEvent.objects.bulk_create(events)
    lines = [LoanLine(loan=loan, model=asset.model, asset=asset) for asset in locked]
    for item in stock:
        if item.quantity < 1:
            raise LoanError(_("The quantity must be a positive number."))
        if not stock_already_issued:
            stock_move(
                actor=actor,
                model=item.model,
                site=item.site,
                kind=StockMovement.Kind.ISSUE,
                quantity=item.quantity,
                reason=f"{loan.reference}",
            )
        lines.append(
            LoanLine(
                loan=loan,
                model=item.model,
                quantity=item.quantity,
                stock_site=item.site,
                state=LoanLine.State.GIVEN if item.given else OPEN,
            )
        )
    LoanLine.objects.bulk_create(lines)
    if not any(line.state == OPEN for line in lines):
        loan.status, loan.closed_at = Loan.Status.RETURNED, now
        loan.save(update_fields=["status", "closed_at"])
    if accepted_name:
        _hand_over_receipt(loan)
    return loan


def _hand_over_receipt(loan: Loan) -> Receipt:
    receipt = Receipt.objects.create(
        loan=loan, kind=Receipt.Kind.HAND_OVER, pdf=receipts.hand_over_pdf(loan, language=loan.language)
    )
    if loan.borrower is not None:
        with _In(loan.borrower):
            _tell(
                loan.borrower,
                key=f"loan:{loan.pk}:handed-over",
                subject=_("Your equipment receipt %(ref)s") % {"ref": loan.reference},
                paragraphs=[
                    _("You received the equipment below and accepted the loan terms version %(version)s.")
                    % {"version": loan.terms.version},
                    _("Due date: %(date)s") % {"date": loan.due_date.isoformat()}
                    if loan.due_date
                    else _("This is a permanent assignment."),
                ],
                receipt_note={
                    "attached": _("Your receipt is attached to this email (PDF) and stays on the page below."),
                    "missing": _("Your receipt (PDF) is on the page below."),
                },
                items=[_line_label(line) for line in loan.lines.select_related("asset", "model__manufacturer")],
                url=_url("assets:loan", pk=loan.pk),
                receipt=receipt,
            )
    return receipt


def _line_label(line: LoanLine) -> str:
    if line.asset_id:
        return _asset_label(line.asset)
    return f"{line.quantity} × {line.model}"


@transaction.atomic
def loan_hand_over(
    *,
    actor,
    request: EquipmentRequest | int,
    accepted_name: str,
    accept_terms: bool,
    terms: LoanTerms | None = None,
    idempotency_key: uuid.UUID | None = None,
) -> Loan:
    """The borrower receives a prepared request (desk or delivery): typed name + accepted terms -> loan + receipt."""
    existing = _existing(Loan, idempotency_key)
    if existing is not None:
        return existing
    request_id = request if isinstance(request, int) else request.pk
    locked = EquipmentRequest.objects.select_for_update(of=("self",)).select_related("requester").get(pk=request_id)
    existing = _existing(Loan, idempotency_key)  # a double submit waited on the request lock
    if existing is not None:
        return existing
    if locked.status not in (R.READY, R.OUT_FOR_DELIVERY):
        raise LoanError(_("This request is not ready to hand over."))
    terms = terms or LoanTerms.current()
    if terms is None:
        raise LoanError(_("No loan terms are published yet: ask an administrator."))
    if not accept_terms or not accepted_name.strip():
        raise LoanError(_("The borrower must type their name and accept the loan terms."))
    items = list(locked.prepared_items.select_related("model__category", "stock_site"))
    given_ids = set(
        ProductModel.objects.filter(pk__in=[item.model_id for item in items if item.asset_id is None])
        .filter(category__code__in=settings.LOANS_GIVEN_CATEGORIES)
        .values_list("pk", flat=True)
    )
    loan = loan_check_out(
        actor=actor,
        borrower=locked.requester,
        assets=[item.asset_id for item in items if item.asset_id],
        stock=[
            StockItem(model=item.model, site=item.stock_site, quantity=item.quantity, given=item.model_id in given_ids)
            for item in items
            if item.asset_id is None
        ],
        terms=terms,
        accepted_name=accepted_name,
        witnessed_by=actor,
        idempotency_key=idempotency_key,
        request=locked,
        stock_already_issued=True,
    )
    _request_set_status(locked, R.HANDED_OVER, actor=actor, notify=False)
    DeliveryRun.objects.filter(
        request=locked, status__in=[DeliveryRun.Status.PLANNED, DeliveryRun.Status.EN_ROUTE]
    ).update(status=DeliveryRun.Status.DONE)
    return loan


# --- Returns, extensions, losses -----------------------------------------------------------------


@dataclass(frozen=True)
class ReturnItem:
    line: LoanLine | int
    condition: str = ""
    next_status: str = LoanLine.NextStatus.STOCK
    notes: str = ""
    missing_parts: str = ""


@transaction.atomic
def loan_check_in(*, actor, site: Site, items: Iterable[ReturnItem]) -> list[Loan]:
    """Take back one or many lines (scanned in a row, possibly from several loans): all of them or none.

    Each unit goes to stock, repair or reconditioning (always reconditioning
    when its policy says so, e.g. laptops, which must be wiped). Lines still
    out keep their loan open (partially returned). One return receipt per loan.
    """
    items = list(items)
    if not items:
        raise LoanError(_("Scan at least one unit to return."))
    by_line = {(item.line if isinstance(item.line, int) else item.line.pk): item for item in items}
    lines = list(
        LoanLine.objects.select_related("model__category", "model__manufacturer")
        .filter(pk__in=by_line)
        .order_by("loan_id", "pk")
    )
    if len(lines) != len(by_line):
        raise LoanError(_("A returned line does not exist."))
    loans = {loan.pk: loan for loan in (_lock_loan(loan_id) for loan_id in sorted({line.loan_id for line in lines}))}
    assets = {asset.pk: asset for asset in _lock_assets(line.asset_id for line in lines if line.asset_id)}
    lines = list(
        LoanLine.objects.select_for_update(of=("self",))
        .select_related("model__category", "model__manufacturer")
        .filter(pk__in=by_line)
        .order_by("pk")
    )
    errors: list[str] = []
    events: list[AssetEvent] = []
    now = timezone.now()
    for line in lines:
        item = by_line[line.pk]
        asset = assets.get(line.asset_id)
        label = asset.tag if asset else str(line.model)
        if line.state != OPEN:
            errors.append(_("%(item)s is not out on this loan any more.") % {"item": label})
            continue
        next_status = item.next_status or LoanLine.NextStatus.STOCK
        if next_status not in LoanLine.NextStatus.values:
            errors.append(_("Choose where %(item)s goes next.") % {"item": label})
            continue
        if asset is not None:
            if policy_for(line.model).always_recondition:
                next_status = LoanLine.NextStatus.RECONDITIONING
            events += _apply_status(
                asset,
                actor=actor,
                status=next_status,
                site=site,
                note=_("Returned from %(loan)s") % {"loan": loans[line.loan_id].reference},
            )
            if item.condition and item.condition != asset.condition:
                events.append(
                    _event(asset, AssetEvent.Kind.CONDITION, actor=actor, old=asset.condition, new=item.condition)
                )
                asset.condition = item.condition
            asset.save(update_fields=["status", "holder", "site", "location", "condition", "updated_at"])
        else:
            next_status = LoanLine.NextStatus.STOCK
            stock_move(
                actor=actor,
                model=line.model,
                site=site,
                kind=StockMovement.Kind.RETURN,
                quantity=line.quantity,
                reason=loans[line.loan_id].reference,
            )
        line.state = LoanLine.State.RETURNED
        line.returned_at, line.returned_to, line.received_by = now, site, actor
        line.return_condition, line.next_status = item.condition, next_status
        line.return_notes, line.missing_parts = item.notes.strip(), item.missing_parts.strip()[:255]
    if errors:
        raise LoanError(_("Nothing was returned: %(count)d item(s) refused.") % {"count": len(errors)}, errors=errors)
    LoanLine.objects.bulk_update(
        lines,
        [
            "state",
            "returned_at",
            "returned_to",
            "received_by",
            "return_condition",
            "next_status",
            "return_notes",
            "missing_parts",
        ],
    )
    AssetEvent.objects.bulk_create(events)
    for loan in loans.values():
        _refresh_status(loan)
        receipt = Receipt.objects.create(
            loan=loan,
            kind=Receipt.Kind.RETURN,
            pdf=receipts.return_pdf(loan, [line for line in lines if line.loan_id == loan.pk], language=loan.language),
        )
        if loan.borrower is not None:
            with _In(loan.borrower):
                _tell(
                    loan.borrower,
                    key=f"loan:{loan.pk}:returned:{receipt.pk}",
                    subject=_("Return receipt for %(ref)s") % {"ref": loan.reference},
                    paragraphs=[
                        _("We received the equipment below. Thank you."),
                        _("Everything on this loan is back.")
                        if not loan.is_open
                        else _("Some equipment on this loan is still with you."),
                    ],
                    receipt_note={
                        "attached": _(
                            "Your return receipt is attached to this email (PDF) and stays on the page below."
                        ),
                        "missing": _("Your return receipt (PDF) is on the page below."),
                    },
                    items=[
                        _asset_label(assets[line.asset_id]) if line.asset_id else f"{line.quantity} × {line.model}"
                        for line in lines
                        if line.loan_id == loan.pk
                    ],
                    url=_url("assets:loan", pk=loan.pk),
                    receipt=receipt,
                )
        if not loan.is_open and loan.request_id:
            EquipmentRequest.objects.filter(pk=loan.request_id, status=R.HANDED_OVER).update(
                status=R.CLOSED, updated_at=now
            )
    _close_recoveries({loan.borrower_id for loan in loans.values() if loan.borrower_id})
    return list(loans.values())


def _close_recoveries(person_ids: set[int]) -> None:
    still_holding = set(
        LoanLine.objects.filter(loan__borrower_id__in=person_ids, state=OPEN).values_list(
            "loan__borrower_id", flat=True
        )
    )
    Recovery.objects.filter(person_id__in=person_ids - still_holding, status=Recovery.Status.OPEN).update(
        status=Recovery.Status.DONE, closed_at=timezone.now()
    )


def extensions_allowed(loan: Loan) -> tuple[int, int]:
    """(how many extensions the loan's policy allows, days per extension): the strictest open line decides."""
    policies = [
        policy_for(line.model)
        for line in loan.lines.filter(state=OPEN).select_related("model__category")
        if line.asset_id or line.quantity
    ]
    if not policies:
        return 0, 0
    return min(p.max_extensions for p in policies), min(p.extension_days for p in policies)


@transaction.atomic
def loan_extend(*, actor, loan: Loan | int, reason: str, new_due_date: date | None = None) -> Loan:
    """Push the due date back (limited to N times by policy). Reminders start again for the new date."""
    locked = _lock_loan(loan)
    reason = reason.strip()
    if not reason:
        raise LoanError(_("Give a reason for the extension."))
    if not locked.is_open:
        raise LoanError(_("This loan is closed."))
    if locked.due_date is None:
        raise LoanError(_("A permanent assignment has no due date to extend."))
    allowed, days = extensions_allowed(locked)
    if locked.extensions >= allowed:
        raise LoanError(_("This loan cannot be extended again (at most %(count)d extension(s)).") % {"count": allowed})
    base = max(locked.due_date, timezone.localdate())
    new_due_date = new_due_date or base + timedelta(days=days)
    if new_due_date <= locked.due_date:
        raise LoanError(_("The new due date must be after the current one."))
    if new_due_date > base + timedelta(days=days):
        raise LoanError(_("An extension is at most %(days)d days.") % {"days": days})
    LoanExtension.objects.create(
        loan=locked, old_due_date=locked.due_date, new_due_date=new_due_date, reason=reason, by=actor
    )
    locked.due_date, locked.extensions, locked.reminder_offset = new_due_date, locked.extensions + 1, None
    locked.save(update_fields=["due_date", "extensions", "reminder_offset"])
    if locked.borrower is not None:
        with _In(locked.borrower):
            _tell(
                locked.borrower,
                key=f"loan:{locked.pk}:extended:{locked.extensions}",
                subject=_("%(ref)s extended until %(date)s") % {"ref": locked.reference, "date": new_due_date},
                paragraphs=[_("Reason: %(reason)s") % {"reason": reason}],
                url=_url("assets:loan", pk=locked.pk),
            )
    return locked


@transaction.atomic
def loan_declare_lost(
    *,
    actor,
    loan: Loan | int,
    lines: Iterable[LoanLine | int] | None = None,
    ticket_reference: str = "",
    note: str = "",
) -> Loan:
    """Declare open lines lost or stolen (all of them by default). Units become lost; the ticket is recorded."""
    locked = _lock_loan(loan)
    if not locked.is_open:
        raise LoanError(_("This loan is closed."))
    wanted = None if lines is None else {line if isinstance(line, int) else line.pk for line in lines}
    open_lines = list(locked.lines.select_for_update().filter(state=OPEN).order_by("pk"))
    chosen = [line for line in open_lines if wanted is None or line.pk in wanted]
    if not chosen or (wanted is not None and len(chosen) != len(wanted)):
        raise LoanError(_("Choose equipment that is still out on this loan."))
    assets = {asset.pk: asset for asset in _lock_assets(line.asset_id for line in chosen if line.asset_id)}
    events: list[AssetEvent] = []
    text = note.strip() or _("Declared lost or stolen")
    if ticket_reference:
        text = f"{text} ({ticket_reference})"
    for line in chosen:
        if line.asset_id:
            asset = assets[line.asset_id]
            events += _apply_status(asset, actor=actor, status=S.LOST, note=text)
            asset.save(update_fields=["status", "holder", "site", "location", "updated_at"])
        line.state, line.loss_ticket, line.return_notes = LoanLine.State.LOST, ticket_reference.strip()[:40], text
    LoanLine.objects.bulk_update(chosen, ["state", "loss_ticket", "return_notes"])
    AssetEvent.objects.bulk_create(events)
    _refresh_status(locked)
    return locked


@transaction.atomic
def loan_write_off(*, actor, loan: Loan | int) -> Loan:
    """Close a lost loan for good (after the insurance or the ticket decided)."""
    locked = _lock_loan(loan)
    if locked.status != Loan.Status.LOST:
        raise LoanError(_("Only a lost loan can be written off."))
    locked.status = Loan.Status.WRITTEN_OFF
    locked.save(update_fields=["status"])
    return locked


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


@transaction.atomic
def request_decide(*, actor, request: EquipmentRequest | int, approve: bool, reason: str = "") -> EquipmentRequest:
    """The requester's manager approves or refuses (with a reason)."""
    locked = _lock_request(request)
    if locked.approver_id != actor.pk:
        raise LoanError(_("Only the requester's manager decides on this request."))
    if locked.status != R.PENDING_APPROVAL:
        raise LoanError(_("This request is not waiting for approval."))
    if not approve and not reason.strip():
        raise LoanError(_("Give a reason for the refusal."))
    locked.decided_at = timezone.now()
    locked.refusal_reason = "" if approve else reason.strip()
    locked.save(update_fields=["decided_at", "refusal_reason"])
    _request_set_status(locked, R.SUBMITTED if approve else R.REFUSED, actor=actor)
    return locked


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


# --- Deliveries, pick-ups and recoveries ---------------------------------------------------------


RUN_NEXT = {
    DeliveryRun.Status.PLANNED: {DeliveryRun.Status.EN_ROUTE, DeliveryRun.Status.DONE, DeliveryRun.Status.FAILED},
    DeliveryRun.Status.EN_ROUTE: {DeliveryRun.Status.DONE, DeliveryRun.Status.FAILED},
    DeliveryRun.Status.FAILED: {DeliveryRun.Status.PLANNED},
    DeliveryRun.Status.DONE: set(),
}


@transaction.atomic
def delivery_plan(
    *,
    actor,
    kind: str,
    day: date,
    window_start: time,
    window_end: time,
    site: Site | None = None,
    address: str = "",
    assignee=None,
    person=None,
    request: EquipmentRequest | None = None,
    recovery: Recovery | None = None,
    notes: str = "",
    idempotency_key: uuid.UUID | None = None,
) -> DeliveryRun:
    existing = _existing(DeliveryRun, idempotency_key)
    if existing is not None:
        return existing
    if window_end <= window_start:
        raise LoanError(_("The time window must end after it starts."))
    if site is None and not address.strip():
        raise LoanError(_("Give a site or an address."))
    if kind not in DeliveryRun.Kind.values:
        raise LoanError(_("Unknown kind of run."))
    if request is not None:
        person = person or request.requester
    return DeliveryRun.objects.create(
        kind=kind,
        date=day,
        window_start=window_start,
        window_end=window_end,
        site=site,
        address=address.strip(),
        assignee=assignee,
        person=person,
        request=request,
        recovery=recovery,
        notes=notes.strip(),
        idempotency_key=idempotency_key,
    )


@transaction.atomic
def delivery_set_status(*, actor, run: DeliveryRun | int, status: str, reason: str = "") -> DeliveryRun:
    """planned → en route → done, or failed (with a reason) → planned again."""
    run_id = run if isinstance(run, int) else run.pk
    locked = DeliveryRun.objects.select_for_update().get(pk=run_id)
    if status not in RUN_NEXT.get(locked.status, set()):
        raise LoanError(_("This run cannot go from %(old)s to %(new)s.") % {"old": locked.status, "new": status})
    if status == DeliveryRun.Status.FAILED and not reason.strip():
        raise LoanError(_("Say why the run failed."))
    locked.status = status
    locked.failure_reason = reason.strip() if status == DeliveryRun.Status.FAILED else ""
    locked.save(update_fields=["status", "failure_reason"])
    if status == DeliveryRun.Status.EN_ROUTE and locked.request_id:
        request = _lock_request(locked.request_id)
        if request.status == R.READY:
            _request_set_status(request, R.OUT_FOR_DELIVERY, actor=actor)
    return locked


def _next_working_day(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


@transaction.atomic
def recovery_start(
    *, actor, person, reason: str, day: date | None = None, address: str = "", site: Site | None = None
) -> Recovery:
    """List everything a person holds for collection and plan a pick-up (the next working day by default).

    Starting it twice returns the open recovery: a person has at most one.
    """
    existing = Recovery.objects.filter(person=person, status=Recovery.Status.OPEN).first()
    if existing is not None:
        return existing
    held = list(
        LoanLine.objects.filter(loan__borrower=person, state=OPEN).select_related("asset", "model__manufacturer")
    )
    if not held:
        raise LoanError(_("%(name)s holds no equipment.") % {"name": person.get_full_name() or person.email})
    try:
        with transaction.atomic():
            recovery = Recovery.objects.create(person=person, reason=reason, started_by=actor)
    except IntegrityError:  # started at the same moment elsewhere (the sweep and a person)
        return Recovery.objects.get(person=person, status=Recovery.Status.OPEN)
    site = site or (None if address.strip() else person.site)
    if site is None and not address.strip():
        site = Site.objects.filter(kind=Site.Kind.ICITY_DESK).order_by("pk").first()
    if site is not None or address.strip():
        delivery_plan(
            actor=actor,
            kind=DeliveryRun.Kind.RECOVERY,
            day=day or _next_working_day(timezone.localdate()),
            window_start=time(9, 0),
            window_end=time(12, 0),
            site=site,
            address=address,
            person=person,
            recovery=recovery,
        )
    if person.is_active:
        with _In(person):
            _tell(
                person,
                key=f"recovery:{recovery.pk}:started",
                subject=_("Equipment to return"),
                paragraphs=[_("i-CITY will collect the equipment below. Please have it ready.")],
                items=[_line_label(line) for line in held],
                url=_url("assets:mine"),
            )
    return recovery


def recovery_sweep() -> int:
    """Deactivated users who still hold equipment get a recovery (once). assets notices; icity never calls us."""
    started = 0
    people = (
        get_user_model()
        .objects.filter(is_active=False, loans__lines__state=OPEN)
        .exclude(recoveries__status=Recovery.Status.OPEN)
        .distinct()
    )
    for person in people.iterator(chunk_size=200):
        try:
            recovery_start(actor=None, person=person, reason=Recovery.Reason.LEAVING)
        except LoanError:
            continue
        started += 1
    return started


@transaction.atomic
def user_deactivate(*, actor, user) -> Recovery | None:
    """Deactivate an account (someone leaves) and start recovering what they hold."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    if LoanLine.objects.filter(loan__borrower=user, state=OPEN).exists():
        return recovery_start(actor=actor, person=user, reason=Recovery.Reason.LEAVING)
    return None
