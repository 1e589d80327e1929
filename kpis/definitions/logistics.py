"""Logistics KPIs LG01–LG13 (shared/KPIS.md): requests, loans, returns, deliveries, stock.

Every figure is a handful of aggregate queries over one Brussels month. Loan,
request and delivery models are read from where they live (``assets.models``).
"""

from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Case, CharField, Count, Exists, F, Min, OuterRef, Q, Sum, When
from django.db.models import Value as V
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext_lazy as _

from assets.models import StockMovement
from loans.models import DeliveryRun, EquipmentRequest, LoanLine, Recovery, RequestLine
from tickets import sla

from ._ops import count_value, dec, due_before, label, median_value, ratio_value, scope_counts, scope_ratios
from .base import BRUSSELS, Kpi, Period, Value, register

CATEGORY = ("model__category__code", "model__category__name_fr", "model__category__name_nl")
RUN_KINDS = (DeliveryRun.Kind.DELIVERY, DeliveryRun.Kind.PICK_UP)


# ---------------------------------------------------------------- requests


def lg01_requests(period: Period) -> list[Value]:
    """Requests submitted in the month; by equipment type (a kit such as the telework pack is its own type)."""
    submitted = EquipmentRequest.objects.filter(created_at__gte=period.start, created_at__lt=period.end)
    values = [count_value(submitted.count())]
    lines = RequestLine.objects.filter(request__in=submitted)
    by_category = (
        lines.filter(model__isnull=False).values(*CATEGORY).annotate(n=Count("request", distinct=True)).order_by()
    )
    values += scope_counts(by_category, "equipment_type", *CATEGORY)
    by_kit = lines.filter(kit__isnull=False).values("kit__code", "kit__name_fr", "kit__name_nl")
    by_kit = by_kit.annotate(n=Count("request", distinct=True)).order_by()
    values += [
        count_value(
            row["n"],
            kind="equipment_type",
            key=f"kit-{row['kit__code']}",
            name=label(row["kit__name_fr"], row["kit__name_nl"]),
        )
        for row in by_kit
    ]
    department = ("requester__department__code", "requester__department__name_fr", "requester__department__name_nl")
    by_department = submitted.values(*department).annotate(n=Count("pk")).order_by()
    values += scope_counts(by_department, "department", *department)
    return values


def _business_days(start: datetime, end: datetime) -> float:
    """Working days between two moments, in full working days (SLA calendar)."""
    opens, closes = sla.workday()
    day_minutes = (datetime.combine(date.min, closes) - datetime.combine(date.min, opens)).total_seconds() / 60
    return sla.business_minutes_between(start, end) / day_minutes


def _handed_over(period: Period) -> list[tuple[str | None, str, float]]:
    """(department code, department label, business days from approval to hand-over) per request handed over in the month.

    Hand-over is the first loan made for the request; approval is the manager's
    decision, or the submission for a request that needed none.
    """
    rows = (
        EquipmentRequest.objects.annotate(handed_at=Min("loans__started_at"))
        .filter(handed_at__gte=period.start, handed_at__lt=period.end)
        .annotate(approved_at=Coalesce("decided_at", "created_at"))
        .values(
            "approved_at",
            "handed_at",
            "requester__department__code",
            "requester__department__name_fr",
            "requester__department__name_nl",
        )
    )
    return [
        (
            row["requester__department__code"],
            label(row["requester__department__name_fr"], row["requester__department__name_nl"]),
            _business_days(row["approved_at"], row["handed_at"]),
        )
        for row in rows
    ]


def _by_department(rows):
    grouped: dict[str, tuple[str, list[float]]] = {}
    for code, name, days in rows:
        if code is not None:
            grouped.setdefault(code, (name, []))[1].append(days)
    return grouped


def lg02_lead_time(period: Period) -> list[Value]:
    rows = _handed_over(period)
    values = [median_value([days for _code, _name, days in rows])]
    for code, (name, days) in sorted(_by_department(rows).items()):
        values.append(median_value(days, kind="department", key=code, name=name))
    return values


def target_days() -> int:
    return int(getattr(settings, "KPIS_REQUEST_TARGET_DAYS", 5))


