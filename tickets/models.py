"""Helpdesk: teams, categories, tickets, their conversation, files and history.

A ticket's workflow lives in ``tickets/services.py``; models only hold data,
constraints and small read helpers. Linked assets are a ManyToMany to
``assets.Asset`` (DESIGN.md: tickets may point at assets, never the reverse).
"""

import uuid

from django.conf import settings
from django.db import connection, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from icity.cache import cache_delete, read_through
from icity.models import BilingualName
from icity.text import is_id


class Team(models.Model):
    # `name` is the French name and the team's stable key (API, emails to the team, imports);
    # the Dutch and English names are shown to readers in those languages, French when empty.
    name = models.CharField(_("name (French)"), max_length=100, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=100, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    email = models.EmailField(_("team email"), blank=True, help_text=_("Receives new unassigned tickets."))
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team lead"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_helpdesk_teams",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), blank=True, related_name="helpdesk_teams"
    )
    auto_assign = models.BooleanField(
        _("assign automatically"),
        default=False,
        help_text=_("New tickets go to the member with the fewest open tickets."),
    )
    second_level = models.BooleanField(
        _("second-level team"),
        default=False,
        help_text=_("A ticket transferred to this team counts as escalated (KPI HD12)."),
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the reader's language (French when no translation is set)."""
        return team_name_in(get_language(), self.name, self.name_nl, self.name_en)


def team_name_in(language: str | None, name: str, name_nl: str = "", name_en: str = "") -> str:
    """A team's name for ``language`` from its three columns (for rows read with ``values()``)."""
    if language == "nl" and name_nl:
        return name_nl
    if language == "en" and name_en:
        return name_en
    return name


class Kind(models.TextChoices):
    INCIDENT = "incident", _("Incident (something is broken)")
    REQUEST = "request", _("Request (I need something)")


class Category(BilingualName):
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    default_team = models.ForeignKey(
        Team, verbose_name=_("default team"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.INCIDENT)
    guidance_fr = models.TextField(_("guidance (French)"), blank=True)
    guidance_nl = models.TextField(_("guidance (Dutch)"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    for_equipment = models.BooleanField(
        _("for equipment problems"),
        default=False,
        help_text=_("Chosen in advance when someone reports a problem with a unit they hold. One category at most."),
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.CheckConstraint(condition=~models.Q(parent=models.F("pk")), name="category_not_own_parent"),
            # "Report a problem" preselects one category: two would make the choice arbitrary.
            models.UniqueConstraint(
                fields=["for_equipment"],
                condition=models.Q(for_equipment=True),
                name="category_one_for_equipment",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def guidance(self) -> str:
        return self.guidance_nl if get_language() == "nl" else self.guidance_fr


class Priority(models.IntegerChoices):
    P1 = 1, _("P1 – critical")
    P2 = 2, _("P2 – high")
    P3 = 3, _("P3 – normal")
    P4 = 4, _("P4 – low")


class Level(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


# The same level agrees with its noun in French: "impact : élevé", "urgence : élevée".
IMPACT_WORDS = {
    "low": pgettext_lazy("impact", "low"),
    "medium": pgettext_lazy("impact", "medium"),
    "high": pgettext_lazy("impact", "high"),
}
URGENCY_WORDS = {
    "low": pgettext_lazy("urgency", "low"),
    "medium": pgettext_lazy("urgency", "medium"),
    "high": pgettext_lazy("urgency", "high"),
}


def priority_basis(impact: str, urgency: str) -> str:
    """ "impact: high, urgency: high" in the active language, each word agreeing with its noun."""
    return gettext("impact: %(impact)s, urgency: %(urgency)s") % {
        "impact": IMPACT_WORDS.get(impact, impact),
        "urgency": URGENCY_WORDS.get(urgency, urgency),
    }


SLA_TARGETS_KEY = "tickets:sla-targets"


class SlaPolicy(models.Model):
    """Targets for one priority, in business minutes (see tickets/sla.py)."""

    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority, unique=True)
    first_response_minutes = models.PositiveIntegerField(_("first response target (business minutes)"))
    resolution_minutes = models.PositiveIntegerField(_("resolution target (business minutes)"))

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [
            models.CheckConstraint(condition=models.Q(first_response_minutes__gt=0), name="sla_first_response_gt0"),
            models.CheckConstraint(
                condition=models.Q(resolution_minutes__gte=models.F("first_response_minutes")),
                name="sla_resolution_after_first_response",
            ),
        ]

    def __str__(self) -> str:
        return self.get_priority_display()

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._forget_targets()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self._forget_targets()
        return result

    @staticmethod
    def _forget_targets() -> None:
        # Now, and again at commit: an opening may have cached the old targets in between.
        cache_delete(SLA_TARGETS_KEY)
        transaction.on_commit(lambda: cache_delete(SLA_TARGETS_KEY))

    @classmethod
    def targets(cls) -> dict[int, tuple[int, int]]:
        """``{priority: (first response, resolution)}`` of every policy: read on each opening, so cached.

        Saving or deleting a policy (the admin) drops the cached copy; the timeout bounds
        staleness after a bulk update that bypasses ``save``.
        """
        return read_through(
            SLA_TARGETS_KEY,
            lambda: {
                priority: (first_response, resolution)
                for priority, first_response, resolution in cls.objects.values_list(
                    "priority", "first_response_minutes", "resolution_minutes"
                )
            },
            timeout=300,
        )


class ReferenceCounter(models.Model):
    """Last ticket number used in a year: the allocator on SQLite, the starting point on PostgreSQL.

    On PostgreSQL numbers come from one sequence per year (``tickets_reference_<year>``,
    see migration 0012): ``nextval`` takes no lock that lasts until commit, so
    concurrent openings never queue behind each other. A rolled-back opening
    leaves a gap in that year's numbers (references are unique, not gapless).
    """

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("reference counter")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"

    @classmethod
    def take(cls, year: int, count: int = 1) -> list[int]:
        """``count`` unused numbers of ``year``, in increasing order (one query once the year has begun)."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT tickets_reference_next(%s) FROM generate_series(1, %s)", [year, count])
                return sorted(number for (number,) in cursor.fetchall())
        # SQLite lets one writer in at a time, so the row's increment is race-free there;
        # UPDATE ... RETURNING reads the new value in the same statement.
        update = (
            "UPDATE tickets_referencecounter SET last_number = last_number + %s WHERE year = %s RETURNING last_number"
        )
        with connection.cursor() as cursor:
            cursor.execute(update, [count, year])
            row = cursor.fetchone()
            if row is None:  # the year's first ticket
                cursor.execute(
                    "INSERT INTO tickets_referencecounter (year, last_number) VALUES (%s, 0) ON CONFLICT DO NOTHING",
                    [year],
                )
                cursor.execute(update, [count, year])
                row = cursor.fetchone()
        last = row[0]
        return list(range(last - count + 1, last + 1))


class Status(models.TextChoices):
    # A ticket's state, an adjective ("Clôturé", "Gesloten"): its own context, not the tab or button words.
    NEW = "new", pgettext_lazy("ticket status", "New")
    IN_PROGRESS = "in_progress", pgettext_lazy("ticket status", "In progress")
    WAITING_REQUESTER = "waiting_requester", pgettext_lazy("ticket status", "Waiting for the requester")
    WAITING_THIRD_PARTY = "waiting_third_party", pgettext_lazy("ticket status", "Waiting for a third party")
    RESOLVED = "resolved", pgettext_lazy("ticket status", "Resolved")
    CLOSED = "closed", pgettext_lazy("ticket status", "Closed")
    CANCELLED = "cancelled", pgettext_lazy("ticket status", "Cancelled")
    MERGED = "merged", pgettext_lazy("ticket status", "Merged")


OPEN_STATUSES = (Status.NEW, Status.IN_PROGRESS, Status.WAITING_REQUESTER, Status.WAITING_THIRD_PARTY)
PAUSED_STATUSES = (Status.WAITING_REQUESTER, Status.WAITING_THIRD_PARTY)
FINAL_STATUSES = (Status.CLOSED, Status.CANCELLED, Status.MERGED)


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    WALK_IN = "walk_in", _("Walk-in")


def attachment_path(instance, filename: str) -> str:
    # Unguessable, extension-less names: the stored file is never served by URL.
    return f"tickets/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Ticket(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requester"), on_delete=models.PROTECT, related_name="tickets"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel, default=Channel.WEB)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.INCIDENT)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    impact = models.CharField(_("impact"), max_length=10, choices=Level, default=Level.LOW)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Level, default=Level.MEDIUM)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority, default=Priority.P3)
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
    )
    watchers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("watchers"), blank=True, related_name="watched_tickets"
    )
    related = models.ManyToManyField("self", verbose_name=_("related tickets"), blank=True, symmetrical=True)
    linked_assets = models.ManyToManyField(
        "assets.Asset", verbose_name=_("linked equipment"), blank=True, related_name="tickets"
    )
    follow_up_of = models.ForeignKey(
        "self",
        verbose_name=_("follow-up of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
    )
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.NEW)
    created_at = models.DateTimeField(_("opened"), default=timezone.now)
    updated_at = models.DateTimeField(_("last activity"), default=timezone.now)

    # SLA clocks. Due times move forward by the business time spent paused.
    first_response_due = models.DateTimeField(_("first response due"), null=True, blank=True)
    resolution_due = models.DateTimeField(_("resolution due"), null=True, blank=True)
    first_response_warn_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolution_warn_at = models.DateTimeField(null=True, blank=True, editable=False)
    sla_paused_since = models.DateTimeField(null=True, blank=True, editable=False)
    sla_paused_minutes = models.PositiveIntegerField(default=0, editable=False)
    # Sweep stages already handled (reset whenever the due times move).
    first_response_warned = models.BooleanField(default=False, editable=False)
    first_response_breached = models.BooleanField(default=False, editable=False)
    resolution_warned = models.BooleanField(default=False, editable=False)
    resolution_breached = models.BooleanField(default=False, editable=False)
    waiting_reminder_at = models.DateTimeField(null=True, blank=True, editable=False)
    waiting_autoresolve_at = models.DateTimeField(null=True, blank=True, editable=False)
    waiting_reminded = models.BooleanField(default=False, editable=False)

    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    time_spent_minutes = models.PositiveIntegerField(_("time spent (minutes)"), default=0)
    # Reference, title, description and every comment, for agents' full-text search
    # (a stored tsvector column with a GIN index on PostgreSQL, see migration 0006).
    search_document = models.TextField(default="", blank=True, editable=False)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            models.Index(fields=["status", "priority", "resolution_due"], name="ticket_queue"),
            # The default queue order over open tickets: an ordered index scan, stopped after one page.
            models.Index(
                fields=["priority", "resolution_due", "id"],
                name="ticket_open_by_priority",
                condition=models.Q(status__in=["new", "in_progress", "waiting_requester", "waiting_third_party"]),
            ),
            models.Index(fields=["team", "status"], name="ticket_team_status"),
            models.Index(
                fields=["team"],
                name="ticket_unassigned_open",
                condition=models.Q(
                    assignee__isnull=True, status__in=["new", "in_progress", "waiting_requester", "waiting_third_party"]
                ),
            ),
            models.Index(fields=["assignee", "status"], name="ticket_assignee_status"),
            models.Index(fields=["requester", "-updated_at"], name="ticket_requester_recent"),
            models.Index(fields=["-created_at"], name="ticket_created"),
            models.Index(fields=["-updated_at"], name="ticket_updated"),
            models.Index(
                fields=["resolution_warn_at"],
                name="ticket_sla_warn_due",
                condition=models.Q(status__in=["new", "in_progress"], resolution_warned=False),
            ),
            models.Index(
                fields=["resolution_due"],
                name="ticket_sla_breach_due",
                condition=models.Q(status__in=["new", "in_progress"], resolution_breached=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(reference__regex=r"^HD-\d{4}-\d{6}$"), name="ticket_reference"),
            models.CheckConstraint(condition=models.Q(priority__gte=1, priority__lte=4), name="ticket_priority_1_4"),
            models.CheckConstraint(condition=models.Q(status__in=Status.values), name="ticket_status_valid"),
            models.CheckConstraint(
                condition=~models.Q(status="merged") | models.Q(merged_into__isnull=False),
                name="ticket_merged_has_target",
            ),
            models.CheckConstraint(condition=~models.Q(merged_into=models.F("pk")), name="ticket_not_merged_into_self"),
            models.CheckConstraint(
                condition=~models.Q(status__in=["resolved", "closed"]) | models.Q(resolved_at__isnull=False),
                name="ticket_resolved_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="closed") | models.Q(closed_at__isnull=False),
                name="ticket_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("tickets:detail", args=[self.reference])

    @property
    def priority_basis(self) -> str:
        return priority_basis(self.impact, self.urgency)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_paused(self) -> bool:
        return self.status in PAUSED_STATUSES

    def sla_state(self, now=None) -> str:
        """One of paused, breached, at_risk, ok, done (for badges)."""
        if self.status not in OPEN_STATUSES:
            return "done"
        if self.is_paused:
            return "paused"
        now = now or timezone.now()
        if self.resolution_due and self.resolution_due <= now:
            return "breached"
        if self.resolution_warn_at and self.resolution_warn_at <= now:
            return "at_risk"
        return "ok"


class Comment(models.Model):
    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(_("message"))
    is_internal = models.BooleanField(_("internal note"), default=False)
    time_spent_minutes = models.PositiveIntegerField(_("time spent (minutes)"), default=0)
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["ticket", "created_at"], name="comment_ticket_time")]

    def __str__(self) -> str:
        return f"{self.ticket_id} #{self.pk}"


class Attachment(models.Model):
    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="attachments")
    comment = models.ForeignKey(
        Comment, verbose_name=_("comment"), null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    is_internal = models.BooleanField(_("internal"), default=False)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    thumbnail = models.FileField(_("thumbnail"), upload_to=attachment_path, max_length=200, blank=True)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [models.Index(fields=["ticket", "created_at"], name="attachment_ticket_time")]
        constraints = [models.CheckConstraint(condition=models.Q(size__gt=0), name="attachment_not_empty")]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("tickets:attachment", args=[self.pk])

    @property
    def is_image(self) -> bool:
        return bool(self.thumbnail)


TIMELINE_LABELS = {
    "created": _("Opened"),
    "status": _("Status"),
    "assignee": _("Assignee"),
    "team": _("Team"),
    "category": _("Category"),
    "impact": _("Impact"),
    "urgency": _("Urgency"),
    "priority": _("Priority"),
    "watcher": _("Follower"),
    "related": _("Related ticket"),
    "asset": _("Equipment"),
    "follow_up": _("Follow-up ticket"),
    "attachment": _("Attachment"),
    "internal_attachment": _("Internal attachment"),
    "time_spent": _("Time spent (minutes)"),
    "merged_into": _("Merged into"),
    "merged_from": _("Merged from"),
    "sla_resolution": _("Resolution SLA"),
    "sla_first_response": _("First response SLA"),
}


class TimelineEvent(models.Model):
    """Immutable history: who changed what, when, from what to what."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="timeline")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    field = models.CharField(_("what"), max_length=40)
    old_value = models.CharField(_("before"), max_length=255, blank=True)
    new_value = models.CharField(_("after"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="timeline_ticket_time"),
            # KPIs find the month's status changes (resolutions, reopenings) by field and time.
            models.Index(fields=["field", "created_at"], name="timeline_field_time"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.field}: {self.old_value} -> {self.new_value}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Timeline events are immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Timeline events are immutable.")

    @property
    def field_label(self) -> str:
        return str(TIMELINE_LABELS.get(self.field, self.field))

    def _display(self, value: str) -> str:
        choices = {"status": Status, "impact": Level, "urgency": Level}.get(self.field)
        if choices is not None and value in choices.values:
            return str(choices(value).label)
        if self.field == "priority" and is_id(value) and int(value) in Priority.values:
            return str(Priority(int(value)).label)
        return value

    @property
    def old_display(self) -> str:
        return self._display(self.old_value)

    @property
    def new_display(self) -> str:
        return self._display(self.new_value)


class CannedResponse(models.Model):
    """A reusable reply. Placeholders: {requester_name}, {reference}, {title}, {agent_name}."""

    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="canned_responses",
        help_text=_("Empty: available to every team."),
    )
    title = models.CharField(_("title"), max_length=120)
    body_fr = models.TextField(_("text (French)"))
    body_nl = models.TextField(_("text (Dutch)"))
    body_en = models.TextField(_("text (English)"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("canned response")
        verbose_name_plural = _("canned responses")

    def __str__(self) -> str:
        return self.title

    def render(self, *, ticket: Ticket, agent, language: str) -> str:
        body = {"nl": self.body_nl, "en": self.body_en}.get(language, self.body_fr)
        values = {
            "{requester_name}": ticket.requester.get_full_name() or ticket.requester.email,
            "{reference}": ticket.reference,
            "{title}": ticket.title,
            "{agent_name}": agent.get_full_name() or agent.email,
        }
        # Plain replacement, not str.format: a stray brace in a template can never fail or reach attributes.
        for placeholder, value in values.items():
            body = body.replace(placeholder, value)
        return body


class NotificationKind(models.TextChoices):
    ASSIGNED = "assigned", _("A ticket is assigned to me")
    REQUESTER_REPLY = "requester_reply", _("A requester replies on my ticket")
    NEW_UNASSIGNED = "new_unassigned", _("A new unassigned ticket arrives in my team")
    WATCHED = "watched", _("Activity on tickets I watch")
    SLA_WARNING = "sla_warning", _("A ticket of mine nears its SLA target")


class AgentPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="helpdesk_preference", primary_key=True
    )
    muted = models.JSONField(_("notifications turned off"), default=list, blank=True)
    available = models.BooleanField(
        _("available for automatic assignment"), default=True, help_text=_("Turn off when you are away.")
    )

    class Meta:
        verbose_name = _("agent preference")
        verbose_name_plural = _("agent preferences")

    def __str__(self) -> str:
        return str(self.user_id)


from .mail.models import InboundMessage, Mailbox, OutboundEmail, QuarantinedMessage  # noqa: E402, F401  (email channel)
