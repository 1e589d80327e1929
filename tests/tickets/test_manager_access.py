"""Support managers read every ticket of the teams they lead and change nothing.

Per role: a manager leading the team (reads queue, page, internal notes, files, API),
a manager of another team (404 on the ticket, not in their queue), a manager who is
also an agent (works as an agent), a requester (403 on the queue).
"""

import pytest
from django.urls import reverse

from icity.roles import Role
from tests.factories import make_user
from tickets import services
from tickets.models import Status

from .factories import CategoryFactory, TeamFactory, open_ticket
from .test_uploads import png_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(team):
    manager = make_user(Role.REQUESTER, Role.MANAGER)
    team.lead = manager
    team.save(update_fields=["lead"])
    return manager


@pytest.fixture
def team_ticket(category, team_agent):
    ticket = open_ticket(
        make_user(), category=category, title="Écran noir au 3e", uploads=[upload("a.png", png_bytes())]
    )
    services.comment_add(ticket=ticket, author=team_agent, body="NOTE-INTERNE-42", internal=True)
    return ticket


@pytest.fixture
def other_ticket(db):
    other_team = TeamFactory(name="Réseau et téléphonie")
    return open_ticket(make_user(), category=CategoryFactory(default_team=other_team), title="Pas de réseau")


def test_lead_reads_the_queue_of_their_teams_only(
    client, lead, team_ticket, other_ticket, django_assert_max_num_queries
):
    client.force_login(lead)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("tickets:queue"))
    assert response.status_code == 200
    page = response.content.decode()
    assert team_ticket.reference in page
    assert other_ticket.reference not in page
    assert 'name="tickets"' not in page  # no bulk selection
    assert "Apply to selected" not in page
    all_view = client.get(reverse("tickets:queue"), {"view": "all"}).content.decode()
    assert other_ticket.reference not in all_view


def test_lead_reads_the_ticket_with_internal_notes_and_files_but_no_form(client, lead, team_ticket):
    client.force_login(lead)
    page = client.get(team_ticket.get_absolute_url()).content.decode()
    assert "NOTE-INTERNE-42" in page
    assert reverse("tickets:comment", args=[team_ticket.reference]) not in page
    assert reverse("tickets:transition", args=[team_ticket.reference]) not in page
    assert reverse("tickets:update", args=[team_ticket.reference]) not in page
    attachment = team_ticket.attachments.first()
    assert client.get(reverse("tickets:attachment", args=[attachment.pk])).status_code == 200


def test_lead_changes_nothing(client, lead, team_ticket):
    client.force_login(lead)
    reference = team_ticket.reference
    response = client.post(reverse("tickets:comment", args=[reference]), {"body": "Je m'en occupe"})
    assert response.status_code == 302
    assert not team_ticket.comments.filter(author=lead).exists()
    client.post(reverse("tickets:transition", args=[reference]), {"status": Status.CANCELLED})
    for name in ("update", "take", "merge", "link", "asset"):
        assert (
            client.post(reverse(f"tickets:{name}", args=[reference]), {"reference": "HD-2026-000001"}).status_code
            == 403
        )
    assert client.post(reverse("tickets:bulk"), {"tickets": [team_ticket.pk], "action": "close"}).status_code == 403
    team_ticket.refresh_from_db()
    assert team_ticket.status == Status.NEW
    assert team_ticket.assignee_id is None


def test_lead_reads_through_the_api_and_cannot_write(client, lead, team_ticket, other_ticket):
    client.force_login(lead)
    listing = client.get("/api/v1/tickets/").json()
    references = {row["reference"] for row in listing["results"]}
    assert team_ticket.reference in references
    assert other_ticket.reference not in references
    comments = client.get(f"/api/v1/tickets/{team_ticket.reference}/comments/").json()
    assert any("NOTE-INTERNE-42" in row["body"] for row in comments["results"])
    assert client.get(f"/api/v1/tickets/{team_ticket.reference}/timeline/").status_code == 200
    assert client.get(f"/api/v1/tickets/{other_ticket.reference}/").status_code == 404
    response = client.post(
        f"/api/v1/tickets/{team_ticket.reference}/comments/", {"body": "x"}, content_type="application/json"
    )
    assert response.status_code in (400, 403)
    assert not team_ticket.comments.filter(author=lead).exists()


def test_manager_of_another_team_gets_404(client, team_ticket):
    other_manager = make_user(Role.REQUESTER, Role.MANAGER)
    TeamFactory(name="Applications", lead=other_manager)
    client.force_login(other_manager)
    assert client.get(team_ticket.get_absolute_url()).status_code == 404
    assert team_ticket.reference not in client.get(reverse("tickets:queue")).content.decode()
    attachment = team_ticket.attachments.first()
    assert client.get(reverse("tickets:attachment", args=[attachment.pk])).status_code == 404


def test_manager_who_is_also_an_agent_works_as_an_agent(client, team, team_ticket):
    both = make_user(Role.REQUESTER, Role.AGENT, Role.MANAGER)
    team.members.add(both)
    team.lead = both
    team.save(update_fields=["lead"])
    client.force_login(both)
    page = client.get(team_ticket.get_absolute_url()).content.decode()
    assert reverse("tickets:transition", args=[team_ticket.reference]) in page
    client.post(reverse("tickets:take", args=[team_ticket.reference]))
    team_ticket.refresh_from_db()
    assert team_ticket.assignee_id == both.pk


def test_requester_still_gets_403_on_the_queue(client, team_ticket):
    client.force_login(make_user())
    assert client.get(reverse("tickets:queue")).status_code == 403


def test_one_menu_entry_is_current(client, lead, team_ticket):
    client.force_login(lead)
    page = client.get(reverse("tickets:queue")).content.decode()
    assert page.count('aria-current="page"') - page.count('class="tabs"') <= 1
    nav = page.split("</nav>")[0]
    assert nav.count('aria-current="page"') == 1
