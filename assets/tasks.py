from celery import shared_task

from . import services


@shared_task
def stock_low_sweep() -> int:
    return services.stock_low_sweep()


@shared_task
def warranty_digest_sweep() -> int:
    return services.warranty_digest_sweep()


@shared_task
def loan_reminder_sweep() -> dict:
    from . import loan_sweeps

    return {
        "loans": loan_sweeps.loan_reminder_sweep(),
        "requests": loan_sweeps.request_reminder_sweep(),
        "deliveries": loan_sweeps.delivery_reminder_sweep(),
    }


@shared_task
def logistics_digest_sweep() -> int:
    from . import loan_sweeps

    return loan_sweeps.logistics_digest_sweep()


@shared_task
def recovery_sweep() -> int:
    from . import loan_services

    return loan_services.recovery_sweep()
