"""School PC programme workflows: pupils, reconditioning, allocation, appointments, reports (data protection: privacy.py).

Every function is one transaction. Rows two people may change at once (a slot's
last place, a device, a school's quota) are locked with ``select_for_update``
first, so concurrent requests queue instead of overbooking or double-allocating.
Pupil personal data never goes into asset history: only the pupil's id does.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assets.models import Asset, AssetStatus
from assets.services import InventoryError, asset_change_status, asset_update_details
from icity.outbox import notify, notify_user
from schools.models import (
    Allocation,
    Appointment,
    CertificateCounter,
    CollectionPoint,
    GuardianLink,
    Pupil,
    PupilAccessLog,
    PupilEvent,
    ReconJob,
    ReconStep,
    School,
    Slot,
)
from schools.models.reconditioning import OPEN_STEPS

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read out over the phone


class ProgrammeError(Exception):
    """A refused programme action, with a message to show the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class SlotFull(ProgrammeError):
    pass


def _event(pupil: Pupil, kind: str, *, actor=None, note: str = "") -> PupilEvent:
    return PupilEvent.objects.create(pupil=pupil, kind=kind, actor=actor, note=note[:255])


def _lock_pupil(pupil: Pupil | int) -> Pupil:
    pupil_id = pupil if isinstance(pupil, int) else pupil.pk
    return Pupil.objects.select_for_update(of=("self",)).select_related("school").get(pk=pupil_id)


def _pupil_key(pupil: Pupil, suffix: str) -> str:
    # Every outbox key about a pupil starts with "pupil:<id>:" so the anonymisation sweep finds it.
    return f"pupil:{pupil.pk}:{suffix}"


# --- Pupils -----------------------------------------------------------------------------------------

# What a school contact may set on a pupil (never status, school or decision fields).
PUPIL_FIELDS = (
    "reference",
    "first_name",
    "last_name",
    "class_name",
    "guardian_name",
    "guardian_email",
    "guardian_phone",
    "language",
    "eligibility",
)


def _clean_pupil_data(data: dict) -> dict:
    cleaned = {name: (data.get(name) or "").strip() for name in PUPIL_FIELDS}
    cleaned["guardian_email"] = cleaned["guardian_email"].lower()
    if not cleaned["guardian_email"] and not cleaned["guardian_phone"]:
        raise ProgrammeError(_("Give the guardian's email address or phone number."))
    for name in ("reference", "first_name", "last_name", "class_name", "guardian_name", "eligibility"):
        if not cleaned[name]:
            raise ProgrammeError(_("%(field)s is required.") % {"field": Pupil._meta.get_field(name).verbose_name})
    return cleaned


@transaction.atomic
def pupil_register(*, actor, school: School, data: dict) -> Pupil:
    """Register one pupil for the programme; they wait for the programme staff's approval."""
    cleaned = _clean_pupil_data(data)
    if Pupil.objects.filter(school=school, reference=cleaned["reference"], anonymised_at__isnull=True).exists():
        raise ProgrammeError(_("A pupil with reference %(reference)s is already registered for this school.") % cleaned)
    try:
        with transaction.atomic():
            pupil = Pupil.objects.create(school=school, registered_by=actor, **cleaned)
    except IntegrityError as error:
        raise ProgrammeError(_("This pupil was registered at the same moment.")) from error
    _event(pupil, PupilEvent.Kind.REGISTERED, actor=actor)
    return pupil


