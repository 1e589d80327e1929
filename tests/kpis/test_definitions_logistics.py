"""LG01–LG13 on small hand-built data sets; every expected figure is worked out by hand in the test.

March 2026 ends two days after the change to summer time: 31 March 23:30 in
Brussels (21:30 UTC) is March, 1 April 00:30 (22:30 UTC on 31 March) is April.
"""

import importlib
from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest

from assets.models import Kit, StockLevel, StockMovement
from kpis.definitions import logistics as lg
from loans.models import DeliveryRun, EquipmentRequest, Recovery, RequestLine
from schools.models import ReturnCampaign
from tests.factories import DepartmentFactory, SiteFactory, make_user
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
    returned,
    scoped,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def workday(settings):
    settings.TICKETS_WORKDAY_START = "08:00"
    settings.TICKETS_WORKDAY_END = "16:00"  # an 8-hour day, so quarter days are easy to count
    settings.TICKETS_CLOSURE_DAYS = []
    settings.KPIS_REQUEST_TARGET_DAYS = 5


def _request(requester, *, created, decided=None, model=None, kit=None):
    request = EquipmentRequest.objects.create(
        requester=requester, created_by=requester, reason="work", created_at=created, decided_at=decided
    )
    RequestLine.objects.create(request=request, model=model, kit=kit)
    return request


def test_lg01_requests_by_type_and_department_across_the_month_end():
    finance, works = DepartmentFactory(code="finance"), DepartmentFactory(code="works")
    alice, bob = make_user(department=finance), make_user(department=works)
    laptop, headset = product("laptop"), product("headset", quantity=True)
    kit = Kit.objects.create(code="telework", name_fr="Pack télétravail", name_nl="Telewerkpakket")
    _request(alice, created=LAST_OF_MARCH, model=laptop)  # March (23:30 local on the 31st)
    _request(bob, created=local(date(2026, 3, 2)), kit=kit)  # March
    _request(alice, created=FIRST_OF_APRIL, model=headset)  # April (00:30 local)

    march = lg.lg01_requests(MARCH)
    assert overall(march).value == 2
    assert {key: value.value for key, value in scoped(march, "equipment_type").items()} == {
        "laptop": 1,
        "kit-telework": 1,
    }
    assert scoped(march, "equipment_type")["kit-telework"].scope_label == "Pack télétravail / Telewerkpakket"
    assert {key: value.value for key, value in scoped(march, "department").items()} == {"finance": 1, "works": 1}
    april = lg.lg01_requests(APRIL)
    assert overall(april).value == 1
    assert scoped(april, "equipment_type")["headset"].value == 1
    assert overall(lg.lg01_requests(EMPTY)).value == 0


@pytest.fixture
def handed_over(workday):
    """Four requests: three handed over in March, one on 1 April at 00:30 local time."""
    finance, works = DepartmentFactory(code="finance"), DepartmentFactory(code="works")
    alice, bob = make_user(department=finance), make_user(department=works)
    laptop = product("laptop")

    def hand_over(requester, *, created, decided, at):
        request = _request(requester, created=created, decided=decided, model=laptop)
        line(loan(started=at, borrower=requester, request=request), laptop, unit=asset(laptop))

    # Approved Monday 2 March 10:00, handed over Wednesday 4 March 10:00: 2 working days.
    hand_over(alice, created=local(date(2026, 2, 27)), decided=local(date(2026, 3, 2)), at=local(date(2026, 3, 4)))
    # No approval needed: submitted Monday 9 March 10:00, handed over Tuesday 24 March 10:00: 11 working days.
    hand_over(bob, created=local(date(2026, 3, 9)), decided=None, at=local(date(2026, 3, 24)))
    # Approved Monday 30 March 10:00; handed over 31 March 23:30 local: 6 h + 8 h = 14 h = 1.75 days.
    hand_over(alice, created=local(date(2026, 3, 27)), decided=local(date(2026, 3, 30)), at=LAST_OF_MARCH)
    # Same approval, handed over 1 April 00:30 local: April's, not March's.
    hand_over(alice, created=local(date(2026, 3, 27)), decided=local(date(2026, 3, 30)), at=FIRST_OF_APRIL)


def test_lg02_median_lead_time_in_business_days(handed_over):
    march = lg.lg02_lead_time(MARCH)
    # Median of 2, 11 and 1.75 days.
    assert overall(march).value == Decimal("2.0")
    by_department = scoped(march, "department")
    assert by_department["finance"].value == Decimal("1.9")  # median of 2 and 1.75 = 1.875
    assert by_department["works"].value == Decimal("11.0")
    assert overall(lg.lg02_lead_time(APRIL)).value == Decimal("1.8")  # 1.75 rounded to a tenth
    assert overall(lg.lg02_lead_time(EMPTY)).value is None


