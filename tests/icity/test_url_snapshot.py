"""The URLs, API paths and OpenAPI operation ids users and integrations know stay the same.

The fixture was written from the tree before the layout change of issue 16 (loans and the
mail channel got rooms of their own). A route or operation may be added; none may disappear
or change its name or path. Regenerate only for a deliberate, announced change:
``python -m tests.icity.test_url_snapshot > tests/icity/fixtures/urls_before.json``.
"""

import json
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

FIXTURE = Path(__file__).parent / "fixtures" / "urls_before.json"


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            inner = f"{namespace}:{ns}" if (namespace and ns) else (ns or namespace)
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = entry.name or ""
            full = f"{namespace}:{name}" if (namespace and name) else name
            route = prefix + str(entry.pattern)
            if full == "admin:app_list":
                # The admin's app-index pattern lists the installed apps: a new app changes it, no URL goes.
                route = "admin/<app_label>/"
            yield {"route": route, "name": full}


def url_patterns() -> list[dict]:
    rows = {(row["route"], row["name"]) for row in _walk(get_resolver().url_patterns)}
    return [{"route": route, "name": name} for route, name in sorted(rows)]


def schema_operations() -> list[dict]:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    rows = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            rows.append({"path": path, "method": method, "operationId": operation.get("operationId", "")})
    return sorted(rows, key=lambda row: (row["path"], row["method"]))


def snapshot() -> dict:
    return {"urls": url_patterns(), "operations": schema_operations()}


def test_every_known_url_and_operation_is_still_there():
    # The fixture is the layout change's "before"; admin/authtoken/ left it on purpose (issue 20: API tokens
    # became icity.ApiToken, stored as digests), nothing else did.
    before = json.loads(FIXTURE.read_text())
    now = snapshot()
    now_urls = {(row["route"], row["name"]) for row in now["urls"]}
    missing_urls = [row for row in before["urls"] if (row["route"], row["name"]) not in now_urls]
    now_ops = {(row["path"], row["method"], row["operationId"]) for row in now["operations"]}
    missing_ops = [
        row for row in before["operations"] if (row["path"], row["method"], row["operationId"]) not in now_ops
    ]
    assert missing_urls == []
    assert missing_ops == []


def test_the_snapshot_is_not_empty():
    before = json.loads(FIXTURE.read_text())
    assert len(before["urls"]) > 100
    assert len(before["operations"]) > 30


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icity.settings")
    django.setup()
    print(json.dumps(snapshot(), indent=1, ensure_ascii=False))
