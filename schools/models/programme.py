from django.conf import settings
from django.db import models
from django.db.models.functions import Length, Trim
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from assets.models import Asset
from icity.models import BilingualName, Site


class GuardianLanguage(models.TextChoices):
    FRENCH = "fr", _("French")
    DUTCH = "nl", _("Dutch")


class School(BilingualName):
    """A City school taking part in the programme; its contacts see only its own pupils."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    site = models.OneToOneField(
        Site, verbose_name=_("site"), null=True, blank=True, on_delete=models.SET_NULL, related_name="school"
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    quota = models.PositiveIntegerField(
        _("device quota"), default=0, help_text=_("How many devices the school may have allocated at once.")
    )
    contacts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("school contacts"), blank=True, related_name="schools"
    )

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")

    def __str__(self) -> str:
        return self.name


class EligibilityReason(models.TextChoices):
    NO_DEVICE = "no_device", _("No computer at home")
    SHARED_DEVICE = "shared_device", _("Computer shared with siblings or parents")
    FINANCIAL = "financial", _("Family in financial difficulty")
    DISTANCE_LEARNING = "distance_learning", _("Distance or hybrid learning")
    OTHER = "other", _("Other reason noted by the school")


class Pupil(models.Model):
    """A pupil registered by their school. Only the fields the programme needs; anonymised on time."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", pgettext_lazy("pupil status", "Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.PROTECT, related_name="pupils")
    reference = models.CharField(_("pupil reference"), max_length=40, help_text=_("The school's own reference."))
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    class_name = models.CharField(_("class"), max_length=40)
    guardian_name = models.CharField(_("guardian's name"), max_length=150)
    guardian_email = models.EmailField(_("guardian's email"), blank=True)
    guardian_phone = models.CharField(_("guardian's phone"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=GuardianLanguage, default=GuardianLanguage.FRENCH)
    eligibility = models.CharField(_("eligibility reason"), max_length=30, choices=EligibilityReason)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PENDING)
    refusal_reason = models.CharField(_("reason for refusal"), max_length=255, blank=True)
    registered_at = models.DateTimeField(_("registered"), default=timezone.now)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # When the pupil's part in the programme ended (device returned, refused, withdrawn):
    # the retention period runs from here, then the sweep anonymises the row.
    closed_at = models.DateTimeField(_("participation ended"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    class Meta:
        verbose_name = _("pupil")
        verbose_name_plural = _("pupils")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "reference"],
                condition=models.Q(anonymised_at__isnull=True),
                name="pupil_reference_unique_per_school",
            ),
            models.CheckConstraint(
                condition=models.Q(anonymised_at__isnull=False)
                | ~models.Q(guardian_email="")
                | ~models.Q(guardian_phone=""),
                name="pupil_guardian_reachable",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="refused") | ~models.Q(refusal_reason=""),
                name="pupil_refusal_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "status", "registered_at"], name="pupil_school_queue"),
            models.Index(fields=["school", "last_name", "first_name"], name="pupil_school_name"),
            models.Index(fields=["closed_at"], name="pupil_closed", condition=models.Q(anonymised_at__isnull=True)),
        ]

    def __str__(self) -> str:
        if self.anonymised_at:
            return f"#{self.pk}"
        return f"{self.first_name} {self.last_name} ({self.reference})"

    def get_absolute_url(self) -> str:
        return reverse("schools:pupil", kwargs={"pk": self.pk})

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class PupilEvent(models.Model):
    """A line of a pupil's history. Notes never hold personal data; the sweep blanks them anyway."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        UPDATED = "updated", _("Updated")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", pgettext_lazy("pupil event", "Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        ALLOCATED = "allocated", _("Device allocated")
        RELEASED = "released", _("Device released")
        BOOKED = "booked", _("Appointment booked")
        MOVED = "moved", _("Appointment moved")
        CANCELLED = "cancelled", _("Appointment cancelled")
        NO_SHOW = "no_show", _("Did not come")
        LINK = "link", _("Booking link sent")
        HANDED_OVER = "handed_over", _("Device handed over")
        RETURNED = "returned", _("Device returned")
        ANONYMISED = "anonymised", _("Anonymised")

    pupil = models.ForeignKey(Pupil, verbose_name=_("pupil"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("pupil event")
        verbose_name_plural = _("pupil history")
        indexes = [models.Index(fields=["pupil", "-at", "-id"], name="pupil_event_timeline")]

    def __str__(self) -> str:
        return f"{self.pupil_id} {self.kind}"


class PupilAccessLog(models.Model):
    """Who looked at or exported a pupil's record, and when (data protection audit)."""

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        EXPORT = "export", _("Exported")
        API = "api", _("Read through the API")

    pupil = models.ForeignKey(Pupil, verbose_name=_("pupil"), on_delete=models.CASCADE, related_name="access_logs")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=10, choices=Action)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("pupil record access")
        verbose_name_plural = _("pupil record access log")
        indexes = [models.Index(fields=["pupil", "-at"], name="pupil_access_timeline")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.action} {self.pupil_id}"


