"""Deliveries, pick-ups and recoveries (a leaver's equipment comes back)."""

import uuid
from datetime import date, time, timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from icity.models import Site

from ..models import (
    DeliveryRun,
    EquipmentRequest,
    LoanLine,
    Recovery,
)
from .common import OPEN, LoanError, R, _existing, _In, _tell, _url
from .handover import _line_label
from .requests import _lock_request, _request_set_status

# --- Deliveries, pick-ups and recoveries ---------------------------------------------------------


RUN_NEXT = {
    DeliveryRun.Status.PLANNED: {DeliveryRun.Status.EN_ROUTE, DeliveryRun.Status.DONE, DeliveryRun.Status.FAILED},
    DeliveryRun.Status.EN_ROUTE: {DeliveryRun.Status.DONE, DeliveryRun.Status.FAILED},
    DeliveryRun.Status.FAILED: {DeliveryRun.Status.PLANNED},
    DeliveryRun.Status.DONE: set(),
}
# How far along a run is: a move to a lower step is a move back (failed -> planned, to try again).
RUN_STEP = {
    DeliveryRun.Status.PLANNED: 0,
    DeliveryRun.Status.EN_ROUTE: 1,
    DeliveryRun.Status.DONE: 2,
    DeliveryRun.Status.FAILED: 2,
}


def run_moves_back(old: str, new: str) -> bool:
    return RUN_STEP.get(new, 0) < RUN_STEP.get(old, 0)


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
def delivery_set_status(
    *, actor, run: DeliveryRun | int, status: str, reason: str = "", move_back: bool = False
) -> DeliveryRun:
    """planned → en route → done, or failed (with a reason) → planned again.

    A move back (failed → planned) happens only when the caller says so (``move_back``): a status
    control left on an earlier value must not reset a run by accident."""
    run_id = run if isinstance(run, int) else run.pk
    locked = DeliveryRun.objects.select_for_update().get(pk=run_id)
    labels = dict(DeliveryRun.Status.choices)
    if status not in RUN_NEXT.get(locked.status, set()):
        raise LoanError(
            _("This run cannot go from “%(old)s” to “%(new)s”.")
            % {"old": labels.get(locked.status, locked.status), "new": labels.get(status, status)}
        )
    if run_moves_back(locked.status, status) and not move_back:
        raise LoanError(
            _("Moving a run back from “%(old)s” to “%(new)s” must be confirmed: tick “Move back”.")
            % {"old": labels[locked.status], "new": labels[status]}
        )
    if status == DeliveryRun.Status.FAILED and not reason.strip():
        raise LoanError(_("Say why the run failed."))
    locked.status = status
    locked.failure_reason = reason.strip() if status == DeliveryRun.Status.FAILED else ""
    locked.done_at = timezone.now() if status == DeliveryRun.Status.DONE else None
    locked.save(update_fields=["status", "failure_reason", "done_at"])
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
