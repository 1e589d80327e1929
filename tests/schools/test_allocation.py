"""Allocation: registration order within quotas, atomic, never one device to two pupils."""

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from assets.models import Asset, AssetStatus
from schools import services
from schools.models import Allocation
from tests.schools.factories import SchoolFactory, approved_pupil, ready_device

pytestmark = pytest.mark.django_db


def test_allocation_follows_registration_order_and_quota(logistics):
    school = SchoolFactory(quota=2)
    now = timezone.now()
    late = approved_pupil(school=school, registered_at=now)
    early = approved_pupil(school=school, registered_at=now - timedelta(days=2))
    middle = approved_pupil(school=school, registered_at=now - timedelta(days=1))
    for _n in range(3):
        ready_device()
    assert services.allocation_run(actor=logistics) == 2
    allocated = set(Allocation.objects.values_list("pupil_id", flat=True))
    assert allocated == {early.pk, middle.pk}
    assert late.pk not in allocated
    assert Asset.objects.filter(status=AssetStatus.RESERVED).count() == 2


def test_pending_pupils_get_nothing(logistics):
    from tests.schools.factories import PupilFactory

    PupilFactory(school=SchoolFactory(quota=5))
    ready_device()
    assert services.allocation_run(actor=logistics) == 0


def test_a_device_never_goes_to_two_pupils(logistics):
    school = SchoolFactory(quota=5)
    device = ready_device()
    first, second = approved_pupil(school=school), approved_pupil(school=school)
    services.allocation_reserve(actor=logistics, pupil=first, asset=device)
    with pytest.raises(services.ProgrammeError):
        services.allocation_reserve(actor=logistics, pupil=second, asset=device)
    assert Allocation.objects.filter(asset=device).count() == 1


def test_database_refuses_a_second_active_allocation(logistics):
    school = SchoolFactory(quota=5)
    device = ready_device()
    first, second = approved_pupil(school=school), approved_pupil(school=school)
    Allocation.objects.create(pupil=first, asset=device)
    with pytest.raises(IntegrityError):
        Allocation.objects.create(pupil=second, asset=device)


def test_release_returns_the_device_to_the_pool(logistics):
    school = SchoolFactory(quota=5)
    device = ready_device()
    pupil = approved_pupil(school=school)
    allocation = services.allocation_reserve(actor=logistics, pupil=pupil, asset=device)
    services.allocation_release(actor=logistics, allocation=allocation, reason="school asked")
    assert Asset.objects.get(pk=device.pk).status == AssetStatus.IN_STOCK
    assert services.ready_devices().filter(pk=device.pk).exists()


def test_asset_history_never_holds_the_pupils_name(logistics):
    school = SchoolFactory(quota=5)
    device = ready_device()
    pupil = approved_pupil(school=school)
    services.allocation_reserve(actor=logistics, pupil=pupil, asset=device)
    notes = " ".join(device.events.values_list("note", flat=True))
    assert pupil.last_name not in notes and pupil.reference not in notes
