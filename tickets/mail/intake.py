"""Email intake: one raw message in, one transaction, one outcome.

Outcomes: a new ticket, a comment on the ticket it answers (a follow-up ticket
when that one is closed), ignored (auto-replies, bounces, our own messages,
duplicates) or quarantined (kept whole for an admin). The IMAP poller, the
``ingest_email`` command and the quarantine retry all come through
``email_ingest``; it never raises for a bad message.
"""

import hashlib
import logging
import re
import traceback
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from icity.models import Notification, User
from icity.outbox import notify
from icity.roles import Role
from tickets import services
from tickets.access import can_manage
from tickets.models import Channel, Comment, Status, Ticket
from tickets.uploads import CheckedUpload, check_upload, clean_filename

from . import outbound
from .models import InboundMessage, InboundStatus, Mailbox, OutboundEmail, QuarantinedMessage
from .parser import ParsedEmail, UnparseableEmail, message_id_of, parse_email

logger = logging.getLogger(__name__)

REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|aw|antw|sv|fw|fwd|tr|wg)\s*:\s*)+", re.I)


@dataclass
class IntakeResult:
    status: str  # processed, ignored, quarantined or duplicate
    reason: str = ""
    inbound: InboundMessage | None = None
    ticket: Ticket | None = None
    comment: Comment | None = None
    created_ticket: bool = False


# Entry point -----------------------------------------------------------------


def email_ingest(*, raw: bytes, mailbox: Mailbox | None = None, now: datetime | None = None) -> IntakeResult:
    """Turn one raw RFC 822 message into a ticket or a comment, in one transaction.

    A Message-ID seen before creates nothing (the unique ``InboundMessage`` row
    also settles two pollers racing on the same message). Whatever goes wrong
    while handling the message rolls back to a savepoint and the message is
    quarantined in the same transaction: never dropped, never raised.
    """
    now = now or timezone.now()
    message_id, _generated = message_id_of(raw)
    if InboundMessage.objects.filter(message_id=message_id).exists():
        return IntakeResult("duplicate", "Message-ID seen before")
    with transaction.atomic():
        try:
            with transaction.atomic():
                inbound = InboundMessage.objects.create(
                    message_id=message_id, mailbox=mailbox, status=InboundStatus.PROCESSED, received_at=now
                )
        except IntegrityError:
            return IntakeResult("duplicate", "Message-ID seen before")
        try:
            with transaction.atomic():
                result = _handle(inbound=inbound, raw=raw, mailbox=mailbox, now=now)
        except Exception as error:
            return _quarantine(inbound=inbound, raw=raw, error=error)
        inbound.save()
        return result


def _quarantine(*, inbound: InboundMessage, raw: bytes, error: Exception, attempts: int = 1) -> IntakeResult:
    if isinstance(error, UnparseableEmail | ValidationError):
        detail = f"{type(error).__name__}: {error}"
    else:
        detail = "".join(traceback.format_exception(error))
        logger.exception("Email %s quarantined", inbound.message_id, exc_info=error)
    inbound.status = InboundStatus.QUARANTINED
    inbound.reason = f"{type(error).__name__}: {error}"[:255]
    inbound.ticket = None
    inbound.comment = None
    inbound.save()
    QuarantinedMessage.objects.create(inbound=inbound, raw=raw, error=detail[:20000], attempts=attempts)
    return IntakeResult("quarantined", inbound.reason, inbound)


@transaction.atomic
def quarantine_retry(*, quarantined: QuarantinedMessage) -> IntakeResult:
    """Run a quarantined message through the intake again (after a fix or a configuration change)."""
    quarantined = QuarantinedMessage.objects.select_for_update().select_related("inbound").get(pk=quarantined.pk)
    inbound, raw, attempts = quarantined.inbound, bytes(quarantined.raw), quarantined.attempts
    mailbox = inbound.mailbox
    inbound.delete()  # the quarantine row goes with it
    result = email_ingest(raw=raw, mailbox=mailbox)
    if result.status == "quarantined":
        QuarantinedMessage.objects.filter(inbound=result.inbound).update(attempts=attempts + 1)
    return result


@transaction.atomic
def quarantine_discard(*, quarantined: QuarantinedMessage, actor: User) -> None:
    """Give up on a quarantined message on purpose: it stays listed as ignored, its bytes are dropped."""
    quarantined = QuarantinedMessage.objects.select_for_update().select_related("inbound").get(pk=quarantined.pk)
    inbound = quarantined.inbound
    inbound.status = InboundStatus.IGNORED
    inbound.reason = f"Discarded by {actor.email}"[:255]
    inbound.save(update_fields=["status", "reason"])
    quarantined.delete()


# Handling ----------------------------------------------------------------------


def _ignore(inbound: InboundMessage, reason: str) -> IntakeResult:
    inbound.status = InboundStatus.IGNORED
    inbound.reason = reason[:255]
    return IntakeResult("ignored", inbound.reason, inbound)


