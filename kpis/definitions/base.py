"""What a KPI is: one declared definition with one function that computes a month.

A definition computes every scope of a month in one go (a GROUP BY, not one
query per team), so the monthly snapshot of the whole catalogue stays a few
queries per KPI whatever the number of teams, departments or schools.

This is the contract between the catalogue modules and the snapshot,
dashboard, report and API code: keep it stable, add to it, never rename.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils.functional import Promise

BRUSSELS = ZoneInfo("Europe/Brussels")

# The domains the dashboard groups tiles by, in this order.
DOMAINS = ("helpdesk", "knowledge", "logistics", "fleet", "schools", "surveys", "manual")
# Units: how a value is shown. "percent" values are 0..100; durations in hours or days.
UNITS = ("count", "percent", "hours", "days", "kg", "ratio", "eur")
DIRECTIONS = ("higher", "lower", "none")
# The scopes a KPI may be broken down by (shared/KPIS.md), plus the channel of HD01.
SCOPES = ("team", "category", "department", "site", "equipment_type", "school", "channel", "reason")


@dataclass(frozen=True)
class Period:
    """A calendar month in Europe/Brussels: [start, end) as aware datetimes."""

    month: date  # the first day of the month

    @classmethod
    def of(cls, day: date) -> "Period":
        return cls(day.replace(day=1))

    @property
    def start(self) -> datetime:
        return datetime.combine(self.month, time.min, tzinfo=BRUSSELS)

    @property
    def next_month(self) -> date:
        year, month = (self.month.year + 1, 1) if self.month.month == 12 else (self.month.year, self.month.month + 1)
        return date(year, month, 1)

    @property
    def end(self) -> datetime:
        """The start of the next month: the period is [start, end)."""
        return datetime.combine(self.next_month, time.min, tzinfo=BRUSSELS)

    @property
    def last_day(self) -> date:
        return date.fromordinal(self.next_month.toordinal() - 1)

    def previous(self) -> "Period":
        return Period.of(date.fromordinal(self.month.toordinal() - 1))


@dataclass(frozen=True)
class Value:
    """One computed figure: overall (scope_kind "") or for one scope.

    ``value`` None means "no data" (an empty denominator, no event), never 0.
    Ratios also carry numerator and denominator so a year or a scope can be
    re-aggregated and the report can say "12 of 40".
    """

    value: Decimal | None
    scope_kind: str = ""
    scope_key: str = ""
    scope_label: str = ""
    numerator: Decimal | None = None
    denominator: Decimal | None = None


@dataclass(frozen=True)
class Kpi:
    code: str  # "HD01": stable, appears in URLs, the API, exports and saved targets
    domain: str  # one of DOMAINS
    name: Promise  # gettext_lazy
    description: Promise  # gettext_lazy: the definition as KPIS.md states it
    unit: str  # one of UNITS
    direction: str  # one of DIRECTIONS
    # Returns the overall Value (scope_kind "") and one Value per scope it breaks down by.
    # None for a KPI entered by hand (domain "manual").
    compute: Callable[[Period], list[Value]] | None
    scopes: tuple[str, ...] = ()
    # URL name and query of the list page with the records behind the figure, e.g.
    # ("loans:overdue", {}); the page adds the period. Empty when there is none.
    records_url: str = ""
    records_query: dict = field(default_factory=dict)
    # Roles that may open the records page (icity.roles.Role values); empty: anyone who
    # sees the KPI. A manager without them is told where the records are instead of a link.
    records_roles: tuple[str, ...] = ()
    # How a year is built from months: "sum" (counts), "ratio" (sum numerators /
    # sum denominators), "last" (stock at the end of the year), "median" (recomputed).
    yearly: str = "sum"

    def __post_init__(self):
        assert self.domain in DOMAINS, self.domain
        assert self.unit in UNITS, self.unit
        assert self.direction in DIRECTIONS, self.direction
        assert set(self.scopes) <= set(SCOPES), self.scopes


_catalogue: dict[str, Kpi] = {}


def register(kpi: Kpi) -> Kpi:
    if kpi.code in _catalogue and _catalogue[kpi.code] != kpi:
        raise ValueError(f"KPI {kpi.code} is registered twice")
    _catalogue[kpi.code] = kpi
    return kpi


def all_kpis() -> list[Kpi]:
    """Every KPI, grouped by domain in DOMAINS order, then by code."""
    return sorted(_catalogue.values(), key=lambda kpi: (DOMAINS.index(kpi.domain), kpi.code))


def get_kpi(code: str) -> Kpi | None:
    return _catalogue.get(code)
