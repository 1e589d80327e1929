"""Reminder sweeps for loans, requests and deliveries (Celery beat; also `manage.py loan_sweeps`).

Each sweep asks the database what is due now and not yet notified, so a run
that was missed catches up on the next one. For a loan only the single
*current* stage is sent (the latest stage whose day has come): a sweep missed
for three days never sends a stale "due in 7 days" to a loan that is already
overdue. The stage reached is stored on the loan (``reminder_offset``) and
claimed with a conditional update, and every message also has an outbox dedupe
key (``loan:812:overdue+7``): two overlapping sweeps send each stage once.
An extension resets the stage; its keys carry the extension number.
"""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from icity.models import Notification
from icity.outbox import poke_drain
from icity.roles import Role

from .models import BorrowerKind, Delivery, DeliveryRun, EquipmentRequest, Loan
from .services import _In, _tell, _url

CHUNK = 500
R = EquipmentRequest.Status


def stage_name(offset: int) -> str:
    if offset < 0:
        return f"due{offset}"
    if offset == 0:
        return "due"
    return f"overdue+{offset}"


def current_offset(due: date, today: date, offsets: list[int]) -> int | None:
    """The latest configured stage whose day has come for this due date, or None before the first."""
    reached = [offset for offset in offsets if due + timedelta(days=offset) <= today]
    return max(reached) if reached else None


def _logistics_team():
    return get_user_model().objects.filter(groups__name=Role.LOGISTICS, is_active=True).distinct().order_by("pk")


def _logistics_lead() -> list:
    """Who gets the +30 escalation when no lead address is configured: one person, not the whole team —
    a logistics user who is also a manager, else the longest-standing logistics user."""
    team = _logistics_team()
    lead = team.filter(groups__name=Role.MANAGER).first() or team.first()
    return [lead] if lead else []


def _reminder_text(loan: Loan, offset: int, today: date) -> tuple[str, list[str]]:
    days = (loan.due_date - today).days
    if days > 0:
        subject = _("Reminder: return your equipment by %(date)s") % {"date": loan.due_date.isoformat()}
        body = [
            _("Your loan %(ref)s is due on %(date)s, in %(days)d day(s).")
            % {"ref": loan.reference, "date": loan.due_date.isoformat(), "days": days}
        ]
    elif days == 0:
        subject = _("Your equipment is due back today")
        body = [_("Your loan %(ref)s is due today.") % {"ref": loan.reference}]
    else:
        subject = _("Overdue: please return your equipment")
        body = [
            _("Your loan %(ref)s was due on %(date)s: %(days)d day(s) ago.")
            % {"ref": loan.reference, "date": loan.due_date.isoformat(), "days": -days}
        ]
    body.append(_("Bring it to the i-CITY desk, or ask for an extension on the page below."))
    return subject, body


def _row(user, *, key: str, subject: str, paragraphs: list[str], url: str = "") -> Notification:
    """The outbox row ``_tell`` would write, built for one bulk insert per chunk (same context)."""
    name = user.get_full_name() or user.email
    return Notification(
        dedupe_key=key,
        template="loans_notice",
        to_email=user.email,
        recipient=user,
        language=user.language,
        context={
            "recipient_name": name,
            "subject": subject,
            "greeting": _("Hello %(name)s,") % {"name": name},
            "paragraphs": paragraphs,
            "items": [],
            "url": url,
        },
    )


