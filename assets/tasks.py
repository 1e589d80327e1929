from celery import shared_task

from . import services


@shared_task
def stock_low_sweep() -> int:
    return services.stock_low_sweep()


@shared_task
def warranty_digest_sweep() -> int:
    return services.warranty_digest_sweep()
