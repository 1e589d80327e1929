"""Check-out and hand-over: units and stock leave the shelves on a loan, with a receipt."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assets.models import Asset, AssetEvent, ProductModel, StockMovement
from assets.services import InventoryError, _apply_status, stock_move
from icity.models import Site

from .. import receipts
from ..models import (
    BorrowerKind,
    DeliveryRun,
    EquipmentRequest,
    Loan,
    LoanLine,
    LoanTerms,
    Receipt,
)
from .common import OPEN, LoanError, R, S, _asset_label, _existing, _In, _lock_assets, _tell, _url, due_date_for
from .requests import _request_set_status

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
    ).update(status=DeliveryRun.Status.DONE, done_at=timezone.now())
    return loan
