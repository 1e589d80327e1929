from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail

from assets.services import warranty_digest_sweep
from icity.models import Notification
from icity.outbox import outbox_drain
from icity.roles import Role
from tests.assets.factories import make_asset
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@time_machine.travel("2026-03-02 08:00 +0100")  # a Monday
def test_warranty_digest_once_a_week_in_the_recipients_language():
    make_user(Role.LOGISTICS, language="nl")
    make_user(Role.AGENT)
    today = date(2026, 3, 2)
    soon = make_asset(warranty_end=today + timedelta(days=30))
    make_asset(warranty_end=today + timedelta(days=90))  # too far
    make_asset(warranty_end=today - timedelta(days=1))  # already over
    assert warranty_digest_sweep(today=today) == 1
    assert warranty_digest_sweep(today=today + timedelta(days=3)) == 0  # same ISO week
    assert warranty_digest_sweep(today=today + timedelta(days=7)) == 1  # next week
    outbox_drain()
    assert len(mail.outbox) == 2 and soon.tag in mail.outbox[0].body
    assert Notification.objects.filter(template="assets_warranty_digest").count() == 2


def test_no_digest_when_nothing_expires():
    make_user(Role.LOGISTICS)
    make_asset(warranty_end=date(2030, 1, 1))
    assert warranty_digest_sweep(today=date(2026, 3, 2)) == 0


def test_sweep_tasks_run(settings):
    from assets.tasks import stock_low_sweep
    from assets.tasks import warranty_digest_sweep as task

    assert stock_low_sweep.apply().get() == 0
    assert task.apply().get() == 0
    assert "assets-low-stock" in settings.CELERY_BEAT_SCHEDULE
