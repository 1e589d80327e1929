from celery import shared_task

from . import services


@shared_task
def appointment_reminder_sweep() -> int:
    return services.appointment_reminder_sweep()


@shared_task
def no_show_sweep() -> int:
    return services.no_show_sweep()


@shared_task
def anonymise_sweep() -> int:
    return services.anonymise_sweep()


@shared_task
def return_reminder_sweep() -> int:
    from .services.loans import return_reminder_sweep as sweep

    return sweep()
