from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from icity.models import Notification
from icity.outbox import outbox_drain
from surveys import services
from surveys.models import Campaign, Invitation
from tests.factories import DepartmentFactory, make_user
from tests.surveys.factories import full_answers, make_campaign

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Europe/Brussels"))


def _campaign(**fields):
    return make_campaign(opens_at=START, closes_at=START + timedelta(days=21), **fields)


def test_invitations_go_out_in_batches_once_each():
    people = [make_user() for _ in range(5)]
    with time_machine.travel(START - timedelta(days=1), tick=False):
        campaign = _campaign()
        services.campaign_launch(campaign=campaign)
        assert services.campaigns_sweep(batch_size=2).invited == 0  # not open yet
    with time_machine.travel(START, tick=False):
        assert services.campaigns_sweep(batch_size=2).invited == 2
        assert services.campaigns_sweep(batch_size=2).invited == 2
        assert services.campaigns_sweep(batch_size=2).invited == 1
        assert services.campaigns_sweep(batch_size=2).invited == 0
        outbox_drain()
    assert sorted(message.to[0] for message in mail.outbox) == sorted(person.email for person in people)
    invitation = Invitation.objects.get(user=people[0])
    message = next(m for m in mail.outbox if m.to == [people[0].email])
    assert invitation.token in message.body
    assert "opt-out" in message.body


def test_departments_audience_invites_only_those_departments():
    finance, culture = DepartmentFactory(), DepartmentFactory()
    inside = make_user(department=finance)
    make_user(department=culture)
    campaign = _campaign(audience_kind=Campaign.AudienceKind.DEPARTMENTS, audience_params={"departments": [finance.pk]})
    services.campaign_launch(campaign=campaign, now=START - timedelta(days=1))
    assert list(campaign.invitations.values_list("user", flat=True)) == [inside.pk]


def test_reminders_after_n_days_at_most_m_and_never_twice():
    make_user()
    with time_machine.travel(START, tick=False):
        campaign = _campaign(reminder_after_days=7, max_reminders=2)
        services.campaign_launch(campaign=campaign)
        services.campaigns_sweep()
    with time_machine.travel(START + timedelta(days=6, hours=23), tick=False):
        assert services.campaigns_sweep().reminded == 0
    with time_machine.travel(START + timedelta(days=7), tick=False):
        assert services.campaigns_sweep().reminded == 1
        assert services.campaigns_sweep().reminded == 0  # a second sweep the same day sends nothing
    with time_machine.travel(START + timedelta(days=14), tick=False):
        assert services.campaigns_sweep().reminded == 1
    with time_machine.travel(START + timedelta(days=20), tick=False):
        assert services.campaigns_sweep().reminded == 0  # at most two
    keys = sorted(Notification.objects.values_list("dedupe_key", flat=True))
    invitation = Invitation.objects.get()
    assert keys == [
        f"survey-invitation:{invitation.pk}",
        f"survey-invitation:{invitation.pk}:reminder-1",
        f"survey-invitation:{invitation.pk}:reminder-2",
    ]


@pytest.mark.parametrize("stop", ["answer", "opt_out", "close"])
def test_no_reminder_after_answering_opting_out_or_closing(stop):
    make_user()
    with time_machine.travel(START, tick=False):
        campaign = _campaign(reminder_after_days=3)
        services.campaign_launch(campaign=campaign)
        services.campaigns_sweep()
        invitation = Invitation.objects.get()
        if stop == "answer":
            services.response_submit(token=invitation.token, raw=full_answers(campaign.survey))
        elif stop == "opt_out":
            services.invitation_opt_out(token=invitation.token)
        else:
            services.campaign_close(campaign=campaign)
    for day in (3, 6, 9, 30):
        with time_machine.travel(START + timedelta(days=day), tick=False):
            assert services.campaigns_sweep().reminded == 0
    assert Notification.objects.filter(dedupe_key__contains="reminder").count() == 0


def test_campaign_closes_by_itself_at_its_closing_date():
    make_user()
    with time_machine.travel(START, tick=False):
        campaign = _campaign()
        services.campaign_launch(campaign=campaign)
    with time_machine.travel(START + timedelta(days=21), tick=False):
        assert services.campaigns_sweep().closed == 1
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CLOSED


def test_invitation_is_written_in_the_invitees_language():
    dutch = make_user(language="nl")
    with time_machine.travel(START, tick=False):
        campaign = _campaign()
        services.campaign_launch(campaign=campaign)
        services.campaigns_sweep()
        outbox_drain()
    message = next(m for m in mail.outbox if m.to == [dutch.email])
    assert message.subject.startswith("Uw mening telt")
    html = message.alternatives[0][0]
    assert Invitation.objects.get(user=dutch).token in html
    assert "anoniem" in message.body


def test_people_who_left_get_no_invitation_or_reminder():
    leaver = make_user()
    with time_machine.travel(START, tick=False):
        campaign = _campaign()
        services.campaign_launch(campaign=campaign)
        leaver.is_active = False
        leaver.save(update_fields=["is_active"])
        assert services.campaigns_sweep().invited == 0
    with time_machine.travel(START + timedelta(days=10), tick=False):
        assert services.campaigns_sweep().reminded == 0
