"""Knowledge-base workflows. Each public function is one transaction and one story.

Writing locks the article row (``select_for_update``) so that an edit, a
publication and a restore never interleave; every saved text is a new
``Version`` (author, time); publishing is refused to the article's owner here
and by a database constraint.
"""

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from icity.outbox import notify_user
from tickets.uploads import as_files, check_upload

from .access import is_agent
from .models import (
    LANGUAGES,
    Article,
    ArticleFile,
    ArticleStatus,
    Audience,
    DeflectionSession,
    LinkSource,
    SuggestionEvent,
    Tag,
    TicketArticle,
    Translation,
    Version,
    Vote,
    pick_translation,
)
from .rendering import plain_text, render_markdown, strip_markers, unaccent

S = ArticleStatus
TRANSITIONS = {
    S.DRAFT: {S.REVIEW, S.ARCHIVED},
    S.REVIEW: {S.DRAFT, S.PUBLISHED, S.ARCHIVED},
    S.PUBLISHED: {S.ARCHIVED, S.DRAFT},
    S.ARCHIVED: {S.DRAFT},
}
VECTOR_SQL = """
UPDATE knowledge_translation SET search_vector =
    setweight(to_tsvector(%(config)s::regconfig, title), 'A')
    || setweight(to_tsvector(%(config)s::regconfig, summary || ' ' || %(tags)s), 'B')
    || setweight(to_tsvector(%(config)s::regconfig, left(plain_text, 100000)), 'C')
WHERE id = %(id)s
"""
CONFIGS = {"fr": "kb_french", "nl": "kb_dutch", "en": "kb_english"}


def _require_agent(user) -> None:
    if not is_agent(user):
        raise ValidationError(_("Only helpdesk agents write articles."), code="forbidden")


def _locked(article: Article) -> Article:
    return Article.objects.select_for_update().get(pk=article.pk)


