from django.urls import reverse

from icity.tokens import api_token_issue


def test_me_returns_the_profile_and_roles(client, agent):
    client.force_login(agent)
    body = client.get(reverse("api-me")).json()
    assert body["email"] == agent.email
    assert body["roles"] == ["agent", "requester"]


def test_me_with_a_token(client, requester):
    token = api_token_issue(user=requester, name="test")[1]
    response = client.get(reverse("api-me"), HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200


def test_api_refuses_anonymous_callers(client, db):
    assert client.get(reverse("api-me")).status_code in (401, 403)
    assert client.get(reverse("api-root")).status_code in (401, 403)


def test_me_is_read_only(client, requester):
    client.force_login(requester)
    assert client.patch(reverse("api-me"), {"email": "x@y.example"}, content_type="application/json").status_code == 405


def test_api_root_lists_the_endpoints(client, requester):
    client.force_login(requester)
    body = client.get(reverse("api-root")).json()
    assert {"me", "schema", "docs", "token"} <= set(body)


def test_openapi_schema_and_docs_are_served_locally(client, requester):
    client.force_login(requester)
    schema = client.get(reverse("api-schema"))
    assert schema.status_code == 200
    assert b"/api/v1/me/" in schema.content
    docs = client.get(reverse("api-docs")).content.decode()
    assert "cdn" not in docs.lower() and "unpkg" not in docs.lower()
    assert "<script>" not in docs


def test_openapi_schema_is_valid_without_warnings(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
