import pytest
from django.core import mail

from icity.models import Notification
from icity.outbox import outbox_drain
from tests.factories import make_user
from tickets import services
from tickets.models import Status

from .factories import make_agent, open_ticket

pytestmark = pytest.mark.django_db


def test_requester_hears_in_their_language(team_agent, category):
    dutch = make_user(language="nl")
    ticket = open_ticket(dutch, category=category)
    services.comment_add(ticket=ticket, author=team_agent, body="Herstart uw pc.")
    services.ticket_transition(ticket=ticket, actor=team_agent, to_status=Status.WAITING_REQUESTER)
    services.ticket_transition(ticket=ticket, actor=team_agent, to_status=Status.RESOLVED)
    outbox_drain()
    subjects = [message.subject for message in mail.outbox if message.to == [dutch.email]]
    assert any("is geregistreerd" in subject for subject in subjects)
    assert any("Nieuw antwoord" in subject for subject in subjects)
    assert any("we hebben uw antwoord nodig" in subject for subject in subjects)
    assert any("is opgelost" in subject for subject in subjects)


def test_team_hears_of_new_unassigned_ticket_once(requester, team, category):
    members = [make_agent(team), make_agent(team)]
    ticket = open_ticket(requester, category=category)
    rows = Notification.objects.filter(template="tickets_new_unassigned")
    assert {row.recipient for row in rows} == set(members)
    assert rows.filter(dedupe_key__startswith=f"ticket:{ticket.pk}:").count() == 2


def test_team_email_used_when_set(requester, team, category):
    team.email = "n1@icity.example"
    team.save()
    open_ticket(requester, category=category)
    assert Notification.objects.get(template="tickets_new_unassigned").to_email == "n1@icity.example"


def test_assignee_hears_requester_reply_and_watchers_public_activity(requester, team, team_agent, category):
    watcher = make_user()
    ticket = open_ticket(requester, category=category)
    services.ticket_assign(ticket=ticket, actor=make_agent(team), assignee=team_agent)
    ticket.watchers.add(watcher)
    services.comment_add(ticket=ticket, author=requester, body="Toujours en panne")
    services.comment_add(ticket=ticket, author=team_agent, body="secret", internal=True)
    assert Notification.objects.filter(recipient=team_agent, template="tickets_assigned").count() == 1
    assert Notification.objects.filter(recipient=team_agent, template="tickets_requester_reply").count() == 1
    assert Notification.objects.filter(recipient=watcher, template="tickets_watcher_activity").count() == 1
    outbox_drain()
    assert all("secret" not in message.body for message in mail.outbox)
