import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from icity.outbox import outbox_drain
from tests.factories import make_user
from tickets import services
from tickets.models import Comment, Status, TimelineEvent
from tickets.services import TRANSITIONS, TransitionError

from .factories import aware, open_ticket

pytestmark = pytest.mark.django_db

ALL = list(Status.values)


def _ticket_in(status, requester, agent, category):
    ticket = open_ticket(requester, category=category)
    path = {
        Status.NEW: [],
        Status.IN_PROGRESS: [Status.IN_PROGRESS],
        Status.WAITING_REQUESTER: [Status.WAITING_REQUESTER],
        Status.WAITING_THIRD_PARTY: [Status.WAITING_THIRD_PARTY],
        Status.RESOLVED: [Status.RESOLVED],
        Status.CLOSED: [Status.RESOLVED, Status.CLOSED],
        Status.CANCELLED: [Status.CANCELLED],
    }[status]
    for step in path:
        ticket = services.ticket_transition(ticket=ticket, actor=agent, to_status=step)
    return ticket


@pytest.mark.parametrize("source", [s for s in ALL if s != Status.MERGED])
@pytest.mark.parametrize("target", [s for s in ALL if s != Status.MERGED])
def test_transition_table_is_enforced(source, target, requester, team_agent, category):
    ticket = _ticket_in(source, requester, team_agent, category)
    if target in TRANSITIONS[source]:
        ticket = services.ticket_transition(ticket=ticket, actor=team_agent, to_status=target)
        ticket.refresh_from_db()
        assert ticket.status == target
        assert TimelineEvent.objects.filter(ticket=ticket, field="status", old_value=source, new_value=target).exists()
    else:
        with pytest.raises(TransitionError):
            services.ticket_transition(ticket=ticket, actor=team_agent, to_status=target)
        ticket.refresh_from_db()
        assert ticket.status == source


def test_final_statuses_allow_nothing():
    for status in (Status.CLOSED, Status.CANCELLED, Status.MERGED):
        assert TRANSITIONS[status] == frozenset()


def test_opening_numbers_routes_and_tells_requester(requester, team_agent, category):
    with time_machine.travel(aware(2026, 3, 2, 9, 0), tick=False):
        first = open_ticket(requester, category=category)
        second = open_ticket(requester, category=category)
    assert first.reference == "HD-2026-000001"
    assert second.reference == "HD-2026-000002"
    assert first.team == category.default_team
    assert first.status == Status.NEW
    outbox_drain()
    assert any(first.reference in message.subject and message.to == [requester.email] for message in mail.outbox)


def test_priority_follows_matrix_and_recomputes_sla(requester, team_agent, category):
    with time_machine.travel(aware(2026, 3, 2, 9, 0), tick=False):
        ticket = open_ticket(requester, category=category, impact="low", urgency="low")
        assert ticket.priority == 4
        before = ticket.resolution_due
        ticket = services.ticket_set_priority(ticket=ticket, actor=team_agent, impact="high", urgency="high")
    assert ticket.priority == 1
    assert ticket.resolution_due < before
    assert TimelineEvent.objects.filter(ticket=ticket, field="priority", old_value="4", new_value="1").exists()


def test_requester_may_confirm_or_reopen_but_not_resolve(requester, team_agent, category):
    ticket = open_ticket(requester, category=category)
    with pytest.raises(TransitionError):
        services.ticket_transition(ticket=ticket, actor=requester, to_status=Status.RESOLVED)
    services.ticket_transition(ticket=ticket, actor=team_agent, to_status=Status.RESOLVED)
    ticket = services.ticket_transition(ticket=ticket, actor=requester, to_status=Status.IN_PROGRESS)
    assert ticket.status == Status.IN_PROGRESS and ticket.resolved_at is None
    services.ticket_transition(ticket=ticket, actor=team_agent, to_status=Status.RESOLVED)
    ticket = services.ticket_transition(ticket=ticket, actor=requester, to_status=Status.CLOSED)
    assert ticket.status == Status.CLOSED and ticket.closed_at


def test_requester_reply_within_window_reopens(requester, team_agent, category):
    with time_machine.travel(aware(2026, 3, 2, 9, 0), tick=False):
        ticket = open_ticket(requester, category=category)
        services.ticket_transition(ticket=ticket, actor=team_agent, to_status=Status.RESOLVED)
    with time_machine.travel(aware(2026, 3, 4, 9, 0), tick=False):
        services.comment_add(ticket=ticket, author=requester, body="Toujours noir.")
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS


