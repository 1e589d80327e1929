"""Intake behaviour: loop protection, unknown senders, big attachments, quarantine, command, escaping."""

import io
import os

import pytest
from django.core.management import call_command
from django.urls import reverse

from icity.models import Notification
from tickets import services
from tickets.mail import intake as email_intake
from tickets.mail.intake import email_ingest, quarantine_discard, quarantine_retry
from tickets.mail.models import InboundMessage, InboundStatus, QuarantinedMessage
from tickets.models import Attachment, Ticket, TimelineEvent

from .email_helpers import JEAN, build_email, corpus, jean_with_ticket

pytestmark = pytest.mark.django_db


def _opened(ticket):
    return Notification.objects.get(dedupe_key=f"ticket:{ticket.pk}:opened")


def test_acknowledgements_are_capped_per_sender_per_hour(settings):
    settings.EMAIL_INTAKE_ACKS_PER_HOUR = 3
    jean_with_ticket()
    tickets = [
        email_ingest(raw=build_email(subject=f"Problem {n}", message_id=f"<p{n}@x.example>")).ticket for n in range(5)
    ]
    statuses = [_opened(ticket).status for ticket in tickets]
    assert statuses == ["pending"] * 3 + ["cancelled"] * 2
    assert "loop protection" in _opened(tickets[-1]).last_error
    assert InboundMessage.objects.filter(acknowledged=True).count() == 3
    # Every message still became a ticket: only the automatic answer is held back.
    assert len({ticket.pk for ticket in tickets}) == 5


def test_auto_replies_never_create_or_answer(settings):
    settings.EMAIL_INTAKE_UNKNOWN_SENDERS = "reject"
    result = email_ingest(raw=corpus("22_x_autoreply.eml"))
    assert result.status == "ignored"
    assert not Notification.objects.exists()
    assert not Ticket.objects.exists()


def test_unknown_sender_rejected_gets_instructions_once_and_nothing_is_created(settings):
    settings.EMAIL_INTAKE_UNKNOWN_SENDERS = "reject"
    result = email_ingest(raw=build_email(sender="stranger@example.org", message_id="<s1@example.org>"))
    assert result.status == "ignored" and result.reason == "Unknown sender"
    assert not Ticket.objects.exists()
    instructions = Notification.objects.get(template="tickets_email_instructions")
    assert instructions.to_email == "stranger@example.org"
    assert instructions.headers["Auto-Submitted"] == "auto-replied"
    assert instructions.headers["In-Reply-To"] == "<s1@example.org>"
    assert email_ingest(raw=build_email(sender="stranger@example.org", message_id="<s1@example.org>")).status == (
        "duplicate"
    )
    assert Notification.objects.count() == 1


def test_unknown_sender_becomes_a_contact_requester_by_default():
    result = email_ingest(raw=build_email(sender="Marie Claes <marie.claes@brucity.example>", subject="Mouse"))
    requester = result.ticket.requester
    assert requester.email == "marie.claes@brucity.example"
    assert (requester.first_name, requester.last_name) == ("Marie", "Claes")
    assert not requester.has_usable_password()
    assert requester.groups.filter(name="requester").exists()


def test_a_20_mb_attachment_is_refused_and_noted_but_the_message_is_kept():
    from email.message import EmailMessage

    jean_with_ticket()
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = JEAN, "helpdesk@icity.example", "Big scan"
    message["Message-ID"] = "<big@mail.brucity.example>"
    message.set_content("BIG-BODY: the scan is attached.")
    message.add_attachment(
        b"%PDF-1.4\n" + os.urandom(20 * 1024 * 1024), maintype="application", subtype="pdf", filename="scan.pdf"
    )
    raw = message.as_bytes()
    assert len(raw) > 20 * 1024 * 1024

    result = email_ingest(raw=raw)

    assert result.status == "processed" and "BIG-BODY" in result.ticket.description
    note = TimelineEvent.objects.get(ticket=result.ticket, field="attachment_refused")
    assert note.new_value.startswith("scan.pdf:")
    assert not Attachment.objects.filter(ticket=result.ticket, is_internal=False).exists()
    original = Attachment.objects.get(ticket=result.ticket, is_internal=True)
    assert original.size == len(raw)


def test_a_failure_while_handling_quarantines_the_message_and_retry_succeeds(monkeypatch):
    jean_with_ticket()
    raw = build_email(subject="Flaky", message_id="<flaky@x.example>")

    def broken(**kwargs):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(email_intake.services, "ticket_open", broken)
    result = email_ingest(raw=raw)
    assert result.status == "quarantined" and "database hiccup" in result.reason
    quarantined = QuarantinedMessage.objects.get()
    assert "RuntimeError" in quarantined.error and bytes(quarantined.raw) == raw
    tickets_before = Ticket.objects.count()

    monkeypatch.undo()
    again = quarantine_retry(quarantined=quarantined)
    assert again.status == "processed" and again.created_ticket
    assert Ticket.objects.count() == tickets_before + 1
    assert not QuarantinedMessage.objects.exists()
    assert InboundMessage.objects.get(message_id="<flaky@x.example>").status == InboundStatus.PROCESSED


