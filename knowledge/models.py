"""The knowledge base: articles in FR/NL/EN, their versions, votes, files and the deflection record.

An ``Article`` is the language-independent record (category, audience,
workflow, owner); each language is a ``Translation`` whose every saved change
is a ``Version``. Votes count once per person and version (a unique
constraint). ``DeflectionSession`` and ``SuggestionEvent`` record what the
new-ticket form suggested and what the person opened; ``TicketArticle`` ties
articles to tickets (seen before submitting, sent in a reply, drafted from).
Tickets never import this module: knowledge points at tickets, not the reverse.
"""

import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

LANGUAGES = ("fr", "nl", "en")


class Language(models.TextChoices):
    FR = "fr", _("French")
    NL = "nl", _("Dutch")
    EN = "en", _("English")


class Audience(models.TextChoices):
    STAFF = "staff", _("All staff")
    AGENTS = "agents", _("Agents only")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Tag(models.Model):
    name = models.SlugField(_("name"), max_length=50, unique=True, allow_unicode=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    category = models.ForeignKey(
        "tickets.Category", verbose_name=_("category"), null=True, blank=True, on_delete=models.SET_NULL
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="articles")
    audience = models.CharField(_("audience"), max_length=10, choices=Audience, default=Audience.STAFF)
    status = models.CharField(_("status"), max_length=10, choices=ArticleStatus, default=ArticleStatus.DRAFT)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="kb_articles"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    review_by = models.DateField(_("review by"), null=True, blank=True)
    # The review date last reminded about: a sweep reminds once per date (and the outbox dedupes too).
    review_reminded_for = models.DateField(null=True, blank=True, editable=False)
    view_count = models.PositiveIntegerField(_("views"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            # Four eyes: whoever publishes is never the article's owner.
            models.CheckConstraint(
                condition=Q(published_by__isnull=True) | ~Q(published_by=F("owner")),
                name="kb_article_publisher_not_owner",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_by__isnull=False),
                name="kb_article_published_has_publisher",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "audience", "-updated_at"], name="kb_article_list"),
            models.Index(fields=["status", "audience", "-view_count"], name="kb_article_popular"),
            models.Index(fields=["review_by"], name="kb_article_review_by"),
        ]

    def __str__(self) -> str:
        return f"KB-{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("knowledge:article", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED


class Translation(models.Model):
    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="translations"
    )
    language = models.CharField(_("language"), max_length=2, choices=Language)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("text (Markdown)"))
    # Derived on every save by services.translation_save: sanitised HTML, plain text for
    # snippets, an unaccented lower-case title for trigram matching, the full-text vector.
    body_html = models.TextField(editable=False, default="")
    plain_text = models.TextField(editable=False, default="")
    title_plain = models.CharField(max_length=200, editable=False, default="")
    search_vector = SearchVectorField(null=True, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [models.UniqueConstraint(fields=["article", "language"], name="kb_one_translation_per_language")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{reverse('knowledge:article', args=[self.article_id])}?lang={self.language}"


class Version(models.Model):
    translation = models.ForeignKey(
        Translation, verbose_name=_("translation"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("text (Markdown)"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("saved"), default=timezone.now)

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        constraints = [models.UniqueConstraint(fields=["translation", "number"], name="kb_version_number_unique")]

    def __str__(self) -> str:
        return f"{self.translation_id} v{self.number}"


class Vote(models.Model):
    version = models.ForeignKey(Version, verbose_name=_("version"), on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE)
    helpful = models.BooleanField(_("helpful"))
    comment = models.TextField(_("comment"), blank=True, max_length=1000)
    created_at = models.DateTimeField(_("voted"), default=timezone.now)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [models.UniqueConstraint(fields=["version", "user"], name="kb_one_vote_per_person_version")]
        indexes = [models.Index(fields=["created_at"], name="kb_vote_created")]

    def __str__(self) -> str:
        return f"{self.version_id}: {'+' if self.helpful else '-'}"


def file_path(instance, filename: str) -> str:
    return f"knowledge/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class ArticleFile(models.Model):
    """An image or document of an article: checked by content like ticket attachments, served as a download."""

    article = models.ForeignKey(Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to=file_path, max_length=200)
    thumbnail = models.FileField(_("thumbnail"), upload_to=file_path, max_length=200, blank=True)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("article file")
        verbose_name_plural = _("article files")

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("knowledge:file", args=[self.pk])


class DeflectionSession(models.Model):
    """One visit of the new-ticket form that showed suggestions.

    Opened an article and never submitted = a deflection (KB01). The key is made
    by the page's script and only ever belongs to the person who started it.
    """

    key = models.UUIDField(unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    ticket = models.OneToOneField(
        "tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="kb_deflection"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("suggestion session")
        verbose_name_plural = _("suggestion sessions")
        indexes = [models.Index(fields=["started_at"], name="kb_session_started")]

    def __str__(self) -> str:
        return str(self.key)


class SuggestionEvent(models.Model):
    session = models.ForeignKey(DeflectionSession, on_delete=models.CASCADE, related_name="events")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    shown_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        constraints = [models.UniqueConstraint(fields=["session", "article"], name="kb_suggestion_once")]

    def __str__(self) -> str:
        return f"{self.session_id}/{self.article_id}"


class LinkSource(models.TextChoices):
    SUGGESTION = "suggestion", _("Read before submitting")
    REPLY = "reply", _("Sent in a reply")
    DRAFT = "draft", _("Drafted from this ticket")


class TicketArticle(models.Model):
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="kb_links")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="ticket_links")
    source = models.CharField(max_length=12, choices=LinkSource)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("article linked to a ticket")
        verbose_name_plural = _("articles linked to tickets")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "article", "source"], name="kb_ticket_article_once"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}/{self.article_id}"


def pick_translation(translations, language: str | None = None):
    """The reader's language first, then French, Dutch, English."""
    language = language or get_language() or "fr"
    by_language = {item.language: item for item in translations}
    for code in (language, *LANGUAGES):
        if code in by_language:
            return by_language[code]
    return None
