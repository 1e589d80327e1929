"""The notification outbox: write a row with the change, send it later, once.

``notify`` runs inside the caller's transaction. The row's unique
``dedupe_key`` makes a second insert a no-op, so a sweep that runs twice or a
retried request never creates a second message. After commit we poke the
drain task; when the broker is down the periodic drain sends it later.

Attachments are references (``{"kind": "loans.receipt", "id": 12}``) that the
owning app resolves when the message is sent, never bytes copied into the row.
"""

import fcntl
import hashlib
import logging
import os
import smtplib
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager, suppress
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import DEFAULT_DB_ALIAS, IntegrityError, InterfaceError, OperationalError, connections, transaction
from django.db import connection as db_connection
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .cache import cache_add
from .models import Notification
from .registry import attachment_provider, outbox_hooks

logger = logging.getLogger(__name__)


def notify(
    *,
    dedupe_key: str,
    template: str,
    to_email: str,
    recipient=None,
    language: str | None = None,
    context: dict | None = None,
    headers: dict | None = None,
    attachments: list[dict] | None = None,
) -> bool:
    """Queue one message. Returns False when the same key was queued before.

    ``context`` must be JSON data (ids, names, URLs), never model instances:
    the message is rendered later, in another process. ``attachments`` are
    ``{"kind": ..., "id": ...}`` references to objects an app registered a
    provider for (``registry.register_attachment_provider``).
    """
    row = _new_row(
        dedupe_key=dedupe_key,
        template=template,
        to_email=to_email,
        recipient=recipient,
        language=language,
        context=context,
        headers=headers,
        attachments=attachments,
    )
    follow_ups = _run_hooks([row])  # reads only, before the savepoint
    try:
        # A savepoint, so that a duplicate key leaves the caller's transaction usable
        # (and undoes whatever the hooks recorded for it).
        with transaction.atomic():
            row.save(force_insert=True)
            _save_follow_ups(follow_ups)
    except IntegrityError:
        return False
    transaction.on_commit(poke_drain)
    return True


def notify_many(messages: list[dict]) -> int:
    """Queue several messages with one INSERT; each dict holds ``notify``'s keyword arguments.

    For messages whose keys cannot exist yet (they name a row created in the
    same transaction, like a ticket just opened): there is no savepoint, so a
    duplicate key fails the caller's transaction instead of being skipped.
    """
    rows = [_new_row(**message) for message in messages]
    if not rows:
        return 0
    follow_ups = _run_hooks(rows)
    Notification.objects.bulk_create(rows)
    _save_follow_ups(follow_ups)
    transaction.on_commit(poke_drain)
    return len(rows)


def _new_row(
    *,
    dedupe_key: str,
    template: str,
    to_email: str,
    recipient=None,
    language: str | None = None,
    context: dict | None = None,
    headers: dict | None = None,
    attachments: list[dict] | None = None,
) -> Notification:
    if language is None:
        language = getattr(recipient, "language", None) or settings.LANGUAGE_CODE
    return Notification(
        dedupe_key=dedupe_key,
        template=template,
        to_email=to_email,
        recipient=recipient,
        language=language,
        context=context or {},
        # Fixed when queued, so that every send attempt carries the same id and replies can be matched.
        headers={"Message-ID": new_message_id(), **(headers or {})},
        attachments=_check_attachments(attachments or []),
    )


class UnknownAttachmentKind(ValueError):
    """An attachment reference no app registered a provider for: a programming error."""


def _check_attachments(attachments: list[dict]) -> list[dict]:
    """Refuse a bad reference now, in the caller's request, rather than at send time in a worker.

    A typo in a kind would otherwise surface minutes later as an email silently
    sent without its PDF.
    """
    checked = []
    for reference in attachments:
        if not isinstance(reference, dict):
            raise ValueError(f"An attachment is a {{'kind': ..., 'id': ...}} reference, not {reference!r}.")
        kind, object_id = reference.get("kind"), reference.get("id")
        if attachment_provider(kind) is None:
            raise UnknownAttachmentKind(f"No attachment provider is registered for {kind!r}.")
        if not isinstance(object_id, int) or isinstance(object_id, bool):
            raise ValueError(f"Attachment {kind!r} needs an integer id, not {object_id!r}.")
        checked.append({"kind": kind, "id": object_id})
    return checked


