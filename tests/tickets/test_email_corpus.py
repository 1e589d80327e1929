"""Every committed corpus message gives its expected outcome, and none raises."""

import pytest

from tickets.mail.intake import email_ingest
from tickets.mail.models import InboundMessage, InboundStatus, QuarantinedMessage
from tickets.models import Attachment, Comment, Ticket, TimelineEvent

from .email_helpers import CORPUS, REFERENCE, corpus, jean_with_ticket

pytestmark = pytest.mark.django_db

# file: (outcome, texts that must appear, texts that must not, attachment names kept)
# outcome: "ticket" (new ticket), "comment" (on HD-2026-000042), "ignored", "quarantined".
EXPECTED = {
    "01_plain_new.eml": ("ticket", ["PRN-0342", "error 50.4"], [], []),
    "02_html_only.eml": (
        "ticket",
        [
            "Mon écran reste noir",
            "- PC: LT-2231",
            "la procédure (https://intranet.brucity.example/kb/42)",
            "<pas de balise>",
        ],
        ["alert", "document.cookie", "<b>", "color: red", "pixel.gif"],
        [],
    ),
    "03_multipart_alternative.eml": ("ticket", ["PLAIN-PART"], ["HTML-PART"], []),
    "04_nested_multipart.eml": ("ticket", ["NESTED-PLAIN"], ["NESTED-HTML"], ["invoice.pdf"]),
    "05_quoted_printable_utf8.eml": (
        "ticket",
        ["Téléphone de l'accueil", "À réparer rapidement", "— merci"],
        ["=C3"],
        [],
    ),
    "06_base64_utf8.eml": ("ticket", ["De badgelezer", "€5 kabel"], [], []),
    "07_iso_8859_1.eml": ("ticket", ["Problème d'accès", "dossier partagé « Finances »", "Ça bloque"], [], []),
    "08_windows_1252.eml": ("ticket", ["45 €", "“Pack Télétravail” n’est pas arrivé"], [], []),
    "09_iso_2022_jp.eml": ("ticket", ["プリンター故障", "プリンターが動きません"], [], []),
    "10_rfc2047_subject.eml": ("ticket", ["Déménagement du service à la Bourse", "14 postes"], ["=?"], []),
    "11_rfc2047_filename.eml": ("ticket", ["Two screenshots"], [], ["écran d’erreur.png", "résumé étapes.pdf"]),
    "12_inline_image.eml": ("ticket", ["INLINE-BODY"], ["cid:"], ["image-1.png"]),
    "13_forwarded_inline.eml": ("ticket", ["Can you handle this", "FORWARDED-CONTENT", "Sophie Peeters"], [], []),
    "14_forwarded_rfc822.eml": (
        "ticket",
        ["Forwarding this", "RFC822-FORWARDED", "Subject: Scanner is offline"],
        [],
        [],
    ),
    "15_outlook_reply.eml": ("comment", ["OUTLOOK-ANSWER"], ["QUOTED-HISTORY", "Sent:"], []),
    "16_outlook_reply_fr.eml": ("comment", ["FR-ANSWER"], ["QUOTED-HISTORY", "Envoyé"], []),
    "17_gmail_reply.eml": ("comment", ["GMAIL-ANSWER"], ["QUOTED-HISTORY", "wrote:"], []),
    "18_gmail_reply_nl_html.eml": ("comment", ["NL-ANSWER"], ["QUOTED-HISTORY", "schreef"], []),
    "19_thunderbird_reply_signature.eml": ("comment", ["TB-ANSWER"], ["SIGNATURE-LINE"], []),
    "20_iphone_reply.eml": ("comment", ["IPHONE-ANSWER"], ["QUOTED-HISTORY", "iPhone"], []),
    "21_auto_reply_outlook.eml": ("ignored", [], [], []),
    "22_x_autoreply.eml": ("ignored", [], [], []),
    "23_precedence_bulk.eml": ("ignored", [], [], []),
    "24_bounce_dsn.eml": ("ignored", [], [], []),
    "25_bounce_postmaster_plain.eml": ("ignored", [], [], []),
    "26_missing_message_id.eml": ("ticket", ["NO-ID"], [], []),
    # The declared boundary never occurs: the one the body uses is found and the parts recovered.
    "27_broken_boundary.eml": ("ticket", ["BROKEN-BODY"], ["--other-boundary", "Content-Type"], ["x.pdf"]),
    "28_no_from.eml": ("quarantined", [], [], []),
    "29_garbage.eml": ("quarantined", [], [], []),
    "30_own_notification.eml": ("ignored", [], [], []),
    "31_script_everywhere.eml": (
        "ticket",
        ["<script>alert('subject')</script> help", "SCRIPT-BODY"],
        [],
        ["<img src=x onerror=alert(3)>.txt"],
    ),
    "32_unknown_charset.eml": ("ticket", ["KLINGON-BODY", "qapla"], [], []),
    "33_undecodable_utf8.eml": ("ticket", ["BADUTF8-BODY: cafÃ( ÿþ end"], [], []),
    "34_refused_attachments.eml": ("ticket", ["REFUSED-BODY"], [], []),
    "35_stranger_with_reference.eml": ("ticket", ["STRANGER-BODY"], [], []),
    "36_windows_1252_html_outlook.eml": (
        "comment",
        ["OUTLOOK-HTML-ANSWER : ça marche à nouveau – merci."],
        ["QUOTED-HISTORY"],
        [],
    ),
}


