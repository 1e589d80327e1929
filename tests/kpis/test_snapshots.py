"""Monthly snapshots: stored once, idempotent, a sent month never changes unless recomputed on purpose."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command

from kpis import services, tasks
from kpis.definitions import all_kpis
from kpis.models import ManualEntry, Recompute, Snapshot
from tests.factories import make_user

from .builders import APRIL, MARCH, local, reopen, resolve, ticket

pytestmark = pytest.mark.django_db


def stored(code, month, **scope):
    return Snapshot.objects.get(
        code=code, month=month, scope_kind=scope.get("kind", ""), scope_key=scope.get("key", "")
    )


@pytest.fixture
def march_tickets():
    requester = make_user()
    first = ticket(requester, local(2026, 3, 2, 9, 0))
    resolve(first, local(2026, 3, 30, 12, 0), old="new")
    ticket(requester, local(2026, 3, 3, 9, 0))
    return first


def test_the_monthly_job_stores_each_value_once_and_a_second_run_changes_nothing(march_tickets):
    with time_machine.travel(local(2026, 4, 1, 1, 30), tick=False):
        first = tasks.kpis_snapshot_last_month()
        rows = list(Snapshot.objects.filter(month=MARCH).values_list("pk", "code", "scope_kind", "scope_key", "value"))
        second = tasks.kpis_snapshot_last_month()
    assert first["month"] == "2026-03-01" and first["values"] > 0
    assert second["values"] == 0
    assert (
        list(Snapshot.objects.filter(month=MARCH).values_list("pk", "code", "scope_kind", "scope_key", "value")) == rows
    )
    computed = [kpi.code for kpi in all_kpis() if kpi.compute]
    assert Snapshot.objects.filter(month=MARCH, scope_kind="").count() == len(computed)
    assert stored("HD01", MARCH).value == 2 and stored("HD01", MARCH).is_final
    assert stored("HD03", MARCH).value == 1
    assert stored("HD06", MARCH).value is None  # no data stays no data


def test_a_ticket_reopened_after_the_report_leaves_the_sent_month_unchanged(march_tickets):
    with time_machine.travel(local(2026, 4, 1, 1, 30), tick=False):
        services.kpis_snapshot_month(month=MARCH)
    reopen(march_tickets, local(2026, 4, 2, 9, 0))
    with time_machine.travel(local(2026, 4, 2, 10, 0), tick=False):
        services.kpis_refresh()
    assert stored("HD10", MARCH).value == Decimal("0.00")  # as sent
    assert stored("HD03", MARCH).value == 1
    # The reopened ticket is in April's backlog so far, provisional.
    april = stored("HD03", APRIL)
    assert april.value == 2 and not april.is_final
    # A manager recomputes March on purpose: the reopening now counts, and it is logged.
    manager = make_user()
    with time_machine.travel(local(2026, 4, 2, 11, 0), tick=False):
        result = services.kpis_snapshot_month(month=MARCH, recompute=True, user=manager, reason="Ticket reopened")
    assert result.values > 0
    assert stored("HD10", MARCH).value == Decimal("100.00")
    log = Recompute.objects.get()
    assert (log.month, log.user, log.reason) == (MARCH, manager, "Ticket reopened")


def test_a_recompute_needs_a_reason_and_a_future_month_is_refused(march_tickets):
    with pytest.raises(ValidationError):
        services.kpis_snapshot_month(month=MARCH, recompute=True, user=make_user(), reason="  ")
    with pytest.raises(ValidationError):
        services.kpis_snapshot_month(month=date(2099, 1, 1))
    assert not Recompute.objects.exists()


def test_the_month_in_progress_is_provisional_and_replaced_each_hour(march_tickets):
    with time_machine.travel(local(2026, 3, 10, 12, 0), tick=False):
        services.kpis_snapshot_month(month=MARCH)
        assert stored("HD01", MARCH).value == 2 and not stored("HD01", MARCH).is_final
        ticket(make_user(), local(2026, 3, 10, 11, 0))
        services.kpis_snapshot_month(month=MARCH)
    assert stored("HD01", MARCH).value == 3
    assert Snapshot.objects.filter(code="HD01", month=MARCH, scope_kind="").count() == 1


def test_the_final_run_replaces_provisional_values(march_tickets):
    with time_machine.travel(local(2026, 3, 10, 12, 0), tick=False):
        services.kpis_snapshot_month(month=MARCH)
    ticket(make_user(), local(2026, 3, 31, 23, 0))
    with time_machine.travel(local(2026, 4, 1, 1, 30), tick=False):
        services.kpis_snapshot_month(month=MARCH)
    row = stored("HD01", MARCH)
    assert row.value == 3 and row.is_final


def test_manual_entries_keep_history_and_set_the_month(db):
    manager = make_user()
    with time_machine.travel(local(2026, 4, 2, 9, 0), tick=False):
        services.manual_entry_save(code="MN01", month=MARCH, value=Decimal(3), amount=Decimal("125000"), user=manager)
        services.manual_entry_save(code="MN01", month=MARCH, value=Decimal(4), amount=Decimal("150000"), user=manager)
        services.kpis_snapshot_month(month=MARCH)
    assert ManualEntry.objects.filter(code="MN01", month=MARCH).count() == 2
    assert stored("MN01", MARCH).value == 4
    assert Snapshot.objects.filter(code="MN01", month=MARCH).count() == 1
    with pytest.raises(ValidationError):
        services.manual_entry_save(code="HD01", month=MARCH, value=Decimal(1), user=manager)


def test_backfill_command_computes_past_months_with_a_progress_bar(march_tickets):
    out = StringIO()
    with time_machine.travel(local(2026, 4, 15, 9, 0), tick=False):
        call_command("kpis_backfill", "--months", "3", stdout=out)
        again = StringIO()
        call_command("kpis_backfill", "--months", "3", stdout=again)
    assert "[" in out.getvalue() and "3/3 2026-03" in out.getvalue()
    assert "3 months" in out.getvalue()
    assert sorted(Snapshot.objects.filter(code="HD01", scope_kind="").values_list("month", flat=True)) == [
        date(2026, 1, 1),
        date(2026, 2, 1),
        MARCH,
    ]
    assert "0 values written" in again.getvalue()


def test_backfill_refuses_bad_months(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("kpis_backfill", "--from", "2026-13", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("kpis_backfill", "--to", "2999-01", stdout=StringIO())


def test_the_beat_schedule_runs_the_monthly_job_on_the_first_and_the_refresh_hourly(settings):
    monthly = settings.CELERY_BEAT_SCHEDULE["kpis-snapshot-last-month"]
    assert monthly["task"] == "kpis.tasks.kpis_snapshot_last_month"
    assert monthly["schedule"].day_of_month == {1}
    assert settings.CELERY_TIMEZONE == "Europe/Brussels"
    assert settings.CELERY_BEAT_SCHEDULE["kpis-refresh"]["schedule"].minute == {7}