@transaction.atomic
def pupil_update(*, actor, pupil: Pupil | int, data: dict) -> Pupil:
    locked = _lock_pupil(pupil)
    if locked.anonymised_at:
        raise ProgrammeError(_("This record has been anonymised."))
    cleaned = _clean_pupil_data({name: data.get(name, getattr(locked, name)) for name in PUPIL_FIELDS})
    duplicate = (
        Pupil.objects.filter(school=locked.school, reference=cleaned["reference"], anonymised_at__isnull=True)
        .exclude(pk=locked.pk)
        .exists()
    )
    if duplicate:
        raise ProgrammeError(_("A pupil with reference %(reference)s is already registered for this school.") % cleaned)
    changed = [name for name, value in cleaned.items() if getattr(locked, name) != value]
    for name in changed:
        setattr(locked, name, cleaned[name])
    if changed:
        locked.save(update_fields=changed)
        # Field names only: the values are personal data.
        _event(locked, PupilEvent.Kind.UPDATED, actor=actor, note=", ".join(changed))
    return locked


@transaction.atomic
def pupil_approve(*, actor, pupil: Pupil | int) -> Pupil:
    locked = _lock_pupil(pupil)
    if locked.status != Pupil.Status.PENDING:
        raise ProgrammeError(_("Only a pupil awaiting approval can be approved."))
    locked.status, locked.decided_by, locked.decided_at = Pupil.Status.APPROVED, actor, timezone.now()
    locked.save(update_fields=["status", "decided_by", "decided_at"])
    _event(locked, PupilEvent.Kind.APPROVED, actor=actor)
    return locked


@transaction.atomic
def pupil_refuse(*, actor, pupil: Pupil | int, reason: str) -> Pupil:
    locked = _lock_pupil(pupil)
    reason = reason.strip()
    if not reason:
        raise ProgrammeError(_("Give the reason for the refusal."))
    if locked.status not in (Pupil.Status.PENDING, Pupil.Status.APPROVED):
        raise ProgrammeError(_("This pupil can no longer be refused."))
    if locked.allocations.filter(status__in=Allocation.ACTIVE).exists():
        raise ProgrammeError(_("Release the pupil's device before refusing."))
    now = timezone.now()
    locked.status, locked.refusal_reason = Pupil.Status.REFUSED, reason[:255]
    locked.decided_by, locked.decided_at, locked.closed_at = actor, now, now
    locked.save(update_fields=["status", "refusal_reason", "decided_by", "decided_at", "closed_at"])
    _event(locked, PupilEvent.Kind.REFUSED, actor=actor)
    return locked


def pupil_log_access(*, user, pupil: Pupil, action: str = PupilAccessLog.Action.VIEW) -> None:
    PupilAccessLog.objects.create(pupil=pupil, user=user if user.is_authenticated else None, action=action)


# --- Reconditioning ---------------------------------------------------------------------------------


def _lock_job(job: ReconJob | int) -> ReconJob:
    job_id = job if isinstance(job, int) else job.pk
    return ReconJob.objects.select_for_update(of=("self",)).select_related("asset").get(pk=job_id)


def _expect_step(job: ReconJob, step: str) -> None:
    if job.step != step:
        raise ProgrammeError(
            _("This job is at step “%(current)s”, not “%(expected)s”.")
            % {"current": ReconStep(job.step).label, "expected": ReconStep(step).label}
        )


def _touch(job: ReconJob, fields: list[str]) -> ReconJob:
    job.updated_at = timezone.now()
    job.save(update_fields=[*fields, "updated_at"])
    return job


@transaction.atomic
def recon_job_open(
    *, actor, asset: Asset | int, source: str, serial_seen: str = "", condition: str = "b", notes: str = ""
) -> ReconJob:
    """Intake: a returned or donated unit enters the bench and goes to status "reconditioning"."""
    asset_id = asset if isinstance(asset, int) else asset.pk
    if ReconJob.objects.filter(asset_id=asset_id, closed_at__isnull=True).exists():
        raise ProgrammeError(_("This device already has an open reconditioning job."))
    locked = Asset.objects.select_for_update(of=("self",)).get(pk=asset_id)
    if locked.school_allocations.filter(status__in=Allocation.ACTIVE).exists():
        raise ProgrammeError(_("This device is allocated to a pupil: release or return it first."))
    if locked.status != AssetStatus.RECONDITIONING:
        try:
            asset_change_status(
                actor=actor, asset=locked, status=AssetStatus.RECONDITIONING, note=_("Reconditioning intake")
            )
        except InventoryError as error:
            raise ProgrammeError(error.message) from error
    try:
        with transaction.atomic():
            return ReconJob.objects.create(
                asset_id=asset_id,
                source=source,
                technician=actor,
                serial_seen=serial_seen.strip(),
                intake_condition=condition,
                intake_notes=notes.strip()[:255],
                step=ReconStep.WIPE,
            )
    except IntegrityError as error:
        raise ProgrammeError(_("This device already has an open reconditioning job.")) from error


