"""Demo knowledge base: 32 articles in FR/NL/EN (a few internal), published by a second agent, with views and votes."""

import random

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from icity.models import Department, User
from icity.roles import Role
from tickets.models import Category

from . import services
from .demo_articles import ARTICLES
from .models import ArticleStatus, Translation, Version, Vote

DEMO_PASSWORD = "icity-demo-2026"
REVIEWER_EMAIL = "reviewer@icity.example"
# A few articles stay in the workflow so the "Articles" page shows every state.
UNPUBLISHED = {"citrix": ArticleStatus.REVIEW, "satisfaction-survey": ArticleStatus.DRAFT}


def demo_agents() -> tuple[User, User]:
    """The demo agent writes; a second agent (Nora, Dutch-speaking team lead) publishes."""
    author = User.objects.filter(email="agent@icity.example").first()
    reviewer = User.objects.filter(email=REVIEWER_EMAIL).first()
    if reviewer is None:
        reviewer = User.objects.create(
            email=REVIEWER_EMAIL,
            first_name="Nora",
            last_name="Peeters",
            language="nl",
            password=make_password(DEMO_PASSWORD),
            department=Department.objects.filter(code="icity").first(),
        )
        reviewer.groups.set([Group.objects.get_or_create(name=role)[0] for role in (Role.REQUESTER, Role.AGENT)])
    if author is None:
        author = reviewer  # never happens with the icity seeder, which runs first
    return author, reviewer


def seed_knowledge(*, rng: random.Random, stdout=None, **kwargs) -> None:
    """The registered seeder: idempotent (an article is made once, found by its French title)."""
    author, reviewer = demo_agents()
    existing = set(Translation.objects.filter(language="fr").values_list("title", flat=True))
    categories = {category.name_fr: category for category in Category.objects.all()}
    made = 0
    for entry in ARTICLES:
        title_fr = entry["fr"][0]
        if title_fr in existing:
            continue
        with transaction.atomic():
            fr_title, fr_summary, fr_body = entry["fr"]
            article = services.article_create(
                author=author,
                language="fr",
                title=fr_title,
                summary=fr_summary,
                body=fr_body,
                category=categories.get(entry["category"]),
                audience=entry["audience"],
                tags=entry["tags"],
                review_by=services.next_review_date(rng.randint(-20, 300)),
            )
            for language in ("nl", "en"):
                title, summary, body = entry[language]
                services.translation_save(
                    article=article, language=language, title=title, summary=summary, body=body, author=author
                )
            target = UNPUBLISHED.get(entry["key"], ArticleStatus.PUBLISHED)
            if target != ArticleStatus.DRAFT:
                services.article_transition(article=article, actor=author, to=ArticleStatus.REVIEW)
            if target == ArticleStatus.PUBLISHED:
                services.article_transition(article=article, actor=reviewer, to=ArticleStatus.PUBLISHED)
                article.view_count = rng.randint(5, 400)
                article.save(update_fields=["view_count"])
            made += 1
    if made:
        _votes(rng)
    if stdout is not None and made:
        stdout.write(f"  {made} knowledge-base articles")


def _votes(rng: random.Random) -> None:
    voters = list(User.objects.filter(groups__name=Role.REQUESTER).order_by("pk").values_list("pk", flat=True)[:60])
    versions = list(
        Version.objects.filter(translation__article__status=ArticleStatus.PUBLISHED)
        .filter(number=1)
        .values_list("pk", flat=True)
    )
    votes = []
    for version_id in versions:
        for user_id in rng.sample(voters, min(len(voters), rng.randint(0, 6))):
            votes.append(Vote(version_id=version_id, user_id=user_id, helpful=rng.random() < 0.8))
    Vote.objects.bulk_create(votes, ignore_conflicts=True)
