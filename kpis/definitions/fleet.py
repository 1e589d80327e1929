"""Fleet and Green IT KPIs FL01, FL02, GR01–GR04 (shared/KPIS.md).

An asset's status at the end of a month is read from its history (the last
status change before then), so a month computed late gives the figure the
month really had.
"""

from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from assets.models import Asset, AssetEvent, AssetStatus
from loans.models import LoanLine

from ._ops import count_value, dec, label, ratio_value, scope_counts, scope_ratios
from .base import Kpi, Period, Value, register

OUT_OF_SERVICE = (AssetStatus.RETIRED, AssetStatus.DISPOSED, AssetStatus.LOST)
STATUS_KINDS = (AssetEvent.Kind.STATUS, AssetEvent.Kind.STOCKTAKE)
AGEING_YEARS = 5
ASSET_CATEGORY = ("model__category__code", "model__category__name_fr", "model__category__name_nl")
LINE_CATEGORY = ("asset__model__category__code", "asset__model__category__name_fr", "asset__model__category__name_nl")
SITE = ("site__code", "site__name_fr", "site__name_nl")


def _status_changes():
    return AssetEvent.objects.filter(asset=OuterRef("pk"), kind__in=STATUS_KINDS, new_value__in=AssetStatus.values)


def in_service_at_end(period: Period):
    """Assets registered before the month's end whose status then was not retired, disposed or lost."""
    last_before = _status_changes().filter(at__lt=period.end).order_by("-at", "-id").values("new_value")[:1]
    first_ever = _status_changes().order_by("at", "id").values("old_value")[:1]
    return (
        Asset.objects.filter(created_at__lt=period.end)
        .annotate(status_then=Coalesce(Subquery(last_before), Subquery(first_ever), F("status")))
        .exclude(status_then__in=OUT_OF_SERVICE)
    )


def fl01_fleet(period: Period) -> list[Value]:
    fleet = in_service_at_end(period)
    values = [count_value(fleet.count())]
    values += scope_counts(
        fleet.values(*ASSET_CATEGORY).annotate(n=Count("pk")).order_by(), "equipment_type", *ASSET_CATEGORY
    )
    values += scope_counts(fleet.values(*SITE).annotate(n=Count("pk")).order_by(), "site", *SITE)
    return values


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def fl02_ageing(period: Period) -> list[Value]:
    """Share of FL01 bought more than five years before the month's end, or whose warranty had ended by then."""
    ageing = Q(purchase_date__lt=_years_before(period.next_month, AGEING_YEARS)) | Q(warranty_end__lt=period.next_month)
    fleet = in_service_at_end(period)
    totals = fleet.aggregate(den=Count("pk"), num=Count("pk", filter=ageing))
    values = [ratio_value(totals["num"], totals["den"])]
    for fields, kind in ((ASSET_CATEGORY, "equipment_type"), (SITE, "site")):
        rows = fleet.values(*fields).annotate(den=Count("pk"), num=Count("pk", filter=ageing)).order_by()
        values += scope_ratios(rows, kind, *fields)
    return values


def second_life(period: Period) -> list[dict]:
    """Units handed out in the month after a reconditioning job made them ready: one row per unit."""
    from schools.models import ReconJob, ReconStep

    reconditioned = ReconJob.objects.filter(
        asset=OuterRef("asset"), step=ReconStep.READY, closed_at__lt=OuterRef("loan__started_at")
    )
    return list(
        LoanLine.objects.filter(
            asset__isnull=False, loan__started_at__gte=period.start, loan__started_at__lt=period.end
        )
        .filter(Exists(reconditioned))
        .values("asset", *LINE_CATEGORY, "asset__model__weight_kg", "asset__model__embodied_carbon_kg")
        .distinct()
        .order_by("asset")
    )


