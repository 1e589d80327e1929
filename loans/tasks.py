"""Loan sweeps for Celery beat. The task names are those the tasks had when loans lived in
``assets/``: the beat schedule and any task already queued under the old name still resolve."""

from celery import shared_task


@shared_task(name="assets.tasks.loan_reminder_sweep")
def loan_reminder_sweep() -> dict:
    from . import sweeps

    return {
        "loans": sweeps.loan_reminder_sweep(),
        "requests": sweeps.request_reminder_sweep(),
        "deliveries": sweeps.delivery_reminder_sweep(),
    }


@shared_task(name="assets.tasks.logistics_digest_sweep")
def logistics_digest_sweep() -> int:
    from . import sweeps

    return sweeps.logistics_digest_sweep()


@shared_task(name="assets.tasks.recovery_sweep")
def recovery_sweep() -> int:
    from . import services

    return services.recovery_sweep()
