"""Requester A never sees requester B's ticket, comment or attachment; notes stay internal."""

import pytest
from django.core import mail
from django.urls import reverse

from icity.outbox import outbox_drain
from tests.factories import make_user
from tickets import services

from .factories import open_ticket
from .test_uploads import png_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_requesters(category, team_agent):
    alice, bob = make_user(), make_user()
    ticket = open_ticket(bob, category=category, title="Secret de Bob", uploads=[upload("bob.png", png_bytes())])
    services.comment_add(ticket=ticket, author=team_agent, body="Réponse publique pour Bob")
    services.comment_add(ticket=ticket, author=team_agent, body="NOTE-INTERNE-XYZ", internal=True)
    return alice, bob, ticket


def test_requester_a_gets_404_on_b_ticket_pages_and_files(client, two_requesters):
    alice, _bob, ticket = two_requesters
    attachment = ticket.attachments.get()
    client.force_login(alice)
    assert client.get(ticket.get_absolute_url()).status_code == 404
    assert client.get(reverse("tickets:attachment", args=[attachment.pk])).status_code == 404
    assert client.get(reverse("tickets:thumbnail", args=[attachment.pk])).status_code == 404
    for name in ("comment", "transition", "watch"):
        assert (
            client.post(
                reverse(f"tickets:{name}", args=[ticket.reference]), {"body": "x", "status": "cancelled", "watch": "1"}
            ).status_code
            == 404
        )
    page = client.get(reverse("tickets:mine"), {"q": "Secret"}).content.decode()
    assert ticket.reference not in page
    page = client.get(reverse("icity:role-home", args=["requester"])).content.decode()
    assert ticket.reference not in page


def test_requester_a_gets_404_through_api(client, two_requesters):
    alice, _bob, ticket = two_requesters
    attachment = ticket.attachments.get()
    client.force_login(alice)
    listing = client.get("/api/v1/tickets/").json()
    assert listing["count"] == 0
    assert client.get(f"/api/v1/tickets/{ticket.reference}/").status_code == 404
    assert client.get(f"/api/v1/tickets/{ticket.reference}/comments/").status_code == 404
    assert client.get(f"/api/v1/tickets/{ticket.reference}/timeline/").status_code == 404
    assert client.get(f"/api/v1/ticket-attachments/{attachment.pk}/download/").status_code == 404
    assert client.get("/api/v1/tickets/", {"q": "Secret"}).json()["count"] == 0


def test_internal_notes_never_reach_the_requester(client, two_requesters):
    _alice, bob, ticket = two_requesters
    client.force_login(bob)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "Réponse publique pour Bob" in page
    assert "NOTE-INTERNE-XYZ" not in page
    api = client.get(f"/api/v1/tickets/{ticket.reference}/comments/").content.decode()
    assert "Réponse publique pour Bob" in api and "NOTE-INTERNE-XYZ" not in api
    assert "NOTE-INTERNE-XYZ" not in client.get(f"/api/v1/tickets/{ticket.reference}/").content.decode()
    outbox_drain()
    for message in mail.outbox:
        assert "NOTE-INTERNE-XYZ" not in message.body
        assert all("NOTE-INTERNE-XYZ" not in str(alt[0]) for alt in message.alternatives)
    # The requester's own search does not look into internal notes either.
    assert ticket.reference not in client.get(reverse("tickets:mine"), {"q": "NOTE-INTERNE"}).content.decode()


def test_internal_attachment_hidden_from_requester(client, two_requesters, team_agent):
    _alice, bob, ticket = two_requesters
    services.comment_add(
        ticket=ticket,
        author=team_agent,
        body="capture interne",
        internal=True,
        uploads=[upload("int.png", png_bytes())],
    )
    internal = ticket.attachments.get(original_name="int.png")
    client.force_login(bob)
    assert client.get(reverse("tickets:attachment", args=[internal.pk])).status_code == 404
    assert "int.png" not in client.get(ticket.get_absolute_url()).content.decode()
    client.force_login(team_agent)
    assert client.get(reverse("tickets:attachment", args=[internal.pk])).status_code == 200


def test_download_is_hardened_attachment(client, two_requesters):
    _alice, bob, ticket = two_requesters
    attachment = ticket.attachments.get()
    client.force_login(bob)
    response = client.get(reverse("tickets:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    thumb = client.get(reverse("tickets:thumbnail", args=[attachment.pk]))
    assert thumb["Content-Type"] == "image/png" and "sandbox" in thumb["Content-Security-Policy"]


def test_agent_of_other_team_may_read_but_not_change(client, two_requesters, other_team_agent):
    _alice, _bob, ticket = two_requesters
    client.force_login(other_team_agent)
    assert client.get(ticket.get_absolute_url()).status_code == 200
    assert client.post(reverse("tickets:update", args=[ticket.reference]), {}).status_code == 404
    assert client.post(reverse("tickets:take", args=[ticket.reference])).status_code == 404
    client.post(reverse("tickets:transition", args=[ticket.reference]), {"status": "resolved"})
    ticket.refresh_from_db()
    assert ticket.status != "resolved"


def test_watcher_sees_public_conversation_only(client, two_requesters):
    alice, _bob, ticket = two_requesters
    ticket.watchers.add(alice)
    client.force_login(alice)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "Réponse publique pour Bob" in page and "NOTE-INTERNE-XYZ" not in page
