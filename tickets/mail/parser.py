"""Turn one raw RFC 822 message into plain data the intake can trust.

Pure functions, no database. The rule everywhere: a malformed or hostile
message degrades (replacement characters, a missing part, a generated id),
it never raises. Text only: HTML is converted to text here and never stored
or shown as HTML.
"""

import base64
import codecs
import email
import hashlib
import html
import re
from dataclasses import dataclass, field
from email import policy
from email.header import Header, decode_header
from email.message import Message
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

from django.utils.translation import gettext

REFERENCE_RE = re.compile(r"\[\s*(HD-\d{4}-\d{6})\s*\]", re.I)
# Printable characters only: a NUL byte (which PostgreSQL refuses in text) or another control
# character makes it no id, and the message gets a generated one.
MESSAGE_ID_RE = re.compile(r"<([^<>\s\x00-\x1f\x7f]+)>")
# No control characters either (a NUL would also reach PostgreSQL in a lookup).
ADDRESS_RE = re.compile(r"[^@\s<>\"\x00-\x1f\x7f]+@[^@\s<>\"\x00-\x1f\x7f]+\.[^@\s<>\"\x00-\x1f\x7f]+")
MAX_BODY_CHARS = 100_000
MAX_PARTS = 200


@dataclass
class ParsedAttachment:
    filename: str
    content_type: str
    content: bytes
    inline: bool = False


@dataclass
class ParsedEmail:
    message_id: str
    message_id_generated: bool
    in_reply_to: list[str]
    references: list[str]
    from_address: str
    from_name: str
    to_addresses: list[str]
    subject: str
    text: str  # the whole readable body
    reply_text: str  # without quoted history and signature, when recognised
    attachments: list[ParsedAttachment] = field(default_factory=list)
    auto_reason: str = ""  # why this looks machine-sent (auto-reply, bounce...), or ""
    is_forward: bool = False
    own_notification: str = ""  # X-Icity-Notification: a message we sent came back
    defects: list[str] = field(default_factory=list)

    @property
    def reference(self) -> str:
        match = REFERENCE_RE.search(self.subject)
        return match.group(1).upper() if match else ""

    @property
    def thread_ids(self) -> list[str]:
        """Message-IDs this one answers, nearest first."""
        seen, ids = set(), []
        for message_id in [*self.in_reply_to, *reversed(self.references)]:
            if message_id not in seen:
                seen.add(message_id)
                ids.append(message_id)
        return ids


class UnparseableEmail(ValueError):
    """Nothing usable: no sender, or not an email at all. Goes to quarantine."""


# Charsets and headers ------------------------------------------------------

CHARSET_ALIASES = {
    "unknown-8bit": "utf-8-or-cp1252",
    "x-unknown": "latin-1",
    "us-ascii": "ascii",
    "ks_c_5601-1987": "cp949",
}


def _cp1252_for_bad_bytes(error: UnicodeDecodeError) -> tuple[str, int]:
    """Codec error handler: bytes that are not UTF-8 are read as Windows-1252 (Latin-1 for its 5 holes)."""
    bad = error.object[error.start : error.end]
    return "".join(bytes([byte]).decode("cp1252", errors="ignore") or chr(byte) for byte in bad), error.end


codecs.register_error("icity-cp1252", _cp1252_for_bad_bytes)

SINGLE_BYTE = re.compile(r"ascii|(iso-?8859|latin|cp125|windows-125)[-_0-9]*")


