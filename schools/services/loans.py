"""Hand-over at the collection point and the end-of-year returns, built on the assets loans.

The loan is borrower-less (``borrower_kind="pupil"``) and labelled "Pupil #<id>":
no pupil name goes into the loan or the asset history. The guardian's typed
name is the only personal data on the loan, and the anonymisation sweep scrubs it.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Func, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from assets.models import Asset, AssetStatus, Kit
from assets.services import InventoryError, asset_change_status, resolve_code, resolve_codes
from icity.outbox import notify, notify_user
from loans import receipts
from loans.models import Loan, LoanLine, LoanTerms, Receipt
from loans.services import LoanError, ReturnItem, StockItem, loan_check_in, loan_check_out
from schools.models import Allocation, Appointment, Pupil, PupilEvent, PupilLoan, ReconJob, ReturnCampaign

from .programme import ProgrammeError, _event, _lock_appointment, _pupil_key, ready_devices, recon_job_open

logger = logging.getLogger(__name__)

PUPIL_PACK = "pupil-pack"


def school_year_end(today: date | None = None) -> date:
    """The due date of a pupil's loan: the end of the current school year (30 June by default)."""
    today = today or timezone.localdate()
    month, day = settings.SCHOOLS_YEAR_END
    end = date(today.year, month, day)
    return end if today <= end else date(today.year + 1, month, day)


def pupil_label(pupil: Pupil) -> str:
    return f"Pupil #{pupil.pk}"


def _pack_stock(site) -> list[StockItem]:
    """The charger and bag of the Pupil pack (quantity-tracked kit items), taken from the collection point's stock."""
    kit = Kit.objects.filter(code=PUPIL_PACK).prefetch_related("items__model").first()
    if kit is None or site is None:
        return []
    return [
        StockItem(model=item.model, site=site, quantity=item.quantity)
        for item in kit.items.all()
        if not item.model.is_unit_tracked
    ]


def _swap(allocation: Allocation, asset: Asset, *, actor) -> Allocation:
    """The guardian receives another ready device than the one reserved: move the reservation."""
    if not ready_devices().filter(pk=asset.pk).exists():
        raise ProgrammeError(_("%(tag)s is neither the reserved device nor a ready one.") % {"tag": asset.tag})
    allocation.status, allocation.ended_at, allocation.end_reason = (
        Allocation.Status.RELEASED,
        timezone.now(),
        f"swapped for {asset.tag}",
    )
    allocation.save(update_fields=["status", "ended_at", "end_reason"])
    asset_change_status(actor=actor, asset=allocation.asset_id, status=AssetStatus.IN_STOCK, note="swapped")
    new = Allocation.objects.create(pupil=allocation.pupil, asset=asset, created_by=actor)
    Appointment.objects.filter(allocation=allocation, status=Appointment.Status.BOOKED).update(allocation=new)
    return new


@transaction.atomic
def handover_complete(
    *,
    actor,
    appointment: Appointment | int,
    scanned_code: str,
    identity_checked: bool,
    accepted_name: str,
    accept_terms: bool,
    idempotency_key: uuid.UUID | None = None,
) -> PupilLoan:
    """Scan, identity, agreement, loan, receipt: one transaction, all or nothing."""
    locked = _lock_appointment(appointment)
    if locked.status == Appointment.Status.DONE:
        existing = PupilLoan.objects.filter(allocation_id=locked.allocation_id).first()
        if existing is not None:  # a double-submitted form: the first hand-over stands
            return existing
    if locked.status != Appointment.Status.BOOKED:
        raise ProgrammeError(_("This appointment is not open for hand-over."))
    if not identity_checked:
        raise ProgrammeError(_("Confirm that you checked the guardian's identity."))
    if not accept_terms or not accepted_name.strip():
        raise ProgrammeError(_("The guardian must type their name and accept the loan agreement."))
    # The guardian signs the pupil-device agreement, never the staff loan terms.
    terms = LoanTerms.current(LoanTerms.Audience.PUPIL_GUARDIAN)
    if terms is None:
        raise ProgrammeError(_("No loan agreement is published yet: ask an administrator."))
    asset = resolve_code(scanned_code.strip())
    if asset is None:
        raise ProgrammeError(_("No device with this tag or serial number."))
    pupil = locked.pupil
    allocation = Allocation.objects.select_for_update().select_related("pupil").get(pk=locked.allocation_id)
    if allocation.status != Allocation.Status.RESERVED:
        raise ProgrammeError(_("The device for this appointment is no longer reserved."))
    if asset.pk != allocation.asset_id:
        allocation = _swap(allocation, asset, actor=actor)
    try:
        # The reservation is ours: back to stock, then lent, in this same transaction.
        if Asset.objects.filter(pk=asset.pk, status=AssetStatus.RESERVED).exists():
            asset_change_status(actor=actor, asset=asset.pk, status=AssetStatus.IN_STOCK, note="hand-over")
        site = locked.slot.point.site
        loan = loan_check_out(
            actor=actor,
            borrower_kind="pupil",
            borrower_label=pupil_label(pupil),
            language=pupil.language,
            assets=[asset.pk],
            stock=_pack_stock(site),
            due_date=school_year_end(),
            terms=terms,
            accepted_name=accepted_name.strip(),
            witnessed_by=actor,
            idempotency_key=idempotency_key,
        )
    except (LoanError, InventoryError) as error:
        raise ProgrammeError(" ".join([error.message, *error.errors])) from error
    allocation.status = Allocation.Status.HANDED_OVER
    allocation.save(update_fields=["status"])
    locked.status, locked.updated_at = Appointment.Status.DONE, timezone.now()
    locked.save(update_fields=["status", "updated_at"])
    link = PupilLoan.objects.create(pupil=pupil, loan=loan, allocation=allocation, identity_checked_by=actor)
    _event(pupil, PupilEvent.Kind.HANDED_OVER, actor=actor, note=loan.reference)
    return link


