"""/metrics: live operational gauges in the Prometheus text format, for an existing Grafana.

Protected by a bearer token (METRICS_TOKEN), compared in constant time; with no
token configured the endpoint does not exist (404). Four cheap indexed counts.
"""

import hmac
from datetime import datetime, time

from django.conf import settings
from django.db.models import Min
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from icity.models import Notification
from loans.models import LoanLine
from tickets.models import OPEN_STATUSES, Ticket, TimelineEvent

from .definitions.base import BRUSSELS

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def _authorised(request) -> bool:
    expected = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    given = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
    return hmac.compare_digest(given.encode(), expected.encode())


def gauges(now=None) -> list[tuple[str, str, float]]:
    now = now or timezone.now()
    today = timezone.localtime(now, BRUSSELS).date()
    midnight = datetime.combine(today, time.min, tzinfo=BRUSSELS)
    oldest = Notification.objects.filter(status=Notification.Status.PENDING).aggregate(oldest=Min("created_at"))[
        "oldest"
    ]
    return [
        ("icity_tickets_backlog", "Tickets open now.", Ticket.objects.filter(status__in=OPEN_STATUSES).count()),
        (
            "icity_loans_overdue",
            "Open loan lines past their due date.",
            LoanLine.objects.filter(state="open", loan__due_date__lt=today).count(),
        ),
        (
            "icity_outbox_lag_seconds",
            "Age of the oldest pending notification (0 when none).",
            max((now - oldest).total_seconds(), 0) if oldest else 0,
        ),
        (
            "icity_sla_breaches_today",
            "SLA targets breached since midnight (Europe/Brussels).",
            TimelineEvent.objects.filter(
                field__in=["sla_resolution", "sla_first_response"], created_at__gte=midnight
            ).count(),
        ),
    ]


def render(values: list[tuple[str, str, float]]) -> str:
    lines = []
    for name, help_text, value in values:
        lines += [f"# HELP {name} {help_text}", f"# TYPE {name} gauge", f"{name} {float(value):g}"]
    return "\n".join(lines) + "\n"


@never_cache
@require_GET
def metrics(request):
    if not settings.METRICS_TOKEN:
        raise Http404
    if not _authorised(request):
        response = HttpResponse("Unauthorized\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(render(gauges()), content_type=CONTENT_TYPE)
