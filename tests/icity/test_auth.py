from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse

from icity.models import Notification
from icity.outbox import outbox_drain
from icity.roles import Role
from tests.factories import make_user

PASSWORD = "correct-horse-battery"


def test_login_lands_on_the_role_home_page(client, agent):
    response = client.post(reverse("login"), {"username": agent.email, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("icity:role-home", args=[Role.AGENT])
    assert response.status_code == 200


def test_login_is_case_insensitive_on_email(client, requester):
    response = client.post(reverse("login"), {"username": requester.email.upper(), "password": PASSWORD})
    assert response.status_code == 302


def test_wrong_password_gets_a_clear_message(client, requester):
    response = client.post(reverse("login"), {"username": requester.email, "password": "wrong"})
    assert response.status_code == 200
    assert "ne correspondent pas" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_login_form_locks_out_with_429_after_too_many_failures(client, requester, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(reverse("login"), {"username": requester.email, "password": "wrong"})
        assert response.status_code == 200
    response = client.post(reverse("login"), {"username": requester.email, "password": "wrong"})
    assert response.status_code == 429
    # Even the right password is refused while locked out.
    response = client.post(reverse("login"), {"username": requester.email, "password": PASSWORD})
    assert response.status_code == 429
    assert SESSION_KEY not in client.session


def test_api_token_auth_locks_out_with_429_after_too_many_failures(client, requester, settings):
    url = reverse("api-token")
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(url, {"username": requester.email, "password": "wrong"})
        assert response.status_code == 400
    response = client.post(url, {"username": requester.email, "password": "wrong"})
    assert response.status_code == 429
    response = client.post(url, {"username": requester.email, "password": PASSWORD})
    assert response.status_code == 429


def test_api_token_auth_with_the_right_password_returns_a_token(client, requester):
    response = client.post(reverse("api-token"), {"username": requester.email, "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    me = Client().get(reverse("api-me"), HTTP_AUTHORIZATION=f"Token {token}")
    assert me.json()["email"] == requester.email


def test_password_change_ends_other_sessions(requester):
    laptop, phone = Client(), Client()
    laptop.force_login(requester)
    phone.force_login(requester)
    response = laptop.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "a-new-long-secret-42", "new_password2": "a-new-long-secret-42"},
    )
    assert response.status_code == 302
    assert laptop.get(reverse("icity:home")).status_code == 302  # still signed in: goes to role home
    assert phone.get(reverse("icity:home")).url.startswith(reverse("login"))


def test_password_reset_goes_through_the_outbox_in_the_users_language(client, db):
    person = make_user(Role.REQUESTER, language="nl")
    response = client.post(reverse("password_reset"), {"email": person.email})
    assert response.status_code == 302
    row = Notification.objects.get(recipient=person)
    assert row.template == "password_reset" and row.language == "nl"
    assert outbox_drain() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [person.email]
    assert "wachtwoord" in message.subject.lower()
    assert "/accounts/reset/" in message.body


def test_password_reset_for_an_unknown_address_reveals_nothing(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@brucity.example"})
    assert response.status_code == 302
    assert not Notification.objects.exists()


def test_language_choice_is_saved_on_the_profile(client, requester):
    client.force_login(requester)
    response = client.post(reverse("icity:set-language"), {"language": "nl", "next": "/tickets/"})
    assert response.status_code == 302 and response.url == "/tickets/"
    requester.refresh_from_db()
    assert requester.language == "nl"
    page = client.get(reverse("tickets:mine"))
    assert '<html lang="nl">' in page.content.decode()


def test_language_switch_refuses_offsite_redirects_and_bad_codes(client, requester):
    client.force_login(requester)
    response = client.post(reverse("icity:set-language"), {"language": "xx", "next": "https://evil.example/"})
    assert response.url == "/"
    requester.refresh_from_db()
    assert requester.language == "fr"


def test_anonymous_language_choice_uses_a_cookie(client, db, settings):
    response = client.post(reverse("icity:set-language"), {"language": "en", "next": "/accounts/login/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get(reverse("login"))
    assert '<html lang="en">' in page.content.decode()


def test_logout_needs_post_and_ends_the_session(client, requester):
    client.force_login(requester)
    assert client.get(reverse("logout")).status_code == 405
    client.post(reverse("logout"))
    assert SESSION_KEY not in client.session


def test_login_accepts_an_accented_address_in_any_case(client, db):
    person = make_user(Role.REQUESTER, email="élodie.dupré@brucity.example")
    person.set_password(PASSWORD)
    person.save()
    for typed in ("élodie.dupré@brucity.example", "Élodie.Dupré@BruCity.example", " ÉLODIE.DUPRÉ@brucity.example "):
        client.logout()
        response = client.post(reverse("login"), {"username": typed, "password": PASSWORD})
        assert response.status_code == 302, typed
    # Decomposed accents (as some keyboards send them) are the same address.
    client.logout()
    decomposed = "e\u0301lodie.dupre\u0301@brucity.example"
    assert client.post(reverse("login"), {"username": decomposed, "password": PASSWORD}).status_code == 302


def test_login_refuses_what_is_not_an_address(client, db):
    response = client.post(reverse("login"), {"username": "not an address", "password": PASSWORD})
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
