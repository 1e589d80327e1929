from celery import shared_task

from . import services
from .definitions.base import Period


@shared_task
def kpis_snapshot_last_month() -> dict:
    """Beat, on the 1st of the month (Europe/Brussels): the month just ended, final, once."""
    month = Period.of(services.current_month()).previous().month
    result = services.kpis_snapshot_month(month=month)
    return {"month": month.isoformat(), "computed": len(result.computed), "values": result.values}


@shared_task
def kpis_refresh() -> dict:
    """Beat, hourly: the month in progress "so far" (provisional), and last month if still missing."""
    results = services.kpis_refresh()
    return {result.month.isoformat(): result.values for result in results}
