"""Must show 2: each reminder stage exactly once, in the borrower's language; nothing after return; catch-up."""

import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection

from icity.models import Notification
from icity.outbox import outbox_drain
from icity.roles import Role
from loans import services
from loans import sweeps as loan_sweeps
from loans.models import DeliveryRun, EquipmentRequest, LoanPolicy
from tests.assets.factories import make_asset
from tests.factories import SiteFactory, make_user
from tests.loans.loan_factories import dock_model, telework_kit

BRUSSELS = ZoneInfo("Europe/Brussels")
START = date(2026, 3, 2)


def at(day: date, hour: int = 9):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=BRUSSELS), tick=False)


def lend_for(days: int, *, borrower):
    model = dock_model()
    LoanPolicy.objects.get_or_create(category=model.category, defaults={"loan_days": days})
    return services.loan_check_out(actor=None, borrower=borrower, assets=[make_asset(model=model)])


def keys(loan) -> list[str]:
    return sorted(
        Notification.objects.filter(dedupe_key__startswith=f"loan:{loan.pk}:").values_list("dedupe_key", flat=True)
    )


@pytest.mark.django_db
def test_each_stage_once_over_a_whole_loan_in_the_borrowers_language():
    boss = make_user(Role.MANAGER, language="fr")
    borrower = make_user(language="nl", manager=boss)
    make_user(Role.LOGISTICS, language="en")
    with at(START):
        loan = lend_for(30, borrower=borrower)
        outbox_drain()
    mail.outbox.clear()
    due = loan.due_date
    day = START
    while day <= due + timedelta(days=40):
        with at(day, 8):
            loan_sweeps.loan_reminder_sweep()
        with at(day, 14):
            loan_sweeps.loan_reminder_sweep()  # a second run the same day adds nothing
        day += timedelta(days=1)
    borrower_keys = [
        f"loan:{loan.pk}:{stage}" for stage in ["due-7", "due-1", "due", "overdue+1", "overdue+7", "overdue+30"]
    ]
    assert set(borrower_keys) <= set(keys(loan))
    assert f"loan:{loan.pk}:overdue+7:manager" in keys(loan)
    assert f"loan:{loan.pk}:overdue+30:manager" in keys(loan)
    assert any(key.startswith(f"loan:{loan.pk}:overdue+30:lead") for key in keys(loan))
    assert len(keys(loan)) == 6 + 2 + 1
    outbox_drain()
    to_borrower = [message for message in mail.outbox if message.to == [borrower.email]]
    assert len(to_borrower) == 6
    assert all("Hallo" in message.body for message in to_borrower)  # Dutch
    assert any("Bonjour" in message.body for message in mail.outbox if message.to == [boss.email])


@pytest.mark.django_db
def test_a_sweep_missed_for_days_sends_only_the_current_stage():
    borrower = make_user(language="en")
    with at(START):
        loan = lend_for(10, borrower=borrower)
    due = loan.due_date
    with at(due + timedelta(days=2)):  # nothing ran between the loan and two days after its due date
        loan_sweeps.loan_reminder_sweep()
    assert keys(loan) == [f"loan:{loan.pk}:overdue+1"]
    outbox_drain()
    assert "Overdue" in mail.outbox[-1].subject


@pytest.mark.django_db
def test_due_in_seven_days_caught_up_three_days_late_says_the_real_number_of_days():
    borrower = make_user(language="en")
    with at(START):
        loan = lend_for(10, borrower=borrower)
    with at(loan.due_date - timedelta(days=4)):
        loan_sweeps.loan_reminder_sweep()
    outbox_drain()
    assert keys(loan) == [f"loan:{loan.pk}:due-7"]
    assert "in 4 day(s)" in mail.outbox[-1].body