def refresh_search_vector(translation: Translation, tags: str | None = None) -> None:
    """Rebuild one translation's full-text vector (PostgreSQL only; SQLite searches the plain text)."""
    if connection.vendor != "postgresql":
        return
    if tags is None:
        tags = " ".join(translation.article.tags.values_list("name", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(
            VECTOR_SQL, {"config": CONFIGS[translation.language], "tags": tags.replace("-", " "), "id": translation.pk}
        )


def _apply_text(translation: Translation, *, title: str, summary: str, body: str) -> None:
    translation.title = strip_markers(title).strip()
    translation.summary = strip_markers(summary).strip()
    translation.body = strip_markers(body)
    translation.body_html = render_markdown(translation.body)
    translation.plain_text = strip_markers(plain_text(translation.body_html))
    translation.title_plain = unaccent(translation.title)[:200]


def article_create(
    *,
    author,
    language: str,
    title: str,
    summary: str,
    body: str,
    category=None,
    audience: str = Audience.STAFF,
    tags: list[str] | None = None,
    review_by: date | None = None,
) -> Article:
    """A new draft article owned by its author, with its first translation at version 1."""
    _require_agent(author)
    with transaction.atomic():
        article = Article.objects.create(
            owner=author, category=category, audience=audience, review_by=review_by, status=S.DRAFT
        )
        if tags:
            article.tags.set(_tags(tags))
        translation_save(article=article, language=language, title=title, summary=summary, body=body, author=author)
    return article


def _tags(names: list[str]) -> list[Tag]:
    tags = []
    for name in names[:20]:
        name = name.strip().lower()[:50]
        if name:
            tags.append(Tag.objects.get_or_create(name=name)[0])
    return tags


def article_update(*, article: Article, actor, category, audience: str, tags: list[str], review_by) -> Article:
    """Change what is not text (category, audience, tags, review date)."""
    _require_agent(actor)
    with transaction.atomic():
        article = _locked(article)
        article.category = category
        article.audience = audience
        article.review_by = review_by
        article.updated_at = timezone.now()
        article.save(update_fields=["category", "audience", "review_by", "updated_at"])
        article.tags.set(_tags(tags))
        tag_text = " ".join(tag.name for tag in article.tags.all())
        for translation in article.translations.all():
            refresh_search_vector(translation, tag_text)
    return article


def translation_save(*, article: Article, language: str, title: str, summary: str, body: str, author) -> Translation:
    """Save one language's text as a new version (creating the translation the first time)."""
    _require_agent(author)
    if language not in LANGUAGES:
        raise ValidationError(_("Unknown language."), code="language")
    if not title.strip() or not body.strip():
        raise ValidationError(_("An article needs a title and a text."), code="empty")
    with transaction.atomic():
        article = _locked(article)
        translation = Translation.objects.filter(article=article, language=language).first()
        now = timezone.now()
        if translation is None:
            translation = Translation(article=article, language=language, version=1, updated_at=now)
            _apply_text(translation, title=title, summary=summary, body=body)
            translation.save()
        else:
            if (translation.title, translation.summary, translation.body) == (
                title.strip(),
                summary.strip(),
                body,
            ):
                return translation  # nothing changed: no empty version
            _apply_text(translation, title=title, summary=summary, body=body)
            translation.version = F("version") + 1
            translation.updated_at = now
            translation.save()
            translation.refresh_from_db(fields=["version"])
        Version.objects.create(
            translation=translation,
            number=translation.version,
            title=translation.title,
            summary=translation.summary,
            body=translation.body,
            author=author,
            created_at=now,
        )
        article.updated_at = now
        article.save(update_fields=["updated_at"])
        refresh_search_vector(translation)
    return translation


def version_restore(*, version: Version, actor) -> Translation:
    """Bring an earlier version back: saved as a new version, history untouched."""
    translation = version.translation
    return translation_save(
        article=translation.article,
        language=translation.language,
        title=version.title,
        summary=version.summary,
        body=version.body,
        author=actor,
    )


def article_transition(*, article: Article, actor, to: str) -> Article:
    """Move an article through draft -> in review -> published -> archived.

    Publishing takes a second agent: never the article's owner (and the database refuses it too).
    """
    _require_agent(actor)
    with transaction.atomic():
        article = _locked(article)
        if to not in TRANSITIONS.get(article.status, set()):
            raise ValidationError(_("This article cannot go to that state now."), code="transition")
        fields = ["status", "updated_at"]
        if to == S.PUBLISHED:
            if actor.pk == article.owner_id:
                raise ValidationError(_("A second agent must publish this article: you wrote it."), code="four_eyes")
            article.published_by = actor
            article.published_at = timezone.now()
            fields += ["published_by", "published_at"]
        elif article.status == S.PUBLISHED:
            article.published_by = None
            fields.append("published_by")
        article.status = to
        article.updated_at = timezone.now()
        article.save(update_fields=fields)
    return article


def article_vote(*, article: Article, translation: Translation, user, helpful: bool, comment: str = "") -> Vote:
    """One vote per person and version: a second vote on the same version is refused."""
    version = Version.objects.filter(translation=translation, number=translation.version).first()
    if version is None or translation.article_id != article.pk:
        raise ValidationError(_("This article cannot be rated."), code="invalid")
    try:
        with transaction.atomic():
            return Vote.objects.create(version=version, user=user, helpful=helpful, comment=comment.strip()[:1000])
    except IntegrityError:
        raise ValidationError(_("You already rated this version of the article."), code="duplicate") from None


def article_file_add(*, article: Article, uploaded_by, upload) -> ArticleFile:
    """An image or document, checked by content the way ticket attachments are."""
    _require_agent(uploaded_by)
    checked = check_upload(upload)
    file, thumbnail = as_files(checked)
    item = ArticleFile(
        article=article,
        uploaded_by=uploaded_by,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=len(checked.content),
        sha256=checked.sha256,
    )
    item.file.save("upload", file, save=False)
    if thumbnail is not None:
        item.thumbnail.save("thumbnail", thumbnail, save=False)
    try:
        item.save()
    except Exception:
        item.file.delete(save=False)
        if item.thumbnail:
            item.thumbnail.delete(save=False)
        raise
    return item


# Reading and deflection -------------------------------------------------------------------------


def parse_session_key(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value or ""))
    except ValueError:
        return None


def _session_for(user, key) -> DeflectionSession | None:
    """The person's own session for ``key`` (created on first use); someone else's key is ignored."""
    key = parse_session_key(key)
    if key is None:
        return None
    session, _created = DeflectionSession.objects.get_or_create(key=key, defaults={"user": user})
    return session if session.user_id == user.pk and session.ticket_id is None else None


def suggestions_record(*, user, session_key, article_ids: list[int]) -> None:
    """The new-ticket form showed these suggestions (once per session and article)."""
    if not article_ids:
        return
    with transaction.atomic():
        session = _session_for(user, session_key)
        if session is None:
            return
        SuggestionEvent.objects.bulk_create(
            [SuggestionEvent(session=session, article_id=article_id) for article_id in article_ids],
            ignore_conflicts=True,
        )


def article_record_view(*, article: Article, user, session_key=None) -> None:
    """Count a view; opened from the new-ticket suggestions, record that too."""
    with transaction.atomic():
        Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)
        if session_key:
            session = _session_for(user, session_key)
            if session is not None:
                event, _created = SuggestionEvent.objects.get_or_create(session=session, article=article)
                if event.opened_at is None:
                    SuggestionEvent.objects.filter(pk=event.pk).update(opened_at=timezone.now())


