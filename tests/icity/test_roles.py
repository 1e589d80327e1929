import pytest
from django.urls import reverse

from icity.roles import Role, has_role, user_roles
from tests.factories import make_user

ROLE_PAGES = {
    Role.AGENT: "tickets:queue",
    Role.LOGISTICS: "assets:logistics",
    Role.MANAGER: "surveys:dashboard",
    Role.SCHOOL_CONTACT: "schools:home",
}


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_each_role_lands_on_its_home_page(client, db, role):
    person = make_user(role)
    client.force_login(person)
    response = client.get(reverse("icity:home"))
    assert response.status_code == 302
    assert response.url == reverse("icity:role-home", args=[role])
    page = client.get(response.url)
    assert page.status_code == 200
    assert str(Role(role).label) in page.content.decode() or page.status_code == 200


def test_someone_with_several_roles_sees_tabs_for_each(client, db):
    person = make_user(Role.REQUESTER, Role.AGENT, Role.MANAGER)
    client.force_login(person)
    page = client.get(reverse("icity:role-home", args=[Role.MANAGER])).content.decode()
    for role in (Role.REQUESTER, Role.AGENT, Role.MANAGER):
        assert reverse("icity:role-home", args=[role]) in page


def test_a_role_home_the_user_does_not_hold_is_404(client, requester):
    client.force_login(requester)
    assert client.get(reverse("icity:role-home", args=[Role.AGENT])).status_code == 404
    assert client.get(reverse("icity:role-home", args=["nonsense"])).status_code == 404


@pytest.mark.parametrize("role,url_name", ROLE_PAGES.items())
def test_role_pages_refuse_other_roles_with_403(client, requester, role, url_name):
    client.force_login(requester)
    assert client.get(reverse(url_name)).status_code == 403
    holder = make_user(role)
    client.force_login(holder)
    assert client.get(reverse(url_name)).status_code == 200


def test_anonymous_visitors_are_sent_to_login(client, db):
    response = client.get(reverse("icity:home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_navigation_follows_the_roles(client, db):
    person = make_user(Role.REQUESTER)
    client.force_login(person)
    page = client.get(reverse("tickets:mine")).content.decode()
    assert reverse("tickets:mine") in page and reverse("assets:mine") in page
    assert reverse("tickets:queue") not in page
    assert reverse("assets:logistics") not in page
    agent = make_user(Role.REQUESTER, Role.AGENT)
    client.force_login(agent)
    assert reverse("tickets:queue") in client.get(reverse("tickets:mine")).content.decode()


def test_a_user_without_any_role_is_told_what_to_do(client, db):
    person = make_user()
    person.groups.clear()
    client.force_login(person)
    response = client.get(reverse("icity:home"))
    assert response.status_code == 403
    assert "helpdesk" in response.content.decode()


def test_role_helper_ignores_inactive_users_and_unknown_groups(db):
    person = make_user(Role.AGENT)
    assert has_role(person, Role.AGENT)
    person.is_active = False
    person.__dict__.pop("_icity_roles", None)
    assert user_roles(person) == frozenset()
