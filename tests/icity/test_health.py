from django.urls import reverse
from django.utils import timezone

from icity.models import Heartbeat
from icity.tasks import record_heartbeat


def test_healthz_is_503_until_beat_and_worker_have_run(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["database"]["ok"] is True
    assert body["beat"]["ok"] is False


def test_healthz_is_200_with_a_fresh_heartbeat(client, db):
    record_heartbeat()
    response = client.get(reverse("healthz"))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["ok"] and body["broker"]["ok"] and body["outbox"]["pending"] == 0


def test_healthz_is_503_with_a_stale_heartbeat(client, db):
    Heartbeat.objects.create(name="beat", seen_at=timezone.now() - timezone.timedelta(minutes=10))
    assert client.get(reverse("healthz")).status_code == 503


def test_healthz_is_503_when_the_broker_is_unreachable(client, db, monkeypatch):
    record_heartbeat()

    def unreachable(*args, **kwargs):
        raise ConnectionRefusedError

    monkeypatch.setattr("kombu.Connection.ensure_connection", unreachable)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False
