"""Queue filters, search, orderings and saved views, shared by the pages and the API.

Only the names below ever reach the ORM: an unknown filter or ordering in a
request is ignored, never passed through.
"""

import re
from datetime import datetime, time, timedelta

from django import forms
from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from icity.models import Department, User
from icity.roles import Role
from icity.text import is_id

from .access import agent_team_ids
from .models import OPEN_STATUSES, PAUSED_STATUSES, Category, Priority, Status, Team, Ticket

ORDERINGS = {
    "priority": ("priority", "resolution_due", "pk"),
    "-priority": ("-priority", "-pk"),
    "due": ("resolution_due", "-pk"),
    "-due": ("-resolution_due", "-pk"),
    "created": ("created_at", "pk"),
    "-created": ("-created_at", "-pk"),
    "updated": ("updated_at", "pk"),
    "-updated": ("-updated_at", "-pk"),
    "reference": ("reference",),
    "-reference": ("-reference",),
    "status": ("status", "-pk"),
    "title": ("title", "pk"),
}
DEFAULT_ORDERING = "priority"
SLA_STATES = [
    ("breached", _("Breached")),
    ("at_risk", _("At risk")),
    ("ok", _("On track")),
    ("paused", _("Paused")),
]


def saved_views(user, now: datetime | None = None) -> dict[str, tuple[str, Q]]:
    now = now or timezone.now()
    open_ = Q(status__in=OPEN_STATUSES)
    return {
        "open": (_("All open"), open_),
        "mine": (_("Mine"), open_ & Q(assignee=user)),
        "unassigned": (_("Unassigned in my teams"), open_ & Q(assignee__isnull=True, team_id__in=agent_team_ids(user))),
        "breaching": (
            _("Breaching within 4 h"),
            Q(status__in=[Status.NEW, Status.IN_PROGRESS], resolution_due__lte=now + timedelta(hours=4)),
        ),
        "waiting": (_("Waiting on requester"), Q(status=Status.WAITING_REQUESTER)),
        "all": (_("All tickets"), Q()),
    }


# A list counts at most this many rows: someone holding thousands of tickets is not made to wait for a total.
COUNT_CAP = 1000


def saved_view_counts(user, base=None) -> dict[str, int]:
    """Counts for every saved view, each at most COUNT_CAP + 1 (shown as "1000+"); `base` narrows
    them (a support manager's teams)."""
    # One small, bounded count per view: an index range scan (status, assignee, team) stopped after
    # COUNT_CAP + 1 rows, so the badges cost the same for an agent holding 50 or 5,000 tickets.
    return {
        key: (Ticket.objects if base is None else base).filter(condition).order_by()[: COUNT_CAP + 1].count()
        for key, (_label, condition) in saved_views(user).items()
        if key != "all"
    }


def count_badge(count: int | None):
    """A saved view's count as shown: past the cap, "1 000+" in the reader's locale."""
    if count is not None and count > COUNT_CAP:
        return f"{number_format(COUNT_CAP, force_grouping=True)}+"
    return count


