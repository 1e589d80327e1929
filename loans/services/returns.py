"""Returns, extensions, losses and write-offs of loans."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assets.models import AssetEvent, StockMovement
from assets.services import _apply_status, _event, stock_move
from icity.models import Site

from .. import receipts
from ..models import EquipmentRequest, Loan, LoanExtension, LoanLine, Receipt, Recovery
from .common import (
    OPEN,
    LoanError,
    R,
    S,
    _asset_label,
    _In,
    _lock_assets,
    _lock_loan,
    _refresh_status,
    _tell,
    _url,
    policy_for,
)

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
