"""Read team mailboxes over IMAP and feed each message to the intake.

A message leaves the inbox (moved to the processed folder) only after its
intake transaction has committed. A poll killed at any point loses nothing
(the message is still in the inbox) and duplicates nothing (its Message-ID is
already recorded, so the next poll only moves it).
"""

import imaplib
import logging
import re
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from .intake import IntakeResult, email_ingest
from .models import Mailbox

logger = logging.getLogger(__name__)


@dataclass
class PollResult:
    mailbox: str
    outcomes: list[str] = field(default_factory=list)
    error: str = ""


def _connect(mailbox: Mailbox) -> imaplib.IMAP4:
    timeout = settings.EMAIL_IMAP_TIMEOUT
    if mailbox.imap_tls:
        # Certificate and host name always checked; only which authorities are trusted can change.
        context = ssl.create_default_context(cafile=settings.EMAIL_IMAP_CA_FILE or None)
        connection = imaplib.IMAP4_SSL(mailbox.imap_host, mailbox.imap_port, ssl_context=context, timeout=timeout)
    else:
        # Plain IMAP is for a server on loopback (tests, a local relay); production mailboxes use TLS.
        connection = imaplib.IMAP4(mailbox.imap_host, mailbox.imap_port, timeout=timeout)
    password = mailbox.imap_password_plain() or settings.EMAIL_IMAP_PASSWORDS.get(mailbox.address, "")
    connection.login(mailbox.imap_user or mailbox.address, password)
    # Servers announce more after login (MOVE, UIDPLUS); imaplib only kept the greeting's list.
    capabilities = _check(connection.capability(), "CAPABILITY")
    connection.capabilities = tuple(capabilities[-1].decode("ascii", errors="replace").upper().split())
    return connection


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _check(response: tuple, what: str):
    status, data = response
    if status != "OK":
        raise imaplib.IMAP4.error(f"{what}: {status} {data!r}")
    return data


def _mark_processed(connection: imaplib.IMAP4, uid: bytes, folder: str) -> None:
    """Move the message out of the inbox (MOVE, or COPY + delete + expunge on older servers)."""
    if "MOVE" in connection.capabilities:
        _check(connection.uid("MOVE", uid, _quote(folder)), "MOVE")
        return
    _check(connection.uid("COPY", uid, _quote(folder)), "COPY")
    _check(connection.uid("STORE", uid, "+FLAGS.SILENT", r"(\Deleted)"), "STORE")
    if "UIDPLUS" in connection.capabilities:
        _check(connection.uid("EXPUNGE", uid), "UID EXPUNGE")
    else:
        _check(connection.expunge(), "EXPUNGE")


def poll_mailbox(
    mailbox: Mailbox,
    *,
    batch_size: int | None = None,
    after_ingest: Callable[[bytes, IntakeResult], None] | None = None,
) -> PollResult:
    """Ingest up to ``batch_size`` messages of one mailbox; return what became of them."""
    batch_size = batch_size or settings.EMAIL_IMAP_BATCH_SIZE
    processed_folder = settings.EMAIL_IMAP_PROCESSED_FOLDER
    result = PollResult(mailbox.address)
    connection = _connect(mailbox)
    try:
        connection.create(_quote(processed_folder))  # fails harmlessly when it exists
        _check(connection.select(_quote(mailbox.imap_folder)), "SELECT")
        uids = _check(connection.uid("SEARCH", None, "ALL"), "SEARCH")[0].split()
        for uid in uids[:batch_size]:
            data = _check(connection.uid("FETCH", uid, "(BODY.PEEK[])"), "FETCH")
            raw = next((item[1] for item in data if isinstance(item, tuple) and len(item) == 2), None)
            if raw is None:
                continue
            outcome = email_ingest(raw=raw, mailbox=mailbox)  # committed when it returns
            if after_ingest is not None:
                after_ingest(raw, outcome)
            _mark_processed(connection, uid, processed_folder)
            result.outcomes.append(outcome.status)
    finally:
        try:
            connection.logout()
        except Exception:
            logger.debug("IMAP logout failed for %s", mailbox.address, exc_info=True)
    return result


def poll_all_mailboxes() -> list[PollResult]:
    """Poll every enabled mailbox; one failing server does not stop the others."""
    results = []
    for mailbox in Mailbox.objects.filter(enabled=True).exclude(imap_host="").order_by("pk"):
        try:
            result = poll_mailbox(mailbox)
            error = ""
        except (OSError, imaplib.IMAP4.error, ssl.SSLError) as exc:
            result = PollResult(mailbox.address, error=f"{type(exc).__name__}: {exc}")
            error = re.sub(r"\s+", " ", result.error)[:2000]
            logger.warning("Polling %s failed: %s", mailbox.address, error)
        Mailbox.objects.filter(pk=mailbox.pk).update(last_polled_at=timezone.now(), last_error=error)
        results.append(result)
    return results
