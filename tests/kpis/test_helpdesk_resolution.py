"""HD02, HD05-HD12, HD15 on hand-built tickets; business hours are 08:00-17:00 Mon-Fri, Brussels.

March 2026 has no Belgian public holiday; summer time starts on Sunday 29 March.
"""

from decimal import Decimal

import pytest

from tests.factories import make_user
from tests.tickets.factories import TeamFactory
from tickets.models import Comment, Ticket

from .builders import APRIL, EMPTY, FEB, MARCH, event, local, overall, reopen, resolve, scoped, ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    requester = make_user()
    a1, a2 = make_user(), make_user()
    t1 = TeamFactory(name="Level 1")
    t2 = TeamFactory(name="Level 2", second_level=True)
    # tA: replied once an hour after creation (due 30 minutes after: late), resolved 3 business hours later.
    ta = ticket(
        requester,
        local(2026, 3, 2, 9, 0),
        team=t1,
        first_response_at=local(2026, 3, 2, 10, 0),
        first_response_due=local(2026, 3, 2, 9, 30),
        resolution_due=local(2026, 3, 3, 9, 0),
    )
    Comment.objects.create(ticket=ta, author=a1, body="Redémarrez", created_at=local(2026, 3, 2, 10, 0))
    Comment.objects.create(ticket=ta, author=requester, body="Merci", created_at=local(2026, 3, 2, 10, 30))
    Comment.objects.create(ticket=ta, author=a1, body="note", is_internal=True, created_at=local(2026, 3, 2, 11, 0))
    resolve(ta, local(2026, 3, 2, 12, 0), a1)
    # tB: transferred to the second-level team, two public replies, resolved 31 Mar 23:30 CEST
    # (still March, after the switch to summer time), late, reopened within 14 days.
    tb = ticket(
        requester,
        local(2026, 3, 3, 9, 0),
        team=t2,
        first_response_at=local(2026, 3, 3, 11, 0),
        first_response_due=local(2026, 3, 3, 12, 0),
        resolution_due=local(2026, 3, 10, 9, 0),
    )
    event(tb, local(2026, 3, 3, 10, 0), "team", "Level 1", "Level 2", a1)
    Comment.objects.create(ticket=tb, author=a2, body="Je regarde", created_at=local(2026, 3, 3, 11, 0))
    Comment.objects.create(ticket=tb, author=a2, body="Encore", created_at=local(2026, 3, 4, 11, 0))
    resolve(tb, local(2026, 3, 31, 23, 30), a2)
    reopen(tb, local(2026, 4, 5, 10, 0))
    resolve(tb, local(2026, 4, 6, 10, 0), a2)
    # tC: resolved 1 Apr 00:30 CEST (22:30 UTC on 31 March): April.
    tc = ticket(requester, local(2026, 3, 4, 9, 0), team=t1, first_response_at=local(2026, 4, 1, 0, 30))
    resolve(tc, local(2026, 4, 1, 0, 30), a1)
    # tD: first resolved in February, reopened and resolved again in March: counts in February only.
    td = ticket(requester, local(2026, 2, 26, 9, 0), team=t1, first_response_at=local(2026, 2, 26, 10, 0))
    resolve(td, local(2026, 2, 27, 10, 0), a1)
    reopen(td, local(2026, 3, 2, 9, 0))
    resolve(td, local(2026, 3, 3, 9, 0), a1)
    # tE: no SLA target, no reply, resolved in 4 business hours, reopened 21 days later (outside the window).
    te = ticket(requester, local(2026, 3, 9, 9, 0), team=t1)
    resolve(te, local(2026, 3, 9, 13, 0), a1)
    reopen(te, local(2026, 3, 30, 13, 0))
    # tF: created Friday 27 Mar 16:00 CET, first reply Monday 30 Mar 10:00 CEST: 1 h + 2 h across the DST weekend.
    ticket(requester, local(2026, 3, 27, 16, 0), team=t1, first_response_at=local(2026, 3, 30, 10, 0))
    return {"t1": t1, "t2": t2, "a1": a1, "a2": a2}


