"""The cache is an accelerator, never a dependency: an outage costs speed, not a page.

``read_through`` computes from the database when the cache cannot answer;
``cache_add`` says "go ahead" when it cannot decide. The Redis backend used in
production (``ForgivingRedisCache``) also turns a connection error into a miss
for everything else that reads the cache (DRF throttles, sessions if cached).
Each outage is logged once, not once per request.
"""

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

_MISSING = object()
# Log an outage once, then at most every LOG_EVERY seconds while it lasts.
LOG_EVERY = 60.0
_last_logged = 0.0
_lock = threading.Lock()


def log_outage(error: BaseException) -> None:
    global _last_logged
    with _lock:
        now = time.monotonic()
        if _last_logged and now - _last_logged < LOG_EVERY:
            return
        _last_logged = now
    logger.warning("The cache is unreachable (%s: %s); reading from the database.", type(error).__name__, error)


def read_through(key: str, compute: Callable[[], Any], timeout: int | None) -> Any:
    """The cached value of ``key``, or ``compute()`` (stored for ``timeout`` seconds when the cache works)."""
    try:
        value = cache.get(key, _MISSING)
    except Exception as error:
        log_outage(error)
        return compute()
    if value is not _MISSING:
        return value
    value = compute()
    try:
        cache.set(key, value, timeout)
    except Exception as error:
        log_outage(error)
    return value


def cache_delete(key: str) -> None:
    """``cache.delete``; when the cache is down the value is gone with it or expires on its timeout."""
    try:
        cache.delete(key)
    except Exception as error:
        log_outage(error)


def cache_add(key: str, value: Any, timeout: float) -> bool:
    """``cache.add``, but True when the cache is down (the caller does the work rather than skip it)."""
    try:
        return cache.add(key, value, timeout=timeout)
    except Exception as error:
        log_outage(error)
        return True


def _forgiving(name: str, default: Any):
    method = getattr(RedisCache, name)

    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except Exception as error:
            if not _is_connection_error(error):
                raise
            log_outage(error)
            return default(args, kwargs) if callable(default) else default

    wrapper.__name__ = name
    return wrapper


def _is_connection_error(error: BaseException) -> bool:
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:  # pragma: no cover - redis is a dependency
        return False
    return isinstance(error, RedisConnectionError | RedisTimeoutError | OSError)


def _get_default(args, kwargs):
    return kwargs.get("default", args[1] if len(args) > 1 else None)


class ForgivingRedisCache(RedisCache):
    """Django's Redis cache, reading as a miss and writing as a no-op while Redis is unreachable."""

    get = _forgiving("get", _get_default)
    set = _forgiving("set", None)
    add = _forgiving("add", True)  # as cache_add: do the work rather than skip it
    delete = _forgiving("delete", False)
    touch = _forgiving("touch", False)
    has_key = _forgiving("has_key", False)
    get_many = _forgiving("get_many", lambda args, kwargs: {})
    set_many = _forgiving("set_many", lambda args, kwargs: [])
    delete_many = _forgiving("delete_many", None)
