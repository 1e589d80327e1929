"""Allocation races on PostgreSQL with real threads: two people clicking "allocate" at once.

The service locks the pupil and the school rows and the database keeps one active allocation
per device and per pupil; these tests show that whichever way the clicks cross, one wins.
"""

import threading

import pytest
from django.db import close_old_connections, connection

from assets.models import Asset, AssetStatus
from schools import services
from schools.models import Allocation
from tests.factories import make_user
from tests.schools.factories import SchoolFactory, approved_pupil, ready_device

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("Row locks need PostgreSQL (SQLite serialises whole transactions).")


def race(*calls) -> list[str]:
    """Run each call in its own thread, released together; "ok" or the refusal's message."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call):
        try:
            barrier.wait()
            call()
            outcomes.append("ok")
        except services.ProgrammeError as error:
            outcomes.append(str(error.message))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_two_pupils_race_for_the_last_device_one_gets_it():
    actor = make_user()
    school = SchoolFactory(quota=10)
    first, second = approved_pupil(school=school), approved_pupil(school=school)
    device = ready_device()
    outcomes = race(
        lambda: services.allocation_reserve(actor=actor, pupil=first.pk, asset=device.pk),
        lambda: services.allocation_reserve(actor=actor, pupil=second.pk, asset=device.pk),
    )
    assert outcomes.count("ok") == 1, outcomes
    assert Allocation.objects.filter(asset=device, status__in=Allocation.ACTIVE).count() == 1
    assert Asset.objects.get(pk=device.pk).status == AssetStatus.RESERVED


def test_one_pupil_allocated_two_devices_at_once_gets_one():
    actor = make_user()
    pupil = approved_pupil(school=SchoolFactory(quota=10))
    one, two = ready_device(), ready_device()
    outcomes = race(
        lambda: services.allocation_reserve(actor=actor, pupil=pupil.pk, asset=one.pk),
        lambda: services.allocation_reserve(actor=actor, pupil=pupil.pk, asset=two.pk),
    )
    assert outcomes.count("ok") == 1, outcomes
    assert Allocation.objects.filter(pupil=pupil, status__in=Allocation.ACTIVE).count() == 1
    # The device that lost the race is still free for the next pupil.
    statuses = sorted(Asset.objects.filter(pk__in=[one.pk, two.pk]).values_list("status", flat=True))
    assert statuses == sorted([AssetStatus.RESERVED, AssetStatus.IN_STOCK])


def test_the_last_place_in_a_schools_quota_goes_once():
    actor = make_user()
    school = SchoolFactory(quota=1)
    first, second = approved_pupil(school=school), approved_pupil(school=school)
    one, two = ready_device(), ready_device()
    outcomes = race(
        lambda: services.allocation_reserve(actor=actor, pupil=first.pk, asset=one.pk),
        lambda: services.allocation_reserve(actor=actor, pupil=second.pk, asset=two.pk),
    )
    assert outcomes.count("ok") == 1, outcomes
    assert Allocation.objects.filter(pupil__school=school, status__in=Allocation.ACTIVE).count() == 1


def test_two_allocation_runs_at_once_never_exceed_the_quota_or_share_a_device():
    actor = make_user()
    school = SchoolFactory(quota=3)
    for _n in range(5):
        approved_pupil(school=school)
        ready_device()
    outcomes = race(
        lambda: services.allocation_run(actor=actor, school=school),
        lambda: services.allocation_run(actor=actor, school=school),
    )
    assert outcomes == ["ok", "ok"]
    active = Allocation.objects.filter(pupil__school=school, status__in=Allocation.ACTIVE)
    assert active.count() == 3
    assert len(set(active.values_list("asset_id", flat=True))) == 3
    assert len(set(active.values_list("pupil_id", flat=True))) == 3
