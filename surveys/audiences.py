"""Who a campaign is sent to: a kind plus JSON parameters.

Each kind validates its parameters and returns a queryset of active users.
The helpdesk ("requesters of tickets opened in a period") and inventory
("people holding equipment") kinds live here, on the surveys side, so that
tickets and assets never import surveys.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from icity.models import Department, User


@dataclass(frozen=True)
class Audience:
    kind: str
    clean: Callable[[dict], dict]
    users: Callable[[dict], QuerySet]


_audiences: dict[str, Audience] = {}


def register_audience(audience: Audience) -> None:
    _audiences[audience.kind] = audience


def get_audience(kind: str) -> Audience:
    try:
        return _audiences[kind]
    except KeyError:
        raise ValidationError(_("Unknown audience.")) from None


def _staff() -> QuerySet:
    return User.objects.filter(is_active=True).exclude(email="")


def _clean_all_staff(params: dict) -> dict:
    return {}


def _clean_departments(params: dict) -> dict:
    raw = params.get("departments") if isinstance(params, dict) else None
    if not isinstance(raw, list) or not raw:
        raise ValidationError(_("Choose at least one department."))
    try:
        ids = sorted({int(value) for value in raw})
    except (TypeError, ValueError):
        raise ValidationError(_("Unknown department.")) from None
    if Department.objects.filter(id__in=ids).count() != len(ids):
        raise ValidationError(_("Unknown department."))
    return {"departments": ids}


register_audience(Audience("all_staff", _clean_all_staff, lambda params: _staff()))
register_audience(
    Audience("departments", _clean_departments, lambda params: _staff().filter(department_id__in=params["departments"]))
)


def _clean_ids(raw, model, message) -> list[int]:
    if raw in (None, "", []):
        return []
    if not isinstance(raw, list):
        raise ValidationError(message)
    try:
        ids = sorted({int(value) for value in raw})
    except (TypeError, ValueError):
        raise ValidationError(message) from None
    if model.objects.filter(id__in=ids).count() != len(ids):
        raise ValidationError(message)
    return ids


def _parse_day(value, message) -> date:
    try:
        return date.fromisoformat(str(value))
    except (TypeError, ValueError):
        raise ValidationError(message) from None


def _clean_ticket_requesters(params: dict) -> dict:
    from tickets.models import Team

    params = params if isinstance(params, dict) else {}
    start = _parse_day(params.get("opened_from"), _("Give the first day of the period (YYYY-MM-DD)."))
    end = _parse_day(params.get("opened_to"), _("Give the last day of the period (YYYY-MM-DD)."))
    if end < start:
        raise ValidationError(_("The period ends before it starts."))
    teams = _clean_ids(params.get("teams"), Team, _("Unknown team."))
    return {"opened_from": start.isoformat(), "opened_to": end.isoformat(), "teams": teams}


def _ticket_requesters(params: dict) -> QuerySet:
    """Requesters of tickets opened in the period (optionally handled by some teams)."""
    from tickets.models import Ticket

    tickets = Ticket.objects.filter(
        created_at__date__gte=params["opened_from"], created_at__date__lte=params["opened_to"]
    )
    if params.get("teams"):
        tickets = tickets.filter(team_id__in=params["teams"])
    return _staff().filter(pk__in=tickets.values("requester_id"))


def _clean_equipment_holders(params: dict) -> dict:
    from assets.models import Category

    params = params if isinstance(params, dict) else {}
    return {"categories": _clean_ids(params.get("categories"), Category, _("Unknown equipment category."))}


def _equipment_holders(params: dict) -> QuerySet:
    """People holding equipment: holders of assets and borrowers with an open loan."""
    from assets.models import Asset
    from loans.models import Loan, LoanLine

    assets = Asset.objects.filter(holder__isnull=False)
    loans = Loan.objects.filter(status__in=Loan.OPEN_STATUSES, borrower__isnull=False)
    if params.get("categories"):
        assets = assets.filter(model__category_id__in=params["categories"])
        lines = LoanLine.objects.filter(model__category_id__in=params["categories"])
        loans = loans.filter(pk__in=lines.values("loan_id"))
    return _staff().filter(Q(pk__in=assets.values("holder_id")) | Q(pk__in=loans.values("borrower_id")))


register_audience(Audience("ticket_requesters", _clean_ticket_requesters, _ticket_requesters))
register_audience(Audience("equipment_holders", _clean_equipment_holders, _equipment_holders))
