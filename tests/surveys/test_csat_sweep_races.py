"""Two post-ticket CSAT sweeps overlapping on PostgreSQL (beat fired twice, a slow worker):
every closed ticket is considered once, every requester invited once."""

import threading
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import close_old_connections, connection

from icity.models import Notification
from icity.roles import Role
from surveys import services
from surveys.models import TicketRating
from tests.factories import make_user
from tests.surveys.csat_factories import CLOSED_AT, closed_ticket

pytestmark = pytest.mark.django_db(transaction=True)

DUE = CLOSED_AT + timedelta(hours=25)


@pytest.fixture(autouse=True)
def _setup(settings):
    if connection.vendor != "postgresql":
        pytest.skip("Row locks need PostgreSQL (SQLite serialises whole transactions).")
    settings.SURVEYS_CSAT_DELAY_HOURS = 24
    settings.SURVEYS_CSAT_SAMPLING_PERCENT = 100
    settings.SURVEYS_CSAT_REPEAT_DAYS = 30
    # A flush by an earlier transactional test drops the groups the migrations created.
    Group.objects.bulk_create([Group(name=name) for name in Role.values], ignore_conflicts=True)


def test_two_overlapping_sweeps_consider_each_ticket_once_and_invite_each_requester_once():
    requesters = [make_user(Role.REQUESTER) for _n in range(4)]
    tickets = [closed_ticket(requester) for requester in requesters for _n in range(3)]
    barrier = threading.Barrier(2)
    results, errors = [], []

    def sweep():
        try:
            barrier.wait()
            # Small batches, so that the two sweeps interleave over many transactions.
            results.append(services.csat_sweep(now=DUE, batch_size=50))
        except Exception as error:  # any error is a failure of the test, reported below
            errors.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=sweep) for _n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert TicketRating.objects.filter(ticket__in=tickets).count() == len(tickets)
    assert sum(result.invited + result.skipped for result in results) == len(tickets)
    invited = TicketRating.objects.filter(status=TicketRating.Status.INVITED)
    assert sorted(invited.values_list("requester_id", flat=True)) == sorted(user.pk for user in requesters)
    assert Notification.objects.filter(dedupe_key__startswith="csat:").count() == len(requesters)
