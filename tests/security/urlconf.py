"""The URLconf as a flat list, for the checks that must cover every URL (issue 20)."""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or the route itself when the pattern has no name
    route: str  # the pattern as written, e.g. "tickets/<str:reference>/"
    params: tuple[str, ...]  # converter names, in order

    @property
    def has_params(self) -> bool:
        return bool(self.params)


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            space = entry.namespace or ""
            joined = f"{namespace}:{space}" if namespace and space else (space or namespace)
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), joined)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or route)
            params = tuple(entry.pattern.converters) + tuple(
                key for key in getattr(entry.pattern, "regex", None).groupindex if key not in entry.pattern.converters
            )
            yield Route(name=name, route=route, params=params)


def all_routes() -> list[Route]:
    seen, routes = set(), []
    for route in _walk(get_resolver().url_patterns):
        if route.route not in seen:
            seen.add(route.route)
            routes.append(route)
    return routes