def test_lg03_share_served_within_five_business_days(handed_over):
    march = lg.lg03_on_time(MARCH)
    # 2 and 1.75 days are within 5; 11 is not: 2 of 3.
    assert (overall(march).numerator, overall(march).denominator) == (2, 3)
    assert overall(march).value == Decimal("66.7")
    assert scoped(march, "department")["works"].value == Decimal("0.0")
    assert scoped(march, "department")["finance"].value == Decimal("100.0")
    assert overall(lg.lg03_on_time(APRIL)).value == Decimal("100.0")
    empty = overall(lg.lg03_on_time(EMPTY))
    assert empty.value is None and empty.denominator == 0


@pytest.fixture
def activity():
    """Check-outs and check-ins either side of the end of March, plus delivery runs."""
    laptop, headset = product("laptop"), product("headset", quantity=True)
    alice, leaver = make_user(), make_user()
    # Out: a laptop and 3 headsets on 31 March 23:30 local; a laptop on 1 April 00:30 local.
    first = loan(started=LAST_OF_MARCH, borrower=alice)
    line(first, laptop, unit=asset(laptop))
    line(first, headset, quantity=3)
    line(loan(started=FIRST_OF_APRIL, borrower=alice), laptop, unit=asset(laptop))
    # Back in March: a damaged laptop (end of loan), a pupil's laptop missing its charger (campaign),
    # 2 headsets from someone leaving the City at 23:30 on 31 March (leaver).
    january = local(date(2026, 1, 12))
    returned(
        line(loan(started=january, borrower=alice), laptop, unit=asset(laptop)), local(date(2026, 3, 10)), condition="d"
    )
    returned(pupil_loan(started=january, unit=asset(laptop)), local(date(2026, 3, 20)), missing="charger")
    Recovery.objects.create(person=leaver, reason=Recovery.Reason.LEAVING, started_at=local(date(2026, 3, 1)))
    returned(line(loan(started=january, borrower=leaver), headset, quantity=2), LAST_OF_MARCH)
    # Back on 1 April 00:30 local: April's.
    returned(line(loan(started=january, borrower=alice), laptop, unit=asset(laptop)), FIRST_OF_APRIL)
    # Runs planned in March: done on the day (10 March; 31 March at 23:30 local, 21:30 UTC), done a
    # day late (12 March, done 13 March), done at 00:30 local on 1 April for 31 March (22:30 UTC on
    # 31 March: the UTC date would wrongly say "on the day"), one failed, one never done, a recovery
    # (not a delivery nor a pick-up). April: one done on its day, 1 April.
    site = SiteFactory(code="hq")

    def run(kind, day, status, done_at=None, **fields):
        DeliveryRun.objects.create(
            kind=kind,
            date=day,
            status=status,
            done_at=done_at,
            site=site,
            window_start=time(9),
            window_end=time(11),
            **fields,
        )

    run("pick_up", date(2026, 3, 10), "done", local(date(2026, 3, 10), 11))
    run("delivery", date(2026, 3, 31), "done", LAST_OF_MARCH)
    run("delivery", date(2026, 3, 12), "done", local(date(2026, 3, 13), 9))
    run("pick_up", date(2026, 3, 31), "done", FIRST_OF_APRIL)
    run("pick_up", date(2026, 3, 11), "failed", failure_reason="Nobody home")
    run("delivery", date(2026, 3, 12), "planned")
    run("recovery", date(2026, 3, 13), "done", local(date(2026, 3, 13)))
    run("delivery", date(2026, 4, 1), "done", local(date(2026, 4, 1), 9, 30))


def test_lg04_units_handed_out_by_type(activity):
    march = lg.lg04_handed_out(MARCH)
    assert overall(march).value == 4  # 1 laptop + 3 headsets
    assert {key: value.value for key, value in scoped(march, "equipment_type").items()} == {"laptop": 1, "headset": 3}
    assert overall(lg.lg04_handed_out(APRIL)).value == 1
    assert overall(lg.lg04_handed_out(EMPTY)).value == 0


def test_lg05_units_recovered_by_type_and_reason(activity):
    march = lg.lg05_recovered(MARCH)
    assert overall(march).value == 4  # 2 laptops + 2 headsets
    assert {key: value.value for key, value in scoped(march, "equipment_type").items()} == {"laptop": 2, "headset": 2}
    assert {key: value.value for key, value in scoped(march, "reason").items()} == {
        "end_of_loan": 1,
        "campaign": 1,
        "leaver": 2,
    }
    april = lg.lg05_recovered(APRIL)
    assert overall(april).value == 1
    assert scoped(april, "reason")["end_of_loan"].value == 1
    assert overall(lg.lg05_recovered(EMPTY)).value == 0


