"""The notification outbox: write a row with the change, send it later, once.

``notify`` runs inside the caller's transaction. The row's unique
``dedupe_key`` makes a second insert a no-op, so a sweep that runs twice or a
retried request never creates a second message. After commit we poke the
drain task; when the broker is down the periodic drain sends it later.

Attachments are references (``{"kind": "loans.receipt", "id": 12}``) that the
owning app resolves when the message is sent, never bytes copied into the row.
"""

import logging
import uuid
from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

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
    attachments = _check_attachments(attachments or [])
    if language is None:
        language = getattr(recipient, "language", None) or settings.LANGUAGE_CODE
    try:
        # A savepoint, so that a duplicate key leaves the caller's transaction usable
        # (and undoes whatever the hooks recorded for it).
        with transaction.atomic():
            row = Notification.objects.create(
                dedupe_key=dedupe_key,
                template=template,
                to_email=to_email,
                recipient=recipient,
                language=language,
                context=context or {},
                # Fixed when queued, so that every send attempt carries the same id and replies can be matched.
                headers={"Message-ID": new_message_id(), **(headers or {})},
                attachments=attachments,
            )
            _run_hooks(row)
    except IntegrityError:
        return False
    transaction.on_commit(poke_drain)
    return True


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


def _run_hooks(row: Notification) -> None:
    hooks = outbox_hooks()
    if not hooks:
        return
    before = (dict(row.headers), dict(row.context))
    for hook in hooks:
        hook(row)
    if (row.headers, row.context) != before:
        row.save(update_fields=["headers", "context"])


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
        dedupe_key=dedupe_key,
        template=template,
        to_email=user.email,
        recipient=user,
        language=user.language,
        context={"recipient_name": user.get_full_name() or user.email, **(context or {})},
        headers=headers,
        attachments=attachments,
    )


def poke_drain() -> None:
    """Ask a worker to drain now; never fail the request if the broker is down."""
    if not settings.OUTBOX_POKE_ON_COMMIT:
        return
    from .tasks import outbox_drain

    try:
        outbox_drain.apply_async(retry=False)
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
    """Back off 1, 2, 4 ... minutes, at most six hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def outbox_drain(*, batch_size: int | None = None, max_batches: int = 50) -> int:
    """Send pending messages that are due. Safe to run many times at once.

    Each batch is claimed with ``SELECT ... FOR UPDATE SKIP LOCKED``: two
    drains never hold the same row, and a row is marked sent in the same
    transaction that holds its lock, so a message is sent once.
    (SQLite has no row locks; its IMMEDIATE transactions serialise drains.)
    """
    batch_size = batch_size or settings.OUTBOX_BATCH_SIZE
    sent = 0
    for _batch in range(max_batches):
        with transaction.atomic():
            rows = list(
                Notification.objects.select_for_update(skip_locked=True)
                .filter(status=Notification.Status.PENDING, next_attempt_at__lte=timezone.now())
                .order_by("next_attempt_at", "id")[:batch_size]
            )
            if not rows:
                break
            for row in rows:
                sent += _send_one(row)
    return sent


def _send_one(row: Notification) -> int:
    now = timezone.now()
    row.attempts += 1
    try:
        render_message(row).send()
    except Exception as error:
        row.last_error = f"{type(error).__name__}: {error}"[:2000]
        if row.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            row.status = Notification.Status.FAILED
        row.next_attempt_at = now + retry_delay(row.attempts)
        row.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
        logger.warning("Outbox message %s failed (attempt %s): %s", row.dedupe_key, row.attempts, row.last_error)
        return 0
    row.status = Notification.Status.SENT
    row.sent_at = now
    row.last_error = ""
    row.save(update_fields=["attempts", "status", "sent_at", "last_error"])
    return 1


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
