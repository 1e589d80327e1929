from celery import shared_task

from . import services


@shared_task
def campaigns_sweep() -> dict:
    result = services.campaigns_sweep()
    return {"invited": result.invited, "reminded": result.reminded, "closed": result.closed}


@shared_task
def csat_sweep() -> dict:
    result = services.csat_sweep()
    return {"invited": result.invited, "skipped": result.skipped}