def test_lg12_damaged_or_incomplete_share_of_returns(activity):
    march = lg.lg12_damaged(MARCH)
    # The damaged laptop and the one missing its charger: 2 of the 4 units back.
    assert (overall(march).value, overall(march).numerator, overall(march).denominator) == (Decimal("50.0"), 2, 4)
    assert scoped(march, "equipment_type")["laptop"].value == Decimal("100.0")
    assert scoped(march, "equipment_type")["headset"].value == Decimal("0.0")
    assert overall(lg.lg12_damaged(APRIL)).value == Decimal("0.0")
    assert overall(lg.lg12_damaged(EMPTY)).value is None


def test_lg10_runs_done_on_their_planned_day(activity):
    march = lg.lg10_on_planned_day(MARCH)
    # 6 deliveries and pick-ups planned in March (the recovery is not one): done on their day, 10 and
    # 31 March (23:30 local); not the one done a day late, nor the 31 March pick-up done at 00:30 local
    # on 1 April, nor the failed or never-done ones. 2 of 6.
    assert (overall(march).numerator, overall(march).denominator, overall(march).value) == (2, 6, Decimal("33.3"))
    assert scoped(march, "site")["hq"].value == Decimal("33.3")
    assert overall(lg.lg10_on_planned_day(APRIL)).value == Decimal("100.0")
    assert overall(lg.lg10_on_planned_day(EMPTY)).value is None


def test_lg13_logistics_activity(activity):
    # 4 units out + 4 units back + 3 deliveries and pick-ups done in March (10, 13 and 31 March local).
    assert overall(lg.lg13_activity(MARCH)).value == 11
    # 1 out + 1 back + 2 runs done in April (00:30 on 1 April for 31 March's pick-up, and 1 April's).
    assert overall(lg.lg13_activity(APRIL)).value == 4
    assert overall(lg.lg13_activity(EMPTY)).value == 0


@pytest.fixture
def open_lines():
    laptop, headset = product("laptop"), product("headset", quantity=True)
    alice = make_user()
    february = local(date(2026, 2, 2))
    # Due on the last day of March: past due at the end of March.
    line(loan(started=february, due=date(2026, 3, 31), borrower=alice), laptop, unit=asset(laptop))
    # Due at the end of April: open, not overdue.
    line(loan(started=february, due=date(2026, 4, 30), borrower=alice), laptop, unit=asset(laptop))
    # Due 15 March, returned 1 April 00:30 local: still out (and overdue) when March ended.
    returned(
        line(loan(started=february, due=date(2026, 3, 15), borrower=alice), laptop, unit=asset(laptop)), FIRST_OF_APRIL
    )
    # Returned 31 March 23:30 local: no longer out at the end of March.
    returned(
        line(loan(started=february, due=date(2026, 3, 15), borrower=alice), laptop, unit=asset(laptop)), LAST_OF_MARCH
    )
    # Lent on 1 April 00:30 local: not out in March.
    line(loan(started=FIRST_OF_APRIL, due=date(2026, 3, 31), borrower=alice), laptop, unit=asset(laptop))
    # Two headsets on a permanent assignment (no due date).
    line(loan(started=february, borrower=alice), headset, quantity=2)


def test_lg06_units_on_loan_at_the_end_of_the_month(open_lines):
    march = lg.lg06_open(MARCH)
    assert overall(march).value == 5  # 3 laptops + 2 headsets
    assert {key: value.value for key, value in scoped(march, "equipment_type").items()} == {"laptop": 3, "headset": 2}
    # End of April: the two open laptops, the one lent in April and the headsets.
    assert overall(lg.lg06_open(APRIL)).value == 5
    assert overall(lg.lg06_open(EMPTY)).value == 0


def test_lg07_overdue_units_at_the_end_of_the_month(open_lines):
    march = lg.lg07_overdue(MARCH)
    assert overall(march).value == 2  # due 31 March, and due 15 March returned in April
    assert scoped(march, "equipment_type") == {"laptop": scoped(march, "equipment_type")["laptop"]}
    # End of April: due 31 March (twice) and 30 April.
    assert overall(lg.lg07_overdue(APRIL)).value == 3
    assert overall(lg.lg07_overdue(EMPTY)).value == 0