def new_message_id() -> str:
    """``<random@domain of DEFAULT_FROM_EMAIL>``: unique, and recognisably ours."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"<icity.{uuid.uuid4().hex}@{domain}>"


def _run_hooks(rows: list[Notification]) -> list:
    """Let the registered hooks complete the rows before they are inserted; return the rows they want saved too."""
    follow_ups = []
    for hook in outbox_hooks():
        follow_ups.extend(hook(rows) or ())
    return follow_ups


def _save_follow_ups(objects: list) -> None:
    """Insert the hooks' rows (which point at notifications saved just before), one INSERT per model."""
    by_model: dict[type, list] = {}
    for instance in objects:
        by_model.setdefault(type(instance), []).append(instance)
    for model, instances in by_model.items():
        model.objects.bulk_create(instances)


def notify_user(
    *,
    user,
    dedupe_key: str,
    template: str,
    context: dict | None = None,
    headers: dict | None = None,
    attachments: list[dict] | None = None,
) -> bool:
    return notify(
        **message_to_user(
            user=user,
            dedupe_key=dedupe_key,
            template=template,
            context=context,
            headers=headers,
            attachments=attachments,
        )
    )


def message_to_user(
    *,
    user,
    dedupe_key: str,
    template: str,
    context: dict | None = None,
    headers: dict | None = None,
    attachments: list[dict] | None = None,
) -> dict:
    """``notify``'s arguments for a message to ``user`` (for ``notify_many``)."""
    return {
        "dedupe_key": dedupe_key,
        "template": template,
        "to_email": user.email,
        "recipient": user,
        "language": user.language,
        "context": {"recipient_name": user.get_full_name() or user.email, **(context or {})},
        "headers": headers,
        "attachments": attachments,
    }


_drain_trigger: Callable[..., None] | None = None
_pokes = threading.local()
_last_poke = 0.0
POKE_KEY = "icity:outbox:poke"


def set_drain_trigger(trigger: Callable[..., None] | None) -> None:
    """Register how to ask a worker to drain (``icity.tasks`` does, from ``AppConfig.ready``).

    The outbox knows nothing of Celery: it is handed a callable taking
    ``countdown`` (seconds), and calls it at most once per poke interval.
    """
    global _drain_trigger
    _drain_trigger = trigger


@contextmanager
def one_poke():
    """Queue a single drain at the end of a bulk operation (demo seeding, sweeps) rather than one per row."""
    depth = getattr(_pokes, "held", 0)
    _pokes.held = depth + 1
    try:
        yield
    finally:
        _pokes.held = depth
    if depth == 0:
        poke_drain(force=True)