def lg03_on_time(period: Period) -> list[Value]:
    rows = _handed_over(period)
    target = target_days()
    values = [ratio_value(sum(1 for *_rest, days in rows if days <= target), len(rows))]
    for code, (name, days) in sorted(_by_department(rows).items()):
        values.append(
            ratio_value(sum(1 for day in days if day <= target), len(days), kind="department", key=code, name=name)
        )
    return values


# ---------------------------------------------------------------- loan lines


def _checked_out(period: Period):
    return LoanLine.objects.filter(loan__started_at__gte=period.start, loan__started_at__lt=period.end)


def _checked_in(period: Period):
    return LoanLine.objects.filter(
        state=LoanLine.State.RETURNED, returned_at__gte=period.start, returned_at__lt=period.end
    )


def _units_by_category(lines, kind: str = "equipment_type") -> list[Value]:
    rows = lines.values(*CATEGORY).annotate(n=Sum("quantity")).order_by()
    return scope_counts(rows, kind, *CATEGORY)


def lg04_handed_out(period: Period) -> list[Value]:
    lines = _checked_out(period)
    return [count_value(lines.aggregate(n=Sum("quantity"))["n"]), *_units_by_category(lines)]


REASONS = {
    "end_of_loan": label("Fin de prêt", "Einde uitlening"),
    "leaver": label("Départ de la Ville", "Vertrek bij de Stad"),
    "campaign": label("Campagne de retour", "Terugbrengcampagne"),
}


def _with_reason(lines):
    """Why a unit came back: a pupil's device (return campaign), a leaver's recovery, or the loan's end."""
    leaving = Recovery.objects.filter(
        person=OuterRef("loan__borrower"), reason=Recovery.Reason.LEAVING, started_at__lte=OuterRef("returned_at")
    ).filter(Q(closed_at__isnull=True) | Q(closed_at__gte=OuterRef("returned_at")))
    return lines.annotate(
        reason=Case(
            When(loan__borrower_kind="pupil", then=V("campaign")),
            When(Exists(leaving), then=V("leaver")),
            default=V("end_of_loan"),
            output_field=CharField(),
        )
    )


def lg05_recovered(period: Period) -> list[Value]:
    lines = _checked_in(period)
    values = [count_value(lines.aggregate(n=Sum("quantity"))["n"]), *_units_by_category(lines)]
    by_reason = _with_reason(lines).values("reason").annotate(n=Sum("quantity")).order_by("reason")
    values += [
        count_value(row["n"], kind="reason", key=row["reason"], name=REASONS[row["reason"]]) for row in by_reason
    ]
    return values


def _open_at_end(period: Period):
    """Lines in someone's hands when the month ended: lent before, not returned nor closed as lost by then."""
    return (
        LoanLine.objects.filter(loan__started_at__lt=period.end)
        .exclude(state=LoanLine.State.GIVEN)
        .exclude(returned_at__lt=period.end)
        .exclude(Q(state=LoanLine.State.LOST) & (Q(loan__closed_at__isnull=True) | Q(loan__closed_at__lt=period.end)))
    )


def _overdue_at_end(period: Period):
    # Past due at midnight ending the month: due on the last day or before.
    return _open_at_end(period).filter(loan__due_date__lt=due_before(period))


def lg06_open(period: Period) -> list[Value]:
    lines = _open_at_end(period)
    return [count_value(lines.aggregate(n=Sum("quantity"))["n"]), *_units_by_category(lines)]


def lg07_overdue(period: Period) -> list[Value]:
    lines = _overdue_at_end(period)
    return [count_value(lines.aggregate(n=Sum("quantity"))["n"]), *_units_by_category(lines)]


def lg08_overdue_rate(period: Period) -> list[Value]:
    overdue = Q(loan__due_date__lt=due_before(period))
    totals = _open_at_end(period).aggregate(den=Sum("quantity"), num=Sum("quantity", filter=overdue))
    rows = _open_at_end(period).values(*CATEGORY).annotate(den=Sum("quantity"), num=Sum("quantity", filter=overdue))
    return [ratio_value(totals["num"], totals["den"]), *scope_ratios(rows.order_by(), "equipment_type", *CATEGORY)]


