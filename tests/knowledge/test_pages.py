"""Pages as each role uses them, with query-count ceilings on every list."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from knowledge import services
from knowledge.models import ArticleFile, ArticleStatus, Version
from tests.knowledge.conftest import make_article


def _png() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (4, 4), "navy").save(output, format="PNG")
    return output.getvalue()


PNG = _png()


def test_reader_sees_their_language_first_and_others_with_a_notice(client, requester, published, agent):
    article = published(title="Réinitialiser votre mot de passe")
    services.translation_save(
        article=article, language="nl", title="Wachtwoord opnieuw instellen", summary="", body="Tekst", author=agent
    )
    requester.language = "nl"
    requester.save()
    client.force_login(requester)
    content = client.get(reverse("knowledge:article", args=[article.pk]), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "<h1>Wachtwoord opnieuw instellen</h1>" in content
    assert 'hreflang="fr"' in content


def test_missing_language_shows_a_notice(client, requester, published):
    article = published()
    requester.language = "en"
    requester.save()
    client.force_login(requester)
    content = client.get(reverse("knowledge:article", args=[article.pk])).content.decode()
    assert "not available in your language" in content


def test_help_centre_lists_with_a_query_ceiling(client, requester, published, django_assert_max_num_queries):
    for index in range(3):
        published(title=f"Article {index}", tags=["vpn"])
    client.force_login(requester)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("knowledge:home")).status_code == 200
    for index in range(3, 12):
        published(title=f"Article {index}", tags=["vpn"])
    with django_assert_max_num_queries(14):
        assert client.get(reverse("knowledge:home")).status_code == 200


def test_search_page_query_ceiling(client, requester, published, django_assert_max_num_queries):
    for index in range(12):
        published(title=f"Connexion VPN {index}")
    client.force_login(requester)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("knowledge:search"), {"q": "vpn"})
    assert response.content.decode().count('class="kb-snippet"') == 12


def test_manage_list_query_ceiling(client, agent, published, django_assert_max_num_queries):
    for index in range(12):
        published(title=f"Article {index}")
    client.force_login(agent)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("knowledge:manage"), {"status": "published"}).status_code == 200


def test_manage_list_ignores_unknown_status(client, agent, published):
    published()
    client.force_login(agent)
    assert client.get(reverse("knowledge:manage"), {"status": "drop table"}).status_code == 200


def test_api_list_query_ceiling(client, requester, published, django_assert_max_num_queries):
    for index in range(12):
        published(title=f"Article {index}", tags=["a", "b"])
    client.force_login(requester)
    with django_assert_max_num_queries(10):
        response = client.get("/api/v1/kb-articles/")
    assert response.json()["count"] == 12


def test_article_page_query_ceiling(client, requester, published, django_assert_max_num_queries):
    article = published(tags=["vpn"])
    for index in range(6):
        published(title=f"Related {index}", tags=["vpn"])
    client.force_login(requester)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("knowledge:article", args=[article.pk])).status_code == 200


def test_history_query_ceiling(client, agent, django_assert_max_num_queries):
    article = make_article(agent)
    for index in range(8):
        services.translation_save(article=article, language="fr", title="T", summary="", body=f"v{index}", author=agent)
    client.force_login(agent)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("knowledge:history", args=[article.pk])).status_code == 200


def test_agent_writes_then_second_agent_publishes_through_pages(client, agent, second_agent):
    client.force_login(agent)
    response = client.post(
        reverse("knowledge:new"),
        {"language": "nl", "title": "Printer toevoegen", "summary": "", "body": "Stappen", "audience": "staff"},
    )
    assert response.status_code == 302
    from knowledge.models import Article

    article = Article.objects.get()
    client.post(reverse("knowledge:status", args=[article.pk]), {"to": "review"})
    client.post(reverse("knowledge:status", args=[article.pk]), {"to": "published"})
    article.refresh_from_db()
    assert article.status == ArticleStatus.REVIEW
    client.force_login(second_agent)
    client.post(reverse("knowledge:status", args=[article.pk]), {"to": "published"})
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED


def test_editor_bad_input_saves_nothing(client, agent):
    client.force_login(agent)
    response = client.post(reverse("knowledge:new"), {"language": "fr", "title": "", "body": "", "audience": "x"})
    assert response.status_code == 400
    assert not Version.objects.exists()


def test_edit_saves_a_version_and_diff_compares(client, agent, second_agent):
    article = make_article(agent, body="ligne un\nligne deux")
    client.force_login(second_agent)
    url = reverse("knowledge:edit", args=[article.pk])
    client.post(url, {"language": "fr", "title": "Titre", "summary": "", "body": "ligne un\nligne trois"})
    version = Version.objects.get(translation__article=article, number=2)
    assert version.author == second_agent
    content = client.get(reverse("knowledge:diff", args=[version.pk])).content.decode()
    assert "-ligne deux" in content and "+ligne trois" in content
    client.post(reverse("knowledge:restore", args=[Version.objects.get(number=1).pk]))
    assert article.translations.get().body == "ligne un\nligne deux"


def test_meta_form_updates_tags_and_audience(client, agent):
    article = make_article(agent)
    client.force_login(agent)
    client.post(
        reverse("knowledge:edit", args=[article.pk]),
        {"meta-audience": "agents", "meta-tags": "vpn, Télétravail", "language": "fr"},
    )
    article.refresh_from_db()
    assert article.audience == "agents"
    assert sorted(article.tags.values_list("name", flat=True)) == ["télétravail", "vpn"]


def test_upload_is_checked_by_content_and_served_with_permission(client, agent, requester, published):
    article = published()
    client.force_login(agent)
    client.post(reverse("knowledge:upload", args=[article.pk]), {"file": SimpleUploadedFile("x.png", PNG)})
    client.post(
        reverse("knowledge:upload", args=[article.pk]),
        {"file": SimpleUploadedFile("evil.png", b"GIF89a<script>alert(1)</script>")},
    )
    item = ArticleFile.objects.get()
    client.force_login(requester)
    response = client.get(reverse("knowledge:file", args=[item.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client.get(reverse("knowledge:image", args=[item.pk]))["Content-Type"] == "image/png"


def test_files_of_hidden_articles_are_404(client, agent, requester):
    article = make_article(agent)
    item = services.article_file_add(article=article, uploaded_by=agent, upload=SimpleUploadedFile("x.png", PNG))
    client.force_login(requester)
    assert client.get(reverse("knowledge:file", args=[item.pk])).status_code == 404
    assert client.get(reverse("knowledge:image", args=[item.pk])).status_code == 404


@pytest.mark.parametrize("language", ["fr", "nl", "en"])
def test_help_centre_is_translated(client, requester, language):
    requester.language = language
    requester.save()
    client.force_login(requester)
    content = client.get(reverse("knowledge:home")).content.decode()
    expected = {"fr": "Centre d", "nl": "Helpcentrum", "en": "Help centre"}[language]
    assert expected in content