def poke_drain(*, force: bool = False) -> None:
    """Ask a worker to drain soon; never fail the request if the broker is down.

    However many messages a transaction or a burst creates, at most one drain
    is queued now and one more at the end of the interval (so that a message
    committed after the first drain looked still goes within seconds): one
    process-local check, then a cache key with a TTL shared by every process.
    """
    global _last_poke
    if not settings.OUTBOX_POKE_ON_COMMIT or _drain_trigger is None or getattr(_pokes, "held", 0):
        return
    interval = settings.OUTBOX_POKE_INTERVAL
    now = time.time()
    slot = int(now // interval)
    if not force and _last_poke and int(_last_poke // interval) == slot:
        return  # this process already poked in this interval: the deferred drain covers the rest
    _last_poke = now
    countdown = None
    if not force and not cache_add(POKE_KEY, 1, timeout=interval):
        # A drain was queued in the last interval and may already have looked:
        # one more, at the end of this interval, for every process that comes here.
        if not cache_add(f"{POKE_KEY}:{slot}", 1, timeout=interval * 2):
            return
        countdown = max((slot + 1) * interval - now, 0.1)
    try:
        _drain_trigger(countdown=countdown)
    except Exception:  # the periodic drain will pick the rows up
        logger.warning("Could not reach the broker to drain the outbox now; the periodic drain will.", exc_info=True)


def render_message(notification: Notification) -> EmailMultiAlternatives:
    files = _resolve_attachments(notification)
    context = {
        "site_url": settings.SITE_URL,
        **notification.context,
        # What really goes with the email: a template can say "attached" only when it is.
        "attachments_included": [filename for filename, _content, _mimetype in files],
    }
    with translation.override(notification.language):
        base = f"emails/{notification.template}"
        subject = " ".join(render_to_string(f"{base}.subject.txt", context).split())
        subject = _tag_subject(subject, notification.context.get("subject_tag", ""))
        text_body = render_to_string(f"{base}.txt", context)
        html_body = render_to_string(f"{base}.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.to_email],
        headers={"X-Icity-Notification": notification.dedupe_key, **notification.headers},
    )
    message.attach_alternative(html_body, "text/html")
    for filename, content, mimetype in files:
        message.attach(filename, content, mimetype)
    return message


def _resolve_attachments(notification: Notification) -> list[tuple[str, bytes, str]]:
    """Load each referenced file now, at send time.

    The outbox holds references, not bytes: deleting or anonymising a receipt
    also takes it out of mail not sent yet (no copy of personal data lingers in
    the outbox), and the outbox table stays small. So a reference whose object
    is gone is skipped and the message still goes: the rest of it is still
    worth sending. A provider that is no longer registered (a deployment
    mistake; ``notify`` checked the kind) raises, so the message is retried and
    stays visible rather than going out without its file.
    """
    files = []
    for reference in notification.attachments:
        kind, object_id = reference["kind"], reference["id"]
        resolve = attachment_provider(kind)
        if resolve is None:
            raise UnknownAttachmentKind(f"No attachment provider is registered for {kind!r}.")
        resolved = resolve(object_id)
        if resolved is None:
            logger.info(
                "Outbox message %s: attachment %s #%s is gone (deleted or anonymised); sending without it.",
                notification.dedupe_key,
                kind,
                object_id,
            )
            continue
        files.append(resolved)
    return files


def _tag_subject(subject: str, tag: str) -> str:
    """Put a thread tag such as ``[HD-2026-000123]`` in the subject once (brackets round a bare mention)."""
    if not tag or tag in subject:
        return subject
    bare = tag.strip("[]")
    if bare and bare in subject:
        return subject.replace(bare, tag, 1)
    return f"{tag} {subject}"


def retry_delay(attempts: int) -> timedelta:
    """Back off 1, 2, 4 ... minutes (``OUTBOX_RETRY_BASE_SECONDS``), at most six hours."""
    return timedelta(seconds=min(settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), 6 * 3600))


class RelayError(Exception):
    """The mail relay itself failed (refused, hung, dropped): stop the drain, not just this message."""


def _is_relay_error(error: Exception) -> bool:
    """Refused, hung, dropped or shutting down: the relay, not this message (SMTP errors are OSErrors too)."""
    if isinstance(error, smtplib.SMTPConnectError | smtplib.SMTPServerDisconnected | smtplib.SMTPHeloError):
        return True
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code == 421
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


def outbox_drain(
    *,
    limit: int | None = None,
    time_budget: float | None = None,
    interrupts: tuple[type[BaseException], ...] = (),
) -> int:
    """Send pending messages that are due, one at a time. Safe to run many times at once.

    Each message is claimed in its own short transaction (``SKIP LOCKED``; the
    claim pushes ``next_attempt_at`` a lease ahead and counts the attempt),
    sent with no transaction open, then marked sent. A process killed between
    sending and marking repeats at most that one message, when its lease ends.
    The drain claims nothing new once ``time_budget`` seconds have passed, and
    re-raises ``interrupts`` (Celery's soft time limit, passed in by the task)
    rather than counting them as a failed send. One drain runs at a time
    (an advisory lock, or a file lock on SQLite): others return at once, so a
    hung relay holds one worker slot, not all of them.
    """
    limit = limit or settings.OUTBOX_DRAIN_LIMIT
    deadline = time.monotonic() + (time_budget or settings.OUTBOX_DRAIN_SECONDS)
    sent = 0
    while True:
        with _drain_lock() as acquired:
            if not acquired:
                return sent
            sent, more = _drain_locked(sent, limit, deadline, interrupts)
        # A drain that found the lock held gave up while we still had it: look once
        # more after releasing, so that its message is not left to the periodic drain.
        if not more or not due_exists():
            return sent


def _drain_locked(sent: int, limit: int, deadline: float, interrupts) -> tuple[int, bool]:
    connection = None
    try:
        while sent < limit and time.monotonic() < deadline:
            row = _claim_next()
            if row is None:
                return sent, True
            if connection is None:
                connection = get_connection()
            try:
                sent += _send_one(row, connection, interrupts)
            except RelayError:
                return sent, False
        return sent, False
    finally:
        if connection is not None:
            with suppress(Exception):  # closing a dead relay connection
                connection.close()


def due_exists() -> bool:
    return Notification.objects.filter(status=Notification.Status.PENDING, next_attempt_at__lte=timezone.now()).exists()


def _claim_next() -> Notification | None:
    now = timezone.now()
    with transaction.atomic():
        row = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(status=Notification.Status.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .first()
        )
        if row is None:
            return None
        row.attempts += 1
        # The lease: nobody else takes it until then, even if this process dies.
        row.next_attempt_at = now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
        row.save(update_fields=["attempts", "next_attempt_at"])
    return row


def _send_one(row: Notification, connection, interrupts) -> int:
    try:
        message = render_message(row)
        message.connection = connection
        message.send()
    except interrupts:
        raise
    except Exception as error:
        relay = _is_relay_error(error)
        row.last_error = f"{'relay: ' if relay else ''}{type(error).__name__}: {error}"[:2000]
        if row.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            row.status = Notification.Status.FAILED
        row.next_attempt_at = timezone.now() + retry_delay(row.attempts)
        _write_with_retry(
            lambda: Notification.objects.filter(pk=row.pk).update(
                last_error=row.last_error, status=row.status, next_attempt_at=row.next_attempt_at
            )
        )
        logger.warning("Outbox message %s failed (attempt %s): %s", row.dedupe_key, row.attempts, row.last_error)
        if relay:
            with suppress(Exception):  # the relay is already gone
                connection.close()
            raise RelayError(row.last_error) from error
        return 0
    # Sent: record it even through a database restart, or the lease would send it again.
    _write_with_retry(
        lambda: Notification.objects.filter(pk=row.pk).update(
            status=Notification.Status.SENT, sent_at=timezone.now(), last_error=""
        )
    )
    return 1


def _write_with_retry(write: Callable[[], object], *, tries: int = 8) -> None:
    for attempt in range(tries):
        try:
            write()
            return
        except (OperationalError, InterfaceError):
            if attempt == tries - 1:
                raise
            db_connection.close()
            time.sleep(min(0.5 * 2**attempt, 8))


@contextmanager
def _drain_lock():
    if db_connection.vendor == "postgresql" and settings.DATABASE_PGBOUNCER:
        with _pooled_drain_lock() as acquired:
            yield acquired
        return
    if db_connection.vendor == "postgresql":
        with db_connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [DRAIN_LOCK_ID])
            acquired = cursor.fetchone()[0]
        try:
            yield acquired
        finally:
            if acquired:
                try:
                    with db_connection.cursor() as cursor:
                        cursor.execute("SELECT pg_advisory_unlock(%s)", [DRAIN_LOCK_ID])
                except (OperationalError, InterfaceError):
                    pass  # the connection died, and the lock with it
        return
    # One lock per database: processes sharing var/ but not the database (test workers) never wait on each other.
    # An in-memory database (the test suite's) has the same name in every process but belongs to one process.
    database = str(db_connection.settings_dict["NAME"])
    if db_connection.is_in_memory_db():
        database = f"{database}-{os.getpid()}"
    name = hashlib.sha256(database.encode()).hexdigest()[:16]
    path = Path(settings.VAR_DIR) / f"outbox-drain-{name}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def _pooled_drain_lock():
    """The drain lock behind PgBouncer in transaction mode (``DATABASE_PGBOUNCER=1``).

    There each statement outside a transaction may run on another server connection:
    a session lock would be taken on one and "released" on another, and stay held
    by the first for good. So the lock is a transaction one, held by a transaction
    kept open for the whole drain on a connection of its own (the drain's claims
    and marks commit on the usual connection meanwhile). A killed process closes
    its connection; PgBouncer then drops the server connection, and the lock with it.
    """
    lock_connection = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        lock_connection.set_autocommit(False)
        with lock_connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [DRAIN_LOCK_ID])
            acquired = cursor.fetchone()[0]
        yield acquired
    finally:
        with suppress(OperationalError, InterfaceError):  # a dead connection holds no lock
            lock_connection.rollback()
        lock_connection.close()


DRAIN_LOCK_ID = 0x1C17_0B0C


def outbox_retry(*, notification_ids: list[int]) -> int:
    """Put failed (or delayed) messages back in the queue, due now."""
    with transaction.atomic():
        count = Notification.objects.filter(
            id__in=notification_ids, status__in=[Notification.Status.FAILED, Notification.Status.PENDING]
        ).update(status=Notification.Status.PENDING, attempts=0, next_attempt_at=timezone.now())
        transaction.on_commit(poke_drain)
    return count


def outbox_purge_sent(*, older_than_days: int | None = None) -> int:
    days = older_than_days if older_than_days is not None else settings.OUTBOX_KEEP_SENT_DAYS
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = Notification.objects.filter(status=Notification.Status.SENT, sent_at__lt=cutoff).delete()
    return deleted
