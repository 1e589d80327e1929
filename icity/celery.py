import os
from pathlib import Path

from celery import Celery
from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icity.settings")

app = Celery("icity")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _make_broker_folders(sender, **kwargs):
    # The embedded filesystem broker needs its folders before the first message.
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


class RedisChannel(kombu_redis.Channel):
    """kombu's Redis channel, except that a channel whose connection is gone fails as a connection error.

    When Redis goes away, Celery 5.7.0's worker ``collect()``s the lost
    connection, which detaches the transport from it, then closes it again,
    and acknowledges the task that was running once it finishes. Both reach
    kombu's ``_connparams`` for a new Redis pool, which reads the detached
    ``connection.client`` (or the channel's own ``connection``, once closed) and
    raises ``AttributeError: 'NoneType' object has no attribute 'hostname'``. Celery only forgives connection errors there, so
    the worker exited for good and nothing was drained until a restart
    (``make faults``, Redis scenario; Celery 5.6 did not close twice, and 5.7.0
    is the latest release). As a connection error, the worker logs it and
    reconnects; the unacknowledged task stays in Redis and comes back after
    the visibility timeout (running a drain twice is safe).
    """

    def _connparams(self, asynchronous=False):
        if self.connection is None or self.connection.client is None:
            raise RedisConnectionError("this broker connection was closed after the broker went away")
        return super()._connparams(asynchronous=asynchronous)


class RedisTransport(kombu_redis.Transport):
    """kombu's Redis transport with :class:`RedisChannel` (``CELERY_BROKER_TRANSPORT`` in icity/settings.py)."""

    Channel = RedisChannel
