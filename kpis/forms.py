from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import current_month


def parse_month(text: str) -> date:
    """ "2026-03" -> date(2026, 3, 1); ValueError otherwise (also for years outside 2000-2100)."""
    year, month = text.split("-")
    if len(year) != 4 or not 1 <= len(month) <= 2:
        raise ValueError(text)
    value = date(int(year), int(month), 1)
    if not 2000 <= value.year <= 2100:
        raise ValueError(text)
    return value


class MonthField(forms.CharField):
    widget = forms.TextInput(attrs={"type": "month", "pattern": r"\d{4}-\d{2}", "placeholder": "2026-03"})

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_month(text)
        except ValueError:
            raise forms.ValidationError(_("Enter a month as YYYY-MM."), code="month") from None

    def prepare_value(self, value):
        return value.strftime("%Y-%m") if isinstance(value, date) else value


class PastMonthField(MonthField):
    def to_python(self, value):
        month = super().to_python(value)
        if month is not None and month > current_month():
            raise forms.ValidationError(_("A month in the future has no figures yet."), code="future")
        return month


class TargetForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    target = forms.DecimalField(label=_("Target"), max_digits=18, decimal_places=4)
    amber_band = forms.DecimalField(
        label=_("Amber band"),
        max_digits=18,
        decimal_places=4,
        min_value=0,
        initial=0,
        help_text=_("How far from the target a value is still amber, in the KPI's unit (points for a percentage)."),
    )


class ManualEntryForm(forms.Form):
    month = PastMonthField(label=_("Month"))
    value = forms.DecimalField(label=_("Value"), max_digits=18, decimal_places=4, min_value=0)
    amount = forms.DecimalField(
        label=_("Amount excl. VAT (EUR)"), max_digits=18, decimal_places=2, min_value=0, required=False
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, with_amount: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_amount:
            del self.fields["amount"]


class RecomputeForm(forms.Form):
    month = PastMonthField(label=_("Month"))
    reason = forms.CharField(
        label=_("Why recompute this month?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The month's stored figures, maybe already sent to the City, are replaced. This is logged."),
    )
