"""Attachment checks: size first, then type by content (magic bytes), never by name.

An upload is accepted only when its bytes are one of the allow-listed formats
and nothing in it looks like markup a browser could run (HTML, SVG, script):
that refuses polyglots such as a GIF header followed by an HTML page. Images
are re-encoded by Pillow into a PNG thumbnail; the original is only ever
served as a download.
"""

import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

ALLOWED_TYPES = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "text/plain": "txt",
}
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
# Markup a browser would interpret if it ever sniffed the file as HTML or SVG.
MARKUP = re.compile(rb"<\s*(?:!doctype\s+html|html|script|svg|iframe|body|head|object|embed)\b|javascript:", re.I)
THUMBNAIL_SIZE = (320, 320)
Image.MAX_IMAGE_PIXELS = 40_000_000  # refuse decompression bombs


@dataclass
class CheckedUpload:
    content: bytes
    content_type: str
    original_name: str
    sha256: str
    thumbnail: bytes | None


def clean_filename(name: str) -> str:
    """Keep a readable name for display and the download header; strip paths and control characters."""
    name = unicodedata.normalize("NFC", str(name or "")).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C").strip(" .")
    return name[:200] or "file"


def _looks_like_text(content: bytes) -> bool:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(char.isprintable() or char in "\r\n\t" for char in text[:20000])


def check_upload(upload) -> CheckedUpload:
    """Validate one uploaded file; raise ValidationError with a message for the person."""
    limit = settings.TICKETS_ATTACHMENT_MAX_BYTES
    name = clean_filename(getattr(upload, "name", ""))
    if upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is too large (%(size)s); the limit is %(limit)s.")
            % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    if hasattr(upload, "seek"):
        upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ValidationError(_("“%(name)s” is too large.") % {"name": name}, code="too_large")
    if not content:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="empty")
    kind = filetype.guess(content)
    if kind is not None and kind.mime in ALLOWED_TYPES:
        content_type = kind.mime
    elif kind is None and _looks_like_text(content):
        content_type = "text/plain"
    else:
        content_type = ""
    if not content_type or MARKUP.search(content):
        raise ValidationError(
            _(
                "“%(name)s” cannot be attached: only images (PNG, JPEG, GIF, WebP), PDF, office documents "
                "and plain text are accepted, and web pages or SVG files are refused."
            )
            % {"name": name},
            code="type",
        )
    thumbnail = None
    if content_type in IMAGE_TYPES:
        thumbnail = _thumbnail(content, name)
    return CheckedUpload(
        content=content,
        content_type=content_type,
        original_name=name,
        sha256=hashlib.sha256(content).hexdigest(),
        thumbnail=thumbnail,
    )


def _thumbnail(content: bytes, name: str) -> bytes:
    """Decode and re-encode: what reaches a browser is pixels Pillow wrote, not the upload."""
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
        with Image.open(io.BytesIO(content)) as image:
            image.seek(0)
            image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
            image.thumbnail(THUMBNAIL_SIZE)
            output = io.BytesIO()
            image.save(output, format="PNG", optimize=True)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(_("“%(name)s” is not a readable image.") % {"name": name}, code="image") from error
    return output.getvalue()


def as_files(checked: CheckedUpload) -> tuple[ContentFile, ContentFile | None]:
    thumb = ContentFile(checked.thumbnail, name="thumbnail") if checked.thumbnail else None
    return ContentFile(checked.content, name="upload"), thumb
