from django.conf import settings
from django.urls import NoReverseMatch, reverse

from .registry import nav_items
from .roles import Role, home_roles, user_roles


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "oidc_enabled": settings.OIDC_ENABLED}
    held = user_roles(user)
    items = []
    path = request.path
    for item in nav_items():
        if not (held & set(item.roles)):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        current = path == url or (url != "/" and path.startswith(url))
        items.append({"label": item.label, "url": url, "current": current})
    return {
        "nav_items": items,
        "user_roles": held,
        "user_home_roles": home_roles(user),
        "is_admin": Role.ADMIN in held or user.is_superuser,
        "oidc_enabled": settings.OIDC_ENABLED,
    }