def _next_certificate_number(year: int) -> str:
    CertificateCounter.objects.get_or_create(year=year)
    counter = CertificateCounter.objects.select_for_update().get(year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"WC-{year}-{counter.last_number:05d}"


@transaction.atomic
def recon_record_wipe(
    *, actor, job: ReconJob | int, method: str, tool: str, result: str, verification: str
) -> ReconJob:
    """Record the data wipe. A passed wipe gets the next certificate number; a failed one stays here."""
    locked = _lock_job(job)
    _expect_step(locked, ReconStep.WIPE)
    if not tool.strip() or not verification.strip():
        raise ProgrammeError(_("Give the wipe tool and how the wipe was verified."))
    now = timezone.now()
    locked.wipe_method, locked.wipe_tool, locked.wipe_result = method, tool.strip(), result
    locked.wipe_verification, locked.wipe_operator, locked.wiped_at = verification.strip(), actor, now
    fields = ["wipe_method", "wipe_tool", "wipe_result", "wipe_verification", "wipe_operator", "wiped_at"]
    if result == ReconJob.WipeResult.PASSED:
        locked.certificate_number = _next_certificate_number(timezone.localdate(now).year)
        locked.step = ReconStep.TESTS
        fields += ["certificate_number", "step"]
    return _touch(locked, fields)


TEST_FIELDS = ("screen_ok", "keyboard_ok", "ports_ok", "webcam_mic_ok", "storage_ok")


@transaction.atomic
def recon_record_tests(*, actor, job: ReconJob | int, battery_health: int | None, checks: dict) -> ReconJob:
    locked = _lock_job(job)
    _expect_step(locked, ReconStep.TESTS)
    if battery_health is not None and not 0 <= battery_health <= 100:
        raise ProgrammeError(_("Battery health is a percentage between 0 and 100."))
    locked.battery_health = battery_health
    for name in TEST_FIELDS:
        setattr(locked, name, bool(checks.get(name)))
    locked.tested_at, locked.step = timezone.now(), ReconStep.IMAGE
    return _touch(locked, ["battery_health", *TEST_FIELDS, "tested_at", "step"])


@transaction.atomic
def recon_record_image(*, actor, job: ReconJob | int, os_image: str, os_version: str) -> ReconJob:
    locked = _lock_job(job)
    _expect_step(locked, ReconStep.IMAGE)
    if not os_image.strip() or not os_version.strip():
        raise ProgrammeError(_("Give the OS image and its version."))
    locked.os_image, locked.os_version = os_image.strip(), os_version.strip()
    locked.imaged_at, locked.step = timezone.now(), ReconStep.CLEANING
    return _touch(locked, ["os_image", "os_version", "imaged_at", "step"])


@transaction.atomic
def recon_record_cleaning(*, actor, job: ReconJob | int, cosmetic_grade: str) -> ReconJob:
    locked = _lock_job(job)
    _expect_step(locked, ReconStep.CLEANING)
    locked.cosmetic_grade, locked.cleaned_at, locked.step = cosmetic_grade, timezone.now(), ReconStep.QA
    return _touch(locked, ["cosmetic_grade", "cleaned_at", "step"])


GRADE_TO_CONDITION = {"A": "a", "B": "b", "C": "c"}


@transaction.atomic
def recon_qa_sign_off(*, actor, job: ReconJob | int, site=None) -> ReconJob:
    """A second person checks the job; the unit goes back to stock, ready for the programme."""
    locked = _lock_job(job)
    _expect_step(locked, ReconStep.QA)
    if actor is None or actor.pk in (locked.technician_id, locked.wipe_operator_id):
        raise ProgrammeError(_("QA must be signed off by someone other than the technician."))
    site = site or locked.asset.site or _default_store()
    condition = GRADE_TO_CONDITION.get(locked.cosmetic_grade)
    if condition and condition != locked.asset.condition:
        asset_update_details(actor=actor, asset=locked.asset_id, changes={"condition": condition})
    try:
        asset_change_status(
            actor=actor, asset=locked.asset_id, status=AssetStatus.IN_STOCK, site=site, note=_("Reconditioned")
        )
    except InventoryError as error:
        raise ProgrammeError(error.message) from error
    now = timezone.now()
    locked.qa_by, locked.qa_at, locked.step, locked.closed_at = actor, now, ReconStep.READY, now
    return _touch(locked, ["qa_by", "qa_at", "step", "closed_at"])


def _default_store():
    point = CollectionPoint.objects.filter(is_active=True, site__isnull=False).select_related("site").first()
    return point.site if point else None


ROUTE_STATUS = {ReconStep.REPAIR: AssetStatus.IN_REPAIR, ReconStep.PARTS: AssetStatus.RETIRED}


@transaction.atomic
def recon_route(*, actor, job: ReconJob | int, outcome: str, reason: str) -> ReconJob:
    """Send a unit off the bench: to repair, kept for parts, or disposal (retired, then disposed)."""
    locked = _lock_job(job)
    reason = reason.strip()
    if locked.step not in OPEN_STEPS:
        raise ProgrammeError(_("This job is already closed."))
    if outcome not in (ReconStep.REPAIR, ReconStep.PARTS, ReconStep.DISPOSAL):
        raise ProgrammeError(_("Choose repair, parts or disposal."))
    if not reason:
        raise ProgrammeError(_("Give the reason."))
    try:
        if outcome == ReconStep.DISPOSAL:
            asset_change_status(actor=actor, asset=locked.asset_id, status=AssetStatus.RETIRED, note=reason)
            asset_change_status(actor=actor, asset=locked.asset_id, status=AssetStatus.DISPOSED, note=reason)
        else:
            asset_change_status(actor=actor, asset=locked.asset_id, status=ROUTE_STATUS[outcome], note=reason)
    except InventoryError as error:
        raise ProgrammeError(error.message) from error
    locked.step, locked.outcome_reason, locked.closed_at = outcome, reason[:255], timezone.now()
    return _touch(locked, ["step", "outcome_reason", "closed_at"])


# --- Allocation -------------------------------------------------------------------------------------


def ready_devices():
    """Units reconditioned for the programme, back in stock and not reserved for anyone."""
    return (
        Asset.objects.filter(status=AssetStatus.IN_STOCK, recon_jobs__step=ReconStep.READY)
        .exclude(school_allocations__status__in=Allocation.ACTIVE)
        .distinct()
    )


def waiting_pupils(school: School):
    """Approved pupils without a device, in registration order (the allocation queue)."""
    return (
        Pupil.objects.filter(school=school, status=Pupil.Status.APPROVED, closed_at__isnull=True)
        .exclude(allocations__status__in=Allocation.ACTIVE)
        .order_by("registered_at", "pk")
    )


def _active_allocation_count(school: School) -> int:
    return Allocation.objects.filter(pupil__school=school, status__in=Allocation.ACTIVE).count()


@transaction.atomic
def allocation_reserve(*, actor, pupil: Pupil | int, asset: Asset | int, check_quota: bool = True) -> Allocation:
    """Reserve one ready device for one approved pupil. Atomic: a device never goes to two pupils."""
    locked = _lock_pupil(pupil)
    # The school row is the quota's lock: two allocations for one school queue here.
    school = School.objects.select_for_update().get(pk=locked.school_id)
    if locked.status != Pupil.Status.APPROVED or locked.closed_at or locked.anonymised_at:
        raise ProgrammeError(_("Only an approved pupil can receive a device."))
    if locked.allocations.filter(status__in=Allocation.ACTIVE).exists():
        raise ProgrammeError(_("This pupil already has a device."))
    if check_quota and _active_allocation_count(school) >= school.quota:
        raise ProgrammeError(_("%(school)s has used its whole quota.") % {"school": school.name})
    asset_id = asset if isinstance(asset, int) else asset.pk
    if not ready_devices().filter(pk=asset_id).exists():
        raise ProgrammeError(_("This device is not ready for the programme or is already allocated."))
    try:
        asset_change_status(
            actor=actor, asset=asset_id, status=AssetStatus.RESERVED, note=f"school programme, pupil #{locked.pk}"
        )
        with transaction.atomic():
            allocation = Allocation.objects.create(pupil=locked, asset_id=asset_id, created_by=actor)
    except InventoryError as error:
        raise ProgrammeError(error.message) from error
    except IntegrityError as error:  # the unique constraints: someone else took the device or pupil
        raise ProgrammeError(_("This device or pupil was allocated at the same moment.")) from error
    _event(locked, PupilEvent.Kind.ALLOCATED, actor=actor, note=allocation.asset.tag)
    if locked.guardian_email:
        guardian_link_issue(actor=actor, pupil=locked)
    return allocation


def allocation_run(*, actor, school: School | None = None) -> int:
    """Match ready devices to waiting pupils, school by school in registration order, within quotas."""
    made = 0
    schools = [school] if school else list(School.objects.order_by("code"))
    for current in schools:
        free = current.quota - _active_allocation_count(current)
        for pupil_id in list(waiting_pupils(current).values_list("pk", flat=True)[: max(free, 0)]):
            device = ready_devices().order_by("pk").values_list("pk", flat=True).first()
            if device is None:
                return made
            try:
                allocation_reserve(actor=actor, pupil=pupil_id, asset=device)
            except ProgrammeError:
                continue
            made += 1
    return made


def _release(allocation: Allocation, *, actor, reason: str, status: str = Allocation.Status.RELEASED) -> None:
    allocation.status, allocation.ended_at, allocation.end_reason = status, timezone.now(), reason[:255]
    allocation.save(update_fields=["status", "ended_at", "end_reason"])
    asset = Asset.objects.select_for_update(of=("self",)).get(pk=allocation.asset_id)
    if asset.status == AssetStatus.RESERVED:
        asset_change_status(actor=actor, asset=asset, status=AssetStatus.IN_STOCK, note=reason[:100])
    for appointment in allocation.appointments.filter(status=Appointment.Status.BOOKED):
        _free_place(appointment.slot_id)
        appointment.status = Appointment.Status.CANCELLED
        appointment.save(update_fields=["status"])


@transaction.atomic
def allocation_release(*, actor, allocation: Allocation | int, reason: str) -> Allocation:
    """Give a reserved device back to the pool (and cancel the pupil's appointment)."""
    allocation_id = allocation if isinstance(allocation, int) else allocation.pk
    locked = Allocation.objects.select_for_update().select_related("pupil").get(pk=allocation_id)
    if locked.status != Allocation.Status.RESERVED:
        raise ProgrammeError(_("Only a reserved device can be released."))
    _release(locked, actor=actor, reason=reason or "released")
    _event(locked.pupil, PupilEvent.Kind.RELEASED, actor=actor)
    return locked


# --- Guardian links ---------------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def guardian_link_find(token: str) -> GuardianLink | None:
    """The usable link for this token, or None (unknown, expired or revoked look the same)."""
    if not token or len(token) > 100:
        return None
    link = GuardianLink.objects.select_related("pupil__school").filter(token_hash=_hash(token)).first()
    if link is None or not link.is_usable() or link.pupil.anonymised_at:
        return None
    return link


@transaction.atomic
def guardian_link_issue(*, actor, pupil: Pupil, send: bool = True) -> tuple[GuardianLink, str]:
    """A fresh private booking link (older ones stop working). Returns the link and its token."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    GuardianLink.objects.filter(pupil=pupil, revoked_at__isnull=True).update(revoked_at=now)
    link = GuardianLink.objects.create(
        pupil=pupil,
        token_hash=_hash(token),
        expires_at=now + timedelta(days=settings.SCHOOLS_LINK_VALID_DAYS),
    )
    _event(pupil, PupilEvent.Kind.LINK, actor=actor)
    if send and pupil.guardian_email:
        notify(
            dedupe_key=_pupil_key(pupil, f"link:{link.pk}"),
            template="schools_booking_link",
            to_email=pupil.guardian_email,
            language=pupil.language,
            context={
                "pupil_id": pupil.pk,
                "guardian_name": pupil.guardian_name,
                "pupil_first_name": pupil.first_name,
                "school": pupil.school.name_nl if pupil.language == "nl" else pupil.school.name_fr,
                "url": settings.SITE_URL + reverse("schools:guardian", kwargs={"token": token}),
                "expires": timezone.localtime(link.expires_at).strftime("%d/%m/%Y"),
            },
        )
    return link, token


# --- Slots and appointments -------------------------------------------------------------------------


@dataclass(frozen=True)
class SlotPlan:
    start_date: date
    end_date: date
    day_start: time
    day_end: time
    length_minutes: int
    capacity: int
    breaks: tuple[tuple[time, time], ...] = ()
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)


@transaction.atomic
def slots_generate(*, point: CollectionPoint, plan: SlotPlan) -> int:
    """Create the slots of a date range (existing ones are kept as they are). Returns how many are new."""
    if plan.end_date < plan.start_date or plan.length_minutes <= 0 or plan.capacity <= 0:
        raise ProgrammeError(_("Check the dates, the slot length and the capacity."))
    if (plan.end_date - plan.start_date).days > 120:
        raise ProgrammeError(_("Generate at most 120 days at a time."))
    zone = timezone.get_current_timezone()
    length = timedelta(minutes=plan.length_minutes)
    slots = []
    day = plan.start_date
    while day <= plan.end_date:
        if day.weekday() in plan.weekdays:
            start = datetime.combine(day, plan.day_start, tzinfo=zone)
            day_end = datetime.combine(day, plan.day_end, tzinfo=zone)
            while start + length <= day_end:
                end = start + length
                in_break = any(
                    start < datetime.combine(day, b_end, tzinfo=zone)
                    and end > datetime.combine(day, b_start, tzinfo=zone)
                    for b_start, b_end in plan.breaks
                )
                if not in_break:
                    slots.append(Slot(point=point, starts_at=start, ends_at=end, capacity=plan.capacity))
                start = end
        day += timedelta(days=1)
    before = Slot.objects.filter(point=point).count()
    Slot.objects.bulk_create(slots, ignore_conflicts=True)
    return Slot.objects.filter(point=point).count() - before


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _n in range(8))
        if not Appointment.objects.filter(code=code).exists():
            return code


def _take_place(slot_id: int) -> Slot:
    # The row lock makes two bookings of the last place queue: the second sees it full.
    slot = Slot.objects.select_for_update().get(pk=slot_id)
    if slot.starts_at <= timezone.now():
        raise ProgrammeError(_("This slot has already started; choose a later one."))
    if slot.booked >= slot.capacity:
        raise SlotFull(_("Sorry, this slot has just been fully booked. Please choose another one."))
    slot.booked += 1
    slot.save(update_fields=["booked"])
    return slot


def _free_place(slot_id: int) -> None:
    slot = Slot.objects.select_for_update().get(pk=slot_id)
    slot.booked = max(slot.booked - 1, 0)
    slot.save(update_fields=["booked"])


def _appointment_context(appointment: Appointment, pupil: Pupil) -> dict:
    point = appointment.slot.point
    starts = timezone.localtime(appointment.slot.starts_at)
    return {
        "pupil_id": pupil.pk,
        "guardian_name": pupil.guardian_name,
        "pupil_first_name": pupil.first_name,
        "code": appointment.code,
        "when": starts.strftime("%d/%m/%Y %H:%M"),
        "place": point.name_nl if pupil.language == "nl" else point.name_fr,
        "address": point.address,
    }


def _tell_guardian(pupil: Pupil, appointment: Appointment, *, key: str, template: str) -> None:
    if pupil.guardian_email:
        notify(
            dedupe_key=_pupil_key(pupil, key),
            template=template,
            to_email=pupil.guardian_email,
            language=pupil.language,
            context=_appointment_context(appointment, pupil),
        )


@transaction.atomic
def appointment_book(*, actor, pupil: Pupil | int, slot: Slot | int) -> Appointment:
    """Book a collection slot for a pupil with a reserved device (``actor`` None: the guardian)."""
    locked = _lock_pupil(pupil)
    allocation = locked.allocations.filter(status=Allocation.Status.RESERVED).first()
    if allocation is None:
        raise ProgrammeError(_("No device is reserved for this pupil yet."))
    if locked.appointments.filter(status=Appointment.Status.BOOKED).exists():
        raise ProgrammeError(_("This pupil already has an appointment: move it instead."))
    slot_obj = _take_place(slot if isinstance(slot, int) else slot.pk)
    appointment = Appointment.objects.create(
        code=_new_code(), slot=slot_obj, pupil=locked, allocation=allocation, booked_by=actor
    )
    event = _event(locked, PupilEvent.Kind.BOOKED, actor=actor, note=appointment.code)
    _tell_guardian(
        locked, appointment, key=f"appointment:{appointment.pk}:booked:{event.pk}", template="schools_booked"
    )
    return appointment


def _lock_appointment(appointment: Appointment | int) -> Appointment:
    appointment_id = appointment if isinstance(appointment, int) else appointment.pk
    return Appointment.objects.select_for_update(of=("self",)).select_related("pupil").get(pk=appointment_id)


@transaction.atomic
def appointment_move(*, actor, appointment: Appointment | int, slot: Slot | int) -> Appointment:
    locked = _lock_appointment(appointment)
    slot_id = slot if isinstance(slot, int) else slot.pk
    if locked.status != Appointment.Status.BOOKED:
        raise ProgrammeError(_("Only a booked appointment can be moved."))
    if slot_id == locked.slot_id:
        return locked
    new_slot = _take_place(slot_id)
    _free_place(locked.slot_id)
    locked.slot, locked.updated_at = new_slot, timezone.now()
    locked.save(update_fields=["slot", "updated_at"])
    event = _event(locked.pupil, PupilEvent.Kind.MOVED, actor=actor, note=locked.code)
    _tell_guardian(locked.pupil, locked, key=f"appointment:{locked.pk}:booked:{event.pk}", template="schools_booked")
    return locked


@transaction.atomic
def appointment_cancel(*, actor, appointment: Appointment | int, link: GuardianLink | None = None) -> Appointment:
    """Cancel a booking. Through a guardian link, the link stops working: a new one comes from the school."""
    locked = _lock_appointment(appointment)
    if locked.status != Appointment.Status.BOOKED:
        raise ProgrammeError(_("This appointment is not booked any more."))
    _free_place(locked.slot_id)
    locked.status, locked.updated_at = Appointment.Status.CANCELLED, timezone.now()
    locked.save(update_fields=["status", "updated_at"])
    if link is not None:
        GuardianLink.objects.filter(pk=link.pk).update(revoked_at=timezone.now())
    _event(locked.pupil, PupilEvent.Kind.CANCELLED, actor=actor, note=locked.code)
    return locked


def appointment_reminder_sweep(*, now: datetime | None = None) -> int:
    """Remind guardians the day before. A missed run catches up until the slot starts."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    zone = timezone.get_current_timezone()
    until = datetime.combine(tomorrow + timedelta(days=1), time.min, tzinfo=zone)
    due = (
        Appointment.objects.filter(status=Appointment.Status.BOOKED, slot__starts_at__gt=now, slot__starts_at__lt=until)
        .select_related("pupil", "slot__point")
        .order_by("pk")
    )
    sent = 0
    for appointment in due.iterator(chunk_size=200):
        with transaction.atomic():
            pupil = appointment.pupil
            if pupil.guardian_email:
                sent += notify(
                    dedupe_key=_pupil_key(pupil, f"appointment:{appointment.pk}:reminder"),
                    template="schools_reminder",
                    to_email=pupil.guardian_email,
                    language=pupil.language,
                    context=_appointment_context(appointment, pupil),
                )
    return sent


def no_show_sweep(*, now: datetime | None = None) -> int:
    """After the grace period, a missed appointment releases the device and the school is told."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.SCHOOLS_NO_SHOW_GRACE_HOURS)
    ids = list(
        Appointment.objects.filter(status=Appointment.Status.BOOKED, slot__ends_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    )
    for appointment_id in ids:
        appointment_no_show(appointment=appointment_id)
    return len(ids)


@transaction.atomic
def appointment_no_show(*, appointment: Appointment | int, actor=None) -> Appointment:
    locked = _lock_appointment(appointment)
    if locked.status != Appointment.Status.BOOKED:
        return locked  # handed over or cancelled meanwhile: nothing to do
    locked.status, locked.updated_at = Appointment.Status.NO_SHOW, timezone.now()
    locked.save(update_fields=["status", "updated_at"])
    allocation = Allocation.objects.select_for_update().get(pk=locked.allocation_id)
    if allocation.status == Allocation.Status.RESERVED:
        _release(allocation, actor=actor, reason="no-show")
    pupil = locked.pupil
    _event(pupil, PupilEvent.Kind.NO_SHOW, actor=actor, note=locked.code)
    for contact in pupil.school.contacts.filter(is_active=True).order_by("pk"):
        notify_user(
            user=contact,
            dedupe_key=_pupil_key(pupil, f"appointment:{locked.pk}:no-show:{contact.pk}"),
            template="schools_no_show",
            context={
                "pupil_id": pupil.pk,
                "pupil_name": pupil.full_name,
                "reference": pupil.reference,
                "code": locked.code,
                "when": timezone.localtime(locked.slot.starts_at).strftime("%d/%m/%Y %H:%M"),
                "url": settings.SITE_URL + pupil.get_absolute_url(),
            },
        )
    return locked


# --- Reports ----------------------------------------------------------------------------------------


def school_report():
    """Per school: registered, approved, allocated, handed over, returned, outstanding, no-shows."""
    active = Q(pupils__allocations__status__in=Allocation.ACTIVE)
    return School.objects.annotate(
        registered=Count("pupils", distinct=True),
        approved=Count("pupils", filter=~Q(pupils__status__in=["pending", "refused"]), distinct=True),
        allocated=Count("pupils__allocations", filter=active, distinct=True),
        handed_over=Count(
            "pupils__allocations",
            filter=Q(pupils__allocations__status__in=["handed_over", "returned"]),
            distinct=True,
        ),
        returned=Count("pupils__allocations", filter=Q(pupils__allocations__status="returned"), distinct=True),
        outstanding=Count("pupils__allocations", filter=Q(pupils__allocations__status="handed_over"), distinct=True),
        no_shows=Count("pupils__appointments", filter=Q(pupils__appointments__status="no_show"), distinct=True),
    ).order_by("code")
