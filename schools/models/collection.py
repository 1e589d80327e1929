from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from icity.models import BilingualName, Site

from .programme import Allocation, Pupil


class CollectionPoint(BilingualName):
    """Where guardians collect (and return) devices, with its published opening hours."""

    site = models.ForeignKey(
        Site, verbose_name=_("site"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    address = models.CharField(_("address"), max_length=255)
    opening_hours_fr = models.TextField(_("opening hours (French)"), blank=True)
    opening_hours_nl = models.TextField(_("opening hours (Dutch)"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("collection point")
        verbose_name_plural = _("collection points")

    def __str__(self) -> str:
        return self.name


class Slot(models.Model):
    """A time slot at a collection point. ``booked`` is kept in step with appointments under a row lock."""

    point = models.ForeignKey(
        CollectionPoint, verbose_name=_("collection point"), on_delete=models.CASCADE, related_name="slots"
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    booked = models.PositiveSmallIntegerField(_("booked"), default=0)

    class Meta:
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        constraints = [
            models.UniqueConstraint(fields=["point", "starts_at"], name="slot_unique_start"),
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_start"),
            # Capacity is enforced by the database too: an overbooking update fails.
            models.CheckConstraint(condition=models.Q(booked__lte=models.F("capacity")), name="slot_not_overbooked"),
        ]
        indexes = [models.Index(fields=["point", "starts_at"], name="slot_point_start")]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    @property
    def free(self) -> int:
        return self.capacity - self.booked


class Appointment(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")
        NO_SHOW = "no_show", _("Did not come")
        DONE = "done", pgettext_lazy("appointment status", "Handed over")

    code = models.CharField(_("booking code"), max_length=12, unique=True)
    slot = models.ForeignKey(Slot, verbose_name=_("slot"), on_delete=models.PROTECT, related_name="appointments")
    pupil = models.ForeignKey(Pupil, verbose_name=_("pupil"), on_delete=models.PROTECT, related_name="appointments")
    allocation = models.ForeignKey(
        Allocation, verbose_name=_("allocation"), on_delete=models.PROTECT, related_name="appointments"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.BOOKED)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty when the guardian booked through their link."),
    )
    created_at = models.DateTimeField(_("booked"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        constraints = [
            models.UniqueConstraint(
                fields=["pupil"], condition=models.Q(status="booked"), name="appointment_one_booked_per_pupil"
            ),
        ]
        indexes = [models.Index(fields=["status", "slot"], name="appointment_status_slot")]

    def __str__(self) -> str:
        return self.code


class GuardianLink(models.Model):
    """A private booking link for a pupil's guardian: no account, unguessable, expiring.

    Only a SHA-256 digest of the token is stored; the token itself lives in the email sent.
    """

    pupil = models.ForeignKey(Pupil, verbose_name=_("pupil"), on_delete=models.CASCADE, related_name="guardian_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("guardian link")
        verbose_name_plural = _("guardian links")

    def __str__(self) -> str:
        return f"link {self.pk} for pupil {self.pupil_id}"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now