class Allocation(models.Model):
    """A reconditioned device reserved for (then handed to) one approved pupil."""

    class Status(models.TextChoices):
        RESERVED = "reserved", _("Reserved")
        HANDED_OVER = "handed_over", pgettext_lazy("allocation status", "Handed over")
        RELEASED = "released", _("Released")
        RETURNED = "returned", _("Returned")

    ACTIVE = (Status.RESERVED, Status.HANDED_OVER)

    pupil = models.ForeignKey(Pupil, verbose_name=_("pupil"), on_delete=models.PROTECT, related_name="allocations")
    asset = models.ForeignKey(
        Asset, verbose_name=_("device"), on_delete=models.PROTECT, related_name="school_allocations"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.RESERVED)
    created_at = models.DateTimeField(_("allocated"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    end_reason = models.CharField(_("reason"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            # The database, not only the code, guarantees no device goes to two pupils.
            models.UniqueConstraint(
                fields=["asset"],
                condition=models.Q(status__in=["reserved", "handed_over"]),
                name="allocation_one_per_asset",
            ),
            models.UniqueConstraint(
                fields=["pupil"],
                condition=models.Q(status__in=["reserved", "handed_over"]),
                name="allocation_one_per_pupil",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="allocation_status")]

    def __str__(self) -> str:
        return f"{self.asset_id} → {self.pupil_id} ({self.status})"


class PupilLoan(models.Model):
    """Links a pupil to the loan made at hand-over (the loan itself lives in assets, borrower-less)."""

    pupil = models.ForeignKey(Pupil, verbose_name=_("pupil"), on_delete=models.PROTECT, related_name="loans")
    loan = models.OneToOneField(
        "loans.Loan", verbose_name=_("loan"), on_delete=models.PROTECT, related_name="pupil_link"
    )
    allocation = models.OneToOneField(
        Allocation, verbose_name=_("allocation"), on_delete=models.PROTECT, related_name="pupil_loan"
    )
    identity_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("identity checked by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("handed over"), default=timezone.now)

    class Meta:
        verbose_name = _("pupil loan")
        verbose_name_plural = _("pupil loans")

    def __str__(self) -> str:
        return f"{self.pupil_id} / {self.loan_id}"


class ReturnCampaign(models.Model):
    """The end-of-year return of pupils' devices, with reminders at set days before and after the deadline.

    Created and paused or resumed by programme staff through ``loan_services.return_campaign_create``
    and ``return_campaign_set_active``, which validate the stages (JSON content has no portable
    database check, so the services are the gate for it).
    """

    STAGE_LIMIT = 90  # days either side of the deadline a reminder may be set

    name = models.CharField(_("name"), max_length=100)
    deadline = models.DateField(_("return deadline"))
    # Days relative to the deadline (negative: before), sorted; each stage is sent once per pupil.
    stages = models.JSONField(_("reminder stages (days from the deadline)"), default=list)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("return campaign")
        verbose_name_plural = _("return campaigns")
        constraints = [
            # Trim and length exist on SQLite and PostgreSQL alike: a blank name cannot be stored.
            models.CheckConstraint(
                condition=models.lookups.GreaterThan(Length(Trim("name")), 0), name="return_campaign_name_not_blank"
            ),
            # Every active campaign reminds every guardian: a double-submitted form must not
            # create a twin that would send each reminder twice.
            models.UniqueConstraint(fields=["name"], name="return_campaign_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def stages_text(self) -> str:
        """The stages as a sentence: "14 and 3 days before, on the deadline, 7 days after"."""
        before = sorted((-day for day in self.stages if day < 0), reverse=True)
        after = sorted(day for day in self.stages if day > 0)
        parts = []
        if before:
            parts.append(
                ngettext("%(days)s day before", "%(days)s days before", max(before))
                % {"days": get_text_list([str(day) for day in before], _("and"))}
            )
        if 0 in self.stages:
            parts.append(gettext("on the deadline"))
        if after:
            parts.append(
                ngettext("%(days)s day after", "%(days)s days after", max(after))
                % {"days": get_text_list([str(day) for day in after], _("and"))}
            )
        return ", ".join(parts)
