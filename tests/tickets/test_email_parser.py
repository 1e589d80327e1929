"""Unit tests of the pure email parser (the corpus tests cover whole messages)."""

import base64
from email.message import EmailMessage

import pytest

from tickets.mail.parser import decode_bytes, decode_header_value, html_to_text, parse_email, trim_reply


def test_trim_reply_keeps_a_sentence_that_only_looks_like_an_attribution():
    text = "Le technicien a écrit :\nredémarrez le PC.\nC'est fait, sans effet."
    assert trim_reply(text) == text


def test_trim_reply_cuts_a_wrapped_gmail_attribution():
    text = "Merci !\n\nLe lun. 23 nov. 2026 à 10:00, Helpdesk <helpdesk@icity.example>\na écrit :\n> Question ?"
    assert trim_reply(text) == "Merci !"


def test_trim_reply_keeps_everything_when_only_a_quote_remains():
    assert trim_reply("> only quoted\n> text") == "> only quoted\n> text"


def test_html_to_text_drops_scripts_styles_and_keeps_link_targets():
    text = html_to_text('<style>x{}</style><p>Hi <a href="https://a.example/x">there</a></p><script>evil()</script>')
    assert text == "Hi there (https://a.example/x)"


def test_headers_with_bad_encodings_never_raise():
    assert decode_header_value("=?x-unknown?q?caf=E9?=") == "café"
    assert decode_header_value("=?utf-8?b?not base64!?=")
    assert "\n" not in decode_header_value("a\r\nInjected: header")
    assert (
        decode_bytes(b"\xff\xfe", "no-such-charset") == "ÿþ"
    )  # unknown charset: UTF-8, then Windows-1252, before replacing


def test_inline_forward_is_not_trimmed_as_a_quote():
    message = EmailMessage()
    message["From"], message["Subject"] = "a@b.example", "TR: souci"
    message.set_content("Voir ci-dessous.\n\nDe : X\nEnvoyé : lundi\nObjet : souci\n\nLE-CONTENU")
    assert "LE-CONTENU" in parse_email(message.as_bytes()).reply_text


def test_a_charset_name_with_a_nul_byte_falls_back_to_utf8():
    # Found by the fuzz test: bytes.decode() raises ValueError for such a codec name.
    assert decode_bytes("café".encode(), 'x\x00"klingon') == "café"


def _mail(body: bytes, headers: str) -> bytes:
    return (
        b"From: Els <els@brucity.example>\r\nTo: helpdesk@brucity.example\r\nSubject: Printer\r\n"
        b"Message-ID: <damaged@brucity.example>\r\nMIME-Version: 1.0\r\n" + headers.encode() + b"\r\n\r\n" + body
    )


@pytest.mark.parametrize(
    ("declared", "body"),
    [
        # Latin-1 bytes declared as UTF-8: the observed "caf\ufffd" and "Dr\ufffd\ufffdcker".
        ("utf-8", "Le café est prêt, le Drücker ne marche pas.".encode("cp1252")),
        # No charset at all, Windows-1252 curly quotes and euro sign.
        (None, "Coût : 20 € – « urgent »".encode("cp1252")),
        # UTF-8 labelled as ISO-8859-1 (a common mailer mistake).
        ("iso-8859-1", "Le café est prêt, le Drücker ne marche pas.".encode()),
        # A mix: mostly UTF-8 with one pasted Latin-1 word.
        ("utf-8", "Réunion à ".encode() + "Molenbeek-café".encode("cp1252")),
        # An unknown charset name.
        ("x-made-up-8bit", "Drücker".encode()),
    ],
)
def test_a_mislabelled_charset_falls_back_before_replacing(declared, body):
    content_type = "text/plain" + (f"; charset={declared}" if declared else "")
    parsed = parse_email(_mail(body, f"Content-Type: {content_type}\r\nContent-Transfer-Encoding: 8bit"))
    assert "\ufffd" not in parsed.text
    for word in ("café", "Drücker", "€", "Réunion"):
        if word.encode("cp1252") in body or word.encode() in body:
            assert word in parsed.text, parsed.text


def test_a_declared_charset_that_fits_wins():
    body = "Проблема с принтером".encode("koi8-r")
    parsed = parse_email(_mail(body, "Content-Type: text/plain; charset=koi8-r\r\nContent-Transfer-Encoding: 8bit"))
    assert parsed.text == "Проблема с принтером"


def test_a_truncated_base64_body_is_decoded_as_far_as_it_goes_and_flagged():
    text = "Bonjour, l'imprimante du 3e étage affiche « bourrage papier » depuis ce matin. Merci !"
    encoded = base64.encodebytes(text.encode()).decode()
    cut = encoded[: len(encoded) * 2 // 3].rstrip("\n")
    cut = cut[: len(cut) - (len(cut.replace("\n", "")) % 4 or 3)] + "QW"  # end mid-group, as a cut connection does
    parsed = parse_email(
        _mail(cut.encode(), "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64")
    )
    assert parsed.text.startswith("Bonjour, l'imprimante du 3e")
    assert "Qm9uam91" not in parsed.text  # not the raw base64
    assert "damaged" in parsed.text or "endommagé" in parsed.text
    assert "TruncatedBase64" in parsed.defects


def test_an_intact_base64_body_is_not_flagged():
    encoded = base64.encodebytes("Tout va bien, café compris.".encode()).decode()
    parsed = parse_email(
        _mail(encoded.encode(), "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64")
    )
    assert parsed.text == "Tout va bien, café compris."
    assert "TruncatedBase64" not in parsed.defects


def test_a_truncated_base64_part_in_a_multipart_message():
    encoded = base64.encodebytes("Écran noir au guichet 4.".encode()).decode().strip()[:-3]
    body = (
        "--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        f"{encoded}\r\n--b--\r\n"
    ).encode()
    parsed = parse_email(_mail(body, 'Content-Type: multipart/mixed; boundary="b"'))
    assert parsed.text.startswith("Écran noir au guichet")
    assert "TruncatedBase64" in parsed.defects
