from celery import shared_task

from . import services
from .mail.tasks import email_poll  # noqa: F401  (email channel; autodiscovery reads tasks.py)


@shared_task
def tickets_sla_sweep() -> int:
    return services.tickets_sla_sweep()


@shared_task
def tickets_waiting_sweep() -> list[int]:
    return list(services.tickets_waiting_sweep())


@shared_task
def tickets_autoclose_sweep() -> int:
    return services.tickets_autoclose_sweep()
