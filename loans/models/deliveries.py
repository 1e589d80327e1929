from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from icity.models import Site

from .requests import EquipmentRequest


class Recovery(models.Model):
    """Everything one person holds, to be collected: they leave, or a telework period ends."""

    class Reason(models.TextChoices):
        LEAVING = "leaving", _("Leaving the City")
        TELEWORK_END = "telework_end", _("End of telework")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT, related_name="recoveries"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.OPEN)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        db_table = "assets_recovery"  # kept from when loans lived in assets/
        verbose_name = _("recovery")
        verbose_name_plural = _("recoveries")
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(status="open"), name="recovery_one_open_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.reason}"


class DeliveryRun(models.Model):
    """A delivery, pick-up or recovery on the logistics board."""

    class Kind(models.TextChoices):
        DELIVERY = "delivery", _("Delivery")
        PICK_UP = "pick_up", _("Pick-up")
        RECOVERY = "recovery", _("Recovery")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        EN_ROUTE = "en_route", _("En route")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PLANNED)
    date = models.DateField(_("date"))
    window_start = models.TimeField(_("from"))
    window_end = models.TimeField(_("until"))
    site = models.ForeignKey(
        Site, verbose_name=_("site"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    address = models.TextField(_("address"), blank=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("for"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="delivery_runs",
    )
    request = models.ForeignKey(
        EquipmentRequest,
        verbose_name=_("request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="runs",
    )
    recovery = models.ForeignKey(
        Recovery, verbose_name=_("recovery"), null=True, blank=True, on_delete=models.PROTECT, related_name="runs"
    )
    notes = models.TextField(_("notes"), blank=True)
    failure_reason = models.TextField(_("reason for failure"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # When the run was marked done (LG10 compares its local date with the planned day).
    done_at = models.DateTimeField(_("done"), null=True, blank=True, editable=False)
    idempotency_key = models.UUIDField(_("idempotency key"), null=True, blank=True, unique=True, editable=False)

    class Meta:
        db_table = "assets_deliveryrun"  # kept from when loans lived in assets/
        verbose_name = _("delivery or pick-up")
        verbose_name_plural = _("deliveries and pick-ups")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="failed") | ~models.Q(failure_reason=""), name="run_failed_has_reason"
            ),
            models.CheckConstraint(
                condition=models.Q(site__isnull=False) | ~models.Q(address=""), name="run_has_place"
            ),
            models.CheckConstraint(
                condition=models.Q(window_end__gt=models.F("window_start")), name="run_window_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(status="done", done_at__isnull=False)
                | models.Q(~models.Q(status="done"), done_at=None),
                name="run_done_has_time",
            ),
        ]
        indexes = [models.Index(fields=["date", "window_start"], name="run_day")]

    def __str__(self) -> str:
        return f"{self.kind} {self.date} {self.window_start:%H:%M}"
