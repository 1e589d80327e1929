from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from icity.models import Site

from .assets import Asset


class Stocktake(models.Model):
    """A physical count of one site: scan what is there, compare, confirm the adjustments."""

    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="stocktakes")
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.OPEN)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("stocktake")
        verbose_name_plural = _("stocktakes")
        constraints = [
            # One count at a time per site: two open counts would confirm conflicting adjustments.
            models.UniqueConstraint(
                fields=["site"], condition=models.Q(status="open"), name="stocktake_one_open_per_site"
            ),
            models.CheckConstraint(
                condition=models.Q(status="open") | models.Q(closed_at__isnull=False), name="stocktake_closed_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site_id} {self.started_at:%Y-%m-%d}"


class StocktakeScan(models.Model):
    stocktake = models.ForeignKey(
        Stocktake, verbose_name=_("stocktake"), on_delete=models.CASCADE, related_name="scans"
    )
    code = models.CharField(_("scanned code"), max_length=100)
    asset = models.ForeignKey(
        Asset, verbose_name=_("asset"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scanned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("scanned by"), on_delete=models.PROTECT, related_name="+"
    )
    scanned_at = models.DateTimeField(_("scanned"), default=timezone.now)

    class Meta:
        verbose_name = _("stocktake scan")
        verbose_name_plural = _("stocktake scans")
        constraints = [models.UniqueConstraint(fields=["stocktake", "code"], name="stocktake_scan_once")]

    def __str__(self) -> str:
        return self.code
