import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType

from icity.roles import Role
from tests.factories import make_user


@pytest.fixture
def requester(db):
    return make_user(Role.REQUESTER)


@pytest.fixture
def agent(db):
    return make_user(Role.REQUESTER, Role.AGENT)


@pytest.fixture
def logistics(db):
    return make_user(Role.REQUESTER, Role.LOGISTICS)


@pytest.fixture
def manager(db):
    return make_user(Role.REQUESTER, Role.MANAGER)


@pytest.fixture
def school_contact(db):
    return make_user(Role.SCHOOL_CONTACT)


@pytest.fixture
def admin_user(db):
    return make_user(Role.REQUESTER, Role.ADMIN, is_staff=True, is_superuser=True)


def _warm_content_types() -> None:
    """Fill the per-process content-type cache (one query for every model).

    A transactional test flushes the database and clears that cache; the next
    query-count test on the same worker would then count a content-type lookup
    that a running server does once per process. Ceilings are about each request.
    """
    ContentType.objects.get_for_models(*apps.get_models())


@pytest.fixture
def django_assert_max_num_queries(django_assert_max_num_queries, db):
    _warm_content_types()
    return django_assert_max_num_queries


@pytest.fixture
def django_assert_num_queries(django_assert_num_queries, db):
    _warm_content_types()
    return django_assert_num_queries
