import random

import pytest
from django.core.management import call_command

from icity.demo import seed_people
from tickets import demo
from tickets.models import Category, Comment, Status, Ticket

pytestmark = pytest.mark.django_db


def test_seeder_is_idempotent_and_fills_every_view(settings, monkeypatch):
    monkeypatch.setattr(demo, "DEMO_TICKETS", 300)
    seed_people(rng=random.Random(1))
    demo.seed_tickets(rng=random.Random(2))
    demo.seed_tickets(rng=random.Random(3))
    assert Ticket.objects.count() == 300
    statuses = set(Ticket.objects.values_list("status", flat=True))
    assert {Status.NEW, Status.IN_PROGRESS, Status.CLOSED} <= statuses
    assert Comment.objects.exists()
    references = list(Ticket.objects.values_list("reference", flat=True))
    assert len(set(references)) == len(references)
    # "Report a problem" from My equipment preselects the hardware category.
    assert list(Category.objects.filter(for_equipment=True).values_list("name_fr", flat=True)) == [
        demo.EQUIPMENT_CATEGORY
    ]


def test_seed_tickets_command_adds_count():
    call_command("seed_tickets", "--count", "120")
    assert Ticket.objects.count() == 120


def test_demo_links_tickets_to_their_requesters_laptop(monkeypatch):
    from assets.demo import seed_assets

    monkeypatch.setattr(demo, "DEMO_TICKETS", 300)
    seed_people(rng=random.Random(1))
    seed_assets(rng=random.Random(4))
    demo.seed_tickets(rng=random.Random(2))
    links = list(Ticket.linked_assets.through.objects.select_related("ticket", "asset"))
    assert links
    assert all(link.asset.holder_id == link.ticket.requester_id for link in links)
    demo.seed_tickets(rng=random.Random(3))
    assert Ticket.linked_assets.through.objects.count() == len(links)
