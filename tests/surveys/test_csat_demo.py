import random
from datetime import timedelta

import pytest
from django.utils import timezone

from surveys.csat_demo import seed_csat
from surveys.models import CsatFollowUp, TicketRating
from tests.factories import make_user
from tests.surveys.csat_factories import closed_ticket
from tests.tickets.factories import TeamFactory

pytestmark = pytest.mark.django_db


def test_seeder_rates_closed_tickets_once_and_leaves_open_follow_ups(settings):
    settings.SURVEYS_CSAT_SAMPLING_PERCENT = 100
    settings.SURVEYS_CSAT_REPEAT_DAYS = 0
    team = TeamFactory(lead=make_user())
    now = timezone.now()
    for days in range(3, 60):
        closed_ticket(make_user(), team=team, closed_at=now - timedelta(days=days))
    recent = closed_ticket(make_user(), team=team, closed_at=now - timedelta(hours=5))
    seed_csat(rng=random.Random(1))
    count = TicketRating.objects.count()
    assert count == 57
    assert not TicketRating.objects.filter(ticket=recent).exists()
    assert TicketRating.objects.filter(status="answered").exists()
    seed_csat(rng=random.Random(1))
    assert TicketRating.objects.count() == count
    low = TicketRating.objects.filter(status="answered", rating__lte=2).count()
    assert CsatFollowUp.objects.count() == low
    assert CsatFollowUp.objects.filter(status="open").count() == min(3, low)
