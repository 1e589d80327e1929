"""Small helpers the logistics, fleet and school definitions share.

They turn GROUP BY rows into ``Value``s: counts, and ratios that keep their
numerator and denominator (a ratio with an empty denominator is "no data").
"""

from collections.abc import Iterable
from decimal import Decimal
from statistics import median

from django.utils import timezone

from .base import BRUSSELS, Period, Value

HUNDRED = Decimal(100)
TENTH = Decimal("0.1")


def label(name_fr: str | None, name_nl: str | None) -> str:
    """A scope's name as the City publishes it: French / Dutch (once when they are the same)."""
    name_fr, name_nl = name_fr or "", name_nl or ""
    if not name_nl or name_nl == name_fr:
        return name_fr
    return f"{name_fr} / {name_nl}"


def dec(number) -> Decimal:
    return Decimal(number or 0)


def percent(numerator, denominator) -> Decimal | None:
    if not denominator:
        return None
    return (dec(numerator) * HUNDRED / dec(denominator)).quantize(TENTH)


def ratio_value(numerator, denominator, *, kind: str = "", key: str = "", name: str = "") -> Value:
    return Value(
        percent(numerator, denominator),
        scope_kind=kind,
        scope_key=key,
        scope_label=name,
        numerator=dec(numerator),
        denominator=dec(denominator),
    )


def count_value(number, *, kind: str = "", key: str = "", name: str = "") -> Value:
    return Value(dec(number), scope_kind=kind, scope_key=key, scope_label=name)


def scope_counts(rows: Iterable[dict], kind: str, key: str, fr: str, nl: str, field: str = "n") -> list[Value]:
    """One count Value per GROUP BY row; rows without a key (no department, no site) are left out."""
    return [
        count_value(row[field], kind=kind, key=str(row[key]), name=label(row.get(fr), row.get(nl)))
        for row in rows
        if row[key] is not None and row[field]
    ]


def scope_ratios(
    rows: Iterable[dict], kind: str, key: str, fr: str, nl: str, numerator: str = "num", denominator: str = "den"
) -> list[Value]:
    return [
        ratio_value(
            row[numerator], row[denominator], kind=kind, key=str(row[key]), name=label(row.get(fr), row.get(nl))
        )
        for row in rows
        if row[key] is not None
    ]


def median_value(numbers: list[float], *, kind: str = "", key: str = "", name: str = "") -> Value:
    if not numbers:
        return Value(None, scope_kind=kind, scope_key=key, scope_label=name, denominator=Decimal(0))
    middle = Decimal(str(median(numbers))).quantize(TENTH)
    return Value(middle, scope_kind=kind, scope_key=key, scope_label=name, denominator=Decimal(len(numbers)))


def due_before(period: Period):
    """Loans due before this date are overdue at the end of the period (or now, for the month in progress)."""
    today = timezone.localtime(timezone.now(), BRUSSELS).date()
    return min(period.next_month, today)
