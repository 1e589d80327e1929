"""Unit tests of the pure email parser (the corpus tests cover whole messages)."""

from email.message import EmailMessage

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
    assert decode_bytes(b"\xff\xfe", "no-such-charset") == "\ufffd\ufffd"


def test_inline_forward_is_not_trimmed_as_a_quote():
    message = EmailMessage()
    message["From"], message["Subject"] = "a@b.example", "TR: souci"
    message.set_content("Voir ci-dessous.\n\nDe : X\nEnvoyé : lundi\nObjet : souci\n\nLE-CONTENU")
    assert "LE-CONTENU" in parse_email(message.as_bytes()).reply_text


def test_a_charset_name_with_a_nul_byte_falls_back_to_utf8():
    # Found by the fuzz test: bytes.decode() raises ValueError for such a codec name.
    assert decode_bytes("café".encode(), 'x\x00"klingon') == "café"
