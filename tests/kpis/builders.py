"""Hand-built data for the KPI tests: tickets and timeline events at exact Brussels times."""

import itertools
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from kpis.definitions import get_kpi
from kpis.definitions.base import Period
from tickets.models import Ticket, TimelineEvent

BRUSSELS = ZoneInfo("Europe/Brussels")
FEB, MARCH, APRIL = date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)
EMPTY = date(2024, 6, 1)  # before any data of these tests
_numbers = itertools.count(1)


def local(*args) -> datetime:
    """A Brussels wall-clock time (CET or CEST as the date says)."""
    return datetime(*args, tzinfo=BRUSSELS)


def ticket(requester, created, **fields) -> Ticket:
    fields.setdefault("title", "Écran noir")
    fields.setdefault("description", "—")
    fields.setdefault("updated_at", created)
    return Ticket.objects.create(
        reference=f"HD-2026-{next(_numbers):06d}",
        requester=requester,
        opened_by=requester,
        created_at=created,
        **fields,
    )


def event(ticket, at, field, old="", new="", actor=None) -> TimelineEvent:
    """A timeline row; like the services, a change moves the ticket's last activity forward."""
    Ticket.objects.filter(pk=ticket.pk, updated_at__lt=at).update(updated_at=at)
    return TimelineEvent.objects.create(
        ticket=ticket, actor=actor, created_at=at, field=field, old_value=old, new_value=new
    )


def resolve(ticket, at, actor=None, old="in_progress") -> None:
    event(ticket, at, "status", old, "resolved", actor)
    Ticket.objects.filter(pk=ticket.pk).update(status="resolved", resolved_at=at)


def reopen(ticket, at, actor=None) -> None:
    event(ticket, at, "status", "resolved", "in_progress", actor)
    Ticket.objects.filter(pk=ticket.pk).update(status="in_progress", resolved_at=None)


def values(code: str, month: date):
    return get_kpi(code).compute(Period(month))


def overall(code: str, month: date) -> Decimal | None:
    return next(value.value for value in values(code, month) if value.scope_kind == "")


def scoped(code: str, month: date, kind: str, key) -> Decimal | None:
    return next(
        value.value for value in values(code, month) if value.scope_kind == kind and value.scope_key == str(key)
    )
