"""Who reads what. Every page, search, suggestion and API call goes through here.

- Everyone signed in reads published articles for all staff.
- Agents also read published internal (agents-only) articles, and open any
  article in any state to write, review or publish it.
- Nobody else ever learns a draft or an internal article exists: 404.
"""

from django.db.models import QuerySet
from django.http import Http404

from icity.roles import Role, has_role

from .models import Article, ArticleStatus, Audience


def is_agent(user) -> bool:
    return user.is_authenticated and has_role(user, Role.AGENT)


def audiences_for(user) -> list[str]:
    return [Audience.STAFF, Audience.AGENTS] if is_agent(user) else [Audience.STAFF]


def published_for(user) -> QuerySet[Article]:
    """What the help centre, search, suggestions and the read API list: published, in the person's audience."""
    if not user.is_authenticated:
        return Article.objects.none()
    return Article.objects.filter(status=ArticleStatus.PUBLISHED, audience__in=audiences_for(user))


def readable_for(user) -> QuerySet[Article]:
    """What an article page opens: agents open every article (to review it), others only published ones."""
    if is_agent(user):
        return Article.objects.all()
    return published_for(user)


def get_article_for_user(user, article_id: int) -> Article:
    try:
        return readable_for(user).select_related("category", "owner", "published_by").get(pk=article_id)
    except Article.DoesNotExist:
        raise Http404 from None
