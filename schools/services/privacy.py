"""Data protection for the school PC programme: erasing a pupil's personal data, the access export.

It builds on the programme (pupils) and on the pupils' loans (their receipts are scrubbed too),
so neither of those imports it."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from icity.models import Notification
from schools.models import (
    Allocation,
    GuardianLink,
    Pupil,
    PupilAccessLog,
    PupilEvent,
)

from .loans import scrub_pupil_loans
from .programme import PUPIL_FIELDS, ProgrammeError, _event, _lock_pupil, pupil_log_access

# --- Data protection --------------------------------------------------------------------------------

ANONYMOUS = "—"


@transaction.atomic
def pupil_anonymise(*, pupil: Pupil | int, actor=None) -> Pupil:
    """Erase a pupil's personal data everywhere it was written; loans and device history stay, anonymous."""
    locked = _lock_pupil(pupil)
    if locked.anonymised_at:
        return locked
    if locked.allocations.filter(status__in=Allocation.ACTIVE).exists():
        raise ProgrammeError(_("The pupil still holds or has a reserved device."))
    scrub_pupil_loans(locked)
    Notification.objects.filter(
        Q(dedupe_key__startswith=f"pupil:{locked.pk}:") | Q(context__pupil_id=locked.pk)
    ).delete()
    GuardianLink.objects.filter(pupil=locked).delete()
    PupilEvent.objects.filter(pupil=locked).update(note="")
    locked.reference = f"anon-{locked.pk}"
    locked.first_name = locked.last_name = locked.guardian_name = ANONYMOUS
    locked.class_name = locked.guardian_email = locked.guardian_phone = ""
    locked.refusal_reason = ANONYMOUS if locked.refusal_reason else ""  # free text: may name people
    locked.anonymised_at = timezone.now()
    locked.closed_at = locked.closed_at or locked.anonymised_at
    locked.save()
    _event(locked, PupilEvent.Kind.ANONYMISED, actor=actor)
    return locked


def anonymise_sweep(*, now: datetime | None = None) -> int:
    """Anonymise every pupil whose participation ended more than the retention period ago."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.SCHOOLS_RETENTION_DAYS)
    ids = list(
        Pupil.objects.filter(anonymised_at__isnull=True, closed_at__lte=cutoff)
        .exclude(allocations__status__in=Allocation.ACTIVE)
        .values_list("pk", flat=True)
    )
    for pupil_id in ids:
        pupil_anonymise(pupil=pupil_id)
    return len(ids)


@transaction.atomic
def pupil_export(*, actor, pupil: Pupil) -> dict:
    """Everything held about one pupil, for an access request (the export itself is logged)."""
    pupil_log_access(user=actor, pupil=pupil, action=PupilAccessLog.Action.EXPORT)
    fields = ["id", *PUPIL_FIELDS, "status", "refusal_reason", "registered_at", "decided_at", "closed_at"]
    data = {name: getattr(pupil, name) for name in fields}
    data["school"] = pupil.school.name_fr
    data["history"] = list(pupil.events.order_by("at", "pk").values("at", "kind", "note"))
    data["devices"] = list(
        pupil.allocations.order_by("created_at").values("asset__tag", "status", "created_at", "ended_at")
    )
    data["appointments"] = list(
        pupil.appointments.order_by("created_at").values("code", "slot__starts_at", "status", "created_at")
    )
    data["record_access"] = list(pupil.access_logs.order_by("at").values("at", "action", "user__email"))
    return data
