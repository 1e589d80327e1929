import pytest

from tests.factories import make_user
from tickets.models import Team

from .factories import CategoryFactory, TeamFactory, make_agent


@pytest.fixture
def team(db) -> Team:
    return TeamFactory(name="Support N1", lead=make_user())


@pytest.fixture
def category(team):
    return CategoryFactory(default_team=team)


@pytest.fixture
def team_agent(team):
    return make_agent(team)


@pytest.fixture
def other_team_agent(db):
    return make_agent(TeamFactory(name="Réseau"))
