import pytest
from django.core import mail
from django.urls import reverse

from icity.outbox import outbox_drain
from tickets import services

from .factories import open_ticket
from .test_uploads import png_bytes, upload

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_script_in_every_field_comes_back_escaped(client, requester, team_agent, category):
    ticket = open_ticket(
        requester,
        category=category,
        title=f"T {SCRIPT}",
        description=f"D {SCRIPT}",
        uploads=[upload(f"{SCRIPT}.png", png_bytes())],
    )
    services.comment_add(ticket=ticket, author=team_agent, body=f"C {SCRIPT}")
    services.comment_add(ticket=ticket, author=requester, body=f"R {SCRIPT}")
    pages = []
    for user in (requester, team_agent):
        client.force_login(user)
        pages.append(client.get(ticket.get_absolute_url()).content.decode())
    client.force_login(team_agent)
    pages.append(client.get(reverse("tickets:queue")).content.decode())
    client.force_login(requester)
    pages.append(client.get(reverse("tickets:mine")).content.decode())
    for page in pages:
        assert "<script>alert" not in page
        assert "onerror=alert" not in page or "&lt;img" in page
    assert "&lt;script&gt;" in pages[0]
    api = client.get(f"/api/v1/tickets/{ticket.reference}/")
    assert api["Content-Type"].startswith("application/json")
    outbox_drain()
    assert mail.outbox
    for message in mail.outbox:
        for html, _type in message.alternatives:
            assert "<script>alert" not in html


def test_attachment_name_with_markup_is_safe_in_download_header(client, requester, category):
    ticket = open_ticket(requester, category=category, uploads=[upload('a"; filename="evil.html', png_bytes())])
    client.force_login(requester)
    response = client.get(reverse("tickets:attachment", args=[ticket.attachments.get().pk]))
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="evil.html"' not in disposition


@pytest.mark.parametrize(
    "name,content",
    [
        ("x.html", b"<html><script>alert(1)</script></html>"),
        ("x.svg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
        ("x.gif", b"GIF89a<script>alert(1)</script>"),
    ],
)
def test_dangerous_reply_upload_refused_with_message(client, requester, category, name, content):
    ticket = open_ticket(requester, category=category)
    client.force_login(requester)
    response = client.post(
        reverse("tickets:comment", args=[ticket.reference]),
        {"body": "voir fichier", "attachments": [upload(name, content)]},
        follow=True,
    )
    assert "cannot be attached" in response.content.decode() or "SVG" in response.content.decode()
    assert not ticket.attachments.exists()
    assert not ticket.comments.exists()


def test_oversized_reply_upload_refused(client, requester, category, settings):
    settings.TICKETS_ATTACHMENT_MAX_BYTES = 500
    ticket = open_ticket(requester, category=category)
    client.force_login(requester)
    response = client.post(
        reverse("tickets:comment", args=[ticket.reference]),
        {"body": "gros", "attachments": [upload("big.png", png_bytes((300, 300)))]},
        follow=True,
    )
    assert "volumineux" in response.content.decode()  # French by default
    assert not ticket.attachments.exists() and not ticket.comments.exists()