RECEIPT_ATTACHMENT = "schools.receipt"


def receipt_attachment(receipt_id: int) -> tuple[str, bytes, str] | None:
    """The outbox's attachment provider for ``schools.receipt``: a pupil loan's receipt, while the pupil is known.

    Anonymisation deletes the pupil's pending messages already; refusing an
    anonymised pupil's receipt here as well means no receipt is mailed to a
    guardian after the retention period, whatever queued it.
    """
    receipt = Receipt.objects.filter(
        pk=receipt_id, loan__pupil_link__isnull=False, loan__pupil_link__pupil__anonymised_at__isnull=True
    ).first()
    if receipt is None:
        return None
    return receipt.filename, bytes(receipt.pdf), "application/pdf"


def handover_email_receipt(*, pupil_loan: PupilLoan) -> bool:
    """Send the guardian the receipt (once per loan): a summary in the email, the PDF attached."""
    loan = pupil_loan.loan
    return _email_guardian_receipt(
        pupil_loan,
        kind=Receipt.Kind.HAND_OVER,
        key="receipt",
        template="schools_receipt",
        context={
            "items": [
                line.asset.tag if line.asset_id else f"{line.quantity} × {line.model}"
                for line in loan.lines.select_related("asset", "model__manufacturer")
            ],
            "due_date": loan.due_date.strftime("%d/%m/%Y") if loan.due_date else "",
            "terms_version": loan.terms.version if loan.terms else "",
        },
    )


def return_email_receipt(*, pupil_loan: PupilLoan) -> bool:
    """Tell the guardian the device came back (once per loan), the return receipt attached."""
    return _email_guardian_receipt(
        pupil_loan, kind=Receipt.Kind.RETURN, key="returned", template="schools_return_receipt", context={}
    )


def _email_guardian_receipt(pupil_loan: PupilLoan, *, kind: str, key: str, template: str, context: dict) -> bool:
    """Queue one email to the guardian about the loan (once: ``key``), its latest ``kind`` receipt attached."""
    pupil, loan = pupil_loan.pupil, pupil_loan.loan
    if not pupil.guardian_email:
        return False
    receipt = loan.receipts.filter(kind=kind).order_by("-pk").values_list("pk", flat=True).first()
    return notify(
        dedupe_key=_pupil_key(pupil, f"{key}:{loan.pk}"),
        template=template,
        to_email=pupil.guardian_email,
        language=pupil.language,
        context={
            "pupil_id": pupil.pk,
            "guardian_name": pupil.guardian_name,
            "pupil_first_name": pupil.first_name,
            "reference": loan.reference,
            **context,
        },
        attachments=[{"kind": RECEIPT_ATTACHMENT, "id": receipt}] if receipt is not None else None,
    )


# --- Returns ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PupilReturn:
    code: str
    condition: str = ""
    missing_parts: str = ""


