from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from icity.models import BilingualName


class Category(BilingualName):
    """Laptop, dock, headset …: editable by logistics in the admin."""

    code = models.SlugField(_("code"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class Manufacturer(models.Model):
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("manufacturer")
        verbose_name_plural = _("manufacturers")
        constraints = [models.UniqueConstraint(Lower("name"), name="manufacturer_name_ci_unique")]

    def __str__(self) -> str:
        return self.name


class ProductModel(models.Model):
    """A product in the catalogue, tracked per unit (asset tag) or by quantity (stock)."""

    class Tracking(models.TextChoices):
        UNIT = "unit", _("Per unit (asset tag and serial)")
        QUANTITY = "quantity", _("By quantity (stock per site)")

    manufacturer = models.ForeignKey(
        Manufacturer, verbose_name=_("manufacturer"), on_delete=models.PROTECT, related_name="product_models"
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="product_models"
    )
    name = models.CharField(_("name"), max_length=150)
    tracking = models.CharField(_("tracking"), max_length=10, choices=Tracking, default=Tracking.UNIT)
    cpu = models.CharField(_("processor"), max_length=100, blank=True)
    ram_gb = models.PositiveSmallIntegerField(_("memory (GB)"), null=True, blank=True)
    storage_gb = models.PositiveIntegerField(_("storage (GB)"), null=True, blank=True)
    specs = models.TextField(_("other specifications"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="assets/models/", blank=True)
    requestable = models.BooleanField(_("staff may request it"), default=False)
    requires_approval = models.BooleanField(_("request needs the manager's approval"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    # Green IT figures (KPIs GR02 and GR03): what one unit weighs, and the CO2e its manufacture emitted.
    weight_kg = models.DecimalField(
        _("weight (kg)"), max_digits=7, decimal_places=2, null=True, blank=True, help_text=_("One unit, as shipped.")
    )
    embodied_carbon_kg = models.DecimalField(
        _("embodied carbon (kg CO2e)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Emissions of making one unit (manufacturer's product carbon footprint)."),
    )

    class Meta:
        verbose_name = _("product model")
        verbose_name_plural = _("product models")
        constraints = [
            models.UniqueConstraint(fields=["manufacturer", "name"], name="product_model_unique_per_manufacturer"),
            models.CheckConstraint(
                condition=models.Q(requestable=True) | models.Q(requires_approval=False),
                name="product_model_approval_only_if_requestable",
            ),
            models.CheckConstraint(
                condition=models.Q(weight_kg__isnull=True) | models.Q(weight_kg__gt=0),
                name="product_model_weight_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(embodied_carbon_kg__isnull=True) | models.Q(embodied_carbon_kg__gte=0),
                name="product_model_carbon_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.manufacturer.name} {self.name}"

    @property
    def is_unit_tracked(self) -> bool:
        return self.tracking == self.Tracking.UNIT
