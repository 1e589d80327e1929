"""The managers' KPI pages: dashboard, one KPI, the year in figures, targets and manual entry.

Pages read stored snapshots only (kpis/reading.py); the writes are one service call each.
"""

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from icity.roles import Role, has_role, role_required

from . import charts, reading, services
from .definitions import get_kpi
from .definitions.base import DOMAINS, Kpi, Period
from .definitions.manual import WITH_AMOUNT
from .forms import ManualEntryForm, RecomputeForm, TargetForm, parse_month
from .models import ManualEntry, Recompute
from .templatetags.kpis import UNIT_SUFFIX

MANAGERS = (Role.MANAGER, Role.ADMIN)
DOMAIN_LABELS = {
    "helpdesk": gettext_lazy("Helpdesk"),
    "knowledge": gettext_lazy("Knowledge base"),
    "logistics": gettext_lazy("Logistics"),
    "fleet": gettext_lazy("Fleet and Green IT"),
    "schools": gettext_lazy("School PC programme"),
    "surveys": gettext_lazy("Satisfaction surveys"),
    "manual": gettext_lazy("Entered by hand"),
}
SCOPE_LABELS = {
    "team": gettext_lazy("Team"),
    "category": gettext_lazy("Category"),
    "department": gettext_lazy("Department"),
    "site": gettext_lazy("Site"),
    "equipment_type": gettext_lazy("Equipment type"),
    "school": gettext_lazy("School"),
    "channel": gettext_lazy("Channel"),
    "reason": gettext_lazy("Reason"),
}
DIRECTION_LABELS = {
    "higher": gettext_lazy("Higher is better"),
    "lower": gettext_lazy("Lower is better"),
    "none": gettext_lazy("No direction: a volume to follow"),
}
assert set(DOMAIN_LABELS) == set(DOMAINS)


def _kpi_or_404(code: str) -> Kpi:
    kpi = get_kpi(code.upper()) if len(code) <= 8 else None
    if kpi is None:
        raise Http404
    return kpi


def _month_param(request, default: date) -> date:
    text = request.GET.get("month", "")
    if not text:
        return default
    try:
        month = parse_month(text)
    except ValueError:
        return default
    return min(month, services.current_month())


def _plain(number):
    """16.0000 -> 16, 2.5000 -> 2.5 (form initial values)."""
    return number.quantize(1) if number == number.to_integral_value() else number.normalize()


def records_link(kpi: Kpi, month: date) -> str:
    """The list page with the records behind the figure, filtered to the month where it can be."""
    if not kpi.records_url:
        return ""
    try:
        url = reverse(kpi.records_url)
    except NoReverseMatch:
        return ""
    period = Period(month)
    replacements = {"{first_day}": period.month.isoformat(), "{last_day}": period.last_day.isoformat()}
    query = []
    for key, value in kpi.records_query.items():
        for item in value if isinstance(value, list | tuple) else [value]:
            query.append((key, replacements.get(str(item), str(item))))
    return f"{url}?{urlencode(query)}" if query else url


@role_required(*MANAGERS)
def dashboard(request):
    month = services.current_month()
    scope_text = request.GET.get("scope", "")
    try:
        scope_kind, scope_key = reading.parse_scope(scope_text)
    except ValueError:
        scope_kind, scope_key, scope_text = "", "", ""
    groups = reading.dashboard_tiles(month=month, scope_kind=scope_kind, scope_key=scope_key)
    for _domain, tiles in groups:
        for tile in tiles:
            tile.sparkline = charts.sparkline(
                [value for _m, value in tile.history],
                label=_("%(name)s over the last 13 months") % {"name": tile.kpi.name},
            )
    choices = reading.scope_choices(since=reading.months_back(month, 13)[0])
    return render(
        request,
        "kpis/dashboard.html",
        {
            "groups": [(DOMAIN_LABELS[domain], domain, tiles) for domain, tiles in groups],
            "month": month,
            "last_month": Period(month).previous().month,
            "scope": scope_text,
            "scope_kind": scope_kind,
            "scope_choices": [(SCOPE_LABELS[kind], kind, items) for kind, items in choices.items()],
        },
    )