def test_retrying_an_unparseable_message_keeps_it_quarantined_and_counts(admin_user):
    email_ingest(raw=corpus("28_no_from.eml"))
    result = quarantine_retry(quarantined=QuarantinedMessage.objects.get())
    assert result.status == "quarantined"
    assert QuarantinedMessage.objects.get().attempts == 2
    quarantine_discard(quarantined=QuarantinedMessage.objects.get(), actor=admin_user)
    assert not QuarantinedMessage.objects.exists()
    inbound = InboundMessage.objects.get()
    assert inbound.status == InboundStatus.IGNORED and admin_user.email in inbound.reason


def test_quarantine_admin_shows_the_raw_message_escaped_with_retry_and_discard(client, admin_user):
    hostile = b"To: x@example.org\nSubject: <script>alert(1)</script>\nMessage-ID: <h@x>\n\n<script>alert(2)</script>\n"
    email_ingest(raw=hostile)
    email_ingest(raw=corpus("29_garbage.eml"))
    client.force_login(admin_user)
    listing = client.get(reverse("admin:tickets_quarantinedmessage_changelist"))
    assert listing.status_code == 200
    item = QuarantinedMessage.objects.get(inbound__message_id="<h@x>")
    page = client.get(reverse("admin:tickets_quarantinedmessage_change", args=[item.pk])).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert(2)&lt;/script&gt;" in page
    assert "UnparseableEmail" in page

    url = reverse("admin:tickets_quarantinedmessage_changelist")
    client.post(url, {"action": "retry", "_selected_action": [item.pk]})
    assert QuarantinedMessage.objects.get(inbound__message_id="<h@x>").attempts == 2
    ids = list(QuarantinedMessage.objects.values_list("pk", flat=True))
    client.post(url, {"action": "discard", "_selected_action": ids})
    assert not QuarantinedMessage.objects.exists()
    assert InboundMessage.objects.filter(status=InboundStatus.IGNORED).count() == 2


def test_quarantine_admin_is_for_admins_only(client, agent):
    client.force_login(agent)
    response = client.get(reverse("admin:tickets_quarantinedmessage_changelist"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_ingest_email_command_reads_standard_input():
    jean_with_ticket()
    out = io.StringIO()
    call_command("ingest_email", stdin=io.BytesIO(corpus("01_plain_new.eml")), stdout=out)
    reference = Ticket.objects.latest("pk").reference
    assert out.getvalue().startswith(f"processed {reference}")
    out = io.StringIO()
    call_command("ingest_email", stdin=io.BytesIO(corpus("01_plain_new.eml")), stdout=out)
    assert out.getvalue().startswith("duplicate")


def test_script_and_html_from_email_come_back_escaped_on_ticket_pages(client, agent):
    jean, _existing = jean_with_ticket()
    ticket = email_ingest(raw=corpus("31_script_everywhere.eml")).ticket
    services.comment_add(ticket=ticket, author=jean, body="<script>alert('comment')</script>")
    for user in (jean, agent):
        client.force_login(user)
        page = client.get(ticket.get_absolute_url()).content.decode()
        assert "<script>alert(" not in page
        assert "<img src=x onerror" not in page
        assert "&lt;script&gt;alert(" in page
    client.force_login(jean)
    mine = client.get(reverse("tickets:mine")).content.decode()
    assert "<script>alert(" not in mine


def test_beat_runs_the_mailbox_poll(settings):
    from tickets.mail.tasks import email_poll

    assert settings.CELERY_BEAT_SCHEDULE["tickets-email-poll"]["task"] == email_poll.name
    assert email_poll() == {}  # no mailbox configured: nothing to do, no error


def test_demo_seeder_goes_through_the_intake_and_is_idempotent():
    import random

    from tests.factories import make_user
    from tickets.mail.demo import seed_email

    make_user()
    seed_email(rng=random.Random(1))
    statuses = sorted(InboundMessage.objects.values_list("status", flat=True))
    assert statuses == ["ignored", "processed", "processed", "quarantined"]
    counts = (Ticket.objects.count(), InboundMessage.objects.count())
    seed_email(rng=random.Random(1))
    assert (Ticket.objects.count(), InboundMessage.objects.count()) == counts


@pytest.mark.parametrize("rows", [5, 50])
def test_email_admin_lists_have_a_query_ceiling(client, admin_user, django_assert_max_num_queries, rows):
    jean_with_ticket()
    for n in range(rows):
        email_ingest(raw=build_email(subject=f"Q {n}", message_id=f"<q{n}@x.example>"))
        email_ingest(raw=f"Subject: broken {n}\nMessage-ID: <b{n}@x>\n\nno sender\n".encode())
    client.force_login(admin_user)
    for name in ("admin:tickets_inboundmessage_changelist", "admin:tickets_quarantinedmessage_changelist"):
        with django_assert_max_num_queries(12):
            assert client.get(reverse(name)).status_code == 200


def test_a_message_id_with_a_nul_byte_gets_a_generated_id_and_is_handled_once():
    """Found by the fuzz test on PostgreSQL, which refuses NUL bytes in text columns."""
    raw = build_email(subject="Printer", body="It jams.").replace(
        b"Subject: Printer", b"Message-ID: <abc\x00def@example.org>\r\nSubject: Printer", 1
    )
    first = email_ingest(raw=raw)
    assert first.status == "processed"
    assert "\x00" not in first.inbound.message_id and first.inbound.message_id.startswith("<sha256-")
    assert email_ingest(raw=raw).status == "duplicate"


def test_a_sender_address_with_a_nul_byte_is_quarantined_not_looked_up():
    raw = build_email(sender="jean\x00@example.org", subject="Printer")
    assert email_ingest(raw=raw).status == "quarantined"
