"""School PC programme KPIs SC01–SC04 (shared/KPIS.md)."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from loans.models import LoanLine
from schools.models import Appointment, PupilLoan, ReconJob

from ._ops import count_value, ratio_value, scope_counts, scope_ratios
from .base import Kpi, Period, Value, register

PUPIL_SCHOOL = ("pupil__school__code", "pupil__school__name_fr", "pupil__school__name_nl")
LINE_SCHOOL = (
    "loan__pupil_link__pupil__school__code",
    "loan__pupil_link__pupil__school__name_fr",
    "loan__pupil_link__pupil__school__name_nl",
)


def sc01_handed_out(period: Period) -> list[Value]:
    handovers = PupilLoan.objects.filter(created_at__gte=period.start, created_at__lt=period.end)
    rows = handovers.values(*PUPIL_SCHOOL).annotate(n=Count("pk")).order_by()
    return [count_value(handovers.count()), *scope_counts(rows, "school", *PUPIL_SCHOOL)]


def sc02_attendance(period: Period) -> list[Value]:
    """Appointments in slots starting in the month: handed over / (handed over + no-shows); cancellations left out."""
    S = Appointment.Status
    kept = Appointment.objects.filter(
        slot__starts_at__gte=period.start, slot__starts_at__lt=period.end, status__in=[S.DONE, S.NO_SHOW]
    )
    honoured = Q(status=S.DONE)
    totals = kept.aggregate(den=Count("pk"), num=Count("pk", filter=honoured))
    rows = kept.values(*PUPIL_SCHOOL).annotate(den=Count("pk"), num=Count("pk", filter=honoured)).order_by()
    return [ratio_value(totals["num"], totals["den"]), *scope_ratios(rows, "school", *PUPIL_SCHOOL)]


def sc03_certificates(period: Period) -> list[Value]:
    issued = ReconJob.objects.filter(
        certificate_number__isnull=False, wiped_at__gte=period.start, wiped_at__lt=period.end
    )
    return [count_value(issued.count())]


def sc04_recovered(period: Period) -> list[Value]:
    """Pupil devices whose loan fell due in the month: % back (returned) by the end of the month."""
    due = LoanLine.objects.filter(
        loan__borrower_kind="pupil", loan__due_date__gte=period.month, loan__due_date__lt=period.next_month
    ).exclude(state=LoanLine.State.GIVEN)
    back = Q(state=LoanLine.State.RETURNED, returned_at__lt=period.end)
    totals = due.aggregate(den=Count("pk"), num=Count("pk", filter=back))
    rows = due.values(*LINE_SCHOOL).annotate(den=Count("pk"), num=Count("pk", filter=back)).order_by()
    return [ratio_value(totals["num"], totals["den"]), *scope_ratios(rows, "school", *LINE_SCHOOL)]


SCHOOLS = "schools"

register(
    Kpi(
        "SC01",
        SCHOOLS,
        _("Pupil PCs handed out"),
        _("Devices handed over to pupils in the month, by school."),
        "count",
        "higher",
        sc01_handed_out,
        scopes=("school",),
        records_url="schools:programme",
    )
)
register(
    Kpi(
        "SC02",
        SCHOOLS,
        _("Collection slot attendance"),
        _("Share of the booked collection slots of the month that were honoured (the rest are no-shows)."),
        "percent",
        "higher",
        sc02_attendance,
        scopes=("school",),
        records_url="schools:appointments",
        yearly="ratio",
    )
)
register(
    Kpi(
        "SC03",
        SCHOOLS,
        _("Wipe certificates"),
        _("NIST SP 800-88 data-wipe certificates issued in the month."),
        "count",
        "none",
        sc03_certificates,
        records_url="schools:jobs",
    )
)
register(
    Kpi(
        "SC04",
        SCHOOLS,
        _("Pupil devices recovered"),
        _("Share of the pupil devices due back in the month that had come back by the end of the month."),
        "percent",
        "higher",
        sc04_recovered,
        scopes=("school",),
        records_url="schools:returns",
        yearly="ratio",
    )
)
