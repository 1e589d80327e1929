"""Suggestions on the new-ticket form, deflections, articles seen on the ticket, the agent's knowledge panel."""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from knowledge import services
from knowledge.models import DeflectionSession, LinkSource, SuggestionEvent, TicketArticle
from tests.tickets.factories import CategoryFactory, open_ticket
from tickets.models import Status, Ticket


@pytest.fixture
def category(db):
    return CategoryFactory()


def _form(category, session, **extra):
    return {
        "category": category.pk,
        "title": "VPN en panne",
        "description": "Rien ne marche.",
        "impact": "low",
        "urgency": "medium",
        "kb_session": str(session),
        **extra,
    }


def test_new_ticket_form_carries_a_session_and_the_script(client, requester):
    client.force_login(requester)
    content = client.get(reverse("tickets:new")).content.decode()
    assert 'name="kb_session"' in content
    assert "knowledge/suggestions" in content
    assert "<script>" not in content  # no inline script (CSP)


def test_suggestions_are_recorded_once_per_session(client, requester, published):
    article = published(title="Connexion au VPN")
    key = uuid.uuid4()
    client.force_login(requester)
    for _ in range(2):
        data = client.get(reverse("knowledge:suggest"), {"q": "vpn", "session": str(key)}).json()
    assert [item["id"] for item in data["results"]] == [article.pk]
    assert f"session={key}" in data["results"][0]["url"]
    assert SuggestionEvent.objects.filter(session__key=key).count() == 1


def test_suggestions_are_at_most_five(client, requester, published):
    for index in range(7):
        published(title=f"VPN {index}")
    client.force_login(requester)
    assert len(client.get(reverse("knowledge:suggest"), {"q": "vpn"}).json()["results"]) == 5


def test_short_query_suggests_nothing(client, requester, published):
    published(title="VPN")
    client.force_login(requester)
    assert client.get(reverse("knowledge:suggest"), {"q": "v"}).json() == {"results": []}


def test_opening_a_suggestion_then_leaving_is_a_deflection(client, requester, published):
    article = published(title="Connexion au VPN")
    key = uuid.uuid4()
    client.force_login(requester)
    url = client.get(reverse("knowledge:suggest"), {"q": "vpn", "session": str(key)}).json()["results"][0]["url"]
    client.get(url)
    event = SuggestionEvent.objects.get(session__key=key, article=article)
    assert event.opened_at is not None
    assert services.deflection_counts() == {"shown": 1, "opened": 1, "deflected": 1}


def test_opening_then_submitting_is_no_deflection_and_links_the_article(client, requester, published, category):
    article = published(title="Connexion au VPN")
    key = uuid.uuid4()
    client.force_login(requester)
    url = client.get(reverse("knowledge:suggest"), {"q": "vpn", "session": str(key)}).json()["results"][0]["url"]
    client.get(url)
    response = client.post(reverse("tickets:new"), _form(category, key))
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert services.deflection_counts() == {"shown": 1, "opened": 1, "deflected": 0}
    assert list(TicketArticle.objects.values_list("ticket_id", "article_id", "source")) == [
        (ticket.pk, article.pk, LinkSource.SUGGESTION)
    ]


def test_someone_elses_session_key_is_ignored(client, requester, published, category):
    from tests.factories import make_user

    published(title="Connexion au VPN")
    key = uuid.uuid4()
    other = make_user()
    client.force_login(other)
    client.get(reverse("knowledge:suggest"), {"q": "vpn", "session": str(key)})
    client.force_login(requester)
    client.post(reverse("tickets:new"), _form(category, key))
    session = DeflectionSession.objects.get(key=key)
    assert session.user == other and session.ticket is None
    assert not TicketArticle.objects.exists()


def test_a_bad_session_key_is_harmless(client, requester, published, category):
    published(title="Connexion au VPN")
    client.force_login(requester)
    assert client.get(reverse("knowledge:suggest"), {"q": "vpn", "session": "'; drop"}).status_code == 200
    assert client.post(reverse("tickets:new"), _form(category, "not-a-uuid")).status_code == 302
    assert not DeflectionSession.objects.exists()