@role_required(*MANAGERS)
def kpi_detail(request, code: str):
    kpi = _kpi_or_404(code)
    current = services.current_month()
    month = _month_param(request, Period(current).previous().month if kpi.compute else current)
    history = reading.kpi_history(kpi, month=current, count=24)
    chart = charts.month_chart(
        [m for m, _row, _target, _status in history],
        [row.value if row else None for _m, row, _target, _status in history],
        [target.target if target else None for _m, _row, target, _status in history],
        title=_("%(name)s, last 24 months, with the target") % {"name": kpi.name},
        unit_suffix=UNIT_SUFFIX.get(kpi.unit, "").strip() if kpi.unit == "percent" else "",
    )
    target = next((t for m, _row, t, _s in reversed(history) if m.year == current.year and t), None)
    target_form = TargetForm(
        initial={
            "year": current.year,
            "target": _plain(target.target) if target else None,
            "amber_band": _plain(target.amber_band) if target else 0,
        }
    )
    breakdown = reading.breakdown(kpi, month=month)
    context = {
        "kpi": kpi,
        "is_manual": kpi.compute is None,
        "domain_label": DOMAIN_LABELS[kpi.domain],
        "direction_label": DIRECTION_LABELS[kpi.direction],
        "history": list(reversed(history)),
        "chart": chart,
        "month": month,
        "breakdown": [(SCOPE_LABELS.get(kind, kind), rows) for kind, rows in breakdown.items()],
        "records_link": records_link(kpi, month),
        "records_allowed": not kpi.records_roles or has_role(request.user, *kpi.records_roles),
        "target_form": target_form,
        "recompute_form": RecomputeForm(initial={"month": Period(current).previous().month}),
        "recomputes": Recompute.objects.select_related("user").order_by("-created_at")[:5],
    }
    return render(request, "kpis/kpi_detail.html", context)


@require_POST
@role_required(*MANAGERS)
def kpi_target(request, code: str):
    kpi = _kpi_or_404(code)
    form = TargetForm(request.POST)
    if form.is_valid():
        try:
            services.target_set(code=kpi.code, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Target for %(year)s saved.") % {"year": form.cleaned_data["year"]})
    else:
        messages.error(
            request,
            _("The target was not saved: %(errors)s")
            % {
                "errors": "; ".join(
                    f"{form.fields[name].label}: {' '.join(errors)}"
                    for name, errors in form.errors.items()
                    if name in form.fields
                )
            },
        )
    return redirect(reverse("kpis:detail", args=[kpi.code]) + "#target")


@require_POST
@role_required(*MANAGERS)
def recompute(request):
    form = RecomputeForm(request.POST)
    back = request.POST.get("code", "")
    url = reverse("kpis:detail", args=[back]) if get_kpi(back) else reverse("kpis:dashboard")
    if form.is_valid():
        result = services.kpis_snapshot_month(
            month=form.cleaned_data["month"], recompute=True, user=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(
            request,
            _("%(month)s recomputed: %(count)s values stored.")
            % {"month": f"{result.month:%m/%Y}", "count": result.values},
        )
    else:
        messages.error(request, _("Nothing recomputed: give a past month and a reason."))
    return redirect(url + "#recompute")


@role_required(*MANAGERS)
def manual_entry(request, code: str):
    kpi = _kpi_or_404(code)
    if kpi.compute is not None:
        raise Http404
    with_amount = kpi.code in WITH_AMOUNT
    if request.method == "POST":
        form = ManualEntryForm(request.POST, with_amount=with_amount)
        if form.is_valid():
            try:
                services.manual_entry_save(code=kpi.code, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("Value for %(month)s saved.") % {"month": f"{form.cleaned_data['month']:%m/%Y}"}
                )
                return redirect("kpis:manual", code=kpi.code)
    else:
        form = ManualEntryForm(
            initial={"month": Period(services.current_month()).previous().month}, with_amount=with_amount
        )
    history = (
        ManualEntry.objects.filter(code=kpi.code).select_related("entered_by").order_by("-month", "-entered_at")[:50]
    )
    return render(
        request, "kpis/manual_entry.html", {"kpi": kpi, "form": form, "history": history, "with_amount": with_amount}
    )


@role_required(*MANAGERS)
def annual(request):
    this_year = services.current_month().year
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        year = this_year
    year = min(max(year, 2000), this_year)
    groups = reading.annual(year=year)
    return render(
        request,
        "kpis/annual.html",
        {
            "year": year,
            "previous_year": year - 1,
            "years": list(range(this_year, this_year - 6, -1)),
            "groups": [(DOMAIN_LABELS[domain], rows) for domain, rows in groups],
        },
    )


def manager_panel(request) -> dict:
    month = Period(services.current_month()).previous().month
    return {"kpis_month": month}
