"""The queue's CSV/XLSX export: the same rows the reader's queue shows, safe to open in a spreadsheet.

Per role: an agent exports every ticket, a support manager the tickets of the teams they
lead, a requester gets 403, an anonymous visitor the login page. Filters are the queue's
allow-list; text is formula-neutralised and stripped of control characters.
"""

import csv
import io

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from icity.roles import Role
from tests.factories import make_user
from tickets.models import Status, Team, Ticket

from .factories import CategoryFactory, TeamFactory, make_agent, open_ticket

pytestmark = pytest.mark.django_db

URL = reverse("tickets:queue-export")


def rows_of(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.fixture
def lead(team):
    manager = make_user(Role.REQUESTER, Role.MANAGER)
    team.lead = manager
    team.save(update_fields=["lead"])
    return manager


@pytest.fixture
def team_ticket(category):
    return open_ticket(make_user(), category=category, title="Écran noir au 3e")


@pytest.fixture
def other_ticket(db):
    other_team = TeamFactory(name="Réseau et téléphonie")
    return open_ticket(make_user(), category=CategoryFactory(default_team=other_team), title="Pas de réseau")


def test_agent_exports_every_ticket_of_the_queue(client, team_agent, team_ticket, other_ticket):
    client.force_login(team_agent)
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="tickets-')
    rows = rows_of(response)
    assert rows[0][0] == "Référence"  # French, the default language
    references = {row[0] for row in rows[1:]}
    assert references == {team_ticket.reference, other_ticket.reference}


def test_lead_exports_only_the_tickets_of_the_teams_they_lead(client, lead, team_ticket, other_ticket):
    client.force_login(lead)
    rows = rows_of(client.get(URL, {"view": "all"}))
    references = {row[0] for row in rows[1:]}
    assert references == {team_ticket.reference}


def test_manager_of_no_team_exports_an_empty_sheet(client, team_ticket):
    client.force_login(make_user(Role.REQUESTER, Role.MANAGER))
    rows = rows_of(client.get(URL))
    assert len(rows) == 1  # the header only


def test_requester_gets_403_and_anonymous_the_login_page(client, team_ticket):
    assert client.get(URL).status_code == 302
    client.force_login(make_user())
    assert client.get(URL).status_code == 403


def test_post_is_refused(client, team_agent):
    client.force_login(team_agent)
    assert client.post(URL).status_code == 405


def test_filters_are_the_queues_allow_list(client, team_agent, team_ticket, other_ticket):
    Ticket.objects.filter(pk=other_ticket.pk).update(status=Status.IN_PROGRESS)
    client.force_login(team_agent)
    rows = rows_of(client.get(URL, {"status": Status.IN_PROGRESS}))
    assert [row[0] for row in rows[1:]] == [other_ticket.reference]
    # Unknown parameters and invalid values are ignored, never passed to the ORM.
    rows = rows_of(client.get(URL, {"status": "nope", "title__regex": ".*", "sort": "password", "team": "x"}))
    assert {row[0] for row in rows[1:]} == {team_ticket.reference, other_ticket.reference}
    rows = rows_of(client.get(URL, {"team": team_ticket.team_id}))
    assert [row[0] for row in rows[1:]] == [team_ticket.reference]


def test_text_is_formula_neutralised_and_control_characters_dropped(client, team_agent, category):
    ticket = open_ticket(make_user(), category=category, title='=HYPERLINK("http://x")')
    Ticket.objects.filter(pk=ticket.pk).update(title="=cmd|' /C calc'!A0\x07\x1b[31m\nsecond line")
    client.force_login(team_agent)
    row = next(row for row in rows_of(client.get(URL))[1:] if row[0] == ticket.reference)
    assert row[1].startswith("'=cmd")
    assert "\x07" not in row[1] and "\x1b" not in row[1] and "\n" not in row[1]
    assert row[1].endswith("[31m second line")


def test_xlsx_export_opens_with_the_same_rows(client, team_agent, team_ticket, other_ticket):
    Ticket.objects.filter(pk=team_ticket.pk).update(title="@SUM(A1)\x1b")
    client.force_login(team_agent)
    response = client.get(URL, {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    values = list(workbook.active.values)
    assert len(values) == 3
    titles = {row[0]: row[1] for row in values[1:]}
    assert titles[team_ticket.reference] == "'@SUM(A1)"


def test_unknown_format_falls_back_to_csv(client, team_agent, team_ticket):
    client.force_login(team_agent)
    assert client.get(URL, {"format": "exe"})["Content-Type"].startswith("text/csv")


def test_team_and_headers_are_in_the_readers_language(client, team_agent, team_ticket):
    Team.objects.filter(pk=team_ticket.team_id).update(name_nl="Ondersteuning N1", name_en="Support L1")
    client.force_login(team_agent)
    for language, header, team_name in (("nl", "Referentie", "Ondersteuning N1"), ("en", "Reference", "Support L1")):
        team_agent.language = language
        team_agent.save(update_fields=["language"])
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = client.get(URL)
        rows = rows_of(response)
        assert rows[0][0] == header
        assert rows[1][6] == team_name  # the Team column


def test_query_count_does_not_grow_with_the_rows(client, team_agent, category, django_assert_max_num_queries):
    requester = make_user()
    for index in range(3):
        open_ticket(requester, category=category, title=f"Ticket {index}")
    client.force_login(team_agent)
    with django_assert_max_num_queries(12) as small:
        rows_of(client.get(URL))
    for index in range(30):
        open_ticket(make_agent(), category=category, title=f"Autre {index}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        rows = rows_of(client.get(URL))
    assert len(rows) == 34
