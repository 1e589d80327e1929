from celery import shared_task

from . import sweeps
from .mail.tasks import email_poll  # noqa: F401  (email channel; autodiscovery reads tasks.py)


@shared_task
def tickets_sla_sweep() -> int:
    return sweeps.tickets_sla_sweep()


@shared_task
def tickets_waiting_sweep() -> list[int]:
    return list(sweeps.tickets_waiting_sweep())


@shared_task
def tickets_autoclose_sweep() -> int:
    return sweeps.tickets_autoclose_sweep()
