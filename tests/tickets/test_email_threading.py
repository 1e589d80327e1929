"""Outbound threading headers, and replies from a mail client landing on the right ticket."""

import pytest
from django.core import mail

from icity.models import Notification
from icity.outbox import notify, outbox_drain, render_message
from tickets import services
from tickets.mail.intake import email_ingest
from tickets.mail.models import InboundMessage, Mailbox, OutboundEmail
from tickets.models import Comment, Ticket

from .email_helpers import JEAN, build_email, corpus, jean_with_ticket

pytestmark = pytest.mark.django_db


def _sent_to(address: str):
    return [message for message in mail.outbox if message.to == [address]]


def test_app_reply_answered_from_a_mail_client_lands_on_the_same_ticket(team_agent):
    jean, ticket = jean_with_ticket()
    services.comment_add(ticket=ticket, author=team_agent, body="Can you restart the PC?")
    outbox_drain()
    sent = _sent_to(JEAN)[-1]
    headers = sent.message()
    message_id = headers["Message-ID"]
    assert OutboundEmail.objects.get(message_id=message_id).ticket == ticket
    assert f"[{ticket.reference}]" in sent.subject
    assert headers["In-Reply-To"] and ticket.reference.lower() in headers["References"]
    assert headers["Reply-To"] == "helpdesk@icity.example"
    assert headers["Auto-Submitted"] is None  # an agent's own words, not an automatic message

    # The requester answers; the mail client changes the subject (no reference left).
    reply = build_email(
        subject="Re: restarted",
        body="Restarted, still black.\n\nOn Tue, Nov 24, 2026 at 9:00 AM helpdesk wrote:\n> Can you restart the PC?",
        message_id="<reply-1@mail.brucity.example>",
        headers={"In-Reply-To": message_id, "References": f"{headers['References']} {message_id}"},
    )
    result = email_ingest(raw=reply)
    assert result.status == "processed" and result.ticket == ticket and not result.created_ticket
    comment = Comment.objects.filter(ticket=ticket, author=jean).get()
    assert comment.body == "Restarted, still black."


def test_automatic_messages_are_marked_and_thread_on_the_first_email(team):
    Mailbox.objects.create(address="support-n1@icity.example", team=team)
    jean_with_ticket()
    raw = build_email(subject="Printer jam", body="Jammed.", message_id="<first@mail.brucity.example>")
    result = email_ingest(raw=raw, mailbox=Mailbox.objects.get())
    assert result.ticket.team == team
    opened = Notification.objects.get(dedupe_key=f"ticket:{result.ticket.pk}:opened")
    assert opened.headers["Auto-Submitted"] == "auto-generated"
    assert opened.headers["In-Reply-To"] == "<first@mail.brucity.example>"
    assert opened.headers["References"] == "<first@mail.brucity.example>"
    assert opened.headers["Reply-To"] == "support-n1@icity.example"
    message = render_message(opened)
    assert message.subject.count(result.ticket.reference) == 1
    assert f"[{result.ticket.reference}]" in message.subject
    # Stable: every send attempt carries the Message-ID recorded when the row was queued.
    assert render_message(opened).message()["Message-ID"] == opened.headers["Message-ID"]
    assert OutboundEmail.objects.filter(ticket=result.ticket, message_id=opened.headers["Message-ID"]).exists()


def test_messages_not_about_a_ticket_get_a_message_id_and_nothing_else(requester):
    notify(dedupe_key="test:1", template="password_reset", to_email=requester.email, context={"url": "x"})
    row = Notification.objects.get(dedupe_key="test:1")
    assert set(row.headers) == {"Message-ID"}
    assert not OutboundEmail.objects.exists()


def test_a_duplicate_notification_records_no_second_message_id(requester):
    ticket = services.ticket_open(requester=requester, opened_by=requester, title="T", description="D")
    before = OutboundEmail.objects.count()
    assert notify(dedupe_key=f"ticket:{ticket.pk}:opened", template="tickets_opened", to_email="x@example.org") is False
    assert OutboundEmail.objects.count() == before


def test_our_own_sent_message_coming_back_is_ignored(team_agent):
    jean, ticket = jean_with_ticket()
    services.comment_add(ticket=ticket, author=team_agent, body="Hello")
    outbox_drain()
    raw = _sent_to(JEAN)[-1].message().as_bytes()
    result = email_ingest(raw=raw)
    assert result.status == "ignored" and "application" in result.reason
    assert Comment.objects.filter(ticket=ticket).count() == 1


def test_reply_to_a_resolved_ticket_in_the_window_reopens_it(agent):
    jean, ticket = jean_with_ticket()
    services.ticket_transition(ticket=ticket, actor=agent, to_status="resolved", note="Fixed")
    result = email_ingest(raw=build_email(subject=f"Re: [{ticket.reference}]", body="Still broken"))
    ticket.refresh_from_db()
    assert result.ticket == ticket and ticket.status == "in_progress"


def test_reply_to_a_closed_ticket_opens_a_linked_new_ticket(agent):
    jean, ticket = jean_with_ticket()
    services.ticket_transition(ticket=ticket, actor=agent, to_status="resolved")
    services.ticket_transition(ticket=ticket, actor=agent, to_status="closed")
    result = email_ingest(raw=build_email(subject=f"Re: [{ticket.reference}]", body="It broke again"))
    assert result.created_ticket and result.ticket != ticket
    assert result.ticket.follow_up_of == ticket and result.ticket.channel == "email"
    assert result.ticket.requester == jean
    assert InboundMessage.objects.get().ticket == result.ticket


def test_reply_to_a_merged_ticket_lands_on_its_target(agent):
    jean, ticket = jean_with_ticket()
    target = services.ticket_open(requester=jean, opened_by=jean, title="Target", description="D")
    services.ticket_merge(source=ticket, target=target, actor=agent)
    result = email_ingest(raw=build_email(subject=f"Re: [{ticket.reference}]", body="Any news?"))
    assert result.ticket == target and Comment.objects.get(ticket=target).body == "Any news?"


def test_agent_answering_by_email_writes_a_public_reply(agent):
    jean, ticket = jean_with_ticket()
    result = email_ingest(raw=build_email(sender=agent.email, subject=f"Re: [{ticket.reference}]", body="On it"))
    comment = Comment.objects.get(ticket=ticket)
    assert result.comment == comment and comment.author == agent and not comment.is_internal


def test_someone_else_quoting_the_reference_gets_their_own_ticket(requester):
    jean, ticket = jean_with_ticket()
    result = email_ingest(raw=build_email(sender=requester.email, subject=f"Re: [{ticket.reference}]", body="Me too"))
    assert result.created_ticket and result.ticket.requester == requester
    assert not Comment.objects.filter(ticket=ticket).exists()
    assert Ticket.objects.get(pk=ticket.pk).requester == jean


def test_corpus_reply_by_in_reply_to_matches_even_without_reference():
    jean, ticket = jean_with_ticket()
    result = email_ingest(raw=corpus("16_outlook_reply_fr.eml"))
    assert result.ticket == ticket and result.comment.body.startswith("FR-ANSWER")


def test_a_watcher_may_answer_by_email(requester):
    jean, ticket = jean_with_ticket()
    ticket.watchers.add(requester)
    result = email_ingest(
        raw=build_email(sender=requester.email, subject=f"Re: [{ticket.reference}]", body="Same here")
    )
    assert result.ticket == ticket and result.comment.author == requester
