"""The permission matrix (issue 20), generated from the URLconf.

Every URL pattern is declared in ``ACCESS``: which roles may read it (GET
answers 200) and which may write through it (a POST may change rows), against
objects that belong to someone else (``tests/security/world.py``). The test
fails when a pattern has no declaration, when a role outside the declaration
gets a 200 (or any answer but 302-to-login/401/403/404/405), and when a POST by
a role outside the write declaration changes a row. Django admin patterns are
declared as a group: staff administrators only.
"""

import time

import pytest

from tests.security.access import ACCESS, ADMIN_ASKED, ADMIN_ONLY, ROLES
from tests.security.matrix import client_for, refused, rows_written, url_for
from tests.security.urlconf import all_routes
from tests.security.world import build_world

pytestmark = pytest.mark.django_db
COUNTS = {"requests": 0}


# The admin's own sign-in and sign-out pages are open to anyone.
ADMIN_PUBLIC = {"admin/login/", "admin/logout/"}


def _is_admin(route) -> bool:
    return route.route.startswith("admin/")


def test_every_url_pattern_declares_who_may_read_and_write_it():
    missing = [route.name for route in all_routes() if not _is_admin(route) and route.name not in ACCESS]
    assert not missing, f"URL patterns without a declaration in tests/security/access.py: {missing}"
    stale = set(ACCESS) - {route.name for route in all_routes()}
    assert not stale, f"declarations for URL patterns that no longer exist: {sorted(stale)}"


def test_refused_roles_get_no_page_and_change_no_row(settings):
    settings.ALLOWED_HOSTS = ["*"]
    started = time.monotonic()
    world = build_world()
    clients = {role: client_for(world.people[role]) for role in ROLES}
    failures = []
    for route in all_routes():
        if route.route in ADMIN_PUBLIC:
            continue
        if _is_admin(route):
            read, write = ADMIN_ONLY
        else:
            read, write = ACCESS[route.name]
        url = url_for(route, world.ids)
        for role in ADMIN_ASKED if _is_admin(route) else ROLES:
            client = clients[role]
            if role not in read:
                response = client.get(url)
                COUNTS["requests"] += 1
                if not refused(response):
                    failures.append(f"GET {url} as {role}: {response.status_code} {response.get('Location', '')}")
            if role not in write:
                with rows_written() as touched:
                    response = client.post(url, {})
                COUNTS["requests"] += 1
                if touched:
                    failures.append(f"POST {url} as {role} changed rows: {touched[:2]}")
                elif 200 <= response.status_code < 300:
                    failures.append(f"POST {url} as {role}: {response.status_code}")
    print(
        f"\npermission matrix: {len(all_routes())} URL patterns x {len(ROLES)} roles, "
        f"{COUNTS['requests']} refused requests in {time.monotonic() - started:.0f} s"
    )
    assert not failures, "\n".join(failures)
