import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tickets import services
from tickets.models import Attachment, Ticket

from .factories import open_ticket

pytestmark = pytest.mark.django_db


def png_bytes(size=(40, 30)) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(output, format="PNG")
    return output.getvalue()


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_screenshot_is_stored_privately_with_thumbnail(requester, category, settings):
    ticket = open_ticket(requester, category=category, uploads=[upload("écran.png", png_bytes(), "image/png")])
    attachment = ticket.attachments.get()
    assert attachment.content_type == "image/png"
    assert attachment.original_name == "écran.png"
    assert attachment.thumbnail
    assert "." not in attachment.file.name.rsplit("/", 1)[-1]  # no extension, unguessable
    assert str(settings.STATIC_ROOT) not in attachment.file.path


def test_pdf_and_text_accepted(requester, category):
    ticket = open_ticket(requester, category=category)
    services.attachment_add(ticket=ticket, uploaded_by=requester, upload=upload("a.pdf", b"%PDF-1.4\n%...\n1 0 obj\n"))
    services.attachment_add(ticket=ticket, uploaded_by=requester, upload=upload("log.txt", b"Erreur 0x80070005\n"))
    assert sorted(ticket.attachments.values_list("content_type", flat=True)) == ["application/pdf", "text/plain"]


@pytest.mark.parametrize(
    "name,content",
    [
        ("page.html", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("image.png", b"<html><body onload=alert(1)>"),  # lying name
        ("logo.svg", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("poly.gif", b"GIF89a/*\x00\x00\x00\x00*/=1;<script>alert(1)</script>"),
        ("poly.pdf", b"%PDF-1.4 <html><script>alert(1)</script>"),
        ("tool.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"),
        ("fake.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40),  # PNG header, not a decodable image
    ],
)
def test_dangerous_or_unknown_uploads_refused(requester, category, name, content):
    with pytest.raises(ValidationError):
        open_ticket(requester, category=category, uploads=[upload(name, content)])
    assert not Ticket.objects.exists()
    assert not Attachment.objects.exists()


def test_oversized_upload_refused_without_storing(requester, category, settings, tmp_path):
    settings.TICKETS_ATTACHMENT_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as error:
        open_ticket(requester, category=category, uploads=[upload("big.png", png_bytes((400, 400)))])
    assert "too large" in str(error.value) or "volumineux" in str(error.value)
    assert not Ticket.objects.exists()
    media = settings.MEDIA_ROOT
    assert not any(p.is_file() for p in media.rglob("*")) if media.exists() else True


def test_file_name_is_cleaned(requester, category):
    ticket = open_ticket(
        requester, category=category, uploads=[upload("../../etc/<script>x</script>.png", png_bytes())]
    )
    assert ticket.attachments.get().original_name == "script>.png"


def test_thumbnail_is_re_encoded_not_the_upload(requester, category):
    payload = b"<!--trailing payload after the image data-->"
    ticket = open_ticket(requester, category=category, uploads=[upload("x.png", png_bytes() + payload)])
    attachment = ticket.attachments.get()
    with attachment.thumbnail.open("rb") as handle:
        thumb = handle.read()
    assert thumb.startswith(b"\x89PNG")
    assert payload not in thumb
    with attachment.file.open("rb") as handle:
        assert payload in handle.read()  # the original is kept as uploaded, served only as a download
