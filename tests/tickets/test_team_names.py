"""Team names are shown in the reader's language; the API keeps the French name as its stable key."""

import pytest
from django.urls import reverse

from tickets.models import Team

from .factories import open_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def named_team(team):
    Team.objects.filter(pk=team.pk).update(name="Support N1", name_nl="Ondersteuning N1", name_en="Support L1")
    team.refresh_from_db()
    return team


def test_queue_and_ticket_page_show_the_team_in_the_readers_language(client, named_team, category, team_agent):
    ticket = open_ticket(team_agent, category=category)
    for language, expected in (("nl", "Ondersteuning N1"), ("en", "Support L1"), ("fr", "Support N1")):
        team_agent.language = language
        team_agent.save(update_fields=["language"])
        client.force_login(team_agent)
        assert expected in client.get(reverse("tickets:queue")).content.decode()
        assert expected in client.get(ticket.get_absolute_url()).content.decode()


def test_requester_list_shows_the_team_in_dutch(client, named_team, category):
    from tests.factories import make_user

    requester = make_user(language="nl")
    open_ticket(requester, category=category)
    client.force_login(requester)
    page = client.get(reverse("tickets:mine")).content.decode()
    assert "Ondersteuning N1" in page
    assert "Support N1" not in page


def test_a_team_without_a_translation_falls_back_to_french(named_team):
    from django.utils import translation

    Team.objects.filter(pk=named_team.pk).update(name_en="")
    named_team.refresh_from_db()
    with translation.override("en"):
        assert named_team.display_name == "Support N1"


def test_api_keeps_the_french_name_and_adds_the_display_name(client, named_team, team_agent):
    team_agent.language = "nl"
    team_agent.save(update_fields=["language"])
    client.force_login(team_agent)
    rows = client.get("/api/v1/ticket-teams/").json()
    rows = rows.get("results", rows)
    row = next(row for row in rows if row["id"] == named_team.pk)
    assert row["name"] == "Support N1"
    assert row["name_nl"] == "Ondersteuning N1"
