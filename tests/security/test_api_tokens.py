"""API tokens end with the password, the account and "sign out everywhere" (issue 20, finding 3)."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from icity.models import ApiToken
from icity.tokens import api_token_issue
from tests.icity.test_auth import PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "another-horse-staple-42"


def _api(key: str) -> int:
    return Client().get(reverse("api-me"), HTTP_AUTHORIZATION=f"Token {key}").status_code


def _obtained(user) -> str:
    response = Client().post(reverse("api-token"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 200
    return response.json()["token"]


def test_a_password_change_ends_the_tokens(client, requester):
    key = _obtained(requester)
    assert _api(key) == 200
    client.force_login(requester)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert _api(key) in (401, 403)
    assert not ApiToken.objects.filter(user=requester).exists()


def test_a_password_reset_ends_the_tokens(requester):
    key = _obtained(requester)
    requester.set_password(NEW_PASSWORD)
    requester.save()
    assert _api(key) in (401, 403)


def test_deactivation_ends_the_tokens(requester):
    key = _obtained(requester)
    requester.is_active = False
    requester.save()
    assert _api(key) in (401, 403)
    assert not ApiToken.objects.filter(user=requester).exists()


def test_admin_signs_someone_out_everywhere(client, admin_user, requester):
    key = _obtained(requester)
    session = Client()
    session.force_login(requester)
    assert session.get(reverse("api-me")).status_code == 200
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:icity_user_changelist"),
        {"action": "log_out_everywhere", "_selected_action": [requester.pk]},
    )
    assert response.status_code == 302
    assert _api(key) in (401, 403)
    assert session.get(reverse("api-me")).status_code in (401, 403)
    assert SESSION_KEY not in session.session
    assert client.get(reverse("admin:index")).status_code == 200  # the admin's own session goes on


def test_the_token_page_lists_last_use_and_revokes_one(client, requester, agent):
    used, used_key = api_token_issue(user=requester, name="reporting script")
    other, _other_key = api_token_issue(user=requester, name="old laptop")
    foreign, _foreign_key = api_token_issue(user=agent, name="agent's")
    assert _api(used_key) == 200
    used.refresh_from_db()
    assert used.last_used_at is not None
    client.force_login(requester)
    page = client.get(reverse("icity:tokens")).content.decode()
    assert "reporting script" in page and "old laptop" in page and "agent&#x27;s" not in page
    assert used_key not in page  # the key itself is never shown again
    client.post(reverse("icity:token-revoke", args=[other.pk]))
    assert not ApiToken.objects.filter(pk=other.pk).exists()
    client.post(reverse("icity:token-revoke", args=[foreign.pk]))
    assert ApiToken.objects.filter(pk=foreign.pk).exists()
    assert _api(used_key) == 200


def test_making_a_token_shows_the_key_once(client, requester):
    client.force_login(requester)
    response = client.post(reverse("icity:tokens"), {"name": "cli"})
    key = response.context["new_key"]
    assert key and key in response.content.decode()
    assert _api(key) == 200
    assert key not in client.get(reverse("icity:tokens")).content.decode()


def test_only_the_digest_is_stored(requester):
    token, key = api_token_issue(user=requester, name="x")
    assert key not in token.digest and token.prefix == key[:8]