def _remind(loan: Loan, offset: int, today: date, *, team: list) -> list[Notification]:
    suffix = f":e{loan.extensions}" if loan.extensions else ""
    key = f"loan:{loan.pk}:{stage_name(offset)}{suffix}"
    url = _url("assets:loan", pk=loan.pk)
    borrower = loan.borrower
    if not borrower.is_active:  # someone who left: the recovery sweep takes over
        return []
    with _In(borrower):
        subject, body = _reminder_text(loan, offset, today)
        rows = [_row(borrower, key=key, subject=subject, paragraphs=body, url=url)]
    manager = borrower.manager if borrower.manager_id and borrower.manager.is_active else None
    if manager is not None and offset >= settings.LOANS_OVERDUE_MANAGER_DAYS:
        with _In(manager):
            rows.append(
                _row(
                    manager,
                    key=f"{key}:manager",
                    subject=_("Overdue equipment: %(name)s") % {"name": loan.borrower_label},
                    paragraphs=[
                        _("%(name)s has not returned the equipment of loan %(ref)s, due on %(date)s.")
                        % {"name": loan.borrower_label, "ref": loan.reference, "date": loan.due_date.isoformat()}
                    ],
                )
            )
    if offset >= settings.LOANS_OVERDUE_LEAD_DAYS:
        facts = {"ref": loan.reference, "name": loan.borrower_label, "days": (today - loan.due_date).days}
        if settings.LOANS_LOGISTICS_LEAD_EMAIL:
            text = _("Loan %(ref)s (%(name)s) is %(days)d days overdue.") % facts
            rows.append(
                Notification(
                    dedupe_key=f"{key}:lead",
                    template="loans_notice",
                    to_email=settings.LOANS_LOGISTICS_LEAD_EMAIL,
                    language=settings.LANGUAGE_CODE,
                    context={"subject": text, "greeting": "", "paragraphs": [text], "items": [], "url": url},
                )
            )
        else:
            for user in team:
                with _In(user):
                    text = _("Loan %(ref)s (%(name)s) is %(days)d days overdue.") % facts
                    rows.append(_row(user, key=f"{key}:lead", subject=text, paragraphs=[text], url=url))
    return rows


def loan_reminder_sweep(*, today: date | None = None) -> int:
    """Send each open loan's current reminder stage if it was not sent yet. Returns messages queued."""
    today = today or timezone.localdate()
    offsets = sorted(settings.LOANS_REMINDER_OFFSETS)
    sent = 0
    for index, offset in enumerate(offsets):
        # Loans whose current stage is ``offset``: its day has come, the next stage's has not.
        window = Q(due_date__lte=today - timedelta(days=offset))
        if index + 1 < len(offsets):
            window &= Q(due_date__gt=today - timedelta(days=offsets[index + 1]))
        pending = (
            Loan.objects.filter(window, status__in=Loan.OPEN_STATUSES, borrower_kind=BorrowerKind.USER)
            .filter(Q(reminder_offset__isnull=True) | Q(reminder_offset__lt=offset))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        last = 0
        while True:
            chunk = list(pending.filter(pk__gt=last)[:CHUNK])
            if not chunk:
                break
            last = chunk[-1]
            sent += _remind_chunk(chunk, offset, today)
    return sent


def _remind_chunk(loan_ids: list[int], offset: int, today: date) -> int:
    sent = 0
    with transaction.atomic():
        # SKIP LOCKED: an overlapping sweep holding some of these rows sends them; we take the rest.
        loans = list(
            Loan.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk__in=loan_ids, status__in=Loan.OPEN_STATUSES)
            .filter(Q(reminder_offset__isnull=True) | Q(reminder_offset__lt=offset))
            .select_related("borrower__manager")
            .order_by("pk")
        )
        team = _logistics_lead() if offset >= settings.LOANS_OVERDUE_LEAD_DAYS else []
        rows = [row for loan in loans for row in _remind(loan, offset, today, team=team)]
        # One insert for the chunk; a key queued before (a retried or overlapping sweep) is skipped.
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        if rows:
            transaction.on_commit(poke_drain)
        sent = len(rows)
        Loan.objects.filter(pk__in=[loan.pk for loan in loans]).update(reminder_offset=offset)
    return sent


