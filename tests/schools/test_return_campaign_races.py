"""A double-submitted "start the campaign" form on PostgreSQL, with real threads: one campaign, one clear refusal.

Two active twins would each remind every guardian, so the second insert must fail on the
unique name, and the service must turn that into the same message as a plain duplicate.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from schools.models import ReturnCampaign
from schools.services import loans as loan_services
from tests.factories import make_user
from tests.schools.test_allocation_races import race

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent inserts need PostgreSQL (SQLite serialises whole transactions).")


def test_two_identical_creations_at_once_make_one_campaign():
    actor = make_user()
    deadline = timezone.localdate() + timedelta(days=30)

    def create():
        loan_services.return_campaign_create(actor=actor, name="Juin", deadline=deadline, stages=[-14, -3])

    outcomes = race(create, create)
    assert sorted(outcomes) == ["A campaign with this name already exists.", "ok"], outcomes
    assert ReturnCampaign.objects.count() == 1
