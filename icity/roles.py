"""Roles are Django groups. One small helper that pages and the API share.

A person can hold several roles; every query a view runs is still scoped by
the objects the user may see, roles only decide which pages and actions exist.
"""

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission


class Role(models.TextChoices):
    REQUESTER = "requester", _("Requester")
    AGENT = "agent", _("Agent")
    LOGISTICS = "logistics", _("Logistics")
    MANAGER = "manager", _("Manager")
    SCHOOL_CONTACT = "school_contact", _("School contact")
    ADMIN = "admin", _("Administrator")


# Which role's home a person lands on first when they hold several.
HOME_ORDER = [Role.AGENT, Role.LOGISTICS, Role.MANAGER, Role.SCHOOL_CONTACT, Role.ADMIN, Role.REQUESTER]


def user_roles(user) -> frozenset[str]:
    """The role names a user holds, read once per request object."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_icity_roles", None)
    if cached is None:
        valid = set(Role.values)
        cached = frozenset(name for name in user.groups.values_list("name", flat=True) if name in valid)
        user._icity_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def home_roles(user) -> list[str]:
    held = user_roles(user)
    return [role for role in HOME_ORDER if role in held]


def require_role(user, *roles: str) -> None:
    if not has_role(user, *roles):
        raise PermissionDenied


def role_required(*roles: str):
    """View decorator: the user must hold one of ``roles`` (403 otherwise)."""

    def decorator(view):
        from functools import wraps

        from django.contrib.auth.decorators import login_required

        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            require_role(request.user, *roles)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class HasRole(BasePermission):
    """DRF permission: ``permission_classes = [HasRole.of(Role.AGENT)]``."""

    roles: Iterable[str] = ()

    @classmethod
    def of(cls, *roles: str) -> type["HasRole"]:
        return type(f"HasRole_{'_'.join(roles)}", (cls,), {"roles": tuple(roles)})

    def has_permission(self, request, view) -> bool:
        return has_role(request.user, *self.roles)
