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