@transaction.atomic
def pupil_returns_check_in(*, actor, site, returns: list[PupilReturn], notes: str = "") -> list[PupilLoan]:
    """Take back pupils' devices (one at the counter or many collected from a school): all or none.

    Every line of each pupil's loan comes back; the laptop goes to reconditioning and a
    job is opened that starts with the data wipe. The pupil's participation ends.
    """
    if not returns:
        raise ProgrammeError(_("Scan at least one device."))
    # Three queries for the whole batch (codes, pupil loans, their open lines), not three per device.
    assets = resolve_codes([item.code.strip() for item in returns])
    links = {
        link.allocation.asset_id: link
        for link in PupilLoan.objects.select_related("pupil", "loan", "allocation").filter(
            allocation__asset__in=[asset for asset in assets.values() if asset], loan__status__in=Loan.OPEN_STATUSES
        )
    }
    found: list[tuple[PupilLoan, PupilReturn]] = []
    errors = []
    for item in returns:
        asset = assets.get(item.code.strip())
        link = links.get(asset.pk) if asset else None
        if link is None:
            errors.append(_("%(code)s is not out on a pupil loan.") % {"code": item.code})
        else:
            found.append((link, item))
    if errors:
        raise ProgrammeError(" ".join(errors))
    open_lines: dict[int, list[LoanLine]] = {}
    lines = LoanLine.objects.filter(loan_id__in=[link.loan_id for link, _item in found], state=LoanLine.State.OPEN)
    for line in lines.order_by("loan_id", "pk"):
        open_lines.setdefault(line.loan_id, []).append(line)
    items = []
    for link, item in found:
        for line in open_lines.get(link.loan_id, []):
            is_unit = line.asset_id is not None
            items.append(
                ReturnItem(
                    line=line.pk,
                    condition=item.condition if is_unit else "",
                    next_status=LoanLine.NextStatus.RECONDITIONING if is_unit else LoanLine.NextStatus.STOCK,
                    notes=notes,
                    missing_parts=item.missing_parts if is_unit else "",
                )
            )
    try:
        loan_check_in(actor=actor, site=site, items=items)
    except (LoanError, InventoryError) as error:
        raise ProgrammeError(" ".join([error.message, *error.errors])) from error
    now = timezone.now()
    for link, _item in found:
        Allocation.objects.filter(pk=link.allocation_id).update(
            status=Allocation.Status.RETURNED, ended_at=now, end_reason="returned"
        )
        Pupil.objects.filter(pk=link.pupil_id).update(closed_at=now)
        _event(link.pupil, PupilEvent.Kind.RETURNED, actor=actor, note=link.loan.reference)
        if not ReconJob.objects.filter(asset_id=link.allocation.asset_id, closed_at__isnull=True).exists():
            recon_job_open(actor=actor, asset=link.allocation.asset_id, source=ReconJob.Source.RETURNED)
        return_email_receipt(pupil_loan=link)
    return [link for link, _item in found]


# --- Return campaigns ----------------------------------------------------------------------------------


