"""Each role on the helpdesk pages: who may use what."""

import pytest
import time_machine
from django.urls import reverse

from tests.factories import make_user
from tickets import services
from tickets.models import Channel, Status

from .factories import aware, open_ticket

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role_fixture", ["requester", "logistics", "manager", "school_contact", "admin_user"])
def test_non_agents_use_the_portal_but_not_the_workspace(request, client, role_fixture):
    user = request.getfixturevalue(role_fixture)
    client.force_login(user)
    assert client.get(reverse("tickets:mine")).status_code == 200
    assert client.get(reverse("tickets:new")).status_code == 200
    # Support managers read the queue of the teams they lead (tests/tickets/test_manager_access.py).
    assert client.get(reverse("tickets:queue")).status_code == (200 if role_fixture == "manager" else 403)
    assert client.get(reverse("tickets:preferences")).status_code == 403


def test_agent_uses_both(client, team_agent):
    client.force_login(team_agent)
    for name in ("mine", "new", "queue", "preferences"):
        assert client.get(reverse(f"tickets:{name}")).status_code == 200


def test_agent_opens_on_behalf_of_someone(client, team_agent, category):
    caller = make_user()
    client.force_login(team_agent)
    response = client.post(
        reverse("tickets:new"),
        {
            "category": category.pk,
            "title": "Appel",
            "description": "Par téléphone",
            "impact": "low",
            "urgency": "low",
            "requester_email": caller.email.upper(),
            "channel": Channel.PHONE,
        },
    )
    assert response.status_code == 302
    ticket = caller.tickets.get()
    assert ticket.opened_by == team_agent and ticket.channel == Channel.PHONE


def test_requester_cannot_open_on_behalf_of_someone(client, requester, category):
    other = make_user()
    client.force_login(requester)
    client.post(
        reverse("tickets:new"),
        {
            "category": category.pk,
            "title": "x",
            "description": "y",
            "impact": "low",
            "urgency": "low",
            "requester_email": other.email,
        },
    )
    assert not other.tickets.exists()
    assert requester.tickets.count() == 1


def test_reply_after_reopen_window_opens_follow_up(requester, team_agent, category, settings):
    settings.TICKETS_REOPEN_WINDOW_DAYS = 2
    with time_machine.travel(aware(2026, 3, 2, 9, 0), tick=False):
        ticket = open_ticket(requester, category=category)
        services.ticket_transition(ticket=ticket, actor=team_agent, to_status=Status.RESOLVED)
    with time_machine.travel(aware(2026, 3, 5, 9, 0), tick=False):
        comment = services.comment_add(ticket=ticket, author=requester, body="Encore en panne")
    assert comment.ticket.follow_up_of == ticket
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED
