"""Amounts in the reader's language: "1 157,00 €" (fr), "€ 1.157,00" (nl), "€1,157.00" (en)."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import get_language

register = template.Library()


@register.filter
def money(value) -> str:
    if value is None or value == "":
        return "—"
    amount = number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)
    language = (get_language() or "fr")[:2]
    if language == "fr":
        return f"{amount}\u00a0€"
    if language == "nl":
        return f"€\u00a0{amount}"
    return f"€{amount}"
