"""Races on PostgreSQL with real threads and committed data (no django_db mark)."""

import pytest
from django.db import connection

from surveys import services
from surveys.models import Invitation, Response
from tests.factories import make_user
from tests.surveys.factories import full_answers, make_campaign


@pytest.mark.skipif(connection.vendor != "postgresql", reason="Row locks need PostgreSQL (SQLite serialises writers).")
def test_two_simultaneous_submissions_of_one_token_store_one_response(django_db_setup, django_db_blocker):
    """Committed data and real threads; cleans up after itself instead of flushing the
    database (a flush would also drop the role groups that migrations created)."""
    import threading

    from django.db import connections

    from icity.models import Department, Notification
    from surveys.models import Survey

    with django_db_blocker.unblock():
        person = make_user()
        campaign = make_campaign()
        try:
            services.campaign_launch(campaign=campaign)
            invitation = Invitation.objects.get(campaign=campaign, user=person)
            raw = full_answers(campaign.survey)
            barrier = threading.Barrier(2)
            outcomes = []

            def submit():
                try:
                    barrier.wait()
                    services.response_submit(token=invitation.token, raw=raw)
                    outcomes.append("ok")
                except services.InvitationUnusable as error:
                    outcomes.append(error.reason)
                finally:
                    connections.close_all()

            threads = [threading.Thread(target=submit) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert sorted(outcomes) == ["answered", "ok"]
            assert Response.objects.filter(campaign=campaign).count() == 1
        finally:
            survey_id, department_id = campaign.survey_id, person.department_id
            campaign.delete()
            Survey.objects.filter(pk=survey_id).delete()
            Notification.objects.filter(recipient=person).delete()
            person.delete()
            Department.objects.filter(pk=department_id).delete()
