import pytest
from django.contrib.auth.models import Group

from icity.roles import Role
from tests.factories import make_user


@pytest.fixture(autouse=True)
def _role_groups(request):
    """Role groups come from a data migration; a transactional test's flush (the PostgreSQL
    race tests) empties them for every later test on the reused database, so put them back."""
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("db") if not _is_transactional(request) else request.getfixturevalue("transactional_db")
    Group.objects.bulk_create([Group(name=name) for name in Role.values], ignore_conflicts=True)


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(marker.kwargs.get("transaction")) if marker else False


# The suite asserts on English text; users default to French, so these accounts read English.
@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The list's filter choices are cached for a minute; each test starts without them."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def requester(db):
    return make_user(Role.REQUESTER, language="en")


@pytest.fixture
def agent(db):
    return make_user(Role.REQUESTER, Role.AGENT, language="en")


@pytest.fixture
def logistics(db):
    return make_user(Role.REQUESTER, Role.LOGISTICS, language="en")


@pytest.fixture
def school_contact(db):
    return make_user(Role.SCHOOL_CONTACT, language="en")


@pytest.fixture
def admin_user(db):
    return make_user(Role.REQUESTER, Role.ADMIN, is_staff=True, is_superuser=True, language="en")