def test_agent_ticket_page_shows_the_articles_seen(client, requester, agent, published, category):
    article = published(title="Connexion au VPN")
    key = uuid.uuid4()
    client.force_login(requester)
    url = client.get(reverse("knowledge:suggest"), {"q": "vpn", "session": str(key)}).json()["results"][0]["url"]
    client.get(url)
    client.post(reverse("tickets:new"), _form(category, key))
    ticket = Ticket.objects.get()
    client.force_login(agent)
    content = client.get(ticket.get_absolute_url()).content.decode()
    assert "Connexion au VPN" in content
    assert reverse("knowledge:article", args=[article.pk]) in content
    client.force_login(requester)
    assert "kb-panel-title" not in client.get(ticket.get_absolute_url()).content.decode()


def test_agent_inserts_an_article_in_the_requesters_language(client, requester, agent, published):
    article = published(title="Connexion au VPN")
    services.translation_save(
        article=article, language="nl", title="Verbinding met de VPN", summary="", body="Tekst", author=agent
    )
    requester.language = "nl"
    requester.save()
    ticket = open_ticket(requester)
    client.force_login(agent)
    response = client.post(
        reverse("knowledge:reply-link", args=[ticket.reference]),
        {"article": article.pk},
        HTTP_ACCEPT="application/json",
    )
    text = response.json()["text"]
    assert text.startswith("Verbinding met de VPN") and "lang=nl" in text
    assert TicketArticle.objects.filter(ticket=ticket, article=article, source=LinkSource.REPLY).exists()


def test_requester_cannot_use_agent_knowledge_actions(client, requester, published):
    article = published()
    ticket = open_ticket(requester)
    client.force_login(requester)
    assert (
        client.post(reverse("knowledge:reply-link", args=[ticket.reference]), {"article": article.pk}).status_code
        == 403
    )
    assert client.post(reverse("knowledge:draft-from-ticket", args=[ticket.reference])).status_code == 403


def test_agent_drafts_an_article_from_a_resolved_ticket(client, requester, agent):
    from tickets import services as ticket_services

    ticket = open_ticket(requester, title="Casque muet dans Teams")
    ticket_services.comment_add(ticket=ticket, author=agent, body="Choisissez Jabra dans Teams.")
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.RESOLVED, resolved_at=timezone.now())
    client.force_login(agent)
    response = client.post(reverse("knowledge:draft-from-ticket", args=[ticket.reference]))
    assert response.status_code == 302
    link = TicketArticle.objects.get(ticket=ticket, source=LinkSource.DRAFT)
    translation = link.article.translations.get()
    assert translation.title == "Casque muet dans Teams"
    assert "Jabra" in translation.body
    assert link.article.owner == agent and link.article.status == "draft"


def test_an_open_ticket_cannot_become_an_article(client, requester, agent):
    ticket = open_ticket(requester)
    client.force_login(agent)
    client.post(reverse("knowledge:draft-from-ticket", args=[ticket.reference]))
    assert not TicketArticle.objects.exists()


def test_suggest_query_ceiling(client, requester, published, django_assert_max_num_queries):
    for index in range(8):
        published(title=f"VPN {index}")
    client.force_login(requester)
    with django_assert_max_num_queries(14):
        assert (
            len(client.get(reverse("knowledge:suggest"), {"q": "vpn", "session": str(uuid.uuid4())}).json()["results"])
            == 5
        )


def test_agent_panel_query_count_does_not_grow_with_links(
    client, requester, agent, published, django_assert_max_num_queries
):
    ticket = open_ticket(requester)
    client.force_login(agent)
    url = ticket.get_absolute_url()
    services.article_link_for_reply(ticket=ticket, article=published(title="A"), actor=agent)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for index in range(6):
        services.article_link_for_reply(ticket=ticket, article=published(title=f"B{index}"), actor=agent)
    # Publishing cleared cached figures: warm them again so only the links can make a difference.
    client.get(url)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
