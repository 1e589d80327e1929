from celery import shared_task
from django.utils import timezone

from . import outbox
from .models import Heartbeat


@shared_task
def outbox_drain() -> int:
    return outbox.outbox_drain()


@shared_task
def outbox_purge_sent() -> int:
    return outbox.outbox_purge_sent()


@shared_task
def record_heartbeat() -> None:
    # Sent by beat, run by a worker: a fresh row proves both are alive.
    Heartbeat.objects.update_or_create(name="beat", defaults={"seen_at": timezone.now()})
