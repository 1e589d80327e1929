"""Health of the running system, for /healthz and the admin home."""

from django.conf import settings
from django.db import connection
from django.db.models import Count, Min, Q
from django.utils import timezone

from .models import Heartbeat, Notification


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True}
    except Exception as error:
        return {"ok": False, "error": type(error).__name__}


def check_broker() -> dict:
    from .celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
        return {"ok": True, "transport": conn.transport_cls if isinstance(conn.transport_cls, str) else "custom"}
    except Exception as error:
        return {"ok": False, "error": type(error).__name__}


def check_beat() -> dict:
    beat = Heartbeat.objects.filter(name="beat").first()
    if beat is None:
        return {"ok": False, "last_seen": None, "age_seconds": None}
    age = (timezone.now() - beat.seen_at).total_seconds()
    return {
        "ok": age <= settings.HEALTH_HEARTBEAT_MAX_AGE,
        "last_seen": beat.seen_at.isoformat(),
        "age_seconds": round(age),
    }


def check_outbox() -> dict:
    """Pending and failed counts, and whether the sender keeps up, with the cause when it does not.

    Not ok when a due message has waited longer than ``HEALTH_OUTBOX_MAX_AGE``
    (no worker consumes the mail queue, or the relay is down so the drain stops
    at its first message), or when the relay failed on one message
    ``HEALTH_OUTBOX_RELAY_FAILURES`` times in a row (a few minutes with backoff).
    A refused recipient is reported in ``failing`` but is not the system's health.
    """
    pending = Notification.objects.filter(status=Notification.Status.PENDING)
    figures = Notification.objects.aggregate(
        pending=Count("id", filter=Q(status=Notification.Status.PENDING)),
        failed=Count("id", filter=Q(status=Notification.Status.FAILED)),
        failing=Count("id", filter=Q(status=Notification.Status.PENDING) & ~Q(last_error="")),
        oldest_due=Min(
            "next_attempt_at", filter=Q(status=Notification.Status.PENDING, next_attempt_at__lte=timezone.now())
        ),
    )
    oldest = figures.pop("oldest_due")
    lag = max((timezone.now() - oldest).total_seconds(), 0) if oldest else 0
    report = {**figures, "oldest_due_age_seconds": round(lag), "ok": True}
    last_error = (
        pending.exclude(last_error="").order_by("-next_attempt_at").values_list("last_error", flat=True).first()
    )
    if last_error:
        report["last_error"] = last_error[:300]
    relay_down = pending.filter(
        last_error__startswith="relay: ", attempts__gte=settings.HEALTH_OUTBOX_RELAY_FAILURES
    ).exists()
    if relay_down:
        report |= {"ok": False, "cause": f"the mail relay keeps failing: {last_error[:300]}"}
    elif lag > settings.HEALTH_OUTBOX_MAX_AGE:
        cause = (
            f"messages wait {round(lag)} s; last error: {last_error[:300]}"
            if last_error
            else f"messages wait {round(lag)} s and none was tried: is a worker consuming the {settings.OUTBOX_QUEUE} queue?"
        )
        report |= {"ok": False, "cause": cause}
    return report


def public_status(report: dict) -> str:
    """What an anonymous caller sees: a word, no figures."""
    return "ok" if report["ok"] else "unavailable"


def system_health() -> dict:
    database = check_database()
    report = {"database": database, "broker": check_broker()}
    if database["ok"]:
        report["beat"] = check_beat()
        report["outbox"] = check_outbox()
    report["ok"] = all(part["ok"] for part in report.values())
    return report