def _per_category(rows: list[dict], figure) -> list[Value]:
    grouped: dict[str, tuple[str, list]] = {}
    for row in rows:
        code = row[LINE_CATEGORY[0]]
        name = label(row[LINE_CATEGORY[1]], row[LINE_CATEGORY[2]])
        grouped.setdefault(code, (name, []))[1].append(row)
    return [
        Value(figure(units), scope_kind="equipment_type", scope_key=code, scope_label=name)
        for code, (name, units) in sorted(grouped.items())
    ]


def gr01_second_life(period: Period) -> list[Value]:
    rows = second_life(period)
    return [count_value(len(rows)), *_per_category(rows, lambda units: Decimal(len(units)))]


def _sum_of(field: str):
    """Sum a model figure over units; "no data" when units went out but none of their models has the figure."""

    def total(units: list[dict]) -> Decimal | None:
        known = [row[field] for row in units if row[field] is not None]
        if units and not known:
            return None
        return sum((dec(number) for number in known), Decimal(0))

    return total


def _model_figure(field: str):
    def compute(period: Period) -> list[Value]:
        rows = second_life(period)
        total = _sum_of(field)
        return [Value(total(rows)), *_per_category(rows, total)]

    return compute


def gr04_certified_disposals(period: Period) -> list[Value]:
    """Units disposed of in the month that carry a wipe certificate from the reconditioning bench."""
    from schools.models import ReconJob

    certified = ReconJob.objects.filter(asset=OuterRef("asset"), certificate_number__isnull=False)
    disposals = AssetEvent.objects.filter(
        kind__in=STATUS_KINDS, new_value=AssetStatus.DISPOSED, at__gte=period.start, at__lt=period.end
    ).filter(Exists(certified))
    values = [count_value(disposals.aggregate(n=Count("asset", distinct=True))["n"])]
    category = tuple(f"asset__{field}" for field in ASSET_CATEGORY)
    rows = disposals.values(*category).annotate(n=Count("asset", distinct=True)).order_by()
    return values + scope_counts(rows, "equipment_type", *category)


FLEET = "fleet"

register(
    Kpi(
        "FL01",
        FLEET,
        _("Fleet in service"),
        _("Assets in service (not retired, disposed of or lost) at the end of the month, by type."),
        "count",
        "none",
        fl01_fleet,
        scopes=("equipment_type", "site"),
        records_url="assets:list",
        yearly="last",
    )
)
register(
    Kpi(
        "FL02",
        FLEET,
        _("Ageing fleet"),
        _("Share of the fleet in service (FL01) older than 5 years or out of warranty at the end of the month."),
        "percent",
        "lower",
        fl02_ageing,
        scopes=("equipment_type", "site"),
        records_url="assets:list",
        yearly="last",
    )
)
register(
    Kpi(
        "GR01",
        FLEET,
        _("Second life"),
        _("Devices reconditioned and handed out again in the month (pupil PCs included)."),
        "count",
        "higher",
        gr01_second_life,
        scopes=("equipment_type",),
        records_url="schools:jobs",
    )
)
register(
    Kpi(
        "GR02",
        FLEET,
        _("E-waste avoided"),
        _("Kilograms: the second-life devices of the month (GR01) times their model's weight."),
        "kg",
        "higher",
        _model_figure("asset__model__weight_kg"),
        scopes=("equipment_type",),
        records_url="schools:jobs",
    )
)
register(
    Kpi(
        "GR03",
        FLEET,
        _("CO2e avoided"),
        _("Kilograms of CO2e: the second-life devices of the month (GR01) times their model's embodied carbon."),
        "kg",
        "higher",
        _model_figure("asset__model__embodied_carbon_kg"),
        scopes=("equipment_type",),
        records_url="schools:jobs",
    )
)
register(
    Kpi(
        "GR04",
        FLEET,
        _("Certified disposals"),
        _("Devices disposed of in the month with a data-wipe certificate."),
        "count",
        "none",
        gr04_certified_disposals,
        scopes=("equipment_type",),
        records_url="schools:jobs",
    )
)
