from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assets.models.assets import Asset
from assets.models.catalogue import ProductModel
from assets.models.kits import Kit
from icity.models import Site


class Delivery(models.TextChoices):
    DESK = "desk", _("Pick-up at the i-CITY desk")
    SITE = "site", _("Delivery to a City site")
    HOME = "home", _("Home delivery")


class EquipmentRequest(models.Model):
    """Staff asking for kits or requestable models. Changed only by the request_* services."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        PENDING_APPROVAL = "pending_approval", _("Awaiting approval")
        PREPARING = "preparing", _("Being prepared")
        READY = "ready", _("Ready for pick-up")
        OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
        HANDED_OVER = "handed_over", _("Handed over")
        CLOSED = "closed", _("Closed")
        REFUSED = "refused", _("Refused")
        CANCELLED = "cancelled", _("Cancelled")

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("for"), on_delete=models.PROTECT, related_name="equipment_requests"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.SUBMITTED)
    reason = models.TextField(_("reason"))
    wanted_by = models.DateField(_("wanted by"), null=True, blank=True)
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery, default=Delivery.DESK)
    delivery_site = models.ForeignKey(
        Site, verbose_name=_("delivery site"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    delivery_address = models.TextField(_("delivery address"), blank=True)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approver"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests_to_approve",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("prepared by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ready_at = models.DateTimeField(_("ready since"), null=True, blank=True)
    # The rest of a partly approved request, kept for when stock comes in (approved already).
    backorder_of = models.ForeignKey(
        "self",
        verbose_name=_("rest of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="backorders",
    )
    idempotency_key = models.UUIDField(_("idempotency key"), null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        db_table = "assets_equipmentrequest"  # kept from when loans lived in assets/
        verbose_name = _("equipment request")
        verbose_name_plural = _("equipment requests")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(delivery="home") | ~models.Q(delivery_address=""), name="request_home_has_address"
            ),
            models.CheckConstraint(
                condition=~models.Q(delivery="site") | models.Q(delivery_site__isnull=False),
                name="request_site_delivery_has_site",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="refused") | ~models.Q(refusal_reason=""), name="request_refusal_has_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="request_status_created"),
            models.Index(fields=["requester", "-created_at"], name="request_requester"),
            models.Index(fields=["approver", "status"], name="request_approver"),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("assets:request", kwargs={"pk": self.pk})

    @property
    def reference(self) -> str:
        return f"REQ-{self.pk:06d}" if self.pk else "REQ-new"


class RequestLine(models.Model):
    """One thing asked for: a kit or a requestable model, with a quantity."""

    request = models.ForeignKey(
        EquipmentRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="lines"
    )
    kit = models.ForeignKey(Kit, verbose_name=_("kit"), null=True, blank=True, on_delete=models.PROTECT)
    model = models.ForeignKey(
        ProductModel, verbose_name=_("model"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    # What was asked before the approver changed the line (a substitute model, a smaller quantity);
    # empty when the line is as asked.
    asked_model = models.ForeignKey(
        ProductModel,
        verbose_name=_("model asked for"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    asked_quantity = models.PositiveSmallIntegerField(_("quantity asked for"), null=True, blank=True)
    rest_note = models.CharField(_("why the rest is not handed over"), max_length=500, blank=True)

    class Meta:
        db_table = "assets_requestline"  # kept from when loans lived in assets/
        verbose_name = _("request line")
        verbose_name_plural = _("request lines")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kit__isnull=True) & models.Q(model__isnull=False))
                | (models.Q(kit__isnull=False) & models.Q(model__isnull=True)),
                name="request_line_kit_xor_model",
            ),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="request_line_quantity_positive"),
            # A substitute replaces a model, never a kit.
            models.CheckConstraint(
                condition=models.Q(asked_model__isnull=True) | models.Q(model__isnull=False),
                name="request_line_substitute_for_a_model",
            ),
            # A partial hand-over only ever lowers the quantity.
            models.CheckConstraint(
                condition=models.Q(asked_quantity__isnull=True) | models.Q(asked_quantity__gt=models.F("quantity")),
                name="request_line_partial_is_less",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.kit or self.model}"


class PreparedItem(models.Model):
    """What logistics picked for a request: a reserved unit, or stock issued from a site."""

    request = models.ForeignKey(
        EquipmentRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="prepared_items"
    )
    model = models.ForeignKey(ProductModel, verbose_name=_("model"), on_delete=models.PROTECT, related_name="+")
    asset = models.ForeignKey(
        Asset, verbose_name=_("asset"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    stock_site = models.ForeignKey(
        Site, verbose_name=_("issued from"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        db_table = "assets_prepareditem"  # kept from when loans lived in assets/
        verbose_name = _("prepared item")
        verbose_name_plural = _("prepared items")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(asset__isnull=False) & models.Q(quantity=1))
                | (models.Q(asset__isnull=True) & models.Q(stock_site__isnull=False)),
                name="prepared_item_unit_or_stock",
            ),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="prepared_item_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.asset_id or self.model_id}"
