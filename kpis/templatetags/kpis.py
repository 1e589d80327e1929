from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from tickets.models import Channel

register = template.Library()

UNIT_SUFFIX = {"percent": " %", "hours": " h", "days": " d", "kg": " kg", "eur": " €"}


@register.filter
def kpi_value(value: Decimal | None, kpi) -> str:
    """A value in its unit, localised (12,5 % in French); "no data" in words, never 0."""
    if value is None or value == "":  # "" : the month has no stored row
        return _("no data")
    value = Decimal(value)
    places = 0 if kpi.unit == "count" and value == value.to_integral_value() else 1
    if kpi.unit in ("ratio", "eur"):
        places = 2
    return f"{number_format(value, places, use_l10n=True, force_grouping=True)}{UNIT_SUFFIX.get(kpi.unit, '')}"


@register.filter
def scope_label(row) -> str:
    if row.scope_kind == "channel" and row.scope_key in Channel.values:
        return str(Channel(row.scope_key).label)
    if row.scope_key == "none":
        return _("(none)")
    return row.scope_label


@register.filter
def signed(value: Decimal | None) -> str:
    if value is None or value == "":
        return "—"
    sign = "+" if value > 0 else ""
    return f"{sign}{number_format(value, 1, use_l10n=True)} %"


@register.filter
def status_label(status: str) -> str:
    from kpis.reading import STATUS_LABELS

    return str(STATUS_LABELS.get(status, ""))
