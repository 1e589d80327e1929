"""Helpdesk KPIs HD01-HD18 (shared/KPIS.md).

The ticket timeline is the source of truth for when things happened: a
resolution is a status event to "resolved" (the first one counts), a reopening
a status event from "resolved" back to an open status, a team transfer a
"team" event from one team to another. Business-time durations use the SLA
calendar (tickets/sla.py), less the time the ticket spent paused.
"""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from surveys.models import TicketRating
from tickets import sla
from tickets.models import OPEN_STATUSES, Channel, Comment, Status, Team, Ticket, TimelineEvent

from ._helpers import count_values, cutoff, dec, label_of, median, percent, quantile, ratio_values, statistic_values
from .base import Kpi, Period, Value, register

REOPEN_WINDOW = timedelta(days=14)
AGED_AFTER = timedelta(days=30)
FOLLOW_UP_BUSINESS_DAYS = 5

TEAM = {"team": ("team_id", ("team__name",))}
CATEGORY = {"category": ("category_id", ("category__name_fr", "category__name_nl"))}
DEPARTMENT = {
    "department": (
        "requester__department_id",
        ("requester__department__name_fr", "requester__department__name_nl"),
    )
}
CHANNEL = {"channel": ("channel", ("channel",))}
QUEUE = "tickets:queue"
IN_PERIOD = {"created_from": "{first_day}", "created_to": "{last_day}"}


def _in(period: Period, field: str) -> Q:
    return Q(**{f"{field}__gte": period.start, f"{field}__lt": period.end})


def created_in(period: Period) -> QuerySet[Ticket]:
    return Ticket.objects.filter(_in(period, "created_at"))


def _resolutions():
    return TimelineEvent.objects.filter(field="status", new_value=Status.RESOLVED)


def resolved_in(period: Period) -> QuerySet[Ticket]:
    """Tickets whose first resolution falls in the period, annotated with its time and actor."""
    in_month = _resolutions().filter(_in(period, "created_at")).values("ticket_id")
    earlier = _resolutions().filter(ticket=OuterRef("pk"), created_at__lt=period.start)
    first = _resolutions().filter(ticket=OuterRef("pk")).order_by("created_at", "pk")
    return (
        Ticket.objects.filter(pk__in=Subquery(in_month))
        .exclude(Exists(earlier))
        .annotate(
            first_resolved=Subquery(first.values("created_at")[:1]),
            resolver=Subquery(first.values("actor_id")[:1]),
        )
    )


def _bool_values(rows: list[tuple[dict, bool | None]], scopes) -> list[Value]:
    """% of rows whose flag is True, among rows whose flag is not None; overall and per scope."""
    counted = [(row, flag) for row, flag in rows if flag is not None]

    def build(items, kind="", key="", label=""):
        num = sum(1 for _row, flag in items if flag)
        return Value(percent(num, len(items)), kind, key, label, Decimal(num), Decimal(len(items)))

    values = [build(counted)]
    for kind, (field, labels) in scopes.items():
        groups: dict[str, list] = {}
        for item in counted:
            groups.setdefault(str(item[0][field] if item[0][field] is not None else "none"), []).append(item)
        for key, items in sorted(groups.items()):
            values.append(build(items, kind, key, label_of(items[0][0], labels)))
    return values


def _fields(scopes) -> list[str]:
    return [name for key, labels in scopes.values() for name in (key, *labels)]


# HD01-HD04: volumes and backlog ---------------------------------------------------


def tickets_opened(period: Period) -> list[Value]:
    return count_values(created_in(period), CHANNEL | TEAM | CATEGORY | DEPARTMENT)


def tickets_resolved(period: Period) -> list[Value]:
    return count_values(resolved_in(period), TEAM | CATEGORY)


def backlog_at(moment) -> QuerySet[Ticket]:
    """Tickets open at ``moment``: created before it, and their last status change before it left them open."""
    last_status = (
        TimelineEvent.objects.filter(ticket=OuterRef("pk"), field="status", created_at__lt=moment)
        .order_by("-created_at", "-pk")
        .values("new_value")[:1]
    )
    # Every status change bumps updated_at: a ticket finished now and untouched since
    # ``moment`` was already finished then. Only the others need their timeline read.
    return (
        Ticket.objects.filter(Q(status__in=OPEN_STATUSES) | Q(updated_at__gte=moment), created_at__lt=moment)
        .annotate(status_then=Subquery(last_status))
        .filter(Q(status_then__isnull=True) | Q(status_then__in=OPEN_STATUSES))
    )


def backlog(period: Period) -> list[Value]:
    return count_values(backlog_at(cutoff(period)), TEAM | CATEGORY)


