import pytest

from tickets.models import Status, Ticket

from .factories import open_ticket
from .test_uploads import png_bytes, upload

pytestmark = pytest.mark.django_db


def test_requester_creates_ticket_and_cannot_mass_assign(client, requester, team_agent, category):
    client.force_login(requester)
    response = client.post(
        "/api/v1/tickets/",
        {
            "title": "Wifi",
            "description": "Pas de réseau",
            "category": category.pk,
            "impact": "medium",
            "urgency": "high",
            "status": "closed",
            "requester": team_agent.pk,
            "assignee": team_agent.pk,
            "priority": 1,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(reference=response.json()["reference"])
    assert ticket.status == Status.NEW
    assert ticket.requester == requester
    assert ticket.assignee is None
    assert ticket.priority == 2


def test_bad_input_is_400_and_saves_nothing(client, requester, category):
    client.force_login(requester)
    response = client.post(
        "/api/v1/tickets/", {"title": "", "category": 999999, "impact": "huge"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert set(response.json()) >= {"title", "description", "category", "impact"}
    assert not Ticket.objects.exists()


def test_requester_cannot_update_or_write_internal_note(client, requester, team_agent, category):
    ticket = open_ticket(requester, category=category)
    client.force_login(requester)
    url = f"/api/v1/tickets/{ticket.reference}/"
    assert client.patch(url, {"impact": "high"}, content_type="application/json").status_code == 403
    response = client.post(f"{url}comments/", {"body": "x", "internal": True}, content_type="application/json")
    assert response.status_code == 400
    response = client.post(f"{url}comments/", {"body": "Merci"}, content_type="application/json")
    assert response.status_code == 201
    assert client.get(f"{url}timeline/").status_code == 404


def test_agent_updates_and_transitions(client, requester, team_agent, category):
    ticket = open_ticket(requester, category=category)
    client.force_login(team_agent)
    url = f"/api/v1/tickets/{ticket.reference}/"
    response = client.patch(
        url, {"impact": "high", "urgency": "high", "assignee": team_agent.pk}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["priority"] == 1
    response = client.post(f"{url}transition/", {"status": "closed"}, content_type="application/json")
    assert response.status_code == 400  # in_progress -> closed is not in the table
    response = client.post(f"{url}transition/", {"status": "resolved", "note": "Fait"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "resolved"
    assert client.get(f"{url}timeline/").json()["count"] >= 3


def test_agent_list_filters_and_unknown_ordering(client, requester, team_agent, category):
    a = open_ticket(requester, category=category, title="Imprimante", impact="high", urgency="high")
    open_ticket(requester, category=category, title="Souris")
    client.force_login(team_agent)
    data = client.get("/api/v1/tickets/", {"priority": 1}).json()
    assert [row["reference"] for row in data["results"]] == [a.reference]
    assert client.get("/api/v1/tickets/", {"sort": "requester__password", "ordering": "password"}).status_code == 200
    assert client.get("/api/v1/tickets/", {"q": "Souris"}).json()["count"] == 1


def test_upload_and_download_through_api(client, requester, category):
    ticket = open_ticket(requester, category=category)
    client.force_login(requester)
    url = f"/api/v1/tickets/{ticket.reference}/attachments/"
    response = client.post(url, {"file": upload("capture.png", png_bytes())})
    assert response.status_code == 201, response.content
    response = client.post(url, {"file": upload("page.html", b"<html><script>alert(1)</script>")})
    assert response.status_code == 400
    listing = client.get(url).json()
    assert listing["count"] == 1
    download = client.get(f"/api/v1/ticket-attachments/{listing['results'][0]['id']}/download/")
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")


def test_teams_and_categories_listed(client, requester, category):
    client.force_login(requester)
    assert client.get("/api/v1/ticket-teams/").json()["count"] == 1
    assert client.get("/api/v1/ticket-categories/").json()["count"] == 1


def test_anonymous_refused(client):
    assert client.get("/api/v1/tickets/").status_code in (401, 403)


def test_reply_on_closed_ticket_through_api_opens_follow_up(client, requester, team_agent, category):
    from tickets import services

    ticket = open_ticket(requester, category=category)
    services.ticket_transition(ticket=ticket, actor=team_agent, to_status=Status.RESOLVED)
    services.ticket_transition(ticket=ticket, actor=requester, to_status=Status.CLOSED)
    client.force_login(requester)
    response = client.post(
        f"/api/v1/tickets/{ticket.reference}/comments/", {"body": "Encore"}, content_type="application/json"
    )
    assert response.status_code == 201
    follow_up = Ticket.objects.get(reference=response.json()["follow_up_ticket"]["reference"])
    assert follow_up.follow_up_of == ticket