def decode_bytes(data: bytes, charset: str | None) -> str:
    """The declared charset, then the usual fallbacks, before anything is replaced.

    A declared charset that decodes the bytes wins, except that text which is
    valid UTF-8 is read as UTF-8 even when labelled Latin-1 (a common mistake).
    Otherwise (no, unknown or wrong label) the text is read as UTF-8 with every
    byte that is not UTF-8 read as Windows-1252, so "café" from a mislabelled
    mailer stays "café" rather than "caf\ufffd", even in a mix of both.
    """
    charset = (charset or "").strip().strip('"').lower()
    charset = CHARSET_ALIASES.get(charset, charset)
    if not re.fullmatch(r"[a-z0-9_.:+-]{1,40}", charset):
        charset = ""
    # Many mailers declare iso-8859-1 for Windows-1252 text (curly quotes, euro sign).
    if charset in ("iso-8859-1", "latin-1", "latin1"):
        charset = "cp1252"
    if SINGLE_BYTE.fullmatch(charset) and not data.isascii():
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    if charset and charset not in ("utf-8", "utf8", "utf-8-or-cp1252"):
        try:
            return data.decode(charset)
        except (LookupError, ValueError, TypeError):  # unknown codec, a name with a NUL in it, or wrong bytes
            pass
    return data.decode("utf-8", errors="icity-cp1252")


def decode_header_value(value) -> str:
    """RFC 2047 encoded words to text, whatever their charset; never raises."""
    if value is None:
        return ""
    if isinstance(value, Header):  # compat32 hands 8-bit headers over as Header objects
        try:
            return decode_header_value(
                "".join(
                    decode_bytes(chunk, charset) if isinstance(chunk, bytes) else chunk
                    for chunk, charset in decode_header(value)
                )
            )
        except Exception:
            value = str(value)
    value = str(value)
    if any("\udc80" <= char <= "\udcff" for char in value):  # raw 8-bit bytes in a header (RFC 6532 or sloppy)
        value = decode_bytes(value.encode("utf-8", errors="surrogateescape"), "utf-8-or-cp1252")
    try:
        parts = decode_header(value)
    except Exception:  # malformed encoded words: keep them as written
        return " ".join(value.split())
    text = ""
    for chunk, charset in parts:
        if isinstance(chunk, bytes):
            text += decode_bytes(chunk, charset or "ascii")
        else:
            text += chunk
    # Strip control characters (CR/LF injection, NULs); collapse folding whitespace.
    text = "".join(char if char.isprintable() else " " for char in text)
    return " ".join(text.split())


