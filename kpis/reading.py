"""What the pages and the API read: stored snapshots, targets and statuses.

Nothing here computes a KPI: the dashboard is a handful of queries over the
Snapshot table whatever the size of the database.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from icity.models import Department, Site
from icity.text import is_id
from tickets.models import Team

from .definitions import all_kpis
from .definitions.base import Kpi, Period
from .models import Snapshot, Target

STATUS_LABELS = {
    "green": _("On target"),
    "amber": _("Close to target"),
    "red": _("Off target"),
    "none": _("No target"),
    "nodata": _("No data"),
}
# Scopes the dashboard can filter by (the others show on each KPI's page).
FILTER_SCOPES = ("team", "department", "site")


def months_back(month: date, count: int) -> list[date]:
    """``count`` months ending with ``month``, oldest first."""
    months = [month]
    for _step in range(count - 1):
        months.append(Period(months[-1]).previous().month)
    return list(reversed(months))


def status(kpi: Kpi, value: Decimal | None, target: Target | None) -> str:
    """green / amber / red against the target (with the KPI's direction); none, nodata otherwise."""
    if value is None:
        return "nodata"
    if target is None or kpi.direction == "none":
        return "none"
    band = target.amber_band
    if kpi.direction == "higher":
        if value >= target.target:
            return "green"
        return "amber" if value >= target.target - band else "red"
    if value <= target.target:
        return "green"
    return "amber" if value <= target.target + band else "red"


@dataclass
class Tile:
    kpi: Kpi
    this_month: Snapshot | None
    last_month: Snapshot | None
    target: Target | None
    status: str
    history: list[tuple[date, Decimal | None]] = field(default_factory=list)
    scoped: bool = True  # False: the KPI has no such scope, the figures are overall

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]


def parse_scope(text: str) -> tuple[str, str]:
    """ "team:3" -> ("team", "3"); "" -> ("", ""). Raises ValueError on anything else."""
    if not text:
        return "", ""
    kind, _sep, key = text.partition(":")
    if kind not in FILTER_SCOPES or not key or len(key) > 64:
        raise ValueError(text)
    return kind, key


def _scope_q(kind: str, key: str, kpis: list[Kpi]) -> tuple[Q, set[str]]:
    """Rows to read: the scope's rows for the KPIs that have it, overall rows for the others."""
    if not kind:
        return Q(scope_kind=""), set()
    with_scope = {kpi.code for kpi in kpis if kind in kpi.scopes}
    return Q(scope_kind=kind, scope_key=key, code__in=with_scope) | (
        Q(scope_kind="") & ~Q(code__in=with_scope)
    ), with_scope


def dashboard_tiles(*, month: date, scope_kind: str = "", scope_key: str = "") -> list[tuple[str, list[Tile]]]:
    """Every KPI's tile for the dashboard, grouped by domain: 2 queries."""
    kpis = all_kpis()
    months = months_back(month, 13)
    condition, with_scope = _scope_q(scope_kind, scope_key, kpis)
    rows: dict[str, dict[date, Snapshot]] = defaultdict(dict)
    for row in Snapshot.objects.filter(condition, month__gte=months[0], month__lte=month):
        rows[row.code][row.month] = row
    targets = {t.code: t for t in Target.objects.filter(year=month.year)}
    last_month = months[-2]
    last_targets = targets if last_month.year == month.year else {}
    if last_month.year != month.year:
        last_targets = {t.code: t for t in Target.objects.filter(year=last_month.year)}
    groups: dict[str, list[Tile]] = {}
    for kpi in kpis:
        by_month = rows.get(kpi.code, {})
        last = by_month.get(last_month)
        tile = Tile(
            kpi=kpi,
            this_month=by_month.get(month),
            last_month=last,
            target=targets.get(kpi.code),
            status=status(kpi, last.value if last else None, last_targets.get(kpi.code)),
            history=[(m, by_month[m].value if m in by_month else None) for m in months],
            scoped=not scope_kind or kpi.code in with_scope,
        )
        groups.setdefault(kpi.domain, []).append(tile)
    return list(groups.items())


def _read_in_the_active_language(choices: dict[str, dict[str, str]]) -> None:
    """Sites, departments and teams have names per language; a snapshot stores one label, the reader gets theirs."""
    for kind, model, key_field in (("site", Site, "code"), ("department", Department, "pk"), ("team", Team, "pk")):
        keys = list(choices.get(kind, {}))
        lookup = [key for key in keys if key_field == "code" or is_id(key)]
        for row in model.objects.filter(**{f"{key_field}__in": lookup}) if lookup else []:
            choices[kind][str(getattr(row, key_field))] = row.display_name if kind == "team" else row.name