def own_addresses() -> set[str]:
    addresses = {a.lower() for a in Mailbox.objects.values_list("address", flat=True)}
    addresses.add(settings.EMAIL_HELPDESK_ADDRESS.lower())
    addresses.add(_address(settings.DEFAULT_FROM_EMAIL))
    return {address for address in addresses if address}


def _address(value: str) -> str:
    return parseaddr(value)[1].lower()


def _handle(*, inbound: InboundMessage, raw: bytes, mailbox: Mailbox | None, now: datetime) -> IntakeResult:
    parsed = parse_email(raw)
    inbound.sender = parsed.from_address[:254]
    inbound.subject = parsed.subject[:500]
    # Loop protection first: never answer, or ticket, what we sent ourselves or what a machine sent.
    if (
        parsed.own_notification
        or parsed.from_address in own_addresses()
        or OutboundEmail.objects.filter(message_id=parsed.message_id).exists()
    ):
        return _ignore(inbound, "Sent by this application")
    if parsed.auto_reason:
        return _ignore(inbound, f"Automatic message ({parsed.auto_reason})")

    sender = User.objects.filter(email__iexact=parsed.from_address).first()
    if sender is not None and not sender.is_active:
        return _ignore(inbound, "Sender account is deactivated")
    ticket = _answered_ticket(parsed)
    if ticket is not None and sender is not None and _may_reply(sender, ticket):
        return _add_reply(inbound=inbound, parsed=parsed, raw=raw, ticket=ticket, sender=sender, now=now)

    if sender is None:
        if settings.EMAIL_INTAKE_UNKNOWN_SENDERS != "create":
            _send_instructions(inbound=inbound, parsed=parsed, now=now)
            return _ignore(inbound, "Unknown sender")
        sender = _create_contact(parsed)
    return _open_ticket(inbound=inbound, parsed=parsed, raw=raw, sender=sender, mailbox=mailbox, now=now)


def _answered_ticket(parsed: ParsedEmail) -> Ticket | None:
    """The ticket this message answers: by Message-IDs we sent or received, then by [HD-...] in the subject."""
    ticket = None
    ids = parsed.thread_ids
    if ids:
        known = dict(OutboundEmail.objects.filter(message_id__in=ids).values_list("message_id", "ticket_id"))
        known |= dict(
            InboundMessage.objects.filter(message_id__in=ids, ticket__isnull=False).values_list(
                "message_id", "ticket_id"
            )
        )
        ticket_id = next((known[message_id] for message_id in ids if message_id in known), None)
        if ticket_id is not None:
            ticket = Ticket.objects.filter(pk=ticket_id).first()
    if ticket is None and parsed.reference:
        ticket = Ticket.objects.filter(reference=parsed.reference).first()
    for _hop in range(5):  # a merged ticket's conversation continues on its target
        if ticket is None or ticket.status != Status.MERGED or ticket.merged_into_id is None:
            break
        ticket = Ticket.objects.filter(pk=ticket.merged_into_id).first()
    return ticket


def _may_reply(sender: User, ticket: Ticket) -> bool:
    """A subject tag is easy to copy: only the ticket's people may add to it by email."""
    return (
        sender.pk == ticket.requester_id or ticket.watchers.filter(pk=sender.pk).exists() or can_manage(sender, ticket)
    )


def _create_contact(parsed: ParsedEmail) -> User:
    """A requester account for an unknown sender: no password (they can reset one), requester role."""
    first, _space, last = parsed.from_name.replace('"', "").strip().partition(" ")
    user = User.objects.create_user(
        email=parsed.from_address, password=None, first_name=first[:150], last_name=last[:150]
    )
    user.groups.add(Group.objects.get_or_create(name=Role.REQUESTER)[0])
    return user


def _uploads(parsed: ParsedEmail) -> tuple[list[ContentFile], list[str]]:
    """Attachments that pass the same checks as web uploads; the others as 'name: reason' notes."""
    accepted, refused = [], []
    for attachment in parsed.attachments:
        upload = ContentFile(attachment.content, name=clean_filename(attachment.filename))
        try:
            check_upload(upload)
        except ValidationError as error:
            refused.append(f"{upload.name}: {' '.join(error.messages)}")
            continue
        upload.seek(0)
        accepted.append(upload)
    return accepted, refused


def _store_original(*, ticket: Ticket, comment: Comment | None, raw: bytes, sender: User, parsed: ParsedEmail) -> None:
    """Keep the whole message as an .eml attachment that only agents see (quotes and all)."""
    name = clean_filename(f"{(parsed.subject or 'email')[:80]}.eml")
    checked = CheckedUpload(
        content=raw,
        content_type="message/rfc822",
        original_name=name,
        sha256=hashlib.sha256(raw).hexdigest(),
        thumbnail=None,
    )
    services._store_attachment(ticket=ticket, uploaded_by=sender, checked=checked, comment=comment, internal=True)