def ticket_opened_from_form(*, ticket, user, session_key) -> int:
    """The person submitted the form: close their session and link the articles they opened to the ticket."""
    key = parse_session_key(session_key)
    if key is None:
        return 0
    with transaction.atomic():
        session = (
            DeflectionSession.objects.select_for_update()
            .filter(key=key, user=user, ticket__isnull=True, submitted_at__isnull=True)
            .first()
        )
        if session is None:
            return 0
        session.ticket = ticket
        session.submitted_at = timezone.now()
        session.save(update_fields=["ticket", "submitted_at"])
        opened = list(session.events.filter(opened_at__isnull=False).values_list("article_id", flat=True))
        TicketArticle.objects.bulk_create(
            [
                TicketArticle(ticket=ticket, article_id=article_id, source=LinkSource.SUGGESTION)
                for article_id in opened
            ],
            ignore_conflicts=True,
        )
    return len(opened)


def deflection_counts(*, start=None, end=None) -> dict:
    """Forms that showed suggestions, of which an article was opened, of which never submitted (deflected)."""
    sessions = DeflectionSession.objects.all()
    if start is not None:
        sessions = sessions.filter(started_at__gte=start)
    if end is not None:
        sessions = sessions.filter(started_at__lt=end)
    opened = sessions.filter(events__opened_at__isnull=False).distinct()
    return {
        "shown": sessions.count(),
        "opened": opened.count(),
        "deflected": opened.filter(ticket__isnull=True, submitted_at__isnull=True).count(),
    }


# Agents at the ticket ---------------------------------------------------------------------------


def article_link_for_reply(*, ticket, article: Article, actor) -> str:
    """Markdown-free text for a reply: the title and link in the requester's language; records the link."""
    _require_agent(actor)
    language = getattr(ticket.requester, "language", "") or settings.LANGUAGE_CODE
    translation = pick_translation(article.translations.all(), language)
    with transaction.atomic():
        TicketArticle.objects.get_or_create(ticket=ticket, article=article, source=LinkSource.REPLY)
    url = (
        f"{settings.SITE_URL.rstrip('/')}{reverse('knowledge:article', args=[article.pk])}?lang={translation.language}"
    )
    return f"{translation.title}: {url}"


def article_draft_from_ticket(*, ticket, author) -> Article:
    """A draft whose title is the ticket's subject and whose text is the resolving public reply."""
    _require_agent(author)
    reply = ticket.comments.filter(is_internal=False).exclude(author_id=ticket.requester_id).order_by("-created_at")
    reply = reply.first()
    body = (reply.body if reply else ticket.description) or ticket.title
    language = getattr(ticket.requester, "language", "") or "fr"
    with transaction.atomic():
        article = article_create(
            author=author,
            language=language if language in LANGUAGES else "fr",
            title=ticket.title,
            summary="",
            body=f"{body}\n",
            category=ticket.category,
        )
        TicketArticle.objects.create(ticket=ticket, article=article, source=LinkSource.DRAFT)
    return article


# Review reminders -------------------------------------------------------------------------------


def review_reminders_sweep(*, today: date | None = None) -> int:
    """Remind each owner once per review date that has passed (the outbox dedupes repeats too)."""
    today = today or timezone.localdate()
    due = (
        Article.objects.filter(review_by__lte=today)
        .exclude(status=S.ARCHIVED)
        .exclude(review_reminded_for=F("review_by"))
    )
    sent = 0
    for article_id in due.values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            article = Article.objects.select_for_update().select_related("owner").get(pk=article_id)
            if (
                article.review_by is None
                or article.review_by > today
                or article.review_reminded_for == article.review_by
            ):
                continue
            translation = pick_translation(article.translations.all(), article.owner.language)
            notify_user(
                user=article.owner,
                dedupe_key=f"knowledge:{article.pk}:review:{article.review_by.isoformat()}",
                template="knowledge_review_due",
                context={
                    "title": translation.title if translation else str(article),
                    "review_by": article.review_by.isoformat(),
                    "url": f"{settings.SITE_URL.rstrip('/')}{reverse('knowledge:edit', args=[article.pk])}",
                },
            )
            article.review_reminded_for = article.review_by
            article.save(update_fields=["review_reminded_for"])
            sent += 1
    return sent


def next_review_date(days: int = 365) -> date:
    return timezone.localdate() + timedelta(days=days)