def _header(message: Message, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:
        return ""
    return decode_header_value(value)


def _raw_header(message: Message, name: str) -> str:
    try:
        values = message.get_all(name) or []
    except Exception:
        return ""
    return " ".join(str(value) for value in values)


def message_ids(value: str) -> list[str]:
    return [f"<{match}>" for match in MESSAGE_ID_RE.findall(value or "")][:50]


def generated_message_id(raw: bytes) -> str:
    """A stable id for messages without one, so a redelivery is still recognised."""
    return f"<sha256-{hashlib.sha256(raw).hexdigest()}@missing-message-id.invalid>"


def message_id_of(raw: bytes) -> tuple[str, bool]:
    """(Message-ID, generated?) from the raw bytes, reading only the header block."""
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    match = re.search(rb"^message-id:[ \t]*(.*(?:\r?\n[ \t].*)*)", head, re.I | re.M)
    if match:
        ids = message_ids(match.group(1).decode("ascii", errors="replace"))
        if ids and len(ids[0]) <= 250:
            return ids[0], False
    return generated_message_id(raw), True


# HTML to text ---------------------------------------------------------------

BLOCK_TAGS = {
    "p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "hr", "pre", "section",
    "article", "header", "footer", "address", "dd", "dt", "blockquote",
}  # fmt: skip
OUTLOOK_QUOTE_MARK = "-----Original Message-----"
SKIP_TAGS = {"script", "style", "head", "title", "template", "noscript", "svg", "object", "iframe"}


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.skip = 0
        self.quote = 0
        self.href_stack: list[str | None] = []

    def _newline(self):
        if self.lines[-1].strip():
            self.lines.append("")

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in SKIP_TAGS:
            self.skip += 1
            return
        if tag in BLOCK_TAGS:
            self._newline()
        if tag == "br":
            self.lines.append("")
        if tag == "li":
            self.lines[-1] += "- "
        classes = (attrs.get("class") or "") + " " + (attrs.get("id") or "")
        if "divRplyFwdMsg" in classes or "appendonsend" in classes or "stopSpelling" in classes:
            # Outlook puts the quoted original after this marker, as siblings: mark where it starts.
            self._newline()
            self.lines[-1] = OUTLOOK_QUOTE_MARK
            self.lines.append("")
        if tag == "blockquote" or "gmail_quote" in classes:
            self.quote += 1
            self.href_stack.append("quote")
            return
        if tag == "a":
            self.href_stack.append(attrs.get("href"))
        elif tag == "div":
            self.href_stack.append(None)

    def handle_endtag(self, tag):
        if tag in SKIP_TAGS:
            self.skip = max(self.skip - 1, 0)
            return
        if tag in ("a", "div", "blockquote") and self.href_stack:
            marker = self.href_stack.pop()
            if marker == "quote":
                self.quote = max(self.quote - 1, 0)
                self._newline()
                return
            if tag == "a" and marker and marker.startswith(("http://", "https://", "mailto:")):
                shown = marker.removeprefix("mailto:")
                if shown not in self.lines[-1]:
                    self.lines[-1] += f" ({shown})"
        if tag in BLOCK_TAGS:
            self._newline()

    def handle_data(self, data):
        if self.skip:
            return
        text = " ".join(data.split())
        if not text:
            if data and self.lines[-1] and not self.lines[-1].endswith(" "):
                self.lines[-1] += " "
            return
        if self.quote and not self.lines[-1]:
            self.lines[-1] = "> " * self.quote
        if data[:1].isspace() and self.lines[-1] and not self.lines[-1].endswith(" "):
            self.lines[-1] += " "
        self.lines[-1] += text
        if data[-1:].isspace():
            self.lines[-1] += " "


def html_to_text(markup: str) -> str:
    """Readable text from an HTML mail body. The result is plain text, escaped wherever shown."""
    parser = _TextExtractor()
    try:
        parser.feed(markup[: MAX_BODY_CHARS * 5])
        parser.close()
    except Exception:  # HTMLParser is lenient, but never let a pathological page crash intake
        return html.unescape(re.sub(r"<[^>]*>", " ", markup))
    lines = [line.rstrip() for line in parser.lines]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# Quotes and signatures ------------------------------------------------------

FORWARD_MARKERS = re.compile(
    r"^\s*(?:-{2,}\s*(?:forwarded message|message transf[ée]r[ée]|doorgestuurd bericht)\s*-{2,}"
    r"|begin forwarded message:|d[ée]but du message r[ée]exp[ée]di[ée]\s*:)\s*$",
    re.I | re.M,
)
FORWARD_SUBJECT = re.compile(r"^\s*(?:fwd?|tr|wg|doorst)\s*:", re.I)
# Where quoted history starts (the line itself and everything after it goes).
QUOTE_HEADERS = [
    # Gmail / Apple / Thunderbird attribution: "On <date>, <who> wrote:" (may wrap over two lines).
    # It holds a date (a digit) and ends the line; a sentence like "Le technicien a écrit :" does not count.
    re.compile(
        r"^[ \t>]*(?:on|le|op|am)\s(?=[^\n]*\d)[^\n]{0,200}(?:\n[^\n]{0,200})?(?:wrote|a écrit|schreef|schrieb)\s*:[ \t]*$",
        re.I | re.M,
    ),
    # Outlook separators.
    re.compile(
        r"^\s*-{3,}\s*(?:original message|message d'origine|oorspronkelijk bericht|ursprüngliche nachricht)\s*-{3,}",
        re.I | re.M,
    ),
    re.compile(r"^\s*_{20,}\s*$\n^\s*(?:from|de|van|von)\s*:", re.I | re.M),
    # Outlook header block without separator: From: / Sent: (or French/Dutch) on consecutive lines.
    re.compile(r"^\s*\**(?:from|de|van)\s*:.*\n\s*\**(?:sent|envoy[ée]|verzonden|date)\s*:", re.I | re.M),
]
SIGNATURE_MARKERS = [
    re.compile(r"^-- ?$", re.M),
    re.compile(r"^\s*(?:sent from my|envoy[ée] de mon|verzonden (?:vanaf|met) mijn|get outlook for)\b.*$", re.I | re.M),
]


def trim_reply(text: str) -> str:
    """Drop the quoted history and the signature of a reply, when they can be recognised.

    Conservative: if trimming would leave nothing, the whole text is kept.
    """
    cut = len(text)
    for pattern in QUOTE_HEADERS:
        match = pattern.search(text)
        if match and match.start() < cut:
            cut = match.start()
    # Trailing block of "> " lines (bottom quoting), only if not interleaved with answers after it.
    lines = text[:cut].split("\n")
    while lines and (lines[-1].startswith(">") or not lines[-1].strip()):
        lines.pop()
    trimmed = "\n".join(lines)
    for pattern in SIGNATURE_MARKERS:
        match = pattern.search(trimmed)
        if match and match.start() > 0:
            trimmed = trimmed[: match.start()]
    trimmed = trimmed.strip()
    return trimmed or text.strip()


# Auto-replies and bounces --------------------------------------------------

AUTO_SUBJECT = re.compile(
    r"^\s*(?:automatic reply|auto(?:matic)?[- ]?reply|out of (?:the )?office|r[ée]ponse automatique|absence|"
    r"automatisch antwoord|afwezig|undeliverable|undelivered mail|delivery status notification|"
    r"mail delivery (?:failed|system)|non remis|onbestelbaar)\b",
    re.I,
)
DAEMON_SENDER = re.compile(r"^(?:mailer-daemon|postmaster|mail-daemon|noreply-dmarc|bounces?)(?:[+@]|$)", re.I)


def auto_reason(message: Message, sender: str, subject: str) -> str:
    """Why this message is automatic (never to be answered or ticketed), or ""."""
    auto_submitted = _raw_header(message, "Auto-Submitted").strip().lower()
    if auto_submitted and auto_submitted != "no":
        return f"Auto-Submitted: {auto_submitted[:50]}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Reply", "X-Autogenerated"):
        if _raw_header(message, name):
            return name
    precedence = _raw_header(message, "Precedence").strip().lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return f"Precedence: {precedence}"
    if DAEMON_SENDER.match(sender or ""):
        return "mailer-daemon sender"
    content_type = (message.get_content_type() or "").lower()
    if content_type == "multipart/report" or any(
        part.get_content_type() in ("message/delivery-status", "message/disposition-notification")
        for part in _walk(message)
    ):
        return "delivery-status report"
    if _raw_header(message, "Return-Path").strip() == "<>":
        return "null return path"
    if AUTO_SUBJECT.match(subject or ""):
        return "automatic subject"
    return ""