def scope_choices(*, since: date) -> dict[str, list[tuple[str, str]]]:
    """The teams, departments and sites that have figures since ``since``: 1 query."""
    choices: dict[str, dict[str, str]] = {kind: {} for kind in FILTER_SCOPES}
    rows = (
        Snapshot.objects.filter(month__gte=since, scope_kind__in=FILTER_SCOPES)
        .exclude(scope_key="none")
        .values_list("scope_kind", "scope_key", "scope_label")
        .distinct()
    )
    for kind, key, label in rows:
        choices[kind].setdefault(key, label)
    _read_in_the_active_language(choices)
    return {kind: sorted(items.items(), key=lambda item: item[1].lower()) for kind, items in choices.items() if items}


def kpi_history(
    kpi: Kpi, *, month: date, count: int = 24, scope_kind: str = "", scope_key: str = ""
) -> list[tuple[date, Snapshot | None, Target | None, str]]:
    months = months_back(month, count)
    rows = {
        row.month: row
        for row in Snapshot.objects.filter(
            code=kpi.code,
            scope_kind=scope_kind,
            scope_key=scope_key if scope_kind else "",
            month__gte=months[0],
            month__lte=month,
        )
    }
    targets = {t.year: t for t in Target.objects.filter(code=kpi.code, year__gte=months[0].year, year__lte=month.year)}
    history = []
    for m in months:
        row = rows.get(m)
        target = targets.get(m.year)
        history.append((m, row, target, status(kpi, row.value if row else None, target)))
    return history


def breakdown(kpi: Kpi, *, month: date) -> dict[str, list[Snapshot]]:
    """The month's values per scope kind, best first for the KPI's direction: 2 queries at most.

    A team's row is shown under the team's name in the reader's language (the snapshot stored the French one).
    """
    rows = list(
        Snapshot.objects.filter(code=kpi.code, month=month).exclude(scope_kind="").order_by("scope_kind", "scope_label")
    )
    team_keys = [row.scope_key for row in rows if row.scope_kind == "team" and is_id(row.scope_key)]
    if team_keys:
        names = {str(team.pk): team.display_name for team in Team.objects.filter(pk__in=team_keys)}
        for row in rows:
            if row.scope_kind == "team":
                row.scope_label = names.get(row.scope_key, row.scope_label)
    result: dict[str, list[Snapshot]] = {}
    for row in rows:
        result.setdefault(row.scope_kind, []).append(row)
    return result


def year_value(kpi: Kpi, rows: list[Snapshot]) -> Decimal | None:
    """A year from its months' overall rows, the way the KPI says (Kpi.yearly)."""
    rows = sorted((row for row in rows if row.value is not None or row.denominator), key=lambda row: row.month)
    with_value = [row for row in rows if row.value is not None]
    if not with_value:
        return None
    if kpi.yearly == "last":
        return with_value[-1].value
    if kpi.yearly == "ratio":
        numerator = sum((row.numerator or 0) for row in rows)
        denominator = sum((row.denominator or 0) for row in rows)
        if not denominator:
            return None
        sample = next((row for row in with_value if row.numerator), None)
        factor = Decimal(100) if kpi.unit == "percent" else Decimal(1)
        if sample is not None and sample.denominator:
            factor = (sample.value * sample.denominator / sample.numerator).quantize(Decimal(1))
        return (Decimal(numerator) * factor / Decimal(denominator)).quantize(Decimal("0.01"))
    if kpi.yearly == "median":
        ordered = sorted(row.value for row in with_value)
        middle = len(ordered) // 2
        if len(ordered) % 2:
            return ordered[middle]
        return ((ordered[middle - 1] + ordered[middle]) / 2).quantize(Decimal("0.01"))
    return sum(row.value for row in with_value)


def change(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """Change on the previous year in percent; None without a base."""
    if current is None or not previous:
        return None
    return ((current - previous) * 100 / abs(previous)).quantize(Decimal("0.1"))


def annual(*, year: int) -> list[tuple[str, list[dict]]]:
    """Each KPI's value for ``year`` and ``year - 1`` and the change: 2 queries."""
    rows: dict[tuple[str, int], list[Snapshot]] = defaultdict(list)
    for row in Snapshot.objects.filter(scope_kind="", month__gte=date(year - 1, 1, 1), month__lt=date(year + 1, 1, 1)):
        rows[(row.code, row.month.year)].append(row)
    targets = {t.code: t for t in Target.objects.filter(year=year)}
    groups: dict[str, list[dict]] = {}
    for kpi in all_kpis():
        value = year_value(kpi, rows.get((kpi.code, year), []))
        previous = year_value(kpi, rows.get((kpi.code, year - 1), []))
        target = targets.get(kpi.code)
        groups.setdefault(kpi.domain, []).append(
            {
                "kpi": kpi,
                "value": value,
                "previous": previous,
                "change": change(value, previous),
                "target": target,
                "status": status(kpi, value, target),
                "status_label": STATUS_LABELS[status(kpi, value, target)],
            }
        )
    return list(groups.items())
