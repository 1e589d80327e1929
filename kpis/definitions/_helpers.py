"""Small building blocks the catalogue modules share: grouped counts and ratios as Values.

Every helper runs one aggregate query for the overall figure and one GROUP BY
per scope, so a KPI costs a handful of queries whatever the number of teams.
"""

import math
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .base import Period, Value

NONE_KEY = "none"
NONE_LABEL = "—"
TWO_PLACES = Decimal("0.01")

# scope kind -> (key field, label fields): the label is the fields joined by " / "
# when they differ (French / Dutch names), the key is the row's id or code.
Scopes = dict[str, tuple[str, tuple[str, ...]]]


def dec(number) -> Decimal:
    return Decimal(str(number)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def percent(numerator, denominator) -> Decimal | None:
    """numerator / denominator in percent; None (no data) for an empty denominator."""
    if not denominator:
        return None
    return dec(Decimal(numerator) * 100 / Decimal(denominator))


def cutoff(period: Period):
    """The end of the period, or now for the month in progress (a stock "so far")."""
    return min(period.end, timezone.now())


def label_of(row: dict, fields: tuple[str, ...]) -> str:
    parts = []
    for name in fields:
        text = str(row.get(name) or "")
        if text and text not in parts:
            parts.append(text)
    return " / ".join(parts) or NONE_LABEL


def _key(value) -> str:
    return NONE_KEY if value is None or value == "" else str(value)


def count_values(qs: QuerySet, scopes: Scopes) -> list[Value]:
    """How many rows, overall and per scope."""
    values = [Value(Decimal(qs.count()))]
    for kind, (key, labels) in scopes.items():
        for row in qs.order_by().values(key, *labels).annotate(n=Count("pk")):
            values.append(Value(Decimal(row["n"]), kind, _key(row[key]), label_of(row, labels)))
    return values


def ratio_values(qs: QuerySet, numerator: Q, scopes: Scopes, denominator: Q | None = None) -> list[Value]:
    """% of the rows (matching ``denominator``) that match ``numerator``, overall and per scope."""
    den_filter = denominator if denominator is not None else Q(pk__isnull=False)
    aggregates = {"num": Count("pk", filter=numerator & den_filter), "den": Count("pk", filter=den_filter)}
    total = qs.order_by().aggregate(**aggregates)
    values = [
        Value(percent(total["num"], total["den"]), numerator=Decimal(total["num"]), denominator=Decimal(total["den"]))
    ]
    for kind, (key, labels) in scopes.items():
        for row in qs.order_by().values(key, *labels).annotate(**aggregates):
            if not row["den"]:
                continue
            values.append(
                Value(
                    percent(row["num"], row["den"]),
                    kind,
                    _key(row[key]),
                    label_of(row, labels),
                    Decimal(row["num"]),
                    Decimal(row["den"]),
                )
            )
    return values


def quantile(numbers: list[float], q: float) -> float | None:
    """Nearest-rank quantile: the smallest number with at least q of the numbers at or below it."""
    if not numbers:
        return None
    ordered = sorted(numbers)
    rank = max(math.ceil(q * len(ordered)), 1)
    return ordered[rank - 1]


def median(numbers: list[float]) -> float | None:
    if not numbers:
        return None
    ordered = sorted(numbers)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def statistic_values(rows: Iterable[tuple[dict, float]], scopes: Scopes, statistic) -> list[Value]:
    """A statistic (median, p90) of per-row numbers, overall and per scope, computed in Python.

    ``rows`` are (row dict with the scope fields, number); used for business-time
    durations, which the database cannot compute on the working calendar.
    """
    rows = list(rows)
    overall = statistic([number for _row, number in rows])
    values = [Value(None if overall is None else dec(overall), denominator=Decimal(len(rows)))]
    for kind, (key, labels) in scopes.items():
        groups: dict[str, tuple[str, list[float]]] = {}
        for row, number in rows:
            group = groups.setdefault(_key(row[key]), (label_of(row, labels), []))
            group[1].append(number)
        for scope_key, (label, numbers) in sorted(groups.items()):
            result = statistic(numbers)
            values.append(
                Value(
                    None if result is None else dec(result), kind, scope_key, label, denominator=Decimal(len(numbers))
                )
            )
    return values
