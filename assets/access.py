"""Who may see and change inventory. Every page and endpoint goes through here.

Logistics and admins change inventory; agents read all of it; everybody else
sees only the units they hold (their "My equipment").
"""

from django.db.models import QuerySet
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
        .filter(tag=tag)
        .first()
    )
    if asset is None:
        raise Http404
    return asset