class CampaignError(ProgrammeError):
    """A refused campaign change; ``field`` names the input at fault (None: the whole request)."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


def return_campaign_stages(stages) -> list[int]:
    """The reminder stages, validated and sorted: whole days from -90 to 90, no duplicates, at least one."""
    if not isinstance(stages, list | tuple) or not stages:
        raise CampaignError(_("Give at least one reminder day."), field="stages")
    limit = ReturnCampaign.STAGE_LIMIT
    for stage in stages:
        # bool is an int in Python; true/false in JSON is a mistake, not a day.
        if isinstance(stage, bool) or not isinstance(stage, int):
            raise CampaignError(_("Reminder days are whole numbers, such as -14 or 7."), field="stages")
        if not -limit <= stage <= limit:
            raise CampaignError(
                _("Reminder days go from %(low)d to %(high)d (%(stage)d is out of range).")
                % {"low": -limit, "high": limit, "stage": stage},
                field="stages",
            )
    if len(set(stages)) != len(stages):
        raise CampaignError(_("Each reminder day may appear only once."), field="stages")
    return sorted(stages)


def return_campaigns_listed() -> QuerySet[ReturnCampaign]:
    """Campaigns, newest deadline first, each with ``devices_out``: one query whatever their number."""
    out = (
        campaign_loans(OuterRef("deadline")).order_by().annotate(count=Func(F("pk"), function="COUNT")).values("count")
    )
    return ReturnCampaign.objects.annotate(devices_out=Coalesce(Subquery(out), 0)).order_by("-deadline", "-pk")


def campaign_loans(deadline) -> QuerySet[PupilLoan]:
    """The pupils' loans a campaign calls back: still open, and handed over by its deadline.

    A device handed over after the deadline (the next school year's loan) is not asked back
    by the campaign that is already over, whatever stage after the deadline it has.
    """
    return PupilLoan.objects.filter(loan__status__in=Loan.OPEN_STATUSES, created_at__date__lte=deadline)


@transaction.atomic
def return_campaign_create(*, actor, name: str, deadline: date, stages: list[int]) -> ReturnCampaign:
    """Start a return campaign (active at once): the next sweep sends its latest stage already due."""
    name = (name or "").strip()
    if not name:
        raise CampaignError(_("Give the campaign a name."), field="name")
    if deadline < timezone.localdate():
        raise CampaignError(_("The return deadline is in the past."), field="deadline")
    stages = return_campaign_stages(stages)
    if ReturnCampaign.objects.filter(name=name).exists():
        raise CampaignError(_("A campaign with this name already exists."), field="name")
    try:
        with transaction.atomic():
            campaign = ReturnCampaign.objects.create(name=name, deadline=deadline, stages=stages, created_by=actor)
    except IntegrityError as error:  # the same name created a moment ago by a double-submitted form
        raise CampaignError(_("A campaign with this name already exists."), field="name") from error
    logger.info("return campaign %s created by %s", campaign.pk, getattr(actor, "pk", None))
    return campaign


@transaction.atomic
def return_campaign_set_active(*, actor, campaign: ReturnCampaign | int, active: bool) -> ReturnCampaign:
    """Pause or resume a campaign. Stages already sent stay sent: resuming never sends one twice."""
    campaign_id = campaign if isinstance(campaign, int) else campaign.pk
    locked = ReturnCampaign.objects.select_for_update().get(pk=campaign_id)
    if locked.is_active != active:
        locked.is_active = active
        locked.save(update_fields=["is_active"])
        logger.info(
            "return campaign %s %s by %s", locked.pk, "resumed" if active else "paused", getattr(actor, "pk", None)
        )
    return locked


def return_reminder_sweep(*, today: date | None = None) -> int:
    """Remind guardians (and tell each school how many are outstanding) at each campaign stage, once.

    Paused campaigns are skipped. The dedupe key holds the campaign and the stage, so a
    stage is sent once per pupil however often the sweep runs or the campaign is resumed.
    """
    today = today or timezone.localdate()
    sent = 0
    for campaign in ReturnCampaign.objects.filter(is_active=True).order_by("pk"):
        due = [stage for stage in campaign.stages if campaign.deadline + timedelta(days=stage) <= today]
        if not due:
            continue
        stage = max(due, key=lambda value: campaign.deadline + timedelta(days=value))
        outstanding = campaign_loans(campaign.deadline).select_related("pupil__school", "loan").order_by("pk")
        per_school: dict = {}
        for link in outstanding.iterator(chunk_size=200):
            pupil = link.pupil
            per_school.setdefault(pupil.school, 0)
            per_school[pupil.school] += 1
            if pupil.guardian_email:
                with transaction.atomic():
                    sent += notify(
                        dedupe_key=_pupil_key(pupil, f"return:{campaign.pk}:{stage}"),
                        template="schools_return_reminder",
                        to_email=pupil.guardian_email,
                        language=pupil.language,
                        context={
                            "pupil_id": pupil.pk,
                            "guardian_name": pupil.guardian_name,
                            "pupil_first_name": pupil.first_name,
                            "deadline": campaign.deadline.strftime("%d/%m/%Y"),
                            "reference": link.loan.reference,
                        },
                    )
        for school, count in per_school.items():
            for contact in school.contacts.filter(is_active=True).order_by("pk"):
                with transaction.atomic():
                    # Counts only: no pupil's name in a message that outlives the pupils' records.
                    sent += notify_user(
                        user=contact,
                        dedupe_key=f"school:{school.pk}:return:{campaign.pk}:{stage}:{contact.pk}",
                        template="schools_return_school",
                        context={
                            "school": school.name_fr if contact.language != "nl" else school.name_nl,
                            "count": count,
                            "deadline": campaign.deadline.strftime("%d/%m/%Y"),
                        },
                    )
    return sent


def scrub_pupil_loans(pupil: Pupil) -> None:
    """Anonymisation: the loans stay (device history), the guardian's typed name and receipts' copies go."""
    loan_ids = list(PupilLoan.objects.filter(pupil=pupil).values_list("loan_id", flat=True))
    if not loan_ids:
        return
    Loan.objects.filter(pk__in=loan_ids).update(accepted_name="—", borrower_label=pupil_label(pupil))
    LoanLine.objects.filter(loan_id__in=loan_ids).update(return_notes="")
    for loan in Loan.objects.filter(pk__in=loan_ids).select_related("terms"):
        for receipt in loan.receipts.all():
            if receipt.kind == Receipt.Kind.HAND_OVER:
                receipt.pdf = receipts.hand_over_pdf(loan, language=loan.language)
            else:
                receipt.pdf = receipts.return_pdf(loan, list(loan.lines.all()), language=loan.language)
            receipt.save(update_fields=["pdf"])