def lg09_campaign_recovery(period: Period) -> list[Value]:
    """Pupil devices out when a return campaign started whose deadline fell in the month: % back by the month's end."""
    from schools.models import ReturnCampaign

    campaigns = ReturnCampaign.objects.filter(deadline__gte=period.month, deadline__lt=period.next_month)
    starts = list(campaigns.values_list("created_at", flat=True))
    if not starts:
        return [ratio_value(0, 0)]
    targeted = Q()
    for started in starts:
        targeted |= Q(loan__started_at__lt=started) & (Q(returned_at__isnull=True) | Q(returned_at__gte=started))
    lines = LoanLine.objects.filter(loan__borrower_kind="pupil").exclude(state=LoanLine.State.GIVEN).filter(targeted)
    back = Q(state=LoanLine.State.RETURNED, returned_at__lt=period.end)
    totals = lines.aggregate(den=Count("pk"), num=Count("pk", filter=back))
    school = (
        "loan__pupil_link__pupil__school__code",
        "loan__pupil_link__pupil__school__name_fr",
        "loan__pupil_link__pupil__school__name_nl",
    )
    rows = lines.values(*school).annotate(den=Count("pk"), num=Count("pk", filter=back)).order_by()
    return [ratio_value(totals["num"], totals["den"]), *scope_ratios(rows, "school", *school)]


# ---------------------------------------------------------------- deliveries, stock, returns


def _runs(period: Period):
    return DeliveryRun.objects.filter(kind__in=RUN_KINDS, date__gte=period.month, date__lt=period.next_month)


def lg10_on_planned_day(period: Period) -> list[Value]:
    """Of the runs planned on a day of the month, those done on that day (Brussels local date).

    A run done the next day, failed, or still planned or en route counts as missed.
    """
    done = Q(status=DeliveryRun.Status.DONE, done_day=F("date"))
    runs = _runs(period).annotate(done_day=TruncDate("done_at", tzinfo=BRUSSELS))
    totals = runs.aggregate(den=Count("pk"), num=Count("pk", filter=done))
    site = ("site__code", "site__name_fr", "site__name_nl")
    rows = runs.values(*site).annotate(den=Count("pk"), num=Count("pk", filter=done)).order_by()
    return [ratio_value(totals["num"], totals["den"]), *scope_ratios(rows, "site", *site)]


def lg11_low_stock(period: Period) -> list[Value]:
    """Stock items (model at a site) whose level went below its minimum during the month, from the ledger."""
    crossings = StockMovement.objects.filter(
        at__gte=period.start,
        at__lt=period.end,
        balance__lt=F("level__minimum"),
        balance__gte=F("level__minimum") + F("delta"),
    )
    # balance - delta >= minimum, written so the database compares columns: balance >= minimum + delta.
    site = ("level__site__code", "level__site__name_fr", "level__site__name_nl")
    rows = crossings.values(*site).annotate(n=Count("level", distinct=True)).order_by()
    return [count_value(crossings.aggregate(n=Count("level", distinct=True))["n"]), *scope_counts(rows, "site", *site)]


def lg12_damaged(period: Period) -> list[Value]:
    damaged = Q(return_condition="d") | ~Q(missing_parts="")
    lines = _checked_in(period)
    totals = lines.aggregate(den=Sum("quantity"), num=Sum("quantity", filter=damaged))
    rows = lines.values(*CATEGORY).annotate(den=Sum("quantity"), num=Sum("quantity", filter=damaged)).order_by()
    return [ratio_value(totals["num"], totals["den"]), *scope_ratios(rows, "equipment_type", *CATEGORY)]


def lg13_activity(period: Period) -> list[Value]:
    out = _checked_out(period).aggregate(n=Sum("quantity"))["n"]
    back = _checked_in(period).aggregate(n=Sum("quantity"))["n"]
    runs = DeliveryRun.objects.filter(
        kind__in=RUN_KINDS, status=DeliveryRun.Status.DONE, done_at__gte=period.start, done_at__lt=period.end
    ).count()
    return [count_value(dec(out) + dec(back) + Decimal(runs))]


# ---------------------------------------------------------------- the catalogue

LOGISTICS = "logistics"

