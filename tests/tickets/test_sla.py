"""SLA arithmetic against hand-worked cases (working day 08:00-17:00, Brussels)."""

from datetime import UTC, datetime

import pytest
import time_machine

from tickets import services
from tickets.models import Status
from tickets.sla import add_business_minutes, business_minutes_between, is_working_day

from .factories import aware, open_ticket


@pytest.fixture(autouse=True)
def _calendar(settings):
    settings.TICKETS_WORKDAY_START = "08:00"
    settings.TICKETS_WORKDAY_END = "17:00"
    settings.TICKETS_CLOSURE_DAYS = []


def test_crosses_a_weekend():
    # Friday 15:00 + 4 h: 2 h on Friday, 2 h from Monday 08:00.
    assert add_business_minutes(aware(2026, 3, 6, 15, 0), 240) == aware(2026, 3, 9, 10, 0)


def test_skips_a_belgian_public_holiday():
    # Easter Monday 6 April 2026: Friday 15:00 + 8 h = 2 h Friday, Tuesday 08:00 + 6 h.
    assert not is_working_day(aware(2026, 4, 6, 12, 0).date())
    assert add_business_minutes(aware(2026, 4, 3, 15, 0), 480) == aware(2026, 4, 7, 14, 0)


def test_skips_configured_closure_days(settings):
    settings.TICKETS_CLOSURE_DAYS = ["2026-03-09"]
    assert add_business_minutes(aware(2026, 3, 6, 15, 0), 240) == aware(2026, 3, 10, 10, 0)


def test_crosses_the_spring_dst_change():
    # Friday 27 March 16:00 CET (15:00 UTC) + 4 h: 1 h Friday; clocks go forward on Sunday 29;
    # Monday 08:00 CEST + 3 h = 11:00 CEST = 09:00 UTC (not 10:00 UTC as naive UTC arithmetic gives).
    due = add_business_minutes(aware(2026, 3, 27, 16, 0), 240)
    assert due == datetime(2026, 3, 30, 9, 0, tzinfo=UTC)
    assert business_minutes_between(aware(2026, 3, 27, 16, 0), due) == 240


def test_starts_counting_at_opening_time_outside_hours():
    assert add_business_minutes(aware(2026, 3, 2, 6, 30), 30) == aware(2026, 3, 2, 8, 30)
    assert add_business_minutes(aware(2026, 3, 2, 18, 0), 30) == aware(2026, 3, 3, 8, 30)
    assert add_business_minutes(aware(2026, 3, 7, 10, 0), 60) == aware(2026, 3, 9, 9, 0)


def test_minutes_between_is_inverse_of_adding():
    start = aware(2026, 3, 5, 11, 17)
    for minutes in (0, 1, 59, 540, 541, 3000, 12345):
        assert business_minutes_between(start, add_business_minutes(start, minutes)) == minutes


@pytest.mark.django_db
def test_waiting_period_pauses_the_clock(requester, team_agent, category):
    # P2 (high impact, medium urgency): 540 business minutes to resolve.
    with time_machine.travel(aware(2026, 3, 2, 10, 0), tick=False):
        ticket = open_ticket(requester, category=category, impact="high", urgency="medium")
    assert ticket.priority == 2
    assert ticket.resolution_due == aware(2026, 3, 3, 10, 0)
    with time_machine.travel(aware(2026, 3, 2, 12, 0), tick=False):
        services.ticket_transition(ticket=ticket, actor=team_agent, to_status=Status.WAITING_REQUESTER)
    with time_machine.travel(aware(2026, 3, 3, 12, 0), tick=False):
        services.comment_add(ticket=ticket, author=requester, body="Voici le numéro de série.")
    ticket.refresh_from_db()
    # Paused Monday 12-17 and Tuesday 08-12: 9 business hours, so due moves from Tue 10:00 to Wed 10:00.
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.sla_paused_minutes == 540
    assert ticket.resolution_due == aware(2026, 3, 4, 10, 0)


@pytest.mark.django_db
def test_priority_change_recomputes_due_times_keeping_pauses(requester, team_agent, category):
    with time_machine.travel(aware(2026, 3, 2, 10, 0), tick=False):
        ticket = open_ticket(requester, category=category, impact="low", urgency="low")
        services.ticket_transition(ticket=ticket, actor=team_agent, to_status=Status.WAITING_THIRD_PARTY)
    with time_machine.travel(aware(2026, 3, 2, 11, 0), tick=False):
        services.ticket_transition(ticket=ticket, actor=team_agent, to_status=Status.IN_PROGRESS)
        ticket = services.ticket_set_priority(ticket=ticket, actor=team_agent, impact="high", urgency="high")
    # P1: 240 minutes + 60 paused from Monday 10:00 = 15:00.
    assert ticket.resolution_due == aware(2026, 3, 2, 15, 0)


@pytest.mark.parametrize("seed", range(3))
def test_property_adding_then_measuring_round_trips(seed):
    from datetime import timedelta

    from hypothesis import given
    from hypothesis import settings as hsettings
    from hypothesis import strategies as st

    @hsettings(max_examples=60, deadline=None)
    @given(
        start_offset=st.integers(min_value=0, max_value=60 * 24 * 400),
        minutes=st.integers(min_value=0, max_value=60 * 9 * 30),
    )
    def check(start_offset, minutes):
        start = aware(2026, 1, 1, 0, 0) + timedelta(minutes=start_offset + seed)
        due = add_business_minutes(start, minutes)
        assert due >= start
        assert business_minutes_between(start, due) == minutes
        assert is_working_day(due.astimezone(aware(2026, 1, 1, 0, 0).tzinfo).date())

    check()
