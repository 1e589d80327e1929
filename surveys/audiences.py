"""Who a campaign is sent to: a kind plus JSON parameters.

Each kind validates its parameters and returns a queryset of active users.
The helpdesk ("requesters of tickets closed in a period") and inventory
("people holding equipment") kinds register here later, from the surveys side,
so that tickets and assets never import surveys.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
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
