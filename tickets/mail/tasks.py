from celery import shared_task

from . import imap


# The name it had as tickets/email_tasks.py: the beat schedule and queued tasks still resolve.
@shared_task(name="tickets.email_tasks.email_poll", soft_time_limit=240, time_limit=300)
def email_poll() -> dict:
    """Beat: read the team mailboxes. Safe to overlap: the intake's unique Message-ID settles races."""
    return {result.mailbox: result.error or len(result.outcomes) for result in imap.poll_all_mailboxes()}
