"""What loans shows on other apps' pages: the role home panels and the asset page's loan history."""

from django.utils import timezone

from .models import DeliveryRun, EquipmentRequest, Loan, LoanLine
from .views import loans_for

R = EquipmentRequest.Status


def borrower_panel(request) -> dict:
    today = timezone.localdate()
    loans = list(
        Loan.objects.filter(borrower=request.user, status__in=Loan.OPEN_STATUSES, due_date__isnull=False).order_by(
            "due_date", "pk"
        )[:5]
    )
    for loan in loans:
        loan.overdue_days = loan.days_overdue(today)
    return {"due_loans": loans}


def logistics_loans_panel(request) -> dict:
    today = timezone.localdate()
    open_loans = Loan.objects.filter(status__in=Loan.OPEN_STATUSES)
    return {
        "overdue_count": open_loans.filter(due_date__lt=today).count(),
        "due_today_count": open_loans.filter(due_date=today).count(),
        "to_prepare_count": EquipmentRequest.objects.filter(status__in=[R.SUBMITTED, R.PREPARING]).count(),
        "ready_count": EquipmentRequest.objects.filter(status=R.READY).count(),
        "runs_today_count": DeliveryRun.objects.filter(date=today).exclude(status=DeliveryRun.Status.DONE).count(),
    }


def approvals_panel(request) -> dict:
    return {
        "approvals_count": EquipmentRequest.objects.filter(approver=request.user, status=R.PENDING_APPROVAL).count()
    }


def asset_loans_section(request, asset) -> dict:
    """The asset page's loan history (registered with ``assets.hooks``); borrowers see only their own loans."""
    lines = (
        LoanLine.objects.filter(asset=asset, loan__in=loans_for(request.user))
        .select_related("loan")
        .order_by("-loan__started_at", "-pk")[:20]
    )
    return {"loan_lines": list(lines)}
