"""After the load: does every accepted write exist, and was every notification sent exactly once?

Run inside Django (`manage.py shell -c "from cluster.verify import verify; verify(...)"`); prints JSON.
"""

import hashlib
import json
import mailbox
from collections import Counter


def outbox_pending() -> int:
    from icity.models import Notification

    return Notification.objects.filter(status=Notification.Status.PENDING).count()


def verify(results_path: str, maildir: str, since: float) -> None:
    from datetime import UTC, datetime

    from django.core.files.storage import default_storage

    from icity.models import Notification
    from tickets.models import Attachment, Comment, Ticket

    with open(results_path) as handle:
        entries = [json.loads(line) for line in handle]
    refs = {entry["ref"] for entry in entries if entry["kind"] == "ticket"}
    comment_ids = {entry["id"] for entry in entries if entry["kind"] == "comment"}
    attachments = {entry["id"]: entry["sha256"] for entry in entries if entry["kind"] == "attachment"}
    found_refs = set(Ticket.objects.filter(reference__in=refs).values_list("reference", flat=True))
    found_comments = set(Comment.objects.filter(pk__in=comment_ids).values_list("pk", flat=True))
    bad_files = []
    for attachment in Attachment.objects.filter(pk__in=attachments):
        with default_storage.open(attachment.file.name, "rb") as handle:
            if hashlib.sha256(handle.read()).hexdigest() != attachments[attachment.pk]:
                bad_files.append(attachment.pk)
    found_attachments = set(Attachment.objects.filter(pk__in=attachments).values_list("pk", flat=True))

    delivered = Counter()
    for message in mailbox.Maildir(maildir, create=False):
        delivered[message["Message-ID"]] += 1
    # This run's messages only (the database is kept between runs; the SMTP sink is not).
    notifications = Notification.objects.filter(created_at__gte=datetime.fromtimestamp(since, tz=UTC))
    status = Counter(notifications.values_list("status", flat=True))
    sent_ids = [row["Message-ID"] for row in notifications.filter(status="sent").values_list("headers", flat=True)]
    never_delivered = [mid for mid in sent_ids if delivered[mid] == 0]
    duplicated = {mid: n for mid, n in delivered.items() if n > 1}
    unknown = set(delivered) - set(sent_ids)
    print(
        json.dumps(
            {
                "tickets": {"accepted": len(refs), "missing": sorted(refs - found_refs)},
                "comments": {"accepted": len(comment_ids), "missing": sorted(comment_ids - found_comments)},
                "attachments": {
                    "accepted": len(attachments),
                    "missing": sorted(set(attachments) - found_attachments),
                    "checksum_differs": bad_files,
                },
                "notifications": {
                    "by_status": dict(status),
                    "messages_delivered": sum(delivered.values()),
                    "distinct_message_ids": len(delivered),
                    "sent_but_not_delivered": len(never_delivered),
                    "delivered_more_than_once": duplicated,
                    "delivered_but_not_ours": len(unknown),
                },
            }
        )
    )
