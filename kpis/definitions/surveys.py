"""Satisfaction survey KPIs SV01-SV05: the latest campaign closed by the end of the month.

A month without a newly closed campaign repeats the latest one (the figure the
City would quote). The sections are recognised by their key
(surveys.Section.Key: helpdesk, hardware, applications), so rewording or
translating a title does not move a KPI.
"""

from decimal import Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from surveys import metrics
from surveys.models import Answer, Campaign, Invitation, Question, Section

from ._helpers import dec, label_of, percent, ratio_values
from .base import Kpi, Period, Value, register

DEPARTMENT = {"department": ("department_id", ("department__name_fr", "department__name_nl"))}


def campaign_of(period: Period) -> Campaign | None:
    return (
        Campaign.objects.filter(status=Campaign.Status.CLOSED, closed_at__lt=period.end)
        .order_by("-closed_at", "-pk")
        .first()
    )


def _section_csat(section_key: str):
    def compute(period: Period) -> list[Value]:
        campaign = campaign_of(period)
        if campaign is None:
            return [Value(None)]
        answers = Answer.objects.filter(
            campaign=campaign,
            question__kind=Question.Kind.RATING,
            question__section__key=section_key,
            number__isnull=False,
        )
        return ratio_values(answers, Q(number__in=metrics.CSAT_GOOD), DEPARTMENT)

    return compute


def net_promoter_score(period: Period) -> list[Value]:
    campaign = campaign_of(period)
    if campaign is None:
        return [Value(None)]
    answers = Answer.objects.filter(campaign=campaign, question__kind=Question.Kind.NPS, number__isnull=False)
    aggregates = {
        "promoters": Count("pk", filter=Q(number__in=metrics.NPS_PROMOTERS)),
        "detractors": Count("pk", filter=Q(number__in=metrics.NPS_DETRACTORS)),
        "total": Count("pk"),
    }

    def build(row, kind="", key="", label=""):
        net = row["promoters"] - row["detractors"]
        value = dec(Decimal(net) * 100 / row["total"]) if row["total"] else None
        return Value(value, kind, key, label, Decimal(net), Decimal(row["total"]))

    values = [build(answers.order_by().aggregate(**aggregates))]
    key, labels = DEPARTMENT["department"]
    for row in answers.order_by().values(key, *labels).annotate(**aggregates):
        values.append(build(row, "department", str(row[key] or "none"), label_of(row, labels)))
    return values


def response_rate(period: Period) -> list[Value]:
    campaign = campaign_of(period)
    if campaign is None:
        return [Value(None)]
    counts = Invitation.objects.filter(campaign=campaign).aggregate(
        answered=Count("pk", filter=Q(status=Invitation.Status.ANSWERED)), invited=Count("pk")
    )
    return [
        Value(
            percent(counts["answered"], counts["invited"]),
            numerator=Decimal(counts["answered"]),
            denominator=Decimal(counts["invited"]),
        )
    ]


def _kpi(code, name, description, unit, compute, scopes=()):
    return register(
        Kpi(
            code=code,
            domain="surveys",
            name=name,
            description=description,
            unit=unit,
            direction="higher",
            compute=compute,
            scopes=scopes,
            records_url="surveys:dashboard",
            yearly="last",
        )
    )


_kpi(
    "SV01",
    _("Helpdesk satisfaction"),
    _("CSAT of the Helpdesk section of the latest campaign closed by the end of the month."),
    "percent",
    _section_csat(Section.Key.HELPDESK),
    ("department",),
)
_kpi(
    "SV02",
    _("Hardware satisfaction"),
    _("CSAT of the Hardware section of the latest campaign closed by the end of the month."),
    "percent",
    _section_csat(Section.Key.HARDWARE),
    ("department",),
)
_kpi(
    "SV03",
    _("Applications satisfaction"),
    _("CSAT of the Applications section of the latest campaign closed by the end of the month."),
    "percent",
    _section_csat(Section.Key.APPLICATIONS),
    ("department",),
)
_kpi(
    "SV04",
    _("Net Promoter Score"),
    _("NPS of the latest campaign closed by the end of the month: % of 9–10 minus % of 0–6."),
    "ratio",
    net_promoter_score,
    ("department",),
)
_kpi(
    "SV05",
    _("Survey response rate"),
    _("Responses per invitation of the latest campaign closed by the end of the month."),
    "percent",
    response_rate,
)
