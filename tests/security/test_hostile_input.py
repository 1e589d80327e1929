"""Hostile input to every list and search page (issue 20): never a 5xx.

Every URL pattern without a path parameter (pages and API lists, from the
URLconf, so a new page is covered without editing this file) is asked for by a
person holding every role; each query parameter its GET forms offer, plus the
usual ones (q, page, ordering, date, status…), gets each hostile value.
"""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from icity.roles import Role
from tests.factories import make_user
from tests.security.urlconf import all_routes

pytestmark = pytest.mark.django_db

HOSTILE = [
    "\x00",
    "\u202e\ufffe" + "x" * 5000,
    "2026-13-45",
    "99999999999999999999999",
    "1e309",
    "²",
]
COMMON = ["q", "page", "ordering", "date", "status"]
# Pages that are not lists: actions (POST only), sign-out, redirects.
SKIP = {"logout", "icity:set-language", "api-token", "healthz"}
REQUESTS = {"count": 0}


class _GetFormFields(HTMLParser):
    def __init__(self):
        super().__init__()
        self.names: set[str] = set()
        self._in_get_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._in_get_form = (attrs.get("method") or "get").lower() == "get"
        elif self._in_get_form and tag in ("input", "select", "textarea") and attrs.get("name"):
            self.names.add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_get_form = False


def _list_urls() -> list[str]:
    urls = []
    for route in all_routes():
        if route.has_params or route.name in SKIP or route.route.startswith("admin/"):
            continue
        url = "/" + re.sub(r"[\^$]", "", route.route)
        urls.append(url)
    return urls


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def everyone(db):
    return make_user(*Role.values, is_staff=True, is_superuser=True)


@pytest.mark.parametrize("url", _list_urls())
def test_hostile_query_values_never_give_a_5xx(client, everyone, url):
    client.force_login(everyone)
    first = client.get(url)
    assert first.status_code < 500
    parser = _GetFormFields()
    if "html" in first.get("Content-Type", ""):
        parser.feed(_body(first).decode("utf-8", "replace"))
    failures = []
    for name in sorted(parser.names | set(COMMON)):
        for value in HOSTILE:
            response = client.get(url, {name: value})
            _body(response)
            REQUESTS["count"] += 1
            if response.status_code >= 500:
                failures.append(f"{url}?{name}={value[:20]!r} -> {response.status_code}")
    assert not failures, failures


def test_anonymous_hostile_values_on_public_pages(db):
    client = Client()
    for url in ["/accounts/login/", "/accounts/password/reset/", "/surveys/answer/done/", "/surveys/csat/thanks/"]:
        for value in HOSTILE:
            assert client.get(url, {"next": value, "lang": value}).status_code < 500
            assert client.post(url, {"username": value, "password": value, "email": value}).status_code < 500
