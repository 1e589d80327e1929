import pytest
from django.urls import reverse
from django.utils import timezone

from icity.models import Heartbeat, Notification
from icity.outbox import notify
from icity.tasks import record_heartbeat

TOKEN = "s3cret-health-token"


@pytest.fixture
def staff_client(client, admin_user):
    client.force_login(admin_user)
    return client


def _queue(key="health:1"):
    notify(dedupe_key=key, template="password_reset", to_email="a@brucity.example", context={"reset_url": "x"})
    return Notification.objects.get(dedupe_key=key)


def test_healthz_is_503_until_beat_and_worker_have_run(staff_client, db):
    response = staff_client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["database"]["ok"] is True
    assert body["beat"]["ok"] is False


def test_healthz_is_200_with_a_fresh_heartbeat(staff_client, db):
    record_heartbeat()
    response = staff_client.get(reverse("healthz"))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["ok"] and body["broker"]["ok"] and body["outbox"]["pending"] == 0


def test_anonymous_callers_get_the_status_without_figures(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 503 and response.content == b"unavailable"
    record_heartbeat()
    response = client.get(reverse("healthz"))
    assert response.status_code == 200 and response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")


def test_signed_in_non_staff_get_no_figures(client, agent):
    record_heartbeat()
    client.force_login(agent)
    assert client.get(reverse("healthz")).content == b"ok"


def test_a_token_shows_the_figures(client, db, settings):
    settings.HEALTHZ_TOKEN = TOKEN
    record_heartbeat()
    response = client.get(reverse("healthz"), headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.json()["outbox"]["pending"] == 0
    assert client.get(reverse("healthz"), headers={"Authorization": "Bearer wrong"}).content == b"ok"


def test_healthz_is_503_with_a_stale_heartbeat(client, db):
    Heartbeat.objects.create(name="beat", seen_at=timezone.now() - timezone.timedelta(minutes=10))
    assert client.get(reverse("healthz")).status_code == 503


def test_healthz_is_503_when_the_broker_is_unreachable(staff_client, db, monkeypatch):
    record_heartbeat()

    def unreachable(*args, **kwargs):
        raise ConnectionRefusedError

    monkeypatch.setattr("kombu.Connection.ensure_connection", unreachable)
    response = staff_client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False


def test_a_failing_relay_is_named_within_minutes(staff_client, db):
    record_heartbeat()
    row = _queue()
    Notification.objects.filter(pk=row.pk).update(
        attempts=3,
        last_error="relay: ConnectionRefusedError: [Errno 111] Connection refused",
        next_attempt_at=timezone.now() + timezone.timedelta(minutes=4),
    )
    response = staff_client.get(reverse("healthz"))
    assert response.status_code == 503
    outbox = response.json()["outbox"]
    assert outbox["failing"] == 1 and "Connection refused" in outbox["cause"]


def test_a_sender_that_does_not_run_is_named(staff_client, db, settings):
    record_heartbeat()
    row = _queue()
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now() - timezone.timedelta(minutes=6))
    outbox = staff_client.get(reverse("healthz")).json()["outbox"]
    assert outbox["ok"] is False and settings.OUTBOX_QUEUE in outbox["cause"]


def test_a_refused_recipient_is_reported_but_not_unhealthy(staff_client, db):
    record_heartbeat()
    row = _queue()
    Notification.objects.filter(pk=row.pk).update(
        attempts=5,
        last_error="SMTPRecipientsRefused: no such user",
        next_attempt_at=timezone.now() + timezone.timedelta(hours=1),
    )
    response = staff_client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["outbox"]["failing"] == 1
