"""Lists and the ticket page: the same query ceiling with 5 and 50 rows."""

import pytest
from django.urls import reverse

from tests.factories import make_user
from tickets import services

from .factories import open_ticket
from .test_uploads import png_bytes, upload

pytestmark = pytest.mark.django_db


def _tickets(count, requester, agent, category):
    tickets = [open_ticket(requester, category=category, title=f"Ticket {n}") for n in range(count)]
    for ticket in tickets[:3]:
        services.ticket_assign(ticket=ticket, actor=agent, assignee=agent)
    return tickets


@pytest.mark.parametrize("rows", [5, 50])
def test_agent_queue_query_ceiling(client, django_assert_max_num_queries, rows, team_agent, category):
    _tickets(rows, make_user(), team_agent, category)
    client.force_login(team_agent)
    with django_assert_max_num_queries(18):
        assert client.get(reverse("tickets:queue")).status_code == 200
    with django_assert_max_num_queries(18):
        assert (
            client.get(reverse("tickets:queue"), {"q": "Ticket", "priority": [3, 4], "sort": "-updated"}).status_code
            == 200
        )


@pytest.mark.parametrize("rows", [5, 50])
def test_staff_list_query_ceiling(client, django_assert_max_num_queries, rows, requester, team_agent, category):
    _tickets(rows, requester, team_agent, category)
    client.force_login(requester)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("tickets:mine")).status_code == 200


@pytest.mark.parametrize("rows", [5, 50])
def test_api_list_query_ceiling(client, django_assert_max_num_queries, rows, requester, team_agent, category):
    _tickets(rows, requester, team_agent, category)
    for user in (requester, team_agent):
        client.force_login(user)
        with django_assert_max_num_queries(8):
            assert client.get("/api/v1/tickets/").status_code == 200


@pytest.mark.parametrize("rows", [5, 50])
def test_ticket_page_query_ceiling(client, django_assert_max_num_queries, rows, requester, team_agent, category):
    ticket = open_ticket(requester, category=category)
    for n in range(rows):
        services.comment_add(
            ticket=ticket,
            author=team_agent if n % 2 else requester,
            body=f"message {n}",
            internal=n % 4 == 1,
            uploads=[upload(f"f{n}.png", png_bytes())] if n % 5 == 0 else [],
        )
    for user in (requester, team_agent):
        client.force_login(user)
        with django_assert_max_num_queries(22):
            assert client.get(ticket.get_absolute_url()).status_code == 200
    client.force_login(requester)
    with django_assert_max_num_queries(10):
        assert client.get(f"/api/v1/tickets/{ticket.reference}/comments/").status_code == 200


def _auto_assigning(team):
    from .factories import make_agent

    team.auto_assign = True
    team.save(update_fields=["auto_assign"])
    make_agent(team)


NEW_TICKET = {"title": "Écran noir", "description": "Il ne s'allume plus.", "impact": "low", "urgency": "medium"}


def test_opening_a_plain_ticket_costs_at_most_12_queries(django_assert_max_num_queries, team, category, team_agent):
    """Routing, auto-assignment, SLA targets, timeline and outbox (requester + assignee) in 12 queries at most."""
    _auto_assigning(team)
    requester = make_user()
    services.ticket_open(requester=requester, opened_by=requester, category=category, **NEW_TICKET)  # warm caches
    with django_assert_max_num_queries(12):
        ticket = services.ticket_open(requester=requester, opened_by=requester, category=category, **NEW_TICKET)
    assert ticket.assignee is not None


def test_the_new_ticket_form_and_api_stay_within_their_ceiling(client, django_assert_max_num_queries, team, category):
    """The whole request: session, user, form or serializer, the opening (at most 12) and the redirect."""
    from icity.models import Notification
    from tickets.models import Ticket, TimelineEvent

    _auto_assigning(team)
    client.force_login(make_user())
    client.post(reverse("tickets:new"), {**NEW_TICKET, "category": category.pk})  # warm caches
    with django_assert_max_num_queries(18):
        response = client.post(reverse("tickets:new"), {**NEW_TICKET, "category": category.pk})
    assert response.status_code == 302
    with django_assert_max_num_queries(16):
        response = client.post(
            "/api/v1/tickets/", {**NEW_TICKET, "category": category.pk}, content_type="application/json"
        )
    assert response.status_code == 201
    ticket = Ticket.objects.get(reference=response.json()["reference"])
    assert ticket.assignee is not None
    assert set(TimelineEvent.objects.filter(ticket=ticket).values_list("field", flat=True)) == {"created", "assignee"}
    keys = set(
        Notification.objects.filter(dedupe_key__startswith=f"ticket:{ticket.pk}:").values_list("template", flat=True)
    )
    assert keys == {"tickets_opened", "tickets_assigned"}