def working_days_before(moment: datetime, days: int) -> datetime:
    day = moment
    while days:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def request_reminder_sweep(*, now: datetime | None = None) -> int:
    """Ready and not collected after N days (to the requester); approval pending N working days (to the approver)."""
    now = now or timezone.now()
    sent = 0
    uncollected = EquipmentRequest.objects.filter(
        status=R.READY, delivery=Delivery.DESK, ready_at__lte=now - timedelta(days=settings.LOANS_PICKUP_REMINDER_DAYS)
    ).select_related("requester")
    waiting = EquipmentRequest.objects.filter(
        status=R.PENDING_APPROVAL,
        created_at__lte=working_days_before(now, settings.LOANS_APPROVAL_NUDGE_WORKING_DAYS),
    ).select_related("approver", "requester")
    with transaction.atomic():
        for request in uncollected.iterator(chunk_size=CHUNK):
            with _In(request.requester):
                sent += _tell(
                    request.requester,
                    key=f"request:{request.pk}:uncollected",
                    subject=_("Your equipment is waiting for you"),
                    paragraphs=[
                        _("%(ref)s has been ready at the i-CITY desk since %(date)s.")
                        % {"ref": request.reference, "date": timezone.localtime(request.ready_at).date().isoformat()}
                    ],
                    url=_url("assets:request", pk=request.pk),
                )
        for request in waiting.iterator(chunk_size=CHUNK):
            with _In(request.approver):
                sent += _tell(
                    request.approver,
                    key=f"request:{request.pk}:approval-nudge",
                    subject=_("Reminder: %(ref)s awaits your approval") % {"ref": request.reference},
                    paragraphs=[
                        _("%(name)s is waiting for your decision.")
                        % {"name": request.requester.get_full_name() or request.requester.email}
                    ],
                    url=_url("assets:request", pk=request.pk),
                )
    return sent


def delivery_reminder_sweep(*, today: date | None = None) -> int:
    """The day before a delivery or pick-up, tell the person concerned."""
    today = today or timezone.localdate()
    tomorrow = today + timedelta(days=1)
    sent = 0
    runs = DeliveryRun.objects.filter(date=tomorrow, status=DeliveryRun.Status.PLANNED, person__isnull=False)
    with transaction.atomic():
        for run in runs.select_related("person", "site").iterator(chunk_size=CHUNK):
            if not run.person.is_active:
                continue
            with _In(run.person):
                sent += _tell(
                    run.person,
                    key=f"run:{run.pk}:{run.date.isoformat()}:day-before",
                    subject=_("%(kind)s tomorrow between %(start)s and %(end)s")
                    % {
                        "kind": run.get_kind_display(),
                        "start": f"{run.window_start:%H:%M}",
                        "end": f"{run.window_end:%H:%M}",
                    },
                    paragraphs=[
                        _("Where: %(place)s") % {"place": run.address or (str(run.site) if run.site_id else "")}
                    ],
                    url=_url("assets:mine"),
                )
    return sent


def logistics_digest_sweep(*, today: date | None = None) -> int:
    """One morning digest per logistics person: today's runs, returns due today, overdue count."""
    today = today or timezone.localdate()
    runs = DeliveryRun.objects.filter(date=today).exclude(status=DeliveryRun.Status.DONE)
    open_loans = Loan.objects.filter(status__in=Loan.OPEN_STATUSES)
    counts = {
        "deliveries": runs.filter(kind=DeliveryRun.Kind.DELIVERY).count(),
        "pickups": runs.exclude(kind=DeliveryRun.Kind.DELIVERY).count(),
        "due_today": open_loans.filter(due_date=today).count(),
        "overdue": open_loans.filter(due_date__lt=today).count(),
        "to_prepare": EquipmentRequest.objects.filter(status__in=[R.SUBMITTED, R.PREPARING]).count(),
    }
    sent = 0
    with transaction.atomic():
        for user in _logistics_team():
            with _In(user):
                sent += _tell(
                    user,
                    key=f"logistics-digest:{today.isoformat()}:{user.pk}",
                    subject=_("Logistics today, %(date)s") % {"date": today.isoformat()},
                    paragraphs=[
                        _("Deliveries: %(n)d") % {"n": counts["deliveries"]},
                        _("Pick-ups and recoveries: %(n)d") % {"n": counts["pickups"]},
                        _("Returns due today: %(n)d") % {"n": counts["due_today"]},
                        _("Overdue loans: %(n)d") % {"n": counts["overdue"]},
                        _("Requests to prepare: %(n)d") % {"n": counts["to_prepare"]},
                    ],
                    url=_url("assets:board"),
                )
    return sent


def all_loan_sweeps() -> dict[str, int]:
    from .services import recovery_sweep

    return {
        "loans": loan_reminder_sweep(),
        "requests": request_reminder_sweep(),
        "deliveries": delivery_reminder_sweep(),
        "recoveries": recovery_sweep(),
    }
