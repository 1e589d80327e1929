"""Sweeps with a frozen clock: each message once, even when a sweep runs twice."""

import pytest
import time_machine
from django.core import mail

from icity.models import Notification
from icity.outbox import outbox_drain
from tickets import services, sweeps
from tickets.models import Status

from .factories import aware, open_ticket

pytestmark = pytest.mark.django_db


def _sent(template):
    return Notification.objects.filter(template=template).count()


def test_sla_warning_then_breach_once_each(requester, team, team_agent, category):
    with time_machine.travel(aware(2026, 3, 2, 9, 0), tick=False):
        ticket = open_ticket(requester, category=category, impact="high", urgency="high")  # P1: 4 h
        services.ticket_assign(ticket=ticket, actor=team_agent, assignee=team_agent)
    assert ticket.priority == 1
    with time_machine.travel(aware(2026, 3, 2, 11, 59), tick=False):
        sweeps.tickets_sla_sweep()
    assert _sent("tickets_sla_warning") == 1  # first response (75% of 30 min), not yet resolution
    with time_machine.travel(aware(2026, 3, 2, 12, 1), tick=False):
        sweeps.tickets_sla_sweep()
        sweeps.tickets_sla_sweep()
    assert Notification.objects.filter(template="tickets_sla_warning", recipient=team_agent).count() == 2
    assert Notification.objects.filter(template="tickets_sla_warning", dedupe_key__contains="resolution").count() == 1
    assert _sent("tickets_sla_breach") == 1  # first response breached at 09:30
    with time_machine.travel(aware(2026, 3, 2, 13, 1), tick=False):
        sweeps.tickets_sla_sweep()
        sweeps.tickets_sla_sweep()
    breaches = Notification.objects.filter(template="tickets_sla_breach")
    assert breaches.count() == 2
    assert {n.recipient for n in breaches} == {team.lead}
    outbox_drain()
    assert any(ticket.reference in message.subject for message in mail.outbox)


def test_sla_sweep_ignores_paused_tickets(requester, team_agent, category):
    with time_machine.travel(aware(2026, 3, 2, 9, 0), tick=False):
        ticket = open_ticket(requester, category=category, impact="high", urgency="high")
        services.ticket_transition(ticket=ticket, actor=team_agent, to_status=Status.WAITING_REQUESTER)
    with time_machine.travel(aware(2026, 3, 2, 16, 0), tick=False):
        assert sweeps.tickets_sla_sweep() == 0


def test_waiting_reminder_then_auto_resolve_then_close(requester, team_agent, category):
    with time_machine.travel(aware(2026, 3, 2, 10, 0), tick=False):
        ticket = open_ticket(requester, category=category)
        services.ticket_transition(ticket=ticket, actor=team_agent, to_status=Status.WAITING_REQUESTER)
    with time_machine.travel(aware(2026, 3, 5, 9, 59), tick=False):
        assert sweeps.tickets_waiting_sweep() == (0, 0)
    with time_machine.travel(aware(2026, 3, 5, 10, 1), tick=False):  # 3 business days later
        assert sweeps.tickets_waiting_sweep() == (1, 0)
        assert sweeps.tickets_waiting_sweep() == (0, 0)
    assert _sent("tickets_waiting_reminder") == 1
    with time_machine.travel(aware(2026, 3, 16, 9, 59), tick=False):
        assert sweeps.tickets_waiting_sweep() == (0, 0)
    with time_machine.travel(aware(2026, 3, 16, 10, 1), tick=False):  # 10 business days later
        assert sweeps.tickets_waiting_sweep() == (0, 1)
        assert sweeps.tickets_waiting_sweep() == (0, 0)
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED
    resolved = Notification.objects.get(template="tickets_resolved")
    assert resolved.context["automatic"] is True
    with time_machine.travel(aware(2026, 3, 21, 10, 0), tick=False):
        assert sweeps.tickets_autoclose_sweep() == 0
    with time_machine.travel(aware(2026, 3, 21, 10, 2), tick=False):  # 5 days after resolution
        assert sweeps.tickets_autoclose_sweep() == 1
        assert sweeps.tickets_autoclose_sweep() == 0
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    outbox_drain()
    assert sum("rappel" in m.subject.lower() or ticket.reference in m.subject for m in mail.outbox) >= 3


def test_reply_before_reminder_cancels_it(requester, team_agent, category):
    with time_machine.travel(aware(2026, 3, 2, 10, 0), tick=False):
        ticket = open_ticket(requester, category=category)
        services.ticket_transition(ticket=ticket, actor=team_agent, to_status=Status.WAITING_REQUESTER)
    with time_machine.travel(aware(2026, 3, 3, 10, 0), tick=False):
        services.comment_add(ticket=ticket, author=requester, body="Réponse")
    with time_machine.travel(aware(2026, 3, 20, 10, 0), tick=False):
        assert sweeps.tickets_waiting_sweep() == (0, 0)
