from django.db import models
from django.utils.translation import gettext_lazy as _

from icity.models import BilingualName

from .catalogue import ProductModel


class Kit(BilingualName):
    """A named bundle of models, e.g. the Telework pack; requested and lent as a whole."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    description = models.TextField(_("description"), blank=True)
    requestable = models.BooleanField(_("staff may request it"), default=True)

    class Meta:
        verbose_name = _("kit")
        verbose_name_plural = _("kits")

    def __str__(self) -> str:
        return self.name


class KitItem(models.Model):
    kit = models.ForeignKey(Kit, verbose_name=_("kit"), on_delete=models.CASCADE, related_name="items")
    model = models.ForeignKey(ProductModel, verbose_name=_("model"), on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)

    class Meta:
        verbose_name = _("kit item")
        verbose_name_plural = _("kit items")
        constraints = [
            models.UniqueConstraint(fields=["kit", "model"], name="kit_item_unique_model"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="kit_item_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.model_id}"
