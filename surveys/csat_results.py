"""CSAT over time from post-ticket ratings: one monthly GROUP BY in the database."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tickets.models import team_name_in

from .metrics import CSAT_GOOD
from .models import TicketRating

DIMENSIONS = {
    "team": ("team_id", "team__name", "team__name_nl"),
    "category": ("category_id", "category__name_fr", "category__name_nl"),
    "agent": ("agent_id", "agent__first_name", "agent__last_name"),
}
DIMENSION_LABELS = {
    "overall": _("Overall"),
    "team": _("By team"),
    "category": _("By category"),
    "agent": _("By agent"),
}
MAX_MONTHS = 24


@dataclass
class Cell:
    month: date
    ratings: int
    good: int
    hidden: bool = False

    @property
    def csat_percent(self) -> float | None:
        if self.hidden or not self.ratings:
            return None
        return round(100 * self.good / self.ratings, 1)


@dataclass
class Group:
    id: int | None
    name: str
    cells: list[Cell] = field(default_factory=list)


@dataclass
class CsatOverTime:
    by: str
    months: list[date]
    min_group_size: int
    overall: list[Cell]
    groups: list[Group]


def _month_starts(now: datetime, count: int) -> list[date]:
    today = timezone.localdate(now)
    year, month = today.year, today.month
    months = []
    for _index in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(months))


def csat_over_time(*, by: str = "overall", months: int = 12, now: datetime | None = None) -> CsatOverTime:
    """Monthly CSAT % (share of 4-5 ratings) over the last ``months`` months, overall and by one dimension.

    A cell (month x group) with fewer ratings than SURVEYS_CSAT_MIN_GROUP_SIZE
    is hidden, as is an overall month below it.
    """
    now = now or timezone.now()
    months = max(1, min(int(months), MAX_MONTHS))
    if by not in DIMENSION_LABELS:
        by = "overall"
    minimum = settings.SURVEYS_CSAT_MIN_GROUP_SIZE
    month_list = _month_starts(now, months)
    start = timezone.make_aware(datetime(month_list[0].year, month_list[0].month, 1))
    base = TicketRating.objects.filter(
        status=TicketRating.Status.ANSWERED, answered_at__gte=start, answered_at__lte=now
    )
    good = Count("id", filter=Q(rating__in=CSAT_GOOD))
    overall_rows = {
        row["month"].date() if isinstance(row["month"], datetime) else row["month"]: row
        for row in base.annotate(month=TruncMonth("answered_at"))
        .values("month")
        .annotate(ratings=Count("id"), good=good)
        .order_by()
    }
    overall = []
    for month in month_list:
        row = overall_rows.get(month, {"ratings": 0, "good": 0})
        overall.append(Cell(month, row["ratings"], row["good"], hidden=0 < row["ratings"] < minimum))
    groups: list[Group] = []
    if by != "overall":
        key, name_a, name_b = DIMENSIONS[by]
        fields = [key, name_a] + ([name_b] if name_b else []) + (["team__name_en"] if by == "team" else [])
        rows = (
            base.filter(**{f"{key}__isnull": False})
            .annotate(month=TruncMonth("answered_at"))
            .values("month", *fields)
            .annotate(ratings=Count("id"), good=good)
            .order_by()
        )
        by_group: dict[int, dict] = {}
        names: dict[int, str] = {}
        for row in rows:
            month = row["month"].date() if isinstance(row["month"], datetime) else row["month"]
            by_group.setdefault(row[key], {})[month] = row
            if by == "team":
                names[row[key]] = team_name_in(get_language(), row[name_a], row[name_b], row["team__name_en"])
            elif by == "category":
                names[row[key]] = row[name_b] if get_language() == "nl" else row[name_a]
            elif by == "agent":
                names[row[key]] = f"{row[name_a]} {row[name_b]}".strip()
            else:
                names[row[key]] = row[name_a]
        for group_id in sorted(by_group, key=lambda gid: names[gid].lower()):
            group = Group(group_id, names[group_id])
            for month in month_list:
                row = by_group[group_id].get(month, {"ratings": 0, "good": 0})
                group.cells.append(Cell(month, row["ratings"], row["good"], hidden=0 < row["ratings"] < minimum))
            groups.append(group)
    return CsatOverTime(by=by, months=month_list, min_group_size=minimum, overall=overall, groups=groups)
