import pytest
from django.contrib.auth.models import Group

from icity.roles import Role
from tests.factories import make_user


@pytest.fixture(autouse=True)
def _role_groups(request):
    """Transactional tests flush the role groups; put them back for every test that uses the database."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    request.getfixturevalue("transactional_db" if marker.kwargs.get("transaction") else "db")
    Group.objects.bulk_create([Group(name=name) for name in Role.values], ignore_conflicts=True)


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def logistics(db):
    return make_user(Role.REQUESTER, Role.LOGISTICS, language="en")


@pytest.fixture
def requester(db):
    return make_user(Role.REQUESTER, language="en")
