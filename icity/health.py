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
    figures = Notification.objects.aggregate(
        pending=Count("id", filter=Q(status=Notification.Status.PENDING)),
        failed=Count("id", filter=Q(status=Notification.Status.FAILED)),
        oldest_due=Min("next_attempt_at", filter=Q(status=Notification.Status.PENDING)),
    )
    oldest = figures.pop("oldest_due")
    lag = max((timezone.now() - oldest).total_seconds(), 0) if oldest else 0
    return {**figures, "oldest_due_age_seconds": round(lag), "ok": lag <= settings.HEALTH_OUTBOX_MAX_AGE}


def system_health() -> dict:
    database = check_database()
    report = {"database": database, "broker": check_broker()}
    if database["ok"]:
        report["beat"] = check_beat()
        report["outbox"] = check_outbox()
    report["ok"] = all(part["ok"] for part in report.values())
    return report
