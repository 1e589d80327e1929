from celery import shared_task


@shared_task
def report_draft_sweep() -> str:
    """Daily: from the 2nd business day of the month, prepare last month's draft report once."""
    from .services import report_prepare_due

    report = report_prepare_due()
    return f"prepared {report.month:%Y-%m}" if report else "nothing to do"
