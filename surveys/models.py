"""Survey definitions, campaigns, invitations and answers.

Anonymity is a property of the schema, not of the code that reads it: for an
anonymous campaign a ``Response`` carries no user and no invitation, its id is
random and it keeps only the day it was submitted, so no table can be joined
back to a person (see docs/surveys.md).
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from icity.models import Department


def _localised(obj, field: str, language: str | None = None) -> str:
    language = (language or get_language() or "fr")[:2]
    if language not in ("fr", "nl", "en"):
        language = "fr"
    return getattr(obj, f"{field}_{language}") or getattr(obj, f"{field}_fr")


def new_token() -> str:
    """An unguessable, URL-safe invitation token (256 bits of randomness)."""
    return secrets.token_urlsafe(32)


class Survey(models.Model):
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_nl = models.CharField(_("title (Dutch)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    intro_fr = models.TextField(_("introduction (French)"), blank=True)
    intro_nl = models.TextField(_("introduction (Dutch)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    copied_from = models.ForeignKey(
        "self", verbose_name=_("copied from"), null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("surveys:survey-detail", args=[self.pk])

    @property
    def title(self) -> str:
        return _localised(self, "title")

    def title_in(self, language: str) -> str:
        return _localised(self, "title", language)

    def intro_in(self, language: str) -> str:
        return _localised(self, "intro", language)


class Section(models.Model):
    class Key(models.TextChoices):
        """What a section is about, whatever its titles say: the KPIs (SV01-SV03) read sections by it."""

        HELPDESK = "helpdesk", _("Helpdesk")
        HARDWARE = "hardware", _("Hardware")
        APPLICATIONS = "applications", _("Applications")

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(_("position"))
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_nl = models.CharField(_("title (Dutch)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    key = models.CharField(
        _("subject"),
        max_length=20,
        choices=Key,
        blank=True,
        help_text=_("What the section is about, for the satisfaction KPIs; titles may be reworded freely."),
    )

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [
            models.UniqueConstraint(fields=["survey", "position"], name="survey_section_position_unique"),
            models.UniqueConstraint(
                fields=["survey", "key"], condition=~models.Q(key=""), name="survey_section_key_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(key__in=["", "helpdesk", "hardware", "applications"]),
                name="survey_section_key_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return _localised(self, "title")

    def title_in(self, language: str) -> str:
        return _localised(self, "title", language)


class Question(models.Model):
    class Kind(models.TextChoices):
        RATING = "rating", _("Rating 1–5")
        NPS = "nps", _("Recommendation 0–10 (NPS)")
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        TEXT = "text", _("Free text")

    section = models.ForeignKey(Section, verbose_name=_("section"), on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("type"), max_length=10, choices=Kind)
    required = models.BooleanField(_("required"), default=True)
    text_fr = models.CharField(_("question (French)"), max_length=500)
    text_nl = models.CharField(_("question (Dutch)"), max_length=500)
    text_en = models.CharField(_("question (English)"), max_length=500, blank=True)
    # The question this one was copied from: results compare them across campaigns.
    copied_from = models.ForeignKey(
        "self", verbose_name=_("copied from"), null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(fields=["section", "position"], name="survey_question_position_unique"),
            models.CheckConstraint(
                condition=models.Q(kind__in=["rating", "nps", "single", "multiple", "text"]),
                name="survey_question_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return _localised(self, "text")

    def text_in(self, language: str) -> str:
        return _localised(self, "text", language)

    @property
    def has_choices(self) -> bool:
        return self.kind in (self.Kind.SINGLE, self.Kind.MULTIPLE)

    @property
    def is_scored(self) -> bool:
        return self.kind in (self.Kind.RATING, self.Kind.NPS)

    @property
    def scale(self) -> range:
        return range(1, 6) if self.kind == self.Kind.RATING else range(0, 11)


class Choice(models.Model):
    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(_("position"))
    label_fr = models.CharField(_("label (French)"), max_length=200)
    label_nl = models.CharField(_("label (Dutch)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        constraints = [
            models.UniqueConstraint(fields=["question", "position"], name="survey_choice_position_unique"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return _localised(self, "label")

    def label_in(self, language: str) -> str:
        return _localised(self, "label", language)


class CampaignQuerySet(models.QuerySet):
    def with_counts(self):
        """Invited and answered per campaign, counted on the (campaign, status) index
        for the campaigns of the page only, not by joining every invitation."""
        invitations = Invitation.objects.filter(campaign=models.OuterRef("pk")).order_by().values("campaign")
        count = models.Count("*")
        return self.annotate(
            invited=Coalesce(models.Subquery(invitations.annotate(n=count).values("n")), 0),
            answered=Coalesce(models.Subquery(invitations.filter(status="answered").annotate(n=count).values("n")), 0),
        )


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("campaign status", "Draft")
        OPEN = "open", pgettext_lazy("campaign status", "Open")
        CLOSED = "closed", pgettext_lazy("campaign status", "Closed")

    class AudienceKind(models.TextChoices):
        # Registered in surveys/audiences.py.
        ALL_STAFF = "all_staff", _("All staff")
        DEPARTMENTS = "departments", _("Departments")
        TICKET_REQUESTERS = "ticket_requesters", _("People who had tickets in a period")
        EQUIPMENT_HOLDERS = "equipment_holders", _("People holding equipment")

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.PROTECT, related_name="campaigns")
    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    audience_kind = models.CharField(_("audience"), max_length=30, choices=AudienceKind, default=AudienceKind.ALL_STAFF)
    audience_params = models.JSONField(_("audience parameters"), default=dict, blank=True)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    anonymous = models.BooleanField(
        _("anonymous"), default=True, help_text=_("Answers are never linked to a person or an invitation.")
    )
    min_group_size = models.PositiveSmallIntegerField(
        _("minimum group size"), default=5, help_text=_("Breakdowns with fewer respondents are hidden.")
    )
    reminder_after_days = models.PositiveSmallIntegerField(_("remind non-respondents after (days)"), default=7)
    max_reminders = models.PositiveSmallIntegerField(_("maximum number of reminders"), default=2)
    previous = models.ForeignKey(
        "self",
        verbose_name=_("previous campaign (for trends)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    launched_at = models.DateTimeField(_("launched"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        indexes = [models.Index(fields=["status", "closes_at"], name="survey_campaign_status_closes")]
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_at__gt=models.F("opens_at")), name="campaign_dates_order"),
            models.CheckConstraint(condition=models.Q(min_group_size__gte=2), name="campaign_min_group_size_2"),
            models.CheckConstraint(condition=models.Q(reminder_after_days__gte=1), name="campaign_reminder_days_1"),
            models.CheckConstraint(condition=~models.Q(previous=models.F("pk")), name="campaign_not_own_previous"),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "open", "closed"]), name="campaign_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("surveys:campaign-detail", args=[self.pk])

    def is_accepting_answers(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.OPEN and self.opens_at <= now < self.closes_at


class Invitation(models.Model):
    """One person's single-use link to a campaign.

    For an anonymous campaign the invitation only records *that* the person
    answered (status), never when or what: the response row has no link back.
    ``draft`` holds unfinished answers for save-and-resume and is emptied in
    the transaction that stores the response.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Not answered")
        ANSWERED = "answered", _("Answered")
        OPTED_OUT = "opted_out", _("Opted out")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="invitations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="survey_invitations"
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_token, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    sent_at = models.DateTimeField(_("invitation sent"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    last_reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)
    draft = models.JSONField(_("unfinished answers"), default=dict, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "user"], name="survey_invitation_once_per_person"),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "answered", "opted_out"]), name="invitation_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "status"], name="survey_invitation_status"),
            models.Index(
                fields=["campaign", "id"], name="survey_invitation_unsent", condition=models.Q(sent_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} → {self.user}"


class Response(models.Model):
    """A submitted questionnaire.

    Anonymous: random id, no person, no language, no time at all (an access log that shows
    when a token was used must not match a response by its date), and answers
    with random ids too, so that row order reveals nothing.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="responses"
    )
    anonymous = models.BooleanField(_("anonymous"))
    # Identified campaigns only; a database constraint keeps anonymous ones unlinked.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    language = models.CharField(_("language"), max_length=2, blank=True)  # identified campaigns only
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(anonymous=False) | models.Q(user__isnull=True, submitted_on__isnull=True),
                name="anonymous_response_unlinked",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "department"], name="survey_response_department")]

    def __str__(self) -> str:
        return f"{self.campaign} {self.submitted_on or ''}".strip()


class Answer(models.Model):
    """One answer to one question; a multiple choice gives one row per choice.

    ``campaign`` and ``department`` repeat the response's, so that the results
    page aggregates a campaign with one index-only GROUP BY (docs/surveys.md).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers")
    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="answers")
    number = models.SmallIntegerField(_("score"), null=True, blank=True)
    choice = models.ForeignKey(
        Choice, verbose_name=_("choice"), null=True, blank=True, on_delete=models.PROTECT, related_name="answers"
    )
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [
            models.Index(
                fields=["campaign", "question", "department", "number", "choice"], name="survey_answer_aggregate"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number__isnull=True) | models.Q(number__gte=0, number__lte=10),
                name="answer_score_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.number if self.number is not None else self.choice_id or self.text[:30]}"


# --- Post-ticket CSAT -----------------------------------------------------


class TicketRating(models.Model):
    """What the CSAT sweep decided for one closed ticket, and the rating if one came.

    One row per ticket considered (invited or skipped), so a ticket is looked
    at once. Team, category and agent are copied from the ticket when it is
    considered: a later reassignment does not rewrite history.
    """

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ANSWERED = "answered", _("Answered")
        NOT_SAMPLED = "not_sampled", _("Not in the sample")
        RECENTLY_ASKED = "recently_asked", _("Requester asked recently")

    ticket = models.OneToOneField(
        "tickets.Ticket", verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="csat_rating"
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requester"), on_delete=models.CASCADE, related_name="+"
    )
    team = models.ForeignKey(
        "tickets.Team", verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    category = models.ForeignKey(
        "tickets.Category",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.INVITED)
    considered_at = models.DateTimeField(_("considered"), default=timezone.now)
    token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    invited_at = models.DateTimeField(_("invited"), null=True, blank=True)
    expires_at = models.DateTimeField(_("link valid until"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("ticket rating")
        verbose_name_plural = _("ticket ratings")
        indexes = [
            models.Index(fields=["requester", "invited_at"], name="csat_requester_invited"),
            models.Index(fields=["answered_at"], name="csat_answered"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="csat_rating_range",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="answered") | models.Q(rating__isnull=False, answered_at__isnull=False),
                name="csat_answered_has_rating",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["invited", "answered"])
                | models.Q(token__isnull=False, invited_at__isnull=False, expires_at__isnull=False),
                name="csat_invited_has_token",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.get_status_display()}"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)


class CsatFollowUp(models.Model):
    """A low rating (1 or 2) that the team lead must look into."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("follow-up status", "Open")
        CLOSED = "closed", pgettext_lazy("follow-up status", "Closed")

    rating = models.OneToOneField(
        TicketRating, verbose_name=_("rating"), on_delete=models.CASCADE, related_name="follow_up"
    )
    ticket = models.OneToOneField(
        "tickets.Ticket", verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="csat_follow_up"
    )
    team = models.ForeignKey(
        "tickets.Team", verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team lead"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="csat_follow_ups",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.OPEN)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("CSAT follow-up")
        verbose_name_plural = _("CSAT follow-ups")
        indexes = [
            models.Index(fields=["status", "-created_at"], name="csat_followup_status"),
            models.Index(fields=["lead", "status"], name="csat_followup_lead"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open", closed_at__isnull=True)
                | models.Q(status="closed", closed_at__isnull=False),
                name="csat_followup_closed_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.get_status_display()}"