def test_hd02_counts_first_resolutions_in_the_local_month(desk):
    # tA, tB, tE; not tC (April), not tD (first resolved in February).
    assert overall("HD02", MARCH) == 3
    assert scoped("HD02", MARCH, "team", desk["t1"].pk) == 2
    assert scoped("HD02", MARCH, "team", desk["t2"].pk) == 1
    assert overall("HD02", FEB) == 1
    assert overall("HD02", APRIL) == 1  # tC; tB's second resolution does not count again
    assert overall("HD02", EMPTY) == 0


def test_hd05_median_business_time_to_first_reply(desk):
    # March first replies: tA 1 h, tB 2 h, tF 3 h (Fri 16-17 + Mon 08-10) -> median 2 h.
    assert overall("HD05", MARCH) == Decimal("2.00")
    # April: tC, created 4 Mar 09:00, replied 1 Apr 00:30 -> 4 Mar 8 h + 19 working days (5-31 Mar) x 9 h = 179 h.
    assert overall("HD05", APRIL) == Decimal("179.00")
    assert overall("HD05", EMPTY) is None


def test_hd06_first_replies_within_target(desk):
    # tA late (10:00 > 09:30), tB on time; tF has no target.
    assert overall("HD06", MARCH) == Decimal("50.00")
    assert overall("HD06", EMPTY) is None


def test_hd07_resolutions_within_target(desk):
    # tA met (12:00 on 2 Mar < 3 Mar), tB missed (31 Mar > 10 Mar); tE has no target.
    assert overall("HD07", MARCH) == Decimal("50.00")
    assert scoped("HD07", MARCH, "team", desk["t2"].pk) == Decimal("0.00")
    assert overall("HD07", EMPTY) is None


def test_hd08_hd09_median_and_p90_business_time_to_resolution(desk):
    # tA 3 h; tE 4 h; tB: 3 Mar 09-17 = 8 h + 20 working days (4-31 Mar) x 9 h = 188 h.
    assert overall("HD08", MARCH) == Decimal("4.00")
    assert overall("HD09", MARCH) == Decimal("188.00")  # nearest rank: ceil(0.9 x 3) = 3rd
    assert overall("HD08", EMPTY) is None
    assert overall("HD09", EMPTY) is None


def test_hd08_subtracts_the_time_paused(desk):
    Ticket.objects.filter(first_response_at=local(2026, 3, 2, 10, 0)).update(sla_paused_minutes=120)
    Ticket.objects.filter(resolution_due__isnull=True, created_at=local(2026, 3, 9, 9, 0)).update(sla_paused_minutes=60)
    # tA 3 - 2 = 1 h, tE 4 - 1 = 3 h, tB 188 h -> median 3 h.
    assert overall("HD08", MARCH) == Decimal("3.00")


def test_hd10_reopened_within_14_days(desk):
    # tB reopened 5 days after; tE 21 days after (outside); tA never.
    assert overall("HD10", MARCH) == Decimal("33.33")
    # February: tD resolved 27 Feb, reopened 2 Mar.
    assert overall("HD10", FEB) == Decimal("100.00")
    assert overall("HD10", EMPTY) is None


def test_hd11_first_contact_resolution(desk):
    # tA: one public agent reply (the requester's message and the internal note do not count): yes.
    # tB: two replies and a transfer: no. tE: no reply: yes.
    assert overall("HD11", MARCH) == Decimal("66.67")
    assert overall("HD11", EMPTY) is None


def test_hd12_escalation_to_second_level(desk):
    assert overall("HD12", MARCH) == Decimal("33.33")
    assert overall("HD12", FEB) == Decimal("0.00")
    assert overall("HD12", EMPTY) is None


def test_hd15_resolved_per_agent(desk):
    # 3 March resolutions by a1 (tA, tE) and a2 (tB): 3 / 2.
    assert overall("HD15", MARCH) == Decimal("1.50")
    assert scoped("HD15", MARCH, "team", desk["t1"].pk) == Decimal("2.00")
    assert overall("HD15", EMPTY) is None
