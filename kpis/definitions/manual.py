"""KPIs entered by hand (MN01-MN03): icity holds no data for them, a manager types the month's value."""

from django.utils.translation import gettext_lazy as _

from .base import Kpi, register

# The KPIs whose entry also takes an amount excl. VAT.
WITH_AMOUNT = ("MN01", "MN02")

register(
    Kpi(
        code="MN01",
        domain="manual",
        name=_("Public contracts awarded"),
        description=_("Public contracts awarded in the month: count, and amount excl. VAT."),
        unit="count",
        direction="none",
        compute=None,
    )
)
register(
    Kpi(
        code="MN02",
        domain="manual",
        name=_("Small-value contracts"),
        description=_("Small-value contracts in the month: count, and amount excl. VAT."),
        unit="count",
        direction="lower",
        compute=None,
    )
)
register(
    Kpi(
        code="MN03",
        domain="manual",
        name=_("Staff trained"),
        description=_("People trained in the month."),
        unit="count",
        direction="none",
        compute=None,
    )
)