# Parts -----------------------------------------------------------------------


def _walk(message: Message):
    for count, part in enumerate(message.walk()):
        if count >= MAX_PARTS:
            return
        yield part


BASE64_CHARS = re.compile(rb"[^A-Za-z0-9+/]")


def _lenient_base64(encoded: str) -> tuple[bytes, bool]:
    """Decode as much as the text holds; (bytes, damaged). A cut-off body loses only its tail."""
    text = encoded.encode("ascii", errors="ignore")
    body = text.split(b"=", 1)[0]
    clean = BASE64_CHARS.sub(b"", body)
    whole = len(clean) - len(clean) % 4
    decoded = base64.b64decode(clean[:whole]) if whole else b""
    tail = clean[whole:]
    if len(tail) >= 2:  # 2 characters hold 1 byte, 3 hold 2
        decoded += base64.b64decode(tail + b"=" * (4 - len(tail)))[: len(tail) - 1]
    padded = text[len(body) :].count(b"=")
    return decoded, (len(clean) + padded) % 4 != 0


def _is_base64(part: Message) -> bool:
    return str(part.get("Content-Transfer-Encoding", "")).strip().lower() == "base64"


def _damaged(part: Message) -> bool:
    """A base64 part whose text was cut off (or holds characters base64 has not)."""
    if part.is_multipart() or not _is_base64(part):
        return False
    raw = part.get_payload()
    return isinstance(raw, str) and _lenient_base64(raw)[1]