def test_lg08_overdue_rate(open_lines):
    march = lg.lg08_overdue_rate(MARCH)
    assert (overall(march).value, overall(march).numerator, overall(march).denominator) == (Decimal("40.0"), 2, 5)
    assert scoped(march, "equipment_type")["laptop"].value == Decimal("66.7")  # 2 of 3
    assert scoped(march, "equipment_type")["headset"].value == Decimal("0.0")
    assert overall(lg.lg08_overdue_rate(APRIL)).value == Decimal("60.0")  # 3 of 5
    assert overall(lg.lg08_overdue_rate(EMPTY)).value is None


def test_lg09_campaign_recovery():
    from tests.schools.factories import SchoolFactory

    laptop = product("laptop")
    school = SchoolFactory(code="les-tilleuls")
    september = local(date(2025, 9, 1))
    ReturnCampaign.objects.create(name="June 2026", deadline=date(2026, 3, 31), created_at=local(date(2026, 3, 1)))
    # Out when the campaign started: one back on 20 March, one back on 1 April 00:30 local (too late).
    returned(pupil_loan(started=september, unit=asset(laptop), school=school), local(date(2026, 3, 20)))
    returned(pupil_loan(started=september, unit=asset(laptop), school=school), FIRST_OF_APRIL)
    # Lent after the campaign started, or back before it: not targeted.
    pupil_loan(started=local(date(2026, 3, 5)), unit=asset(laptop), school=school)
    returned(pupil_loan(started=september, unit=asset(laptop), school=school), local(date(2026, 2, 10)))

    march = lg.lg09_campaign_recovery(MARCH)
    assert (overall(march).value, overall(march).numerator, overall(march).denominator) == (Decimal("50.0"), 1, 2)
    assert scoped(march, "school")["les-tilleuls"].value == Decimal("50.0")
    # No campaign closed in April or in an empty month: no data.
    assert overall(lg.lg09_campaign_recovery(APRIL)).value is None
    assert overall(lg.lg09_campaign_recovery(EMPTY)).value is None


def test_lg11_low_stock_crossings_from_the_ledger():
    headset, webcam = product("headset", quantity=True), product("webcam", quantity=True)
    site = SiteFactory(code="hq")
    level = StockLevel.objects.create(model=headset, site=site, quantity=4, minimum=5)
    other = StockLevel.objects.create(model=webcam, site=site, quantity=1, minimum=2)

    def move(stock, delta, balance, at):
        kind = "receipt" if delta > 0 else "issue"
        StockMovement.objects.create(level=stock, kind=kind, delta=delta, balance=balance, at=at)

    move(level, 10, 10, local(date(2026, 2, 2)))
    move(level, -4, 6, local(date(2026, 3, 5)))  # still above 5
    move(level, -2, 4, local(date(2026, 3, 10)))  # crosses below 5
    move(level, 3, 7, local(date(2026, 3, 12)))
    move(level, -3, 4, LAST_OF_MARCH)  # crosses again: the same item, counted once
    move(other, 3, 3, local(date(2026, 2, 2)))
    move(other, -2, 1, FIRST_OF_APRIL)  # crosses below 2 in April

    march = lg.lg11_low_stock(MARCH)
    assert overall(march).value == 1
    assert scoped(march, "site")["hq"].value == 1
    assert overall(lg.lg11_low_stock(APRIL)).value == 1
    assert overall(lg.lg11_low_stock(EMPTY)).value == 0


def test_every_logistics_kpi_is_registered_with_its_scopes():
    from kpis.definitions import get_kpi

    codes = [f"LG{number:02d}" for number in range(1, 14)]
    assert all(get_kpi(code) is not None and get_kpi(code).domain == "logistics" for code in codes)
    assert get_kpi("LG05").scopes == ("equipment_type", "reason")


def test_done_at_backfill_takes_the_hand_over_else_the_end_of_the_window():
    from loans.models import Loan

    migration = importlib.import_module("loans.migrations.0002_deliveryrun_done_at")
    site = SiteFactory()
    requester = make_user()
    request = EquipmentRequest.objects.create(requester=requester, created_by=requester, reason="work")
    handed_over = local(date(2026, 3, 11), 14, 5)
    loan(started=handed_over, borrower=requester, request=request)
    unfinished = EquipmentRequest.objects.create(requester=requester, created_by=requester, reason="work")

    def run(**fields):
        return DeliveryRun(
            kind="delivery", date=date(2026, 3, 10), site=site, window_start=time(9), window_end=time(11), **fields
        )

    assert migration.best_done_at(run(request=request), Loan) == handed_over  # its request's hand-over
    # Otherwise the end of its window on its day, Brussels time (10:00 UTC in winter).
    assert migration.best_done_at(run(request=unfinished), Loan) == local(date(2026, 3, 10), 11)
    assert migration.best_done_at(run(), Loan) == datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
