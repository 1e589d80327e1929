"""FL01, FL02, GR01–GR04 on small hand-built data sets; expected figures worked out by hand.

March 2026 holds the change to summer time; 31 March 23:30 Brussels is March, 1 April 00:30 is April.
"""

from datetime import date
from decimal import Decimal

import pytest

from kpis.definitions import fleet, get_kpi
from kpis.definitions.base import Period
from schools.models import ReconJob, ReconStep
from tests.kpis.ops_data import (
    APRIL,
    EMPTY,
    FIRST_OF_APRIL,
    LAST_OF_MARCH,
    MARCH,
    asset,
    line,
    loan,
    local,
    overall,
    product,
    pupil_loan,
    scoped,
    status_change,
)

pytestmark = pytest.mark.django_db
BEFORE_ANYTHING = Period(date(2018, 1, 1))
MAY = Period(date(2026, 5, 1))


@pytest.fixture
def fleet_units():
    laptop, dock = product("laptop"), product("dock")
    # In service all along; its warranty ends on 31 March, so it is out of warranty at the end of March.
    asset(laptop, created=local(date(2019, 5, 1)), purchase_date=date(2022, 1, 1), warranty_end=date(2026, 3, 31))
    # Disposed of on 31 March 23:30 local: not in service at the end of March.
    disposed = asset(laptop, created=local(date(2019, 5, 1)), status="disposed")
    status_change(disposed, "in_stock", "disposed", LAST_OF_MARCH)
    # Retired on 1 April 00:30 local: still in service at the end of March; bought exactly five years
    # before 1 April 2026, so not yet "older than five years" then.
    retired = asset(laptop, created=local(date(2019, 5, 1)), status="retired", purchase_date=date(2021, 4, 1))
    status_change(retired, "in_stock", "retired", FIRST_OF_APRIL)
    # Registered on 1 April 00:30 local, bought in 2016: April's fleet only.
    asset(dock, created=FIRST_OF_APRIL, purchase_date=date(2016, 6, 1))
    # Lost in February: out of service since.
    lost = asset(dock, created=local(date(2019, 5, 1)), status="lost")
    status_change(lost, "in_stock", "lost", local(date(2026, 2, 10)))


def test_fl01_fleet_in_service_at_the_end_of_the_month(fleet_units):
    march = fleet.fl01_fleet(MARCH)
    assert overall(march).value == 2  # the laptop in service and the one retired in April
    assert {key: value.value for key, value in scoped(march, "equipment_type").items()} == {"laptop": 2}
    assert scoped(march, "site")["hq"].value == 2
    april = fleet.fl01_fleet(APRIL)
    assert overall(april).value == 2  # the first laptop and the new dock
    assert {key: value.value for key, value in scoped(april, "equipment_type").items()} == {"laptop": 1, "dock": 1}
    # January 2025: the four units registered in 2019 (the lost dock was lost only in 2026).
    assert overall(fleet.fl01_fleet(EMPTY)).value == 4
    assert overall(fleet.fl01_fleet(BEFORE_ANYTHING)).value == 0


def test_fl02_ageing_share_of_the_fleet(fleet_units):
    march = fleet.fl02_ageing(MARCH)
    # Out of warranty: the first laptop; the retired one is exactly five years old, not older: 1 of 2.
    assert (overall(march).value, overall(march).numerator, overall(march).denominator) == (Decimal("50.0"), 1, 2)
    # April: the laptop out of warranty and the 2016 dock: 2 of 2.
    assert overall(fleet.fl02_ageing(APRIL)).value == Decimal("100.0")
    assert scoped(fleet.fl02_ageing(APRIL), "equipment_type")["dock"].value == Decimal("100.0")
    assert overall(fleet.fl02_ageing(BEFORE_ANYTHING)).value is None


@pytest.fixture
def second_life():
    light = product("laptop", weight="2.00", carbon="250.0")
    unknown = product("laptop")  # no weight nor carbon recorded
    dock = product("dock", weight="0.50", carbon="30.0")

    def ready(model, closed):
        unit = asset(model)
        ReconJob.objects.create(asset=unit, step=ReconStep.READY, closed_at=closed)
        return unit

    # Reconditioned in February, lent on 31 March 23:30 local: March.
    line(loan(started=LAST_OF_MARCH, pupil=True), light, unit=ready(light, local(date(2026, 2, 2))))
    # A pupil PC reconditioned on 1 March, handed over on 20 March: March.
    pupil_loan(started=local(date(2026, 3, 20)), unit=ready(unknown, local(date(2026, 3, 1))))
    # Reconditioned dock lent on 1 April 00:30 local: April.
    line(loan(started=FIRST_OF_APRIL, pupil=True), dock, unit=ready(dock, local(date(2026, 3, 1))))
    # Lent in March without a reconditioning, or before its reconditioning ended: not second life.
    line(loan(started=local(date(2026, 3, 3)), pupil=True), light, unit=asset(light))
    line(loan(started=local(date(2026, 3, 10)), pupil=True), light, unit=ready(light, local(date(2026, 3, 25))))
    # May: one unit whose model has no weight nor carbon.
    pupil_loan(started=local(date(2026, 5, 5)), unit=ready(unknown, local(date(2026, 4, 1))))


def test_gr01_second_life_devices(second_life):
    march = fleet.gr01_second_life(MARCH)
    assert overall(march).value == 2
    assert scoped(march, "equipment_type")["laptop"].value == 2
    assert overall(fleet.gr01_second_life(APRIL)).value == 1
    assert overall(fleet.gr01_second_life(EMPTY)).value == 0


def test_gr02_and_gr03_weight_and_carbon_of_second_life_devices(second_life):
    weight, carbon = get_kpi("GR02").compute, get_kpi("GR03").compute
    # March: 2 kg + unknown (left out); 250 kg CO2e + unknown.
    assert overall(weight(MARCH)).value == Decimal("2.00")
    assert overall(carbon(MARCH)).value == Decimal("250.0")
    assert overall(weight(APRIL)).value == Decimal("0.50")
    assert scoped(carbon(APRIL), "equipment_type")["dock"].value == Decimal("30.0")
    # May: one device out, its model's figures unknown: no data rather than 0 kg.
    assert overall(weight(MAY)).value is None
    # No second-life device at all: 0 kg avoided.
    assert overall(weight(EMPTY)).value == 0


def test_gr04_certified_disposals():
    laptop = product("laptop")

    def disposed(at, *, certificate=None):
        unit = asset(laptop, status="disposed")
        ReconJob.objects.create(
            asset=unit,
            step=ReconStep.DISPOSAL,
            outcome_reason="Broken",
            closed_at=at,
            wipe_result="passed" if certificate else "",
            certificate_number=certificate,
        )
        status_change(unit, "retired", "disposed", at)

    disposed(LAST_OF_MARCH, certificate="WC-2026-00001")
    disposed(local(date(2026, 3, 12)))  # no certificate: not counted
    disposed(FIRST_OF_APRIL, certificate="WC-2026-00002")
    march = fleet.gr04_certified_disposals(MARCH)
    assert overall(march).value == 1
    assert scoped(march, "equipment_type")["laptop"].value == 1
    assert overall(fleet.gr04_certified_disposals(APRIL)).value == 1
    assert overall(fleet.gr04_certified_disposals(EMPTY)).value == 0
