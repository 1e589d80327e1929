"""SC01–SC04 on small hand-built data sets; expected figures worked out by hand.

October 2026 holds the change back to winter time (Sunday 25 October): 31 October 23:30
Brussels (22:30 UTC) is October, 1 November 00:30 Brussels (23:30 UTC on the 31st) is November.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from kpis.definitions import schools
from schools.models import Allocation, Appointment, ReconJob, ReconStep, Slot
from tests.kpis.ops_data import (
    EMPTY,
    FIRST_OF_NOVEMBER,
    LAST_OF_OCTOBER,
    NOVEMBER,
    OCTOBER,
    asset,
    local,
    overall,
    product,
    pupil_loan,
    returned,
    scoped,
)
from tests.schools.factories import CollectionPointFactory, PupilFactory, SchoolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_schools():
    return SchoolFactory(code="tilleuls"), SchoolFactory(code="marolles")


def test_sc01_pupil_hand_overs_by_school(two_schools):
    tilleuls, marolles = two_schools
    laptop = product("laptop")
    pupil_loan(started=LAST_OF_OCTOBER, unit=asset(laptop), school=tilleuls)
    pupil_loan(started=local(date(2026, 10, 12)), unit=asset(laptop), school=marolles)
    pupil_loan(started=FIRST_OF_NOVEMBER, unit=asset(laptop), school=tilleuls)
    october = schools.sc01_handed_out(OCTOBER)
    assert overall(october).value == 2
    assert {key: value.value for key, value in scoped(october, "school").items()} == {"tilleuls": 1, "marolles": 1}
    assert overall(schools.sc01_handed_out(NOVEMBER)).value == 1
    assert overall(schools.sc01_handed_out(EMPTY)).value == 0


def test_sc02_collection_slot_attendance(two_schools):
    tilleuls, _marolles = two_schools
    point = CollectionPointFactory()
    laptop = product("laptop")

    def appointment(starts, status):
        slot, _created = Slot.objects.get_or_create(
            point=point, starts_at=starts, defaults={"ends_at": starts + timedelta(minutes=15), "capacity": 5}
        )
        pupil = PupilFactory(school=tilleuls)
        allocation = Allocation.objects.create(pupil=pupil, asset=asset(laptop))
        Appointment.objects.create(
            code=f"C{Appointment.objects.count():05d}", slot=slot, pupil=pupil, allocation=allocation, status=status
        )

    appointment(LAST_OF_OCTOBER, "done")
    appointment(local(date(2026, 10, 10)), "done")
    appointment(local(date(2026, 10, 10)), "no_show")
    appointment(local(date(2026, 10, 10)), "cancelled")  # cancelled: neither honoured nor missed
    appointment(FIRST_OF_NOVEMBER, "no_show")
    october = schools.sc02_attendance(OCTOBER)
    assert (overall(october).value, overall(october).numerator, overall(october).denominator) == (
        Decimal("66.7"),
        2,
        3,
    )
    assert scoped(october, "school")["tilleuls"].value == Decimal("66.7")
    assert overall(schools.sc02_attendance(NOVEMBER)).value == Decimal("0.0")
    assert overall(schools.sc02_attendance(EMPTY)).value is None


def test_sc03_wipe_certificates_issued():
    laptop = product("laptop")

    def wiped(at, certificate):
        ReconJob.objects.create(
            asset=asset(laptop),
            step=ReconStep.READY,
            closed_at=at,
            wiped_at=at,
            wipe_result="passed",
            certificate_number=certificate,
        )

    wiped(LAST_OF_OCTOBER, "WC-2026-00001")
    wiped(local(date(2026, 10, 5)), "WC-2026-00002")
    wiped(local(date(2026, 10, 6)), None)  # passed but no certificate issued
    wiped(FIRST_OF_NOVEMBER, "WC-2026-00003")
    assert overall(schools.sc03_certificates(OCTOBER)).value == 2
    assert overall(schools.sc03_certificates(NOVEMBER)).value == 1
    assert overall(schools.sc03_certificates(EMPTY)).value == 0


def test_sc04_pupil_devices_due_back_that_came_back(two_schools):
    tilleuls, marolles = two_schools
    laptop = product("laptop")
    september = local(date(2025, 9, 1))
    due = date(2026, 10, 31)
    returned(pupil_loan(started=september, unit=asset(laptop), school=tilleuls, due=due), local(date(2026, 10, 20)))
    returned(pupil_loan(started=september, unit=asset(laptop), school=tilleuls, due=due), FIRST_OF_NOVEMBER)
    pupil_loan(started=september, unit=asset(laptop), school=marolles, due=due)  # still out
    returned(
        pupil_loan(started=september, unit=asset(laptop), school=marolles, due=date(2026, 11, 30)), LAST_OF_OCTOBER
    )
    october = schools.sc04_recovered(OCTOBER)
    # Three due in October; one back by 31 October (the 1 November 00:30 return is too late).
    assert (overall(october).value, overall(october).numerator, overall(october).denominator) == (
        Decimal("33.3"),
        1,
        3,
    )
    assert scoped(october, "school")["tilleuls"].value == Decimal("50.0")
    assert scoped(october, "school")["marolles"].value == Decimal("0.0")
    # November: the one due on 30 November came back in October.
    assert overall(schools.sc04_recovered(NOVEMBER)).value == Decimal("100.0")
    assert overall(schools.sc04_recovered(EMPTY)).value is None
