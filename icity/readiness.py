"""Readiness for a load balancer: may this node take requests right now?

/healthz (icity/health.py) reports the whole system (beat, outbox, broker) for
people and monitoring. /readyz answers one narrower question for HAProxy: can
this process reach the database (and Redis, when the cache and sessions live
there)? A node that is starting, or has lost its database, answers 503 and is
taken out of the pool until it answers 200 again. No login, no session, no
template: cheap enough to be asked every couple of seconds.
"""

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database_ready() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        connection.close_if_unusable_or_obsolete()
        return False


def _cache_ready() -> bool:
    if not settings.REDIS_URL:
        return True
    try:
        cache.get("icity:readyz")
        return True
    except Exception:
        return False


@never_cache
@require_GET
def readyz(request):
    checks = {"database": _database_ready(), "cache": _cache_ready()}
    ready = all(checks.values())
    return JsonResponse({"ready": ready, **checks}, status=200 if ready else 503)