def _payload_bytes(part: Message) -> bytes:
    if _is_base64(part) and not part.is_multipart() and isinstance(part.get_payload(), str):
        # The standard library returns a cut-off base64 body undecoded: decode what is there.
        return _lenient_base64(part.get_payload())[0]
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        payload = None
    if payload is None:
        raw = part.get_payload()
        if isinstance(raw, str):
            return raw.encode("utf-8", errors="replace")
        return b""
    return payload


def _part_text(part: Message) -> str:
    return decode_bytes(_payload_bytes(part), part.get_content_charset())


def _filename(part: Message) -> str:
    try:
        name = part.get_filename()
    except Exception:
        name = None
    if not name:
        try:
            name = part.get_param("name")
        except Exception:
            name = None
        if isinstance(name, tuple):  # RFC 2231 (charset, language, value)
            name = email.utils.collapse_rfc2231_value(name)
    return decode_header_value(name) if name else ""


EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "application/pdf": "pdf"}


def _forwarded_text(part: Message) -> str:
    """A message/rfc822 part (an attached forward), as readable text."""
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    if not isinstance(inner, Message):
        return _part_text(part)
    body, _html = _best_body(inner)
    header = "\n".join(
        f"{label}: {_header(inner, label)}" for label in ("From", "Date", "Subject", "To") if _header(inner, label)
    )
    return f"---------- Forwarded message ----------\n{header}\n\n{body}"


def _best_body(message: Message) -> tuple[str, bool]:
    """The readable body: text/plain preferred over HTML in each alternative; (text, was_html)."""
    if message.get_content_maintype() == "multipart" and not message.is_multipart():
        # Broken boundaries: no part could be found; salvage the raw text rather than lose it.
        return _part_text(message), False
    if message.is_multipart():
        subtype = message.get_content_subtype()
        parts = [part for part in (message.get_payload() or []) if isinstance(part, Message)]
        if subtype == "alternative":
            plain = [part for part in parts if part.get_content_type() == "text/plain"]
            chosen = plain[0] if plain else (parts[-1] if parts else None)
            return _best_body(chosen) if chosen is not None else ("", False)
        texts, was_html = [], False
        for part in parts:
            if _is_attachment(part):
                continue
            if part.get_content_type() == "message/rfc822":
                texts.append(_forwarded_text(part))
                continue
            if part.is_multipart() or part.get_content_maintype() == "text":
                text, part_html = _best_body(part)
                was_html = was_html or part_html
                if text.strip():
                    texts.append(text)
        return "\n\n".join(texts), was_html
    content_type = message.get_content_type()
    if content_type == "text/html":
        return html_to_text(_part_text(message)), True
    if message.get_content_maintype() == "text" or content_type == "message/rfc822":
        if content_type == "message/rfc822":
            return _forwarded_text(message), False
        return _part_text(message), False
    return "", False


def _is_attachment(part: Message) -> bool:
    if part.get_content_maintype() == "multipart" or part.get_content_type() == "message/rfc822":
        return False
    disposition = (part.get_content_disposition() or "").lower()
    if disposition == "attachment":
        return True
    if part.get_content_maintype() == "text" and not _filename(part):
        return False
    return disposition == "inline" and bool(_filename(part)) or part.get_content_maintype() != "text"