class QueueFilterForm(forms.Form):
    view = forms.ChoiceField(label=_("View"), required=False, choices=[])
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.MultipleChoiceField(label=_("Status"), required=False, choices=Status.choices)
    # Plain lists built with one query each (no per-render queryset iteration).
    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)
    assignee = forms.CharField(label=_("Assignee"), required=False, max_length=20)
    category = forms.TypedChoiceField(label=_("Category"), required=False, coerce=int, empty_value=None)
    priority = forms.TypedMultipleChoiceField(label=_("Priority"), required=False, choices=Priority.choices, coerce=int)
    sla = forms.ChoiceField(label=_("SLA"), required=False, choices=[("", "—"), *SLA_STATES])
    requester = forms.CharField(label=_("Requester"), required=False, max_length=100)
    department = forms.TypedChoiceField(label=_("Department"), required=False, coerce=int, empty_value=None)
    created_from = forms.DateField(
        label=_("Opened from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    created_to = forms.DateField(
        label=_("Opened until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=[(key, key) for key in ORDERINGS])

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["view"].choices = [(key, label) for key, (label, _q) in saved_views(user).items()]
        self.fields["team"].choices = [("", "—"), *team_choices()]
        self.fields["category"].choices = [("", "—"), *category_choices()]
        self.fields["department"].choices = [("", "—"), *department_choices()]

    def valid_data(self) -> dict:
        """Fields that validated; invalid ones are dropped (ignored), never passed on."""
        self.is_valid()
        return {key: value for key, value in self.cleaned_data.items() if key not in self.errors}


REFERENCE = re.compile(r"^HD-\d{4}-\d{6}$", re.I)


def search(queryset: QuerySet[Ticket], text: str) -> QuerySet[Ticket]:
    text = text.strip()
    if not text:
        return queryset
    if REFERENCE.match(text):
        # A reference goes straight to its unique index.
        return queryset.filter(reference=text.upper())
    if connection.vendor == "postgresql":
        # The stored, GIN-indexed generated column of migration 0006.
        vector = RawSQL('"tickets_ticket"."search_vector"', [], output_field=SearchVectorField())
        query = SearchQuery(text, config="simple", search_type="websearch")
        return queryset.annotate(search=vector).filter(search=query)
    return queryset.filter(search_document__icontains=text)


def filter_queue(queryset: QuerySet[Ticket], data: dict, user, *, now: datetime | None = None) -> QuerySet[Ticket]:
    now = now or timezone.now()
    view = data.get("view") or "open"
    views = saved_views(user, now)
    if view in views:
        queryset = queryset.filter(views[view][1])
    if data.get("status"):
        queryset = queryset.filter(status__in=data["status"])
    if data.get("team"):
        queryset = queryset.filter(team_id=data["team"])
    assignee = (data.get("assignee") or "").strip()
    if assignee == "me":
        queryset = queryset.filter(assignee=user)
    elif assignee == "none":
        queryset = queryset.filter(assignee__isnull=True)
    elif is_id(assignee):
        queryset = queryset.filter(assignee_id=int(assignee))
    if data.get("category"):
        category = data["category"]
        queryset = queryset.filter(Q(category_id=category) | Q(category__parent_id=category))
    if data.get("priority"):
        queryset = queryset.filter(priority__in=data["priority"])
    sla_state = data.get("sla")
    running = Q(status__in=[Status.NEW, Status.IN_PROGRESS])
    if sla_state == "breached":
        queryset = queryset.filter(running, resolution_due__lte=now)
    elif sla_state == "at_risk":
        queryset = queryset.filter(running, resolution_warn_at__lte=now, resolution_due__gt=now)
    elif sla_state == "ok":
        queryset = queryset.filter(running, resolution_warn_at__gt=now)
    elif sla_state == "paused":
        queryset = queryset.filter(status__in=PAUSED_STATUSES)
    requester = (data.get("requester") or "").strip()
    if requester:
        queryset = queryset.filter(
            Q(requester__email__icontains=requester)
            | Q(requester__last_name__icontains=requester)
            | Q(requester__first_name__icontains=requester)
        )
    if data.get("department"):
        queryset = queryset.filter(requester__department_id=data["department"])
    tz = timezone.get_current_timezone()
    if data.get("created_from"):
        queryset = queryset.filter(created_at__gte=datetime.combine(data["created_from"], time.min, tzinfo=tz))
    if data.get("created_to"):
        queryset = queryset.filter(
            created_at__lt=datetime.combine(data["created_to"] + timedelta(days=1), time.min, tzinfo=tz)
        )
    queryset = search(queryset, data.get("q") or "")
    ordering = ORDERINGS.get(data.get("sort") or DEFAULT_ORDERING, ORDERINGS[DEFAULT_ORDERING])
    return queryset.order_by(*ordering)


def queue_rows(queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return queryset.select_related("requester", "requester__department", "team", "assignee", "category").only(
        "reference",
        "title",
        "kind",
        "status",
        "priority",
        "created_at",
        "updated_at",
        "resolution_due",
        "resolution_warn_at",
        "requester__first_name",
        "requester__last_name",
        "requester__email",
        "requester__department__name_fr",
        "requester__department__name_nl",
        "team__name",
        "team__name_nl",
        "team__name_en",
        "assignee__first_name",
        "assignee__last_name",
        "assignee__email",
        "category__name_fr",
        "category__name_nl",
    )


def team_choices() -> list[tuple[int, str]]:
    teams = Team.objects.only("name", "name_nl", "name_en")
    return sorted(((team.pk, team.display_name) for team in teams), key=lambda choice: choice[1].lower())


def category_choices() -> list[tuple[int, str]]:
    categories = Category.objects.filter(is_active=True).select_related("parent").order_by("parent__name_fr", "name_fr")
    return [(c.pk, f"{c.parent.name} › {c.name}" if c.parent_id else c.name) for c in categories]


def department_choices() -> list[tuple[int, str]]:
    return [(d.pk, d.name) for d in Department.objects.order_by("name_fr")]


def agent_choices() -> list[tuple[int, str]]:
    return [(user.pk, user.get_full_name() or user.email) for user in agents().only("first_name", "last_name", "email")]


def agents() -> QuerySet[User]:
    return User.objects.filter(is_active=True, groups__name=Role.AGENT).order_by("first_name", "last_name")
