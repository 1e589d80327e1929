from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from icity.models import Notification
from knowledge import services
from knowledge.models import Article, ArticleStatus, Version, Vote
from tests.knowledge.conftest import make_article


def test_every_saved_change_is_a_version_with_author(agent, second_agent):
    article = make_article(agent)
    services.translation_save(
        article=article,
        language="fr",
        title="Réinitialiser le mot de passe",
        summary="",
        body="v2",
        author=second_agent,
    )
    versions = list(Version.objects.filter(translation__article=article).order_by("number"))
    assert [(v.number, v.author_id) for v in versions] == [(1, agent.pk), (2, second_agent.pk)]
    assert article.translations.get().version == 2


def test_saving_the_same_text_makes_no_empty_version(agent):
    article = make_article(agent)
    translation = article.translations.get()
    services.translation_save(
        article=article,
        language="fr",
        title=translation.title,
        summary=translation.summary,
        body=translation.body,
        author=agent,
    )
    assert Version.objects.filter(translation=translation).count() == 1


def test_restore_brings_an_old_text_back_as_a_new_version(agent):
    article = make_article(agent, body="first text")
    services.translation_save(article=article, language="fr", title="T", summary="", body="second", author=agent)
    first = Version.objects.get(translation__article=article, number=1)
    translation = services.version_restore(version=first, actor=agent)
    assert translation.version == 3
    assert translation.body == "first text"
    assert Version.objects.filter(translation=translation).count() == 3


def test_the_author_cannot_publish_their_own_article(agent):
    article = make_article(agent, status=ArticleStatus.REVIEW)
    with pytest.raises(ValidationError):
        services.article_transition(article=article, actor=agent, to=ArticleStatus.PUBLISHED)
    article.refresh_from_db()
    assert article.status == ArticleStatus.REVIEW


def test_a_second_agent_publishes(agent, second_agent):
    article = make_article(agent, status=ArticleStatus.REVIEW)
    services.article_transition(article=article, actor=second_agent, to=ArticleStatus.PUBLISHED)
    article.refresh_from_db()
    assert (article.status, article.published_by_id) == (ArticleStatus.PUBLISHED, second_agent.pk)


def test_the_database_refuses_a_publisher_who_is_the_owner(agent):
    article = make_article(agent)
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(status=ArticleStatus.PUBLISHED, published_by=agent)


def test_the_database_refuses_published_without_publisher(agent):
    article = make_article(agent)
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(status=ArticleStatus.PUBLISHED)


def test_a_draft_cannot_jump_to_published(agent, second_agent):
    article = make_article(agent)
    with pytest.raises(ValidationError):
        services.article_transition(article=article, actor=second_agent, to=ArticleStatus.PUBLISHED)


def test_requesters_cannot_write(requester):
    with pytest.raises(ValidationError):
        make_article(requester)
    assert not Article.objects.exists()


def test_one_vote_per_person_and_version(published, requester, agent):
    article = published()
    translation = article.translations.get()
    services.article_vote(article=article, translation=translation, user=requester, helpful=True)
    with pytest.raises(ValidationError):
        services.article_vote(article=article, translation=translation, user=requester, helpful=False)
    services.translation_save(article=article, language="fr", title="New", summary="", body="new", author=agent)
    translation.refresh_from_db()
    services.article_vote(article=article, translation=translation, user=requester, helpful=False)
    assert Vote.objects.filter(user=requester).count() == 2


def test_the_database_refuses_a_second_vote(published, requester):
    article = published()
    version = Version.objects.get(translation__article=article)
    Vote.objects.create(version=version, user=requester, helpful=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(version=version, user=requester, helpful=False)


def test_review_reminder_goes_once_through_the_outbox(agent):
    article = make_article(agent)
    Article.objects.filter(pk=article.pk).update(review_by=date(2026, 1, 10))
    assert services.review_reminders_sweep(today=date(2026, 1, 9)) == 0
    assert services.review_reminders_sweep(today=date(2026, 1, 11)) == 1
    assert services.review_reminders_sweep(today=date(2026, 1, 12)) == 0
    rows = Notification.objects.filter(dedupe_key=f"knowledge:{article.pk}:review:2026-01-10")
    assert rows.count() == 1 and rows.get().to_email == agent.email


def test_review_reminder_again_for_a_new_date(agent):
    article = make_article(agent)
    Article.objects.filter(pk=article.pk).update(review_by=date(2026, 1, 10))
    services.review_reminders_sweep(today=date(2026, 1, 11))
    Article.objects.filter(pk=article.pk).update(review_by=date(2026, 6, 1))
    assert services.review_reminders_sweep(today=date(2026, 6, 2)) == 1


def test_archived_articles_are_not_reminded(agent):
    article = make_article(agent)
    services.article_transition(article=article, actor=agent, to=ArticleStatus.ARCHIVED)
    Article.objects.filter(pk=article.pk).update(review_by=date(2026, 1, 10))
    assert services.review_reminders_sweep(today=date(2026, 1, 11)) == 0