def _attachments(message: Message) -> list[ParsedAttachment]:
    found = []
    for part in _walk(message):
        if part is message and not message.is_multipart() and message.get_content_maintype() == "text":
            continue
        if not _is_attachment(part) or part.get_content_type() in ("message/delivery-status",):
            continue
        content = _payload_bytes(part)
        if not content:
            continue
        name = _filename(part)
        inline = bool(part.get("Content-ID")) and (part.get_content_disposition() or "inline") == "inline"
        if not name:
            name = f"{'image' if inline else 'attachment'}-{len(found) + 1}.{EXTENSIONS.get(part.get_content_type(), 'bin')}"
        found.append(ParsedAttachment(name, part.get_content_type(), content, inline))
    return found


# Entry point -----------------------------------------------------------------


BOUNDARY_LINE = re.compile(r"^--([0-9A-Za-z'()+_,./:=?-]{1,70}?)(?:--)?[ \t\r]*$", re.M)


def _repair_boundary(message: Message) -> Message:
    """A multipart whose declared boundary never occurs: try the boundary its body actually uses."""
    if message.get_content_maintype() != "multipart" or message.is_multipart():
        return message
    payload = message.get_payload()
    match = BOUNDARY_LINE.search(payload) if isinstance(payload, str) else None
    if match is None:
        return message
    try:
        message.set_boundary(match.group(1))
        repaired = email.message_from_bytes(message.as_bytes(), policy=policy.compat32)
    except Exception:
        return message
    return repaired if repaired.is_multipart() else message


def parse_email(raw: bytes) -> ParsedEmail:
    """Parse raw bytes. Raises UnparseableEmail only when there is no usable sender."""
    if not raw or not raw.strip():
        raise UnparseableEmail("Empty message.")
    message = _repair_boundary(email.message_from_bytes(raw, policy=policy.compat32))
    message_id, generated = message_id_of(raw)
    # Parse the address before decoding RFC 2047 words: a decoded name may hold commas or brackets.
    from_name, from_address = parseaddr(_raw_header(message, "From").replace("\n", " "))
    from_address = (from_address or "").strip().lower()
    if not re.fullmatch(ADDRESS_RE, from_address):
        raise UnparseableEmail(f"No valid sender address in From: {_header(message, 'From')[:200]!r}")
    subject = _header(message, "Subject")[:500]
    body, _was_html = _best_body(message)
    damaged = any(_damaged(part) for part in _walk(message) if part.get_content_maintype() == "text")
    if damaged:
        body += "\n\n" + gettext(
            "[icity: this message was damaged on its way (part of it was cut off); "
            "what could be read is above, and the original is kept.]"
        )
    body = body.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    body = "\n".join(line.rstrip() for line in body.split("\n")).strip()[:MAX_BODY_CHARS]
    is_forward = bool(FORWARD_SUBJECT.match(subject) or FORWARD_MARKERS.search(body))
    reply_text = body if is_forward else trim_reply(body)
    to_addresses = [
        address.lower() for _name, address in getaddresses([_header(message, "To"), _header(message, "Cc")]) if address
    ]
    return ParsedEmail(
        message_id=message_id,
        message_id_generated=generated,
        in_reply_to=message_ids(_raw_header(message, "In-Reply-To")),
        references=message_ids(_raw_header(message, "References")),
        from_address=from_address,
        from_name=decode_header_value(from_name)[:150],
        to_addresses=to_addresses,
        subject=subject,
        text=body,
        reply_text=reply_text,
        attachments=_attachments(message),
        auto_reason=auto_reason(message, from_address, subject),
        is_forward=is_forward,
        own_notification=_raw_header(message, "X-Icity-Notification").strip()[:200],
        defects=[type(defect).__name__ for part in _walk(message) for defect in getattr(part, "defects", [])]
        + (["TruncatedBase64"] if damaged else []),
    )