def _note_refused(ticket: Ticket, sender: User, refused: list[str]) -> None:
    for note in refused:
        services._event(ticket, sender, "attachment_refused", "", note)


def _title(parsed: ParsedEmail) -> str:
    title = parsed.subject.strip()
    if not title:
        first_line = next((line.strip() for line in parsed.text.splitlines() if line.strip()), "")
        title = first_line[:120] or _("(no subject)")
    return title[:200]


def _open_ticket(
    *, inbound: InboundMessage, parsed: ParsedEmail, raw: bytes, sender: User, mailbox: Mailbox | None, now: datetime
) -> IntakeResult:
    uploads, refused = _uploads(parsed)
    title = _title(parsed)
    ticket = services.ticket_open(
        requester=sender,
        opened_by=sender,
        title=title,
        description=parsed.text or title,
        channel=Channel.EMAIL,
        uploads=uploads,
        team=mailbox.team if mailbox else None,
    )
    _store_original(ticket=ticket, comment=None, raw=raw, sender=sender, parsed=parsed)
    _note_refused(ticket, sender, refused)
    inbound.ticket = ticket
    inbound.save(update_fields=["ticket", "sender", "subject"])
    outbound.rethread(ticket)
    _limit_acknowledgement(inbound=inbound, ticket=ticket, now=now)
    return IntakeResult("processed", "New ticket", inbound, ticket, None, created_ticket=True)


def _add_reply(
    *, inbound: InboundMessage, parsed: ParsedEmail, raw: bytes, ticket: Ticket, sender: User, now: datetime
) -> IntakeResult:
    uploads, refused = _uploads(parsed)
    body = parsed.reply_text or parsed.text or REPLY_PREFIX.sub("", parsed.subject) or "-"
    if ticket.status == Status.CANCELLED:
        # A cancelled ticket takes no replies; the message still deserves a ticket, linked to the old one.
        follow_up = services.ticket_open(
            requester=ticket.requester,
            opened_by=sender,
            title=_title(parsed),
            description=body,
            channel=Channel.EMAIL,
            uploads=uploads,
            follow_up_of=ticket,
            team=ticket.team,
        )
        comment = Comment(ticket=follow_up, author=sender, body=body)
    else:
        comment = services.comment_add(ticket=ticket, author=sender, body=body, uploads=uploads)
    created = comment.pk is None  # closed ticket: comment_add opened a linked follow-up instead
    target = comment.ticket
    _store_original(ticket=target, comment=None if created else comment, raw=raw, sender=sender, parsed=parsed)
    _note_refused(target, sender, refused)
    inbound.ticket = target
    inbound.comment = None if created else comment
    inbound.save(update_fields=["ticket", "comment", "sender", "subject"])
    outbound.rethread(target)
    if created:
        if target.channel != Channel.EMAIL:
            Ticket.objects.filter(pk=target.pk).update(channel=Channel.EMAIL)
            target.channel = Channel.EMAIL
        _limit_acknowledgement(inbound=inbound, ticket=target, now=now)
        return IntakeResult("processed", "Follow-up ticket", inbound, target, None, created_ticket=True)
    return IntakeResult("processed", "Reply", inbound, target, comment)


# Acknowledgements and loop protection -------------------------------------------


def _acknowledgements_left(sender: str, now: datetime) -> bool:
    since = now - timedelta(hours=1)
    sent = InboundMessage.objects.filter(sender=sender, acknowledged=True, received_at__gte=since).count()
    return sent < settings.EMAIL_INTAKE_ACKS_PER_HOUR


def _limit_acknowledgement(*, inbound: InboundMessage, ticket: Ticket, now: datetime) -> None:
    """At most N automatic answers per sender per hour: two auto-responders can never ping-pong for long."""
    if _acknowledgements_left(inbound.sender, now):
        inbound.acknowledged = True
        return
    Notification.objects.filter(dedupe_key=f"ticket:{ticket.pk}:opened", status=Notification.Status.PENDING).update(
        status=Notification.Status.CANCELLED,
        last_error="Not sent: acknowledgement limit per sender per hour reached (email loop protection).",
    )


def _send_instructions(*, inbound: InboundMessage, parsed: ParsedEmail, now: datetime) -> None:
    if not _acknowledgements_left(parsed.from_address, now):
        return
    inbound.acknowledged = True
    notify(
        dedupe_key=f"email:{hashlib.sha256(inbound.message_id.encode()).hexdigest()[:40]}:instructions",
        template="tickets_email_instructions",
        to_email=parsed.from_address,
        language=settings.LANGUAGE_CODE,
        context={"recipient_name": parsed.from_name or parsed.from_address, "subject": parsed.subject[:200]},
        headers={
            "In-Reply-To": inbound.message_id,
            "References": inbound.message_id,
            "Auto-Submitted": "auto-replied",
            "X-Auto-Response-Suppress": "All",
        },
    )
