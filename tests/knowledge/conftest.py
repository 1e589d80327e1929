import pytest

from icity.roles import Role
from knowledge import services
from knowledge.models import ArticleStatus, Audience
from tests.factories import make_user


@pytest.fixture
def second_agent(db):
    return make_user(Role.REQUESTER, Role.AGENT, language="nl")


def make_article(
    author,
    *,
    title="Réinitialiser votre mot de passe",
    body="Cliquez sur **Mot de passe oublié**.",
    summary="Le changer vous-même.",
    language="fr",
    audience=Audience.STAFF,
    publisher=None,
    status=ArticleStatus.DRAFT,
    tags=None,
    category=None,
):
    article = services.article_create(
        author=author,
        language=language,
        title=title,
        summary=summary,
        body=body,
        audience=audience,
        tags=tags or [],
        category=category,
    )
    if status in (ArticleStatus.REVIEW, ArticleStatus.PUBLISHED):
        services.article_transition(article=article, actor=author, to=ArticleStatus.REVIEW)
    if status == ArticleStatus.PUBLISHED:
        services.article_transition(article=article, actor=publisher, to=ArticleStatus.PUBLISHED)
    article.refresh_from_db()
    return article


@pytest.fixture
def published(agent, second_agent):
    def factory(**kwargs):
        kwargs.setdefault("status", ArticleStatus.PUBLISHED)
        return make_article(agent, publisher=second_agent, **kwargs)

    return factory
