from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from icity.models import Site

from .catalogue import ProductModel


class StockLevel(models.Model):
    """How many of a quantity-tracked model a site holds. Changed only by ``stock_move``.

    ``quantity`` always equals the sum of this level's movements (the ledger).
    ``low_alert_armed`` is cleared when the level crosses below its minimum and
    an alert is queued, and set again once stock is back at or above it: one
    alert per crossing, never one per movement.
    """

    model = models.ForeignKey(
        ProductModel, verbose_name=_("model"), on_delete=models.PROTECT, related_name="stock_levels"
    )
    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="stock_levels")
    quantity = models.IntegerField(_("quantity"), default=0)
    minimum = models.PositiveIntegerField(_("minimum level"), default=0)
    low_alert_armed = models.BooleanField(_("low-stock alert armed"), default=True)
    low_crossings = models.PositiveIntegerField(_("times below minimum"), default=0)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        constraints = [
            models.UniqueConstraint(fields=["model", "site"], name="stock_level_unique_model_site"),
            models.CheckConstraint(condition=models.Q(quantity__gte=0), name="stock_level_quantity_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.model_id}@{self.site_id}: {self.quantity}"

    @property
    def is_low(self) -> bool:
        return self.quantity < self.minimum


class StockMovement(models.Model):
    """One immutable line of the stock ledger (``delta`` is signed)."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Receipt")
        ISSUE = "issue", _("Issue")
        RETURN = "return", _("Return")
        ADJUSTMENT = "adjustment", _("Adjustment")
        TRANSFER_OUT = "transfer_out", _("Transfer out")
        TRANSFER_IN = "transfer_in", _("Transfer in")
        IMPORT = "import", _("Import")

    level = models.ForeignKey(
        StockLevel, verbose_name=_("stock level"), on_delete=models.PROTECT, related_name="movements"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    delta = models.IntegerField(_("change"))
    balance = models.IntegerField(_("balance after"))
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    # The other side of a transfer.
    other_site = models.ForeignKey(
        Site, verbose_name=_("other site"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        constraints = [
            models.CheckConstraint(condition=~models.Q(delta=0), name="stock_movement_not_zero"),
            models.CheckConstraint(condition=models.Q(balance__gte=0), name="stock_movement_balance_not_negative"),
            models.CheckConstraint(
                condition=~models.Q(kind="adjustment") | ~models.Q(reason=""), name="stock_adjustment_has_reason"
            ),
            models.CheckConstraint(
                condition=(models.Q(kind__in=["receipt", "return", "transfer_in"]) & models.Q(delta__gt=0))
                | (models.Q(kind__in=["issue", "transfer_out"]) & models.Q(delta__lt=0))
                | models.Q(kind__in=["adjustment", "import"]),
                name="stock_movement_sign_matches_kind",
            ),
        ]
        indexes = [models.Index(fields=["level", "-at", "-id"], name="stock_movement_ledger")]

    def __str__(self) -> str:
        return f"{self.kind} {self.delta:+d}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("The stock ledger is immutable.")
        super().save(*args, **kwargs)
