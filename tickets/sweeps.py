"""Helpdesk sweeps (Celery beat): SLA warnings and breaches, waiting tickets reminded and resolved,
resolved tickets closed. Each ticket is handled in its own short transaction, so a sweep never holds
many locks; each message has a dedupe key, so a sweep run twice sends nothing twice."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from icity.outbox import notify_user

from .models import (
    NotificationKind,
    Ticket,
)
from .services import S, _apply_status, _context, _event, _notify_agent


def tickets_sla_sweep(*, now: datetime | None = None) -> int:
    """Warn assignees at the warning threshold, tell team leads on breach. Idempotent."""
    now = now or timezone.now()
    count = 0
    active = Q(status__in=[S.NEW, S.IN_PROGRESS])
    stages = [
        ("resolution", "warn", active & Q(resolution_warned=False, resolution_warn_at__lte=now), "resolution_warned"),
        ("resolution", "breach", active & Q(resolution_breached=False, resolution_due__lte=now), "resolution_breached"),
        (
            "first_response",
            "warn",
            active & Q(first_response_at__isnull=True, first_response_warned=False, first_response_warn_at__lte=now),
            "first_response_warned",
        ),
        (
            "first_response",
            "breach",
            active & Q(first_response_at__isnull=True, first_response_breached=False, first_response_due__lte=now),
            "first_response_breached",
        ),
    ]
    for target, stage, condition, flag in stages:
        ids = list(Ticket.objects.filter(condition).values_list("pk", flat=True)[:1000])
        for ticket_id in ids:
            count += _sla_notify_one(ticket_id, target=target, stage=stage, flag=flag, condition=condition)
    return count


@transaction.atomic
def _sla_notify_one(ticket_id: int, *, target: str, stage: str, flag: str, condition: Q) -> int:
    # Re-check under lock: the ticket may have moved since the scan.
    ticket = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("assignee", "team__lead")
        .filter(condition, pk=ticket_id)
        .first()
    )
    if ticket is None:
        return 0
    due = ticket.resolution_due if target == "resolution" else ticket.first_response_due
    context = _context(
        ticket,
        target=target,
        due=timezone.localtime(due).strftime("%d/%m/%Y %H:%M"),
        priority=f"P{ticket.priority}",
    )
    key = f"ticket:{ticket.pk}:sla:{target}:{stage}:{due:%Y%m%d%H%M}"
    if stage == "warn":
        recipient = ticket.assignee or (ticket.team.lead if ticket.team else None)
        _notify_agent(
            recipient, NotificationKind.SLA_WARNING, dedupe_key=key, template="tickets_sla_warning", context=context
        )
    else:
        lead = ticket.team.lead if ticket.team else None
        if lead is not None and lead.is_active:
            notify_user(user=lead, dedupe_key=key, template="tickets_sla_breach", context=context)
        _event(ticket, None, f"sla_{target}", "", "breached")
    setattr(ticket, flag, True)
    ticket.save(update_fields=[flag])
    return 1


def tickets_waiting_sweep(*, now: datetime | None = None) -> tuple[int, int]:
    """Remind requesters who have not answered; resolve tickets they abandoned."""
    now = now or timezone.now()
    reminded = resolved = 0
    waiting = Q(status=S.WAITING_REQUESTER)
    for ticket_id in Ticket.objects.filter(waiting, waiting_autoresolve_at__lte=now).values_list("pk", flat=True):
        resolved += _auto_resolve_one(ticket_id, now=now)
    due = waiting & Q(waiting_reminded=False, waiting_reminder_at__lte=now)
    for ticket_id in Ticket.objects.filter(due).values_list("pk", flat=True):
        with transaction.atomic():
            ticket = (
                Ticket.objects.select_for_update(of=("self",))
                .select_related("requester")
                .filter(due, pk=ticket_id)
                .first()
            )
            if ticket is None:
                continue
            notify_user(
                user=ticket.requester,
                dedupe_key=f"ticket:{ticket.pk}:waiting-reminder:{ticket.waiting_reminder_at:%Y%m%d%H%M}",
                template="tickets_waiting_reminder",
                context=_context(
                    ticket, autoresolve=timezone.localtime(ticket.waiting_autoresolve_at).strftime("%d/%m/%Y")
                ),
            )
            ticket.waiting_reminded = True
            ticket.save(update_fields=["waiting_reminded"])
            reminded += 1
    return reminded, resolved


@transaction.atomic
def _auto_resolve_one(ticket_id: int, *, now: datetime) -> int:
    ticket = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("requester")
        .filter(pk=ticket_id, status=S.WAITING_REQUESTER, waiting_autoresolve_at__lte=now)
        .first()
    )
    if ticket is None:
        return 0
    changed = _apply_status(ticket, None, S.RESOLVED, now=now, automatic=True)
    ticket.save(update_fields=sorted(set(changed)))
    return 1


def tickets_autoclose_sweep(*, now: datetime | None = None) -> int:
    """Close tickets resolved more than TICKETS_AUTOCLOSE_DAYS ago."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.TICKETS_AUTOCLOSE_DAYS)
    count = 0
    for ticket_id in Ticket.objects.filter(status=S.RESOLVED, resolved_at__lte=cutoff).values_list("pk", flat=True):
        with transaction.atomic():
            ticket = (
                Ticket.objects.select_for_update(of=("self",))
                .select_related("requester")
                .filter(pk=ticket_id, status=S.RESOLVED, resolved_at__lte=cutoff)
                .first()
            )
            if ticket is None:
                continue
            changed = _apply_status(ticket, None, S.CLOSED, now=now)
            ticket.save(update_fields=sorted(set(changed)))
            count += 1
    return count
