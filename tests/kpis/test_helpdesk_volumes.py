"""HD01, HD03, HD04, HD13, HD14 on hand-built tickets around the end of March 2026 (DST on 29 March)."""

from datetime import datetime
from decimal import Decimal

import pytest

from tests.factories import DepartmentFactory, make_user
from tests.tickets.factories import TeamFactory

from .builders import APRIL, EMPTY, FEB, MARCH, event, local, overall, reopen, resolve, scoped, ticket

pytestmark = pytest.mark.django_db
JOINED = datetime(2025, 1, 1, tzinfo=local(2025, 1, 1).tzinfo)


@pytest.fixture
def volumes():
    d1, d2 = DepartmentFactory(), DepartmentFactory()
    r1 = make_user(department=d1, date_joined=JOINED)
    r2 = make_user(department=d2, date_joined=JOINED)
    make_user(department=d1, date_joined=JOINED)
    make_user(department=d1, date_joined=JOINED)
    team = TeamFactory()
    # 28 Feb 23:30 CET is February; 1 Mar 00:30 CET is March (23:30 UTC on 28 Feb).
    ticket(r1, local(2026, 2, 28, 23, 30), channel="web")
    ticket(r1, local(2026, 3, 1, 0, 30), channel="web", team=team)
    ticket(r2, local(2026, 3, 15, 10, 0), channel="email", team=team)
    # After the switch to summer time: 31 Mar 23:30 CEST is still March,
    # 1 Apr 00:30 CEST (22:30 UTC on 31 March) is April.
    ticket(r1, local(2026, 3, 31, 23, 30), channel="phone")
    ticket(r2, local(2026, 4, 1, 0, 30), channel="web")
    return {"d1": d1, "d2": d2, "team": team}


def test_hd01_counts_tickets_by_local_month_and_channel(volumes):
    assert overall("HD01", MARCH) == 3
    assert overall("HD01", FEB) == 1
    assert overall("HD01", APRIL) == 1
    assert scoped("HD01", MARCH, "channel", "web") == 1
    assert scoped("HD01", MARCH, "channel", "email") == 1
    assert scoped("HD01", MARCH, "channel", "phone") == 1
    assert scoped("HD01", MARCH, "team", volumes["team"].pk) == 2
    assert scoped("HD01", MARCH, "department", volumes["d1"].pk) == 2
    assert overall("HD01", EMPTY) == 0


def test_hd14_self_service_share_is_portal_tickets_over_all(volumes):
    # 1 of the 3 March tickets came through the portal.
    assert overall("HD14", MARCH) == Decimal("33.33")
    assert overall("HD14", APRIL) == Decimal("100.00")
    # Department d2 opened one March ticket, by email.
    assert scoped("HD14", MARCH, "department", volumes["d2"].pk) == Decimal("0.00")
    assert overall("HD14", EMPTY) is None


def test_hd13_tickets_per_100_staff(volumes):
    # 3 tickets, 4 active accounts: 75 per 100; d1 has 3 people and 2 tickets.
    assert overall("HD13", MARCH) == Decimal("75.00")
    assert scoped("HD13", MARCH, "department", volumes["d1"].pk) == Decimal("66.67")
    # Nobody had joined in June 2024: no data.
    assert overall("HD13", EMPTY) is None


@pytest.fixture
def backlog():
    requester = make_user()
    b1 = ticket(requester, local(2026, 1, 10, 9, 0))  # never touched: open, aged
    b2 = ticket(requester, local(2026, 3, 20, 9, 0))
    event(b2, local(2026, 3, 21, 9, 0), "status", "new", "in_progress")  # open, 11 days old
    b3 = ticket(requester, local(2026, 3, 1, 10, 0))
    resolve(b3, local(2026, 3, 31, 23, 30), old="new")  # resolved before the end of March (CEST)
    b4 = ticket(requester, local(2026, 3, 1, 10, 0))
    resolve(b4, local(2026, 4, 1, 0, 30), old="new")  # resolved after it: open at the end of March, aged
    ticket(requester, local(2026, 4, 1, 0, 30))  # did not exist yet
    b6 = ticket(requester, local(2026, 2, 5, 9, 0))
    resolve(b6, local(2026, 2, 10, 9, 0), old="new")
    reopen(b6, local(2026, 3, 31, 12, 0))  # open again at the end of March, aged
    return [b1, b2, b3, b4, b6]


def test_hd03_backlog_is_what_was_open_at_the_end_of_the_local_month(backlog):
    # b1, b2, b4, b6 (b3 was resolved 30 minutes before midnight CEST).
    assert overall("HD03", MARCH) == 4
    # End of February: b1 open; b6 resolved on 10 Feb; b2-b4 not created.
    assert overall("HD03", FEB) == 1
    assert overall("HD03", EMPTY) == 0


def test_hd04_aged_backlog_is_open_more_than_30_days(backlog):
    # b1 (10 Jan), b4 (1 Mar 10:00, before 2 Mar 00:00), b6 (5 Feb); b2 is 11 days old.
    assert overall("HD04", MARCH) == 3
    assert overall("HD04", FEB) == 1
    assert overall("HD04", EMPTY) == 0