def aged_backlog(period: Period) -> list[Value]:
    moment = cutoff(period)
    return count_values(backlog_at(moment).filter(created_at__lt=moment - AGED_AFTER), TEAM | CATEGORY)


# HD05-HD09: response and resolution times ------------------------------------------


def _hours(start, end, paused_minutes: int = 0) -> float:
    return max(sla.business_minutes_between(start, end) - paused_minutes, 0) / 60


def first_response_time(period: Period) -> list[Value]:
    rows = Ticket.objects.filter(_in(period, "first_response_at")).values(
        "created_at", "first_response_at", *_fields(TEAM)
    )
    return statistic_values(((row, _hours(row["created_at"], row["first_response_at"])) for row in rows), TEAM, median)


def first_response_within_sla(period: Period) -> list[Value]:
    return ratio_values(
        Ticket.objects.filter(_in(period, "first_response_at")),
        Q(first_response_at__lte=F("first_response_due")),
        TEAM,
        denominator=Q(first_response_due__isnull=False),
    )


def resolution_within_sla(period: Period) -> list[Value]:
    return ratio_values(
        resolved_in(period),
        Q(first_resolved__lte=F("resolution_due")),
        TEAM | CATEGORY,
        denominator=Q(resolution_due__isnull=False),
    )


def _resolution_hours(period: Period) -> list[tuple[dict, float]]:
    rows = resolved_in(period).values("created_at", "first_resolved", "sla_paused_minutes", *_fields(TEAM | CATEGORY))
    return [(row, _hours(row["created_at"], row["first_resolved"], row["sla_paused_minutes"])) for row in rows]


def resolution_time(period: Period) -> list[Value]:
    return statistic_values(_resolution_hours(period), TEAM | CATEGORY, median)


def resolution_time_p90(period: Period) -> list[Value]:
    return statistic_values(_resolution_hours(period), TEAM | CATEGORY, lambda numbers: quantile(numbers, 0.9))


# HD10-HD12: quality of resolution ------------------------------------------------


def reopen_rate(period: Period) -> list[Value]:
    rows = list(resolved_in(period).values("pk", "first_resolved", *_fields(TEAM)))
    reopenings: dict[int, list] = {}
    events = TimelineEvent.objects.filter(
        ticket_id__in=[row["pk"] for row in rows],
        field="status",
        old_value=Status.RESOLVED,
        new_value__in=OPEN_STATUSES,
        created_at__gte=period.start,
        created_at__lt=period.end + REOPEN_WINDOW,
    ).values_list("ticket_id", "created_at")
    for ticket_id, at in events:
        reopenings.setdefault(ticket_id, []).append(at)
    flagged = [
        (
            row,
            any(
                row["first_resolved"] < at <= row["first_resolved"] + REOPEN_WINDOW
                for at in reopenings.get(row["pk"], ())
            ),
        )
        for row in rows
    ]
    return _bool_values(flagged, TEAM)


def _transferred():
    return TimelineEvent.objects.filter(
        ticket=OuterRef("pk"), field="team", created_at__lte=OuterRef("first_resolved")
    ).exclude(old_value="")


def first_contact_resolution(period: Period) -> list[Value]:
    replies = (
        Comment.objects.filter(ticket=OuterRef("pk"), is_internal=False, created_at__lte=OuterRef("first_resolved"))
        .exclude(author=OuterRef("requester_id"))
        .order_by()
        .values("ticket")
        .annotate(n=Count("pk"))
        .values("n")
    )
    tickets = resolved_in(period).annotate(
        public_replies=Coalesce(Subquery(replies), 0), transferred=Exists(_transferred())
    )
    return ratio_values(tickets, Q(public_replies__lte=1, transferred=False), TEAM | CATEGORY)


def escalation_rate(period: Period) -> list[Value]:
    second_level = Team.objects.filter(second_level=True).values("name")
    escalated = TimelineEvent.objects.filter(
        ticket=OuterRef("pk"),
        field="team",
        new_value__in=Subquery(second_level),
        created_at__lte=OuterRef("first_resolved"),
    )
    tickets = resolved_in(period).annotate(escalated=Exists(escalated))
    return ratio_values(tickets, Q(escalated=True), CATEGORY)


# HD13-HD15: demand and productivity ----------------------------------------------