register(
    Kpi(
        "LG01",
        LOGISTICS,
        _("Equipment requests"),
        _("Requests submitted in the month, by equipment type (laptop, telework pack, headset, webcam…)."),
        "count",
        "none",
        lg01_requests,
        scopes=("equipment_type", "department"),
        records_url="assets:requests",
    )
)
register(
    Kpi(
        "LG02",
        LOGISTICS,
        _("Request lead time"),
        _("Median business days from approval to hand-over, for requests handed over in the month."),
        "days",
        "lower",
        lg02_lead_time,
        scopes=("department",),
        records_url="assets:requests",
        records_query={"status": "handed_over"},
        yearly="median",
    )
)
register(
    Kpi(
        "LG03",
        LOGISTICS,
        _("Requests served on time"),
        _("Share of requests handed over in the month within the target (default 5 business days after approval)."),
        "percent",
        "higher",
        lg03_on_time,
        scopes=("department",),
        records_url="assets:requests",
        records_query={"status": "handed_over"},
        yearly="ratio",
    )
)
register(
    Kpi(
        "LG04",
        LOGISTICS,
        _("Devices handed out"),
        _("Units checked out in the month, by type."),
        "count",
        "none",
        lg04_handed_out,
        scopes=("equipment_type",),
        records_url="assets:loans",
        records_query={"view": "open"},
    )
)
register(
    Kpi(
        "LG05",
        LOGISTICS,
        _("Devices recovered"),
        _("Units checked in during the month, by type and reason (end of loan, leaver, campaign)."),
        "count",
        "none",
        lg05_recovered,
        scopes=("equipment_type", "reason"),
        records_url="assets:loans",
        records_query={"view": "returned"},
    )
)
register(
    Kpi(
        "LG06",
        LOGISTICS,
        _("Open loans"),
        _("Units on loan at the end of the month."),
        "count",
        "none",
        lg06_open,
        scopes=("equipment_type",),
        records_url="assets:loans",
        records_query={"view": "open"},
        yearly="last",
    )
)
register(
    Kpi(
        "LG07",
        LOGISTICS,
        _("Overdue loans"),
        _("Units on loan past their due date at the end of the month."),
        "count",
        "lower",
        lg07_overdue,
        scopes=("equipment_type",),
        records_url="assets:loans",
        records_query={"view": "overdue"},
        yearly="last",
    )
)
register(
    Kpi(
        "LG08",
        LOGISTICS,
        _("Overdue rate"),
        _("Overdue units (LG07) as a share of the units on loan (LG06) at the end of the month."),
        "percent",
        "lower",
        lg08_overdue_rate,
        scopes=("equipment_type",),
        records_url="assets:loans",
        records_query={"view": "overdue"},
        yearly="last",
    )
)
register(
    Kpi(
        "LG09",
        LOGISTICS,
        _("Campaign recovery"),
        _(
            "Share of the pupil devices out when a return campaign started, for campaigns whose deadline fell "
            "in the month, that came back by the end of the month."
        ),
        "percent",
        "higher",
        lg09_campaign_recovery,
        scopes=("school",),
        records_url="schools:return-campaigns",
        yearly="ratio",
    )
)
register(
    Kpi(
        "LG10",
        LOGISTICS,
        _("Deliveries on the planned day"),
        _(
            "Share of the deliveries and pick-ups planned on a day of the month that were done on that day (not later, failed nor left open)."
        ),
        "percent",
        "higher",
        lg10_on_planned_day,
        scopes=("site",),
        records_url="assets:board",
        yearly="ratio",
    )
)
register(
    Kpi(
        "LG11",
        LOGISTICS,
        _("Low-stock alerts"),
        _("Stock items (a model at a site) whose level went below their low-stock threshold in the month."),
        "count",
        "lower",
        lg11_low_stock,
        scopes=("site",),
        records_url="assets:stock",
    )
)
register(
    Kpi(
        "LG12",
        LOGISTICS,
        _("Damaged or incomplete returns"),
        _("Share of the units checked in during the month graded damaged or with missing parts."),
        "percent",
        "lower",
        lg12_damaged,
        scopes=("equipment_type",),
        records_url="assets:loans",
        records_query={"view": "returned"},
        yearly="ratio",
    )
)
register(
    Kpi(
        "LG13",
        LOGISTICS,
        _("Logistics activity"),
        _("Units handed out (LG04) plus units recovered (LG05) plus deliveries and pick-ups done in the month."),
        "count",
        "none",
        lg13_activity,
    )
)
