import pytest

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
