"""Mangled messages: the parser only ever raises UnparseableEmail, the intake never raises."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tickets.mail.intake import email_ingest
from tickets.mail.parser import UnparseableEmail, parse_email

from .email_helpers import CORPUS

SAMPLES = [path.read_bytes() for path in sorted(CORPUS.glob("*.eml"))]


@st.composite
def mangled(draw):
    raw = bytearray(draw(st.sampled_from(SAMPLES)))
    for _ in range(draw(st.integers(0, 8))):
        position = draw(st.integers(0, max(len(raw) - 1, 0)))
        action = draw(st.sampled_from(["flip", "cut", "insert"]))
        if action == "flip" and raw:
            raw[position] = draw(st.integers(0, 255))
        elif action == "cut":
            del raw[position : position + draw(st.integers(1, 200))]
        else:
            raw[position:position] = draw(
                st.sampled_from([b"\r\n", b"--", b"=?utf-8?b?", b"?=", b"\x00", b"<", b"boundary=", b"\xff\xfe"])
            )
    return bytes(raw)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.one_of(mangled(), st.binary(max_size=2000)))
def test_parser_raises_nothing_but_unparseable(raw):
    try:
        parsed = parse_email(raw)
    except UnparseableEmail:
        return
    assert isinstance(parsed.text, str) and isinstance(parsed.subject, str)
    assert "\n" not in parsed.subject and "\r" not in parsed.subject


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(raw=mangled())
def test_intake_never_raises_on_mangled_messages(raw):
    result = email_ingest(raw=raw)
    assert result.status in {"processed", "ignored", "quarantined", "duplicate"}
