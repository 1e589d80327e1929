"""Knowledge base KPIs (shared/KPIS.md): KB01 self-service deflection, KB02 helpful articles."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from .base import Kpi, Period, Value, register


def _percent(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(100) * numerator / denominator).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _value(numerator: int, denominator: int, **scope) -> Value:
    return Value(
        _percent(numerator, denominator),
        numerator=Decimal(numerator),
        denominator=Decimal(denominator),
        **scope,
    )


def compute_deflection(period: Period) -> list[Value]:
    """Of the new-ticket forms (started in the month) where the person opened a suggested article,
    the share never submitted. Overall and per department of the person, in two grouped queries."""
    from knowledge.models import DeflectionSession, SuggestionEvent

    opened = SuggestionEvent.objects.filter(session=OuterRef("pk"), opened_at__isnull=False)
    sessions = DeflectionSession.objects.filter(started_at__gte=period.start, started_at__lt=period.end).filter(
        Exists(opened)
    )
    abandoned = Q(ticket__isnull=True, submitted_at__isnull=True)
    total = sessions.aggregate(forms=Count("pk"), deflected=Count("pk", filter=abandoned))
    values = [_value(total["deflected"], total["forms"])]
    rows = (
        sessions.filter(user__department__isnull=False)
        .values("user__department_id", "user__department__name_fr")
        .annotate(forms=Count("pk"), deflected=Count("pk", filter=abandoned))
        .order_by("user__department__name_fr")
    )
    for row in rows:
        values.append(
            _value(
                row["deflected"],
                row["forms"],
                scope_kind="department",
                scope_key=str(row["user__department_id"]),
                scope_label=row["user__department__name_fr"],
            )
        )
    return values


def compute_helpful(period: Period) -> list[Value]:
    """Share of "was this helpful?" votes cast in the month that say yes; overall and per ticket category."""
    from knowledge.models import Vote

    votes = Vote.objects.filter(created_at__gte=period.start, created_at__lt=period.end)
    total = votes.aggregate(votes=Count("pk"), yes=Count("pk", filter=Q(helpful=True)))
    values = [_value(total["yes"], total["votes"])]
    category = "version__translation__article__category"
    rows = (
        votes.filter(**{f"{category}__isnull": False})
        .values(f"{category}_id", f"{category}__name_fr")
        .annotate(votes=Count("pk"), yes=Count("pk", filter=Q(helpful=True)))
        .order_by(f"{category}__name_fr")
    )
    for row in rows:
        values.append(
            _value(
                row["yes"],
                row["votes"],
                scope_kind="category",
                scope_key=str(row[f"{category}_id"]),
                scope_label=row[f"{category}__name_fr"],
            )
        )
    return values


KB01 = register(
    Kpi(
        code="KB01",
        domain="knowledge",
        name=_("Self-service deflection"),
        description=_("% of ticket forms abandoned after an article was opened from the suggestions"),
        unit="percent",
        direction="higher",
        compute=compute_deflection,
        scopes=("department",),
        yearly="ratio",
    )
)

KB02 = register(
    Kpi(
        code="KB02",
        domain="knowledge",
        name=_("Helpful articles"),
        description=_('% of "did this help?" votes that say yes'),
        unit="percent",
        direction="higher",
        compute=compute_helpful,
        scopes=("category",),
        yearly="ratio",
    )
)
