from celery import shared_task

from . import services


@shared_task
def campaigns_sweep() -> dict:
    result = services.campaigns_sweep()
    return {"invited": result.invited, "reminded": result.reminded, "closed": result.closed}
