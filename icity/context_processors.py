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
        if any(known["url"] == url for known in items):
            continue  # two entries for one page (agent and manager): the first, by order, wins
        items.append({"label": item.label, "url": url, "current": False})
    # One entry is current: the one a view names (request.nav_current: the agent's ticket page
    # belongs to the queue), else the one whose address is the longest start of this page's.
    path = getattr(request, "nav_current", None) or path
    matches = [
        known for known in items if path == known["url"] or (known["url"] != "/" and path.startswith(known["url"]))
    ]
    if matches:
        max(matches, key=lambda known: len(known["url"]))["current"] = True
    return {
        "nav_items": items,
        "user_roles": held,
        "user_home_roles": home_roles(user),
        "is_admin": Role.ADMIN in held or user.is_superuser,
        "oidc_enabled": settings.OIDC_ENABLED,
    }
