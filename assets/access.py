"""Who may see and change inventory. Every page and endpoint goes through here.

Logistics and admins change inventory; agents read all of it; everybody else
sees only the units they hold (their "My equipment").
"""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404

from icity.roles import Role, has_role

from .models import Asset

MANAGE_ROLES = (Role.LOGISTICS, Role.ADMIN)
READ_ROLES = (Role.LOGISTICS, Role.ADMIN, Role.AGENT)


def can_manage_inventory(user) -> bool:
    return has_role(user, *MANAGE_ROLES)


def can_read_inventory(user) -> bool:
    return has_role(user, *READ_ROLES)


def assets_for(user) -> QuerySet[Asset]:
    if can_read_inventory(user):
        return Asset.objects.all()
    if not user.is_authenticated:
        return Asset.objects.none()
    return Asset.objects.filter(holder=user)


def get_asset_for_user(user, *, tag: str) -> Asset:
    """The asset with this tag if the user may see it; 404 otherwise (never 403: no leak)."""
    asset = (
        assets_for(user)
        .select_related("model__manufacturer", "model__category", "site", "holder", "manufacturer")
        .filter(tag=tag.upper())
        .first()
    )
    if asset is None:
        raise Http404
    return asset


def search_filter(term: str) -> Q:
    """Tag prefix, exact serial, or a holder's email/last-name prefix.

    Each branch can use an index (tags are stored upper-case; the holder
    match is resolved on the small user table first), so PostgreSQL combines
    three index scans instead of scanning every asset joined to its holder.
    """
    term = term.strip()
    holder_ids = list(
        get_user_model()
        .objects.filter(Q(email__istartswith=term) | Q(last_name__istartswith=term))
        .values_list("pk", flat=True)[:500]
    )
    return Q(tag__startswith=term.upper()) | Q(serial=term) | Q(holder_id__in=holder_ids)