def tickets_per_staff(period: Period) -> list[Value]:
    staff = get_user_model().objects.filter(is_active=True, date_joined__lt=period.end)
    tickets = created_in(period).count()
    people = staff.count()
    values = [
        Value(
            None if not people else dec(Decimal(tickets) * 100 / people),
            numerator=Decimal(tickets),
            denominator=Decimal(people),
        )
    ]
    per_department = dict(staff.order_by().values_list("department_id").annotate(n=Count("pk")))
    for row in created_in(period).order_by().values(*_fields(DEPARTMENT)).annotate(n=Count("pk")):
        department = row["requester__department_id"]
        people = per_department.get(department, 0)
        if department is None or not people:
            continue
        values.append(
            Value(
                dec(Decimal(row["n"]) * 100 / people),
                "department",
                str(department),
                label_of(row, DEPARTMENT["department"][1]),
                Decimal(row["n"]),
                Decimal(people),
            )
        )
    return values


def self_service_share(period: Period) -> list[Value]:
    return ratio_values(created_in(period), Q(channel=Channel.WEB), DEPARTMENT)


def resolved_per_agent(period: Period) -> list[Value]:
    rows = list(resolved_in(period).values("resolver", *_fields(TEAM)))

    def build(items, kind="", key="", label=""):
        agents = {row["resolver"] for row in items if row["resolver"] is not None}
        if not agents:
            return Value(None, kind, key, label, Decimal(len(items)), Decimal(0))
        return Value(
            dec(Decimal(len(items)) / len(agents)), kind, key, label, Decimal(len(items)), Decimal(len(agents))
        )

    values = [build(rows)]
    groups: dict[str, list] = {}
    for row in rows:
        groups.setdefault(str(row["team_id"] or "none"), []).append(row)
    for key, items in sorted(groups.items()):
        values.append(build(items, "team", key, label_of(items[0], TEAM["team"][1])))
    return values


# HD16-HD18: post-ticket satisfaction -------------------------------------------

RATING_TEAM = {"team": ("team_id", ("team__name",))}
RATING_CATEGORY = {"category": ("category_id", ("category__name_fr", "category__name_nl"))}


def csat(period: Period) -> list[Value]:
    ratings = TicketRating.objects.filter(_in(period, "answered_at"), rating__isnull=False)
    return ratio_values(ratings, Q(rating__gte=4), RATING_TEAM | RATING_CATEGORY)


def csat_response_rate(period: Period) -> list[Value]:
    answered = TicketRating.objects.filter(_in(period, "answered_at"), rating__isnull=False)
    invited = TicketRating.objects.filter(_in(period, "invited_at"))

    def build(num, den, kind="", key="", label=""):
        return Value(percent(num, den), kind, key, label, Decimal(num), Decimal(den))

    values = [build(answered.count(), invited.count())]
    answers = {row["team_id"]: row["n"] for row in answered.order_by().values("team_id").annotate(n=Count("pk"))}
    for row in invited.order_by().values("team_id", "team__name").annotate(n=Count("pk")):
        key = row["team_id"]
        values.append(build(answers.get(key, 0), row["n"], "team", str(key or "none"), label_of(row, ("team__name",))))
    return values


def low_score_follow_up(period: Period) -> list[Value]:
    rows = TicketRating.objects.filter(_in(period, "answered_at"), rating__lte=2).values(
        "answered_at", "follow_up__closed_at", "team_id", "team__name"
    )
    flagged = []
    for row in rows:
        closed = row["follow_up__closed_at"]
        deadline = sla.add_business_days(row["answered_at"], FOLLOW_UP_BUSINESS_DAYS)
        flagged.append((row, closed is not None and closed <= deadline))
    return _bool_values(flagged, RATING_TEAM)


def _kpi(code, name, description, unit, direction, compute, scopes=(), records=("", {}), yearly="sum"):
    # The queue is for agents and for the managers who read their teams' tickets; CSAT pages for managers.
    roles = ("agent", "manager") if records[0] == QUEUE else ()
    return register(
        Kpi(
            code=code,
            domain="helpdesk",
            name=name,
            description=description,
            unit=unit,
            direction=direction,
            compute=compute,
            scopes=scopes,
            records_url=records[0],
            records_query=records[1],
            records_roles=roles,
            yearly=yearly,
        )
    )


