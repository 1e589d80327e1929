"""Two managers approving the same report at the same moment send it once (PostgreSQL row lock + dedupe key)."""

import threading
from datetime import date

import pytest
from django.db import connection

from icity.models import Notification
from icity.roles import Role
from kpis.models import MonthlyReport, ReportRecipient
from kpis.reports import services
from tests.factories import make_user

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite serialises writers)"
    ),
    pytest.mark.django_db(transaction=True),
]


def test_two_approvals_at_the_same_moment_send_the_report_once():
    ReportRecipient.objects.create(name="Cabinet", email="cabinet@brucity.example", language="fr")
    ReportRecipient.objects.create(name="Kabinet", email="kabinet@brucity.example", language="nl")
    first, second = make_user(Role.MANAGER), make_user(Role.MANAGER)
    report = services.report_prepare(month=date(2026, 3, 1))
    barrier = threading.Barrier(2)
    outcomes = [None, None]

    def approve(index, user):
        try:
            barrier.wait()
            outcomes[index] = services.report_approve(user=user, report=report)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(index, user)) for index, user in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [False, True]
    assert Notification.objects.filter(template="kpis_report").count() == 2
    report = MonthlyReport.objects.get()
    assert report.status == "sent" and report.approved_by in (first, second)
