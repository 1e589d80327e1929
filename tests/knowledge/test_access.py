"""Staff never see drafts or internal articles: pages, search, suggestions, API (404/403, never an empty shell)."""

import pytest
from django.urls import reverse

from knowledge.models import ArticleStatus, Audience
from tests.knowledge.conftest import make_article


@pytest.fixture
def articles(agent, published):
    return {
        "public": published(title="Connexion au VPN public"),
        "internal": published(title="Procédure VPN interne", audience=Audience.AGENTS),
        "draft": make_article(agent, title="Brouillon VPN secret"),
        "review": make_article(agent, title="Relecture VPN en attente", status=ArticleStatus.REVIEW),
    }


@pytest.mark.parametrize("name", ["internal", "draft", "review"])
def test_requester_gets_404_on_hidden_article_page(client, requester, articles, name):
    client.force_login(requester)
    assert client.get(reverse("knowledge:article", args=[articles[name].pk])).status_code == 404


@pytest.mark.parametrize("name", ["internal", "draft", "review"])
def test_requester_gets_404_on_hidden_article_api(client, requester, articles, name):
    client.force_login(requester)
    assert client.get(f"/api/v1/kb-articles/{articles[name].pk}/").status_code == 404


def test_requester_reads_published_article(client, requester, articles):
    client.force_login(requester)
    response = client.get(reverse("knowledge:article", args=[articles["public"].pk]))
    assert response.status_code == 200
    assert "Connexion au VPN public" in response.content.decode()


def test_agent_reads_drafts_and_internal(client, agent, articles):
    client.force_login(agent)
    for name in ("internal", "draft", "review"):
        assert client.get(reverse("knowledge:article", args=[articles[name].pk])).status_code == 200


def test_requester_search_suggest_and_lists_show_only_public(client, requester, articles):
    client.force_login(requester)
    pages = [
        client.get(reverse("knowledge:search"), {"q": "vpn"}).content.decode(),
        client.get(reverse("knowledge:suggest"), {"q": "vpn"}).content.decode(),
        client.get(reverse("knowledge:home")).content.decode(),
        client.get("/api/v1/kb-articles/").content.decode(),
        client.get("/api/v1/kb-search/", {"q": "vpn"}).content.decode(),
    ]
    for content in pages:
        assert "secret" not in content and "interne" not in content and "attente" not in content
    assert "Connexion au VPN public" in pages[0] and "Connexion au VPN public" in pages[1]


def test_agent_search_includes_internal_but_never_drafts(client, agent, articles):
    client.force_login(agent)
    content = client.get(reverse("knowledge:search"), {"q": "vpn"}).content.decode()
    assert "Procédure VPN interne" in content
    assert "Brouillon" not in content and "Relecture" not in content


@pytest.mark.parametrize("url_name", ["knowledge:manage", "knowledge:new"])
def test_requester_cannot_open_the_editor(client, requester, url_name):
    client.force_login(requester)
    assert client.get(reverse(url_name)).status_code == 403


def test_requester_cannot_edit_or_publish(client, requester, articles):
    client.force_login(requester)
    article = articles["review"]
    assert client.get(reverse("knowledge:edit", args=[article.pk])).status_code == 403
    assert client.post(reverse("knowledge:status", args=[article.pk]), {"to": "published"}).status_code == 403
    article.refresh_from_db()
    assert article.status == ArticleStatus.REVIEW


def test_anonymous_is_sent_to_sign_in(client, articles):
    assert client.get(reverse("knowledge:home")).status_code == 302
    assert client.get(reverse("knowledge:suggest"), {"q": "vpn"}).status_code == 302
    assert client.get("/api/v1/kb-articles/").status_code in (401, 403)


def test_api_write_is_for_agents(client, requester, agent):
    payload = {"language": "fr", "title": "Titre", "body": "Texte", "status": "published", "owner": requester.pk}
    client.force_login(requester)
    assert client.post("/api/v1/kb-articles/", payload, content_type="application/json").status_code == 403
    client.force_login(agent)
    response = client.post("/api/v1/kb-articles/", payload, content_type="application/json")
    assert response.status_code == 201
    # status and owner are never mass-assignable
    assert response.json()["status"] == "draft"


def test_api_publish_needs_a_second_agent(client, agent, second_agent):
    article = make_article(agent, status=ArticleStatus.REVIEW)
    client.force_login(agent)
    url = f"/api/v1/kb-articles/{article.pk}/transition/"
    assert client.post(url, {"to": "published"}, content_type="application/json").status_code == 400
    client.force_login(second_agent)
    assert client.post(url, {"to": "published"}, content_type="application/json").status_code == 200
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED


def test_api_bad_input_saves_nothing(client, agent):
    from knowledge.models import Article

    client.force_login(agent)
    response = client.post("/api/v1/kb-articles/", {"language": "de", "title": ""}, content_type="application/json")
    assert response.status_code == 400
    assert not Article.objects.exists()


def test_api_vote_once(client, requester, articles):
    client.force_login(requester)
    url = f"/api/v1/kb-articles/{articles['public'].pk}/vote/"
    assert client.post(url, {"language": "fr", "helpful": True}, content_type="application/json").status_code == 201
    assert client.post(url, {"language": "fr", "helpful": False}, content_type="application/json").status_code == 400


def test_requester_cannot_vote_on_hidden(client, requester, articles):
    client.force_login(requester)
    response = client.post(f"/api/v1/kb-articles/{articles['internal'].pk}/vote/", {"language": "fr", "helpful": True})
    assert response.status_code == 404
    assert client.post(reverse("knowledge:vote", args=[articles["draft"].pk]), {"helpful": "yes"}).status_code == 404


def test_page_vote_once_per_version(client, requester, articles):
    from knowledge.models import Vote

    client.force_login(requester)
    url = reverse("knowledge:vote", args=[articles["public"].pk])
    client.post(url, {"helpful": "yes", "language": "fr", "comment": "Merci"})
    client.post(url, {"helpful": "no", "language": "fr"})
    assert list(Vote.objects.values_list("helpful", "comment")) == [(True, "Merci")]


def test_page_vote_bad_input_saves_nothing(client, requester, articles):
    from knowledge.models import Vote

    client.force_login(requester)
    client.post(reverse("knowledge:vote", args=[articles["public"].pk]), {"helpful": "maybe", "language": "fr"})
    assert not Vote.objects.exists()
