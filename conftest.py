"""Test settings that apply to the whole suite (STYLE.md: fast and deterministic)."""

import os

import pytest

os.environ.setdefault("ICITY_TESTING", "1")


def _cache_url_of_this_worker(redis_url: str, worker: str) -> str:
    """Each xdist worker caches in its own Redis database: a test that clears the cache (FLUSHDB)
    must not empty the sessions and cached figures of a test running on the other worker."""
    base, _slash, number = redis_url.rpartition("/")
    first = int(number) if number.isdigit() else 0
    return f"{base}/{(first + 1 + int(worker.removeprefix('gw'))) % 16}"


@pytest.fixture(autouse=True)
def _fast_and_quiet_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.OUTBOX_POKE_ON_COMMIT = False
    settings.MEDIA_ROOT = tmp_path / "media"
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if os.environ.get("REDIS_URL") and worker.removeprefix("gw").isdigit():
        default = settings.CACHES["default"]
        if "redis" in default["BACKEND"].lower():
            location = _cache_url_of_this_worker(os.environ["REDIS_URL"], worker)
            settings.CACHES = {**settings.CACHES, "default": {**default, "LOCATION": location}}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def pytest_sessionstart(session):
    """With REDIS_URL set (CI), Redis must answer: fail, never skip silently."""
    redis_url = os.environ.get("REDIS_URL")
    if redis_url:
        import redis

        try:
            redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
        except Exception as error:  # pragma: no cover - only when the service is down
            raise pytest.UsageError(f"REDIS_URL is set but Redis does not answer: {error}") from error