def test_requester_reply_after_closure_opens_linked_ticket(requester, team_agent, category):
    ticket = open_ticket(requester, category=category)
    services.ticket_transition(ticket=ticket, actor=team_agent, to_status=Status.RESOLVED)
    services.ticket_transition(ticket=ticket, actor=requester, to_status=Status.CLOSED)
    comment = services.comment_add(ticket=ticket, author=requester, body="Le problème revient.")
    follow_up = comment.ticket
    assert follow_up.pk != ticket.pk
    assert follow_up.follow_up_of == ticket
    assert ticket in follow_up.related.all()
    assert follow_up.description == "Le problème revient."
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED


def test_agent_cannot_reply_on_closed_ticket(requester, team_agent, category):
    ticket = _ticket_in(Status.CLOSED, requester, team_agent, category)
    with pytest.raises(ValidationError):
        services.comment_add(ticket=ticket, author=team_agent, body="Encore ?")


def test_merge_moves_conversation_and_leaves_pointer(requester, team_agent, category):
    other = make_user()
    source = open_ticket(other, category=category, title="Imprimante 3e étage")
    target = open_ticket(requester, category=category, title="Imprimante en panne")
    services.comment_add(ticket=source, author=team_agent, body="Nous regardons.", time_spent_minutes=10)
    services.comment_add(ticket=source, author=team_agent, body="note", internal=True)
    services.ticket_merge(source=source, target=target, actor=team_agent)
    source.refresh_from_db()
    target.refresh_from_db()
    assert source.status == Status.MERGED
    assert source.merged_into == target
    assert Comment.objects.filter(ticket=source).count() == 0
    assert Comment.objects.filter(ticket=target).count() == 2
    assert other in target.watchers.all()
    assert target.time_spent_minutes == 10
    with pytest.raises(TransitionError):
        services.ticket_transition(ticket=source, actor=team_agent, to_status=Status.IN_PROGRESS)


def test_merge_into_finished_ticket_refused(requester, team_agent, category):
    source = open_ticket(requester, category=category)
    target = _ticket_in(Status.CLOSED, requester, team_agent, category)
    with pytest.raises(ValidationError):
        services.ticket_merge(source=source, target=target, actor=team_agent)
    source.refresh_from_db()
    assert source.status == Status.NEW


def test_first_response_and_time_spent(requester, team_agent, category):
    ticket = open_ticket(requester, category=category)
    services.comment_add(ticket=ticket, author=team_agent, body="internal", internal=True, time_spent_minutes=5)
    ticket.refresh_from_db()
    assert ticket.first_response_at is None
    services.comment_add(ticket=ticket, author=team_agent, body="Bonjour", time_spent_minutes=15)
    ticket.refresh_from_db()
    assert ticket.first_response_at is not None
    assert ticket.time_spent_minutes == 20


def test_requester_cannot_write_internal_note(requester, category):
    ticket = open_ticket(requester, category=category)
    with pytest.raises(ValidationError):
        services.comment_add(ticket=ticket, author=requester, body="x", internal=True)
    assert not Comment.objects.exists()


def test_timeline_is_immutable(requester, category):
    ticket = open_ticket(requester, category=category)
    event = TimelineEvent.objects.filter(ticket=ticket).first()
    event.new_value = "changed"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


def test_auto_assignment_picks_least_loaded_available_agent(requester, team, category):
    from tickets.models import AgentPreference

    from .factories import make_agent

    busy, free, away = make_agent(team), make_agent(team), make_agent(team)
    AgentPreference.objects.create(user=away, available=False)
    team.auto_assign = True
    team.save()
    first = open_ticket(requester, category=category)
    assert first.assignee in (busy, free)
    second = open_ticket(requester, category=category)
    assert {first.assignee, second.assignee} == {busy, free}


def test_merge_needs_rights_on_both_tickets(requester, team_agent, category):
    from .factories import CategoryFactory, TeamFactory

    source = open_ticket(requester, category=category)
    foreign = open_ticket(requester, category=CategoryFactory(default_team=TeamFactory(name="Autre")))
    with pytest.raises(ValidationError):
        services.ticket_merge(source=source, target=foreign, actor=team_agent)
    with pytest.raises(ValidationError):
        services.ticket_merge(source=foreign, target=source, actor=team_agent)
    source.refresh_from_db()
    assert source.status == Status.NEW
