from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from assets.models import Asset
from loans.models import Loan
from surveys.audiences import get_audience
from surveys.models import Campaign
from tests.assets.factories import make_asset
from tests.factories import make_user
from tests.surveys.factories import make_survey
from tests.tickets.factories import TeamFactory, open_ticket
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def _users(kind, params):
    audience = get_audience(kind)
    return set(audience.users(audience.clean(params)))


def test_people_who_had_tickets_in_a_period():
    inside, outside, other_team = make_user(), make_user(), make_user()
    team, other = TeamFactory(), TeamFactory()
    for person, day, ticket_team in ((inside, 10, team), (outside, 25, team), (other_team, 12, other)):
        ticket = open_ticket(person)
        at = datetime(2026, 3, day, 10, tzinfo=ZoneInfo("Europe/Brussels"))
        Ticket.objects.filter(pk=ticket.pk).update(created_at=at, team=ticket_team)
    params = {"opened_from": "2026-03-01", "opened_to": "2026-03-20"}
    assert _users("ticket_requesters", params) == {inside, other_team}
    assert _users("ticket_requesters", {**params, "teams": [team.pk]}) == {inside}


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"opened_from": "2026-03-01"},
        {"opened_from": "x", "opened_to": "2026-03-02"},
        {"opened_from": "2026-03-05", "opened_to": "2026-03-01"},
        {"opened_from": "2026-03-01", "opened_to": "2026-03-02", "teams": [999999]},
    ],
)
def test_ticket_period_is_validated(params):
    with pytest.raises(ValidationError):
        get_audience("ticket_requesters").clean(params)


def test_people_holding_equipment_include_asset_holders_and_open_loans():
    holder, borrower, returned, nobody = make_user(), make_user(), make_user(), make_user()
    asset = make_asset()
    Asset.objects.filter(pk=asset.pk).update(holder=holder, status="on_loan")
    Loan.objects.create(borrower=borrower, borrower_label="B", status=Loan.Status.ACTIVE)
    Loan.objects.create(borrower=returned, borrower_label="R", status=Loan.Status.RETURNED, closed_at=timezone.now())
    assert _users("equipment_holders", {}) == {holder, borrower}
    assert _users("equipment_holders", {"categories": [asset.model.category_id]}) == {holder}
    with pytest.raises(ValidationError):
        get_audience("equipment_holders").clean({"categories": [999999]})
    assert nobody not in _users("equipment_holders", {})


def _campaign_post(client, survey, **fields):
    data = {
        "survey": survey.pk,
        "name": "Après vos tickets",
        "opens_at": "2030-01-01T09:00",
        "closes_at": "2030-01-31T17:00",
        "anonymous": "on",
        "min_group_size": 5,
        "reminder_after_days": 7,
        "max_reminders": 2,
        **fields,
    }
    return client.post(reverse("surveys:campaign-create"), data)


def test_campaign_form_takes_the_new_audiences(client, manager):
    survey = make_survey()
    client.force_login(manager)
    missing = _campaign_post(client, survey, audience_kind="ticket_requesters")
    assert missing.status_code == 400
    assert not Campaign.objects.exists()
    response = _campaign_post(
        client, survey, audience_kind="ticket_requesters", tickets_from="2029-01-01", tickets_to="2029-12-31"
    )
    assert response.status_code == 302
    assert Campaign.objects.get().audience_params == {
        "opened_from": "2029-01-01",
        "opened_to": "2029-12-31",
        "teams": [],
    }
    response = _campaign_post(client, survey, audience_kind="equipment_holders", name="Matériel")
    assert response.status_code == 302
    assert Campaign.objects.get(name="Matériel").audience_params == {"categories": []}
