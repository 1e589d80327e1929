import random

import pytest
from django.core.management import call_command
from django.urls import reverse

from icity.demo import seed_people
from surveys.demo import seed_surveys
from surveys.models import Answer, Campaign, Response

pytestmark = pytest.mark.django_db


def test_demo_data_is_idempotent_and_shows_a_trend(client, manager):
    seed_people(rng=random.Random(1))
    seed_surveys(rng=random.Random(2))
    counts = (Campaign.objects.count(), Response.objects.count(), Answer.objects.count())
    seed_surveys(rng=random.Random(3))
    assert (Campaign.objects.count(), Response.objects.count(), Answer.objects.count()) == counts
    assert counts[1] > 100
    later = Campaign.objects.get(name__startswith="Satisfaction 2021")
    assert later.previous.name.startswith("Satisfaction 2020")
    client.force_login(manager)
    page = client.get(reverse("surveys:campaign-results", args=[later.pk])).content.decode()
    assert "Satisfaction 2020" in page


def test_sweep_command_runs(capsys):
    call_command("surveys_sweep")
    assert "Invitations queued: 0" in capsys.readouterr().out
