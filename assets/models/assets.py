from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from icity.models import Site

from .catalogue import Manufacturer, ProductModel


class AssetStatus(models.TextChoices):
    IN_STOCK = "in_stock", _("In stock")
    RESERVED = "reserved", _("Reserved")
    ON_LOAN = "on_loan", _("On loan")
    IN_REPAIR = "in_repair", _("In repair")
    RECONDITIONING = "reconditioning", _("Reconditioning")
    RETIRED = "retired", _("Retired")
    LOST = "lost", _("Lost")
    DISPOSED = "disposed", _("Disposed")


class Condition(models.TextChoices):
    NEW = "new", _("New")
    A = "a", _("A – as new")
    B = "b", _("B – light wear")
    C = "c", _("C – visible wear")
    D = "d", _("D – damaged")


# Statuses in which someone (a borrower) may hold the unit.
HELD_STATUSES = [AssetStatus.RESERVED, AssetStatus.ON_LOAN, AssetStatus.LOST]


class TagCounter(models.Model):
    """One row per tag prefix; locked to hand out IC-NNNNNN tags without gaps racing."""

    prefix = models.CharField(max_length=10, primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("tag counter")

    def __str__(self) -> str:
        return f"{self.prefix}{self.last_number:06d}"


class Asset(models.Model):
    """One physical unit: a laptop, a dock, a monitor … found by its tag in one scan."""

    tag = models.CharField(_("asset tag"), max_length=40, unique=True)
    model = models.ForeignKey(ProductModel, verbose_name=_("model"), on_delete=models.PROTECT, related_name="assets")
    # Copied from the model so that "serial unique per manufacturer" is a database constraint.
    manufacturer = models.ForeignKey(
        Manufacturer, verbose_name=_("manufacturer"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    serial = models.CharField(_("serial number"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=AssetStatus, default=AssetStatus.IN_STOCK)
    condition = models.CharField(_("condition"), max_length=5, choices=Condition, default=Condition.NEW)
    site = models.ForeignKey(
        Site, verbose_name=_("site"), null=True, blank=True, on_delete=models.PROTECT, related_name="assets"
    )
    location = models.CharField(_("sub-location"), max_length=100, blank=True, help_text=_("Shelf, room, cabinet …"))
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("holder"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="held_assets",
    )
    purchase_date = models.DateField(_("purchase date"), null=True, blank=True)
    purchase_price = models.DecimalField(
        _("purchase price (EUR)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    supplier = models.CharField(_("supplier"), max_length=150, blank=True)
    procurement_contract = models.CharField(_("procurement contract"), max_length=60, blank=True)
    procurement_order = models.CharField(_("order number"), max_length=60, blank=True)
    warranty_end = models.DateField(_("warranty end"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        constraints = [
            models.UniqueConstraint(
                fields=["manufacturer", "serial"], condition=~models.Q(serial=""), name="asset_serial_unique_per_maker"
            ),
            # Tags are stored upper-case, so a scan finds them through the unique index.
            models.CheckConstraint(condition=models.Q(tag=Upper("tag")), name="asset_tag_upper_case"),
            models.CheckConstraint(
                condition=models.Q(holder__isnull=True) | models.Q(status__in=HELD_STATUSES),
                name="asset_holder_only_when_held",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=AssetStatus.IN_STOCK) | models.Q(site__isnull=False),
                name="asset_in_stock_has_site",
            ),
            models.CheckConstraint(
                condition=models.Q(purchase_price__isnull=True) | models.Q(purchase_price__gte=0),
                name="asset_price_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "tag"], name="asset_status_tag"),
            # Tag prefix search (LIKE 'IC-0001%') on PostgreSQL; other databases ignore the opclass.
            models.Index(fields=["tag"], name="asset_tag_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["site", "status"], name="asset_site_status"),
            models.Index(fields=["warranty_end"], name="asset_warranty_end"),
            models.Index(fields=["procurement_contract"], name="asset_procurement"),
            models.Index(fields=["serial"], name="asset_serial"),
            models.Index(fields=["updated_at"], name="asset_updated"),
        ]

    def __str__(self) -> str:
        return self.tag

    def save(self, *args, **kwargs):
        if self.model_id and not self.manufacturer_id:
            self.manufacturer_id = ProductModel.objects.values_list("manufacturer_id", flat=True).get(pk=self.model_id)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("assets:detail", kwargs={"tag": self.tag})


class AssetEvent(models.Model):
    """An immutable line of an asset's history: who changed what, when, from what to what."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        STATUS = "status", _("Status")
        LOCATION = "location", _("Location")
        HOLDER = "holder", _("Holder")
        CONDITION = "condition", _("Condition")
        DETAILS = "details", _("Details")
        STOCKTAKE = "stocktake", _("Stocktake")
        IMPORT = "import", _("Import")

    asset = models.ForeignKey(Asset, verbose_name=_("asset"), on_delete=models.CASCADE, related_name="events")
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
    old_value = models.CharField(_("from"), max_length=255, blank=True)
    new_value = models.CharField(_("to"), max_length=255, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("asset event")
        verbose_name_plural = _("asset history")
        indexes = [models.Index(fields=["asset", "-at", "-id"], name="asset_event_timeline")]

    def __str__(self) -> str:
        return f"{self.asset_id} {self.kind} {self.old_value} → {self.new_value}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Asset history is immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Asset history is immutable.")

    @property
    def summary(self) -> str:
        """This line as a sentence in the active language (assets/history.py)."""
        from ..history import describe

        return describe(self)
