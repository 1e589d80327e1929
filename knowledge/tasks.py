from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def review_reminders_sweep() -> int:
    """Daily: remind owners of articles whose review date has passed (once per date)."""
    return services.review_reminders_sweep()
