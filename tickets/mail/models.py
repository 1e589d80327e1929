"""Email channel data: team mailboxes, every inbound message seen, quarantine, sent Message-IDs.

Imported by ``tickets/models.py`` so that Django finds these models in the
tickets app. The workflows are in ``tickets/mail/intake.py``.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from icity import secrets


class Mailbox(models.Model):
    """A team's helpdesk address and the IMAP account it is read from."""

    team = models.ForeignKey(
        "tickets.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mailboxes",
        help_text=_("New tickets from this address go to this team."),
    )
    address = models.EmailField(_("address"), unique=True)
    imap_host = models.CharField(_("IMAP host"), max_length=200, blank=True)
    imap_port = models.PositiveIntegerField(_("IMAP port"), default=993)
    imap_tls = models.BooleanField(_("IMAP over TLS"), default=True)
    imap_user = models.CharField(_("IMAP user"), max_length=200, blank=True)
    # Encrypted at rest (icity.secrets): ``save`` encrypts, ``imap_password_plain`` reads.
    imap_password = models.CharField(
        _("IMAP password"),
        max_length=500,
        blank=True,
        help_text=_("Stored encrypted. Leave empty to read it from the EMAIL_IMAP_PASSWORDS setting."),
    )
    imap_folder = models.CharField(_("folder to read"), max_length=100, default="INBOX")
    enabled = models.BooleanField(_("enabled"), default=True)
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        constraints = [
            models.CheckConstraint(condition=models.Q(imap_port__gt=0, imap_port__lt=65536), name="mailbox_port"),
        ]

    def __str__(self) -> str:
        return self.address

    def save(self, *args, **kwargs):
        if self.imap_password and not secrets.is_encrypted(self.imap_password):
            self.imap_password = secrets.encrypt(self.imap_password)
        super().save(*args, **kwargs)

    def imap_password_plain(self) -> str:
        return secrets.decrypt(self.imap_password)


class InboundStatus(models.TextChoices):
    PROCESSED = "processed", _("Processed")
    IGNORED = "ignored", _("Ignored")
    QUARANTINED = "quarantined", _("Quarantined")


class InboundMessage(models.Model):
    """Every message the intake has seen, once: its Message-ID is the idempotency key."""

    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    mailbox = models.ForeignKey(
        Mailbox, verbose_name=_("mailbox"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("status"), max_length=12, choices=InboundStatus)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    sender = models.EmailField(_("sender"), blank=True, max_length=254)
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_emails",
    )
    comment = models.ForeignKey(
        "tickets.Comment", verbose_name=_("comment"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged = models.BooleanField(_("acknowledged"), default=False)
    received_at = models.DateTimeField(_("received"), default=timezone.now)

    class Meta:
        verbose_name = _("inbound email")
        verbose_name_plural = _("inbound emails")
        indexes = [
            models.Index(fields=["sender", "received_at"], name="inbound_sender_time"),
            models.Index(fields=["status", "-received_at"], name="inbound_status_time"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=InboundStatus.values), name="inbound_status_valid"),
        ]

    def __str__(self) -> str:
        return self.message_id


class QuarantinedMessage(models.Model):
    """A message the intake could not handle, kept whole until an admin retries or discards it."""

    inbound = models.OneToOneField(
        InboundMessage, verbose_name=_("inbound email"), on_delete=models.CASCADE, related_name="quarantine"
    )
    raw = models.BinaryField(_("raw message"))
    error = models.TextField(_("error"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)
    created_at = models.DateTimeField(_("quarantined"), default=timezone.now)

    class Meta:
        verbose_name = _("quarantined email")
        verbose_name_plural = _("quarantined emails")

    def __str__(self) -> str:
        return self.inbound.message_id


class OutboundEmail(models.Model):
    """A Message-ID the app put on an email about a ticket: replies to it land on that ticket."""

    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="outbound_emails"
    )
    notification = models.OneToOneField(
        "icity.Notification",
        verbose_name=_("outbox message"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("sent ticket email")
        verbose_name_plural = _("sent ticket emails")
        indexes = [models.Index(fields=["ticket", "created_at"], name="outbound_ticket_time")]

    def __str__(self) -> str:
        return self.message_id