def test_corpus_has_at_least_30_messages_all_with_an_expectation():
    names = sorted(path.name for path in CORPUS.glob("*.eml"))
    assert len(names) >= 30
    assert names == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_message_gives_expected_outcome(name):
    jean, existing = jean_with_ticket()
    outcome, present, absent, attachment_names = EXPECTED[name]
    tickets_before = set(Ticket.objects.values_list("pk", flat=True))

    result = email_ingest(raw=corpus(name))

    inbound = InboundMessage.objects.get()
    new_tickets = Ticket.objects.exclude(pk__in=tickets_before)
    if outcome == "ticket":
        assert result.status == "processed" and result.created_ticket
        ticket = new_tickets.get()
        assert ticket.channel == "email"
        assert inbound.ticket == ticket and inbound.status == InboundStatus.PROCESSED
        text = f"{ticket.title}\n{ticket.description}"
        assert not Comment.objects.filter(ticket=existing).exists()
    elif outcome == "comment":
        assert result.status == "processed" and not result.created_ticket
        assert not new_tickets.exists()
        ticket = existing
        comment = Comment.objects.get(ticket=existing)
        assert comment.author == jean and not comment.is_internal
        assert inbound.comment == comment
        text = comment.body
    elif outcome == "ignored":
        assert result.status == "ignored", result.reason
        assert inbound.status == InboundStatus.IGNORED and inbound.reason
        assert not new_tickets.exists()
        assert not Comment.objects.exists()
        return
    else:
        assert result.status == "quarantined"
        assert inbound.status == InboundStatus.QUARANTINED
        quarantined = QuarantinedMessage.objects.get()
        assert bytes(quarantined.raw) == corpus(name)
        assert quarantined.error
        assert not new_tickets.exists()
        return

    for snippet in present:
        assert snippet in text, (snippet, text)
    for snippet in absent:
        assert snippet not in text, (snippet, text)
    public = sorted(Attachment.objects.filter(ticket=ticket, is_internal=False).values_list("original_name", flat=True))
    assert public == sorted(attachment_names)
    # The whole original is kept for agents only.
    original = Attachment.objects.get(ticket=ticket, is_internal=True, content_type="message/rfc822")
    with original.file.open("rb") as stored:
        assert stored.read() == corpus(name)
    if name == "34_refused_attachments.eml":
        refused = TimelineEvent.objects.filter(ticket=ticket, field="attachment_refused")
        assert sorted(event.new_value.split(":")[0] for event in refused) == ["page.html", "setup.exe"]
    if name == "35_stranger_with_reference.eml":
        assert ticket.requester.email == "eve@evil.example"
        assert REFERENCE not in ticket.title or ticket.pk != existing.pk


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_message_twice_creates_nothing_new(name):
    jean_with_ticket()
    email_ingest(raw=corpus(name))
    counts = (
        Ticket.objects.count(),
        Comment.objects.count(),
        Attachment.objects.count(),
        InboundMessage.objects.count(),
    )
    again = email_ingest(raw=corpus(name))
    assert again.status == "duplicate"
    assert counts == (
        Ticket.objects.count(),
        Comment.objects.count(),
        Attachment.objects.count(),
        InboundMessage.objects.count(),
    )
