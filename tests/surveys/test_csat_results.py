from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from icity.roles import Role
from surveys.csat_results import csat_over_time
from surveys.models import CsatFollowUp, TicketRating
from tests.factories import make_user
from tests.surveys.csat_factories import closed_ticket
from tests.tickets.factories import CategoryFactory, TeamFactory, make_agent

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=ZoneInfo("Europe/Brussels"))


def _ratings(scores, *, team, agent, category, month_start):
    """Answered ratings, bypassing the sweep (results only read TicketRating)."""
    for index, score in enumerate(scores):
        requester = make_user(Role.REQUESTER)
        ticket = closed_ticket(requester, team=team, agent=agent, category=category, closed_at=month_start)
        at = month_start + timedelta(hours=index + 1)
        rating = TicketRating.objects.create(
            ticket=ticket,
            requester=requester,
            team=team,
            category=category,
            agent=agent,
            status="answered",
            token=TicketRating.new_token(),
            invited_at=at,
            expires_at=at + timedelta(days=14),
            rating=score,
            answered_at=at,
        )
        if score <= 2:
            CsatFollowUp.objects.create(rating=rating, ticket=ticket, team=team, lead=team.lead)


@pytest.fixture
def data(settings):
    settings.SURVEYS_CSAT_MIN_GROUP_SIZE = 5
    big, small = TeamFactory(name="Poste de travail"), TeamFactory(name="Réseau")
    category = CategoryFactory(default_team=big)
    may = datetime(2026, 5, 3, 9, 0, tzinfo=ZoneInfo("Europe/Brussels"))
    _ratings([5, 5, 5, 5, 4, 4, 4, 4, 2, 1], team=big, agent=make_agent(big), category=category, month_start=may)
    _ratings([1, 2, 5], team=small, agent=make_agent(small), category=category, month_start=may)
    return big, small


def test_monthly_csat_overall_and_by_team_hides_small_groups(data):
    big, small = data
    result = csat_over_time(by="team", months=3, now=NOW)
    assert [cell.month.month for cell in result.overall] == [4, 5, 6]
    may = result.overall[1]
    assert (may.ratings, may.csat_percent) == (13, round(100 * 9 / 13, 1))
    by_name = {group.name: group for group in result.groups}
    assert by_name["Poste de travail"].cells[1].csat_percent == 80.0  # 8 good of 10
    assert by_name["Réseau"].cells[1].hidden and by_name["Réseau"].cells[1].csat_percent is None


def test_manager_page_and_api(client, manager, data):
    client.force_login(manager)
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("surveys:csat-results"), {"by": "team", "months": 3})
        api = client.get("/api/v1/csat-results/", {"by": "agent", "months": 3})
        bad = client.get("/api/v1/csat-results/", {"by": "requester"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and ("80,0%" in html or "80.0%" in html) and "Réseau" in html
    assert api.status_code == 200
    hidden = [cell for group in api.json()["groups"] for cell in group["months"] if cell["hidden"]]
    assert hidden and all(cell["ratings"] is None and cell["csat_percent"] is None for cell in hidden)
    assert bad.status_code == 400


@pytest.mark.parametrize("role", [Role.REQUESTER, Role.AGENT])
def test_others_get_403_on_results(client, role):
    client.force_login(make_user(role))
    assert client.get(reverse("surveys:csat-results")).status_code == 403
    assert client.get("/api/v1/csat-results/").status_code == 403


@pytest.mark.parametrize("count", [5, 50])
def test_query_counts_do_not_grow_with_rows(client, manager, count, django_assert_max_num_queries, settings):
    team = TeamFactory(lead=make_user(Role.AGENT))
    category = CategoryFactory(default_team=team)
    may = datetime(2026, 5, 3, 9, 0, tzinfo=ZoneInfo("Europe/Brussels"))
    _ratings([1] * count, team=team, agent=make_agent(team), category=category, month_start=may)
    client.force_login(manager)
    with time_machine.travel(NOW, tick=False):
        with django_assert_max_num_queries(12):
            assert client.get(reverse("surveys:follow-up-list"), {"status": "open"}).status_code == 200
        with django_assert_max_num_queries(12):
            assert client.get("/api/v1/csat-follow-ups/").status_code == 200
        with django_assert_max_num_queries(12):
            assert client.get(reverse("surveys:csat-results"), {"by": "agent"}).status_code == 200
        with django_assert_max_num_queries(12):
            assert client.get("/api/v1/csat-results/", {"by": "category"}).status_code == 200
    client.force_login(team.lead)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("surveys:follow-up-list"))
    assert response.status_code == 200
    assert response.content.decode().count("/5</td>") == min(count, 25)


def test_api_lists_follow_ups_for_managers(client, manager, data):
    client.force_login(manager)
    response = client.get("/api/v1/csat-follow-ups/", {"status": "open"})
    assert response.status_code == 200
    assert response.json()["count"] == 4
    assert {row["rating"] for row in response.json()["results"]} == {1, 2}
