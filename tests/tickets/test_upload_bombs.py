"""Image bombs and corrupt images (issue 20, findings 1 and 4): refused with a message, never a 500.

The 8,900 x 8,900 RGBA PNG is about 300 KB on disk and 317 MB once decoded; it is
written chunk by chunk here so that making it costs the test no memory either.
"""

import io
import json
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tickets.mail.intake import email_ingest
from tickets.models import Attachment, Ticket, TimelineEvent
from tickets.uploads import check_upload

from .email_helpers import JEAN, jean_with_ticket
from .factories import open_ticket
from .test_uploads import png_bytes

pytestmark = pytest.mark.django_db

BOMB_SIDE = 8_900
ROOT = Path(__file__).resolve().parents[2]


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def bomb_png(side: int = BOMB_SIDE) -> bytes:
    """A valid RGBA PNG of side x side transparent pixels, compressed row by row."""
    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\x00" * (side * 4)
    idat = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return bomb_png()


def corrupt_png() -> bytes:
    """A small PNG whose IDAT checksum is wrong (Pillow says SyntaxError)."""
    content = bytearray(png_bytes())
    content[-16] ^= 0xFF  # the IDAT CRC ends where the 12-byte IEND chunk starts
    return bytes(content)


def test_bomb_is_refused_in_a_process_that_stays_under_300_mb(bomb, tmp_path):
    path = tmp_path / "bomb.png"
    path.write_bytes(bomb)
    script = f"""
import json, django
django.setup()


def high_water_kb():
    # VmHWM is this process's own peak; ru_maxrss would carry the parent's across exec.
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from tickets.uploads import check_upload
before = high_water_kb()
try:
    check_upload(SimpleUploadedFile("bomb.png", open({str(path)!r}, "rb").read()))
    outcome = "accepted"
except ValidationError as error:
    outcome = error.code
after = high_water_kb()
print(json.dumps({{"outcome": outcome, "before_kb": before, "peak_kb": after}}))
"""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "icity.settings"}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["outcome"] == "too_many_pixels"
    assert report["peak_kb"] < 300 * 1024, report


def test_bomb_is_refused_before_decoding(bomb):
    with pytest.raises(ValidationError) as caught:
        check_upload(SimpleUploadedFile("bomb.png", bomb))
    assert caught.value.code == "too_many_pixels"
    assert "8900" in caught.value.messages[0].replace("\u202f", "").replace(",", "").replace(" ", "")


def test_bomb_through_the_form_is_a_form_error(client, requester, category, bomb):
    client.force_login(requester)
    response = client.post(
        reverse("tickets:new"),
        {
            "title": "Screen",
            "description": "See the capture",
            "category": category.pk,
            "impact": "low",
            "urgency": "low",
            "attachments": [SimpleUploadedFile("capture.png", bomb)],
        },
    )
    assert response.status_code == 400
    assert not Ticket.objects.exists()


def test_bomb_through_a_reply_is_refused(client, requester, category, bomb):
    ticket = open_ticket(requester, category=category)
    client.force_login(requester)
    response = client.post(
        reverse("tickets:comment", args=[ticket.reference]),
        {"body": "Here", "attachments": [SimpleUploadedFile("capture.png", bomb)]},
    )
    assert response.status_code == 302
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("kind", ["bomb", "corrupt"])
def test_bad_images_through_the_api_are_400(client, requester, category, bomb, kind):
    ticket = open_ticket(requester, category=category)
    client.force_login(requester)
    content = bomb if kind == "bomb" else corrupt_png()
    response = client.post(
        f"/api/v1/tickets/{ticket.reference}/attachments/",
        {"file": SimpleUploadedFile("capture.png", content)},
    )
    assert response.status_code == 400, response.content[:300]
    assert "capture.png" in json.dumps(response.json(), ensure_ascii=False)
    assert not Attachment.objects.exists()


def test_corrupt_png_through_the_form_is_a_form_error(client, requester, category):
    client.force_login(requester)
    response = client.post(
        reverse("tickets:new"),
        {
            "title": "Screen",
            "description": "See the capture",
            "category": category.pk,
            "impact": "low",
            "urgency": "low",
            "attachments": [SimpleUploadedFile("capture.png", corrupt_png())],
        },
    )
    assert response.status_code == 400
    assert "capture.png" in response.content.decode()
    assert not Ticket.objects.exists()


def _email_with_image(content: bytes) -> bytes:
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = JEAN
    message["To"] = "helpdesk@icity.example"
    message["Subject"] = "Capture"
    message["Message-ID"] = "<capture@x.example>"
    message.set_content("See the capture")
    message.add_attachment(content, maintype="image", subtype="png", filename="capture.png")
    return message.as_bytes()


@pytest.mark.parametrize("kind", ["bomb", "corrupt"])
def test_bad_images_by_email_open_the_ticket_and_list_the_refused_file(bomb, kind):
    jean_with_ticket()
    result = email_ingest(raw=_email_with_image(bomb if kind == "bomb" else corrupt_png()))
    assert result.status == "processed"
    assert not result.ticket.attachments.filter(original_name="capture.png").exists()
    refused = TimelineEvent.objects.filter(ticket=result.ticket, field="attachment_refused")
    assert any("capture.png" in (event.new_value or "") for event in refused)


def test_a_small_image_still_gets_a_thumbnail(requester, category):
    from PIL import Image

    ticket = open_ticket(requester, category=category, uploads=[SimpleUploadedFile("a.png", png_bytes((800, 600)))])
    with Image.open(io.BytesIO(ticket.attachments.get().thumbnail.read())) as thumbnail:
        assert max(thumbnail.size) <= 320
