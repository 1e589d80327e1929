from celery import shared_task

from . import imap_poll


@shared_task(soft_time_limit=240, time_limit=300)
def email_poll() -> dict:
    """Beat: read the team mailboxes. Safe to overlap: the intake's unique Message-ID settles races."""
    return {result.mailbox: result.error or len(result.outcomes) for result in imap_poll.poll_all_mailboxes()}
