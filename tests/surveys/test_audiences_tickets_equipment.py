from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assets.models import Asset, Loan
from surveys.audiences import get_audience
from tests.assets.factories import make_asset
from tests.factories import make_user
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
