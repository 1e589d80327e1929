"""Celery tasks of the core. Only this module knows Celery; ``icity.outbox`` is handed a trigger."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.utils import timezone

from . import outbox
from .models import Heartbeat


@shared_task(soft_time_limit=settings.OUTBOX_TASK_SOFT_TIME_LIMIT, time_limit=settings.OUTBOX_TASK_SOFT_TIME_LIMIT + 30)
def outbox_drain() -> int:
    """Send what is due; queue the next drain when a backlog is left (time budget or message limit spent)."""
    try:
        sent = outbox.outbox_drain(interrupts=(SoftTimeLimitExceeded,))
    except SoftTimeLimitExceeded:
        # Stopped mid-message: that one is leased and goes again when the lease ends.
        return 0
    if outbox.due_exists():
        queue_drain()
    return sent


def queue_drain(*, countdown: float | None = None) -> None:
    """The outbox's trigger (registered in ``IcityConfig.ready``): a drain on the mail queue."""
    outbox_drain.apply_async(retry=False, countdown=countdown, queue=settings.OUTBOX_QUEUE)


@shared_task
def outbox_purge_sent() -> int:
    return outbox.outbox_purge_sent()


@shared_task
def record_heartbeat() -> None:
    # Sent by beat, run by a worker: a fresh row proves both are alive.
    Heartbeat.objects.update_or_create(name="beat", defaults={"seen_at": timezone.now()})
