"""What anonymous callers get (issue 20): the API's schema and docs need a signed-in person."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/api/schema/", "/api/docs/", "/api/v1/"])
def test_the_api_map_is_not_public(url):
    assert Client().get(url).status_code in (401, 403)


def test_the_schema_is_served_to_a_token(requester):
    from icity.tokens import api_token_issue

    _token, key = api_token_issue(user=requester, name="schema")
    assert Client().get("/api/schema/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