@pytest.mark.django_db
def test_a_returned_loan_gets_no_further_reminder():
    borrower = make_user(language="en")
    site = SiteFactory()
    with at(START):
        loan = lend_for(10, borrower=borrower)
    with at(loan.due_date - timedelta(days=7)):
        loan_sweeps.loan_reminder_sweep()
        services.loan_check_in(actor=None, site=site, items=[services.ReturnItem(line=loan.lines.get())])
    for offset in range(-6, 40):
        with at(loan.due_date + timedelta(days=offset)):
            loan_sweeps.loan_reminder_sweep()
    assert keys(loan) == sorted([f"loan:{loan.pk}:due-7", f"loan:{loan.pk}:returned:{loan.receipts.get().pk}"])


@pytest.mark.django_db
def test_an_extension_starts_the_stages_again_for_the_new_date():
    borrower = make_user(language="en")
    with at(START):
        loan = lend_for(10, borrower=borrower)
    with at(loan.due_date - timedelta(days=1)):
        loan_sweeps.loan_reminder_sweep()
        loan = services.loan_extend(actor=borrower, loan=loan, reason="Project runs longer")
    with at(loan.due_date - timedelta(days=7)):
        loan_sweeps.loan_reminder_sweep()
    assert f"loan:{loan.pk}:due-7:e1" in keys(loan)
    assert f"loan:{loan.pk}:due-1" in keys(loan)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="overlapping sweeps need PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_two_overlapping_sweeps_send_each_stage_once():
    borrower = make_user(language="en")
    loans = [lend_for(3, borrower=borrower) for _ in range(30)]
    barrier = threading.Barrier(2)
    today = loans[0].due_date

    def sweep():
        try:
            barrier.wait()
            loan_sweeps.loan_reminder_sweep(today=today)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for loan in loans:
        assert keys(loan) == [f"loan:{loan.pk}:due"]


@pytest.mark.django_db
def test_uncollected_pick_up_and_pending_approval_and_delivery_day_before_are_each_sent_once(logistics):
    boss = make_user(Role.MANAGER, language="en")
    person = make_user(manager=boss, language="en")
    kit, site, items = telework_kit()
    with at(START):  # a Monday
        waiting_kit, _s, waiting_items = telework_kit()
        waiting_items["laptop"].requires_approval = True
        waiting_items["laptop"].save()
        waiting = services.request_submit(
            actor=person, requester=person, lines=[services.Wanted(kit=waiting_kit)], reason="New job"
        )
        ready = services.request_submit(actor=person, requester=person, lines=[services.Wanted(kit=kit)], reason="x")
        services.request_prepare(
            actor=logistics, request=ready, codes=[unit.tag for unit in items["units"]], stock_site=site
        )
        run = services.delivery_plan(
            actor=logistics,
            kind=DeliveryRun.Kind.DELIVERY,
            day=START + timedelta(days=4),
            window_start=datetime(2026, 1, 1, 9).time(),
            window_end=datetime(2026, 1, 1, 11).time(),
            address="Rue Haute 1, 1000 Bruxelles",
            person=person,
        )
    for offset in range(0, 6):
        with at(START + timedelta(days=offset)):
            loan_sweeps.request_reminder_sweep()
            loan_sweeps.delivery_reminder_sweep()
            loan_sweeps.request_reminder_sweep()
    all_keys = set(Notification.objects.values_list("dedupe_key", flat=True))
    assert f"request:{waiting.pk}:approval-nudge" in all_keys
    assert f"request:{ready.pk}:uncollected" in all_keys
    assert f"run:{run.pk}:{run.date.isoformat()}:day-before" in all_keys
    assert Notification.objects.filter(dedupe_key__endswith="approval-nudge").get().recipient == boss
    assert EquipmentRequest.objects.get(pk=waiting.pk).status == EquipmentRequest.Status.PENDING_APPROVAL


@pytest.mark.django_db
def test_the_morning_digest_goes_once_a_day_to_each_logistics_person(logistics):
    with at(START):
        assert loan_sweeps.logistics_digest_sweep() == 1
        assert loan_sweeps.logistics_digest_sweep() == 0
    outbox_drain()
    assert mail.outbox[-1].to == [logistics.email]
    assert "Overdue loans: 0" in mail.outbox[-1].body