_kpi(
    "HD01",
    _("Tickets opened"),
    _("Tickets created in the month, by channel (portal, email, phone, walk-in)."),
    "count",
    "none",
    tickets_opened,
    ("channel", "team", "category", "department"),
    (QUEUE, IN_PERIOD),
)
_kpi(
    "HD02",
    _("Tickets resolved"),
    _("Tickets whose first resolution falls in the month."),
    "count",
    "none",
    tickets_resolved,
    ("team", "category"),
    (QUEUE, {"status": ["resolved", "closed"]}),
)
_kpi(
    "HD03",
    _("Backlog"),
    _("Tickets open at the end of the month."),
    "count",
    "lower",
    backlog,
    ("team", "category"),
    (QUEUE, {"status": list(OPEN_STATUSES)}),
    yearly="last",
)
_kpi(
    "HD04",
    _("Aged backlog"),
    _("Tickets open at the end of the month that were opened more than 30 days before."),
    "count",
    "lower",
    aged_backlog,
    ("team", "category"),
    (QUEUE, {"status": list(OPEN_STATUSES), "sort": "created"}),
    yearly="last",
)
_kpi(
    "HD05",
    _("First response time"),
    _("Median business time from creation to the first public agent reply, for the first replies of the month."),
    "hours",
    "lower",
    first_response_time,
    ("team",),
    (QUEUE, IN_PERIOD),
    yearly="median",
)
_kpi(
    "HD06",
    _("First response within SLA"),
    _("Share of the month's first replies, on tickets with a first-response target, that met it."),
    "percent",
    "higher",
    first_response_within_sla,
    ("team",),
    (QUEUE, IN_PERIOD),
    yearly="ratio",
)
_kpi(
    "HD07",
    _("Resolution within SLA"),
    _("Share of the tickets resolved in the month that met their resolution target."),
    "percent",
    "higher",
    resolution_within_sla,
    ("team", "category"),
    (QUEUE, {"sla": "breached"}),
    yearly="ratio",
)
_kpi(
    "HD08",
    _("Resolution time"),
    _(
        "Median business time from creation to first resolution, less the time paused, for the tickets resolved in the month."
    ),
    "hours",
    "lower",
    resolution_time,
    ("team", "category"),
    (QUEUE, {"status": ["resolved", "closed"]}),
    yearly="median",
)
_kpi(
    "HD09",
    _("Resolution time, 90th percentile"),
    _("As the resolution time, 90th percentile (nearest rank)."),
    "hours",
    "lower",
    resolution_time_p90,
    ("team", "category"),
    (QUEUE, {"status": ["resolved", "closed"]}),
    yearly="median",
)
_kpi(
    "HD10",
    _("Reopen rate"),
    _("Share of the tickets resolved in the month that were reopened within 14 days."),
    "percent",
    "lower",
    reopen_rate,
    ("team",),
    (QUEUE, {"status": ["in_progress"]}),
    yearly="ratio",
)
_kpi(
    "HD11",
    _("First-contact resolution"),
    _("Share of the tickets resolved in the month with at most one public agent reply and no team transfer."),
    "percent",
    "higher",
    first_contact_resolution,
    ("team", "category"),
    (QUEUE, {"status": ["resolved", "closed"]}),
    yearly="ratio",
)
_kpi(
    "HD12",
    _("Escalation rate"),
    _("Share of the tickets resolved in the month that were transferred to a second-level team."),
    "percent",
    "lower",
    escalation_rate,
    ("category",),
    (QUEUE, {"status": ["resolved", "closed"]}),
    yearly="ratio",
)
_kpi(
    "HD13",
    _("Tickets per 100 staff"),
    _("Tickets opened in the month per 100 active staff accounts."),
    "ratio",
    "lower",
    tickets_per_staff,
    ("department",),
    (QUEUE, IN_PERIOD),
    yearly="ratio",
)
_kpi(
    "HD14",
    _("Self-service share"),
    _("Share of the tickets opened in the month through the portal."),
    "percent",
    "higher",
    self_service_share,
    ("department",),
    (QUEUE, IN_PERIOD),
    yearly="ratio",
)
_kpi(
    "HD15",
    _("Resolved per agent"),
    _("Tickets resolved in the month per agent who resolved at least one."),
    "ratio",
    "none",
    resolved_per_agent,
    ("team",),
    (QUEUE, {"status": ["resolved", "closed"]}),
    yearly="ratio",
)
_kpi(
    "HD16",
    _("Post-ticket satisfaction"),
    _("CSAT: share of the ratings received in the month that are 4 or 5 out of 5."),
    "percent",
    "higher",
    csat,
    ("team", "category"),
    ("surveys:csat-results", {}),
    yearly="ratio",
)
_kpi(
    "HD17",
    _("CSAT response rate"),
    _("Ratings received in the month per invitation sent in the month."),
    "percent",
    "higher",
    csat_response_rate,
    ("team",),
    ("surveys:csat-results", {}),
    yearly="ratio",
)
_kpi(
    "HD18",
    _("Low-score follow-up on time"),
    _("Share of the 1–2 ratings received in the month whose follow-up was closed within 5 business days."),
    "percent",
    "higher",
    low_score_follow_up,
    ("team",),
    ("surveys:follow-up-list", {}),
    yearly="ratio",
)
