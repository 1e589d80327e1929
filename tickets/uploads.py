"""Attachment checks: size first, then type by content (magic bytes), never by name.

An upload is accepted only when its bytes are one of the allow-listed formats
and nothing in it looks like markup a browser could run (HTML, SVG, script):
that refuses polyglots such as a GIF header followed by an HTML page. Images
are re-encoded by Pillow into a PNG thumbnail; the original is only ever
served as a download.

Images are judged by their header before any pixel is decoded: over
``MAX_IMAGE_PIXELS`` they are refused (a 300 KB PNG can hold 317 MB of pixels),
and a file Pillow cannot verify is refused with a message, never a 500. The
thumbnail is decoded in a child process with a memory cap, never in the web
worker itself.
"""

import hashlib
import io
import re
import resource
import subprocess
import sys
import unicodedata
import warnings
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image

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
MAX_IMAGE_PIXELS = 40_000_000
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
# Pillow only warns between the limit and twice the limit: make that an error too.
warnings.simplefilter("error", Image.DecompressionBombWarning)
# The thumbnail child process may use this much address space, then it fails (and the
# upload is refused as unreadable) instead of growing the machine's memory.
THUMBNAIL_MEMORY_CAP = 768 * 1024 * 1024
THUMBNAIL_TIMEOUT_SECONDS = 20


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
        _check_image_header(content, name)
        thumbnail = _thumbnail(content, name)
    return CheckedUpload(
        content=content,
        content_type=content_type,
        original_name=name,
        sha256=hashlib.sha256(content).hexdigest(),
        thumbnail=thumbnail,
    )


def _unreadable(name: str) -> ValidationError:
    return ValidationError(_("“%(name)s” is not a readable image.") % {"name": name}, code="image")


def _check_image_header(content: bytes, name: str) -> None:
    """Read the dimensions from the header and verify the file's structure, decoding no pixels."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                width, height = image.size
                frames = getattr(image, "n_frames", 1)
                if width * height > MAX_IMAGE_PIXELS or width * height * frames > 4 * MAX_IMAGE_PIXELS:
                    raise _too_many_pixels(name, width, height)
                image.verify()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_many_pixels(name, *_header_size(content)) from error
    except Exception as error:  # Pillow says SyntaxError, struct.error, OSError... for broken files
        raise _unreadable(name) from error


def _header_size(content: bytes) -> tuple[int, int]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            saved, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
            try:
                with Image.open(io.BytesIO(content)) as image:
                    return image.size
            finally:
                Image.MAX_IMAGE_PIXELS = saved
    except Exception:
        return (0, 0)


def _too_many_pixels(name: str, width: int, height: int) -> ValidationError:
    return ValidationError(
        _("“%(name)s” is too large an image (%(width)s × %(height)s pixels); the limit is %(limit)s million pixels.")
        % {"name": name, "width": width, "height": height, "limit": MAX_IMAGE_PIXELS // 1_000_000},
        code="too_many_pixels",
    )


# Runs in the child: stdin is the image (already checked by its header), stdout the PNG thumbnail.
_THUMBNAILER = """
import io, sys, warnings
from PIL import Image
Image.MAX_IMAGE_PIXELS = {limit}
warnings.simplefilter("error", Image.DecompressionBombWarning)
with Image.open(io.BytesIO(sys.stdin.buffer.read())) as image:
    image.seek(0)
    image.thumbnail({size})
    image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P", "PA") else "RGB")
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
sys.stdout.buffer.write(output.getvalue())
"""


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (THUMBNAIL_MEMORY_CAP, THUMBNAIL_MEMORY_CAP))


def _thumbnail(content: bytes, name: str) -> bytes:
    """Decode and re-encode in a capped child: what reaches a browser is pixels Pillow wrote."""
    script = _THUMBNAILER.format(limit=MAX_IMAGE_PIXELS, size=THUMBNAIL_SIZE)
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and script, no shell
            [sys.executable, "-I", "-c", script],
            input=content,
            capture_output=True,
            timeout=THUMBNAIL_TIMEOUT_SECONDS,
            preexec_fn=_cap_memory,  # noqa: PLW1509 - no threads are started between fork and exec
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise _unreadable(name) from error
    if done.returncode != 0 or not done.stdout.startswith(b"\x89PNG"):
        raise _unreadable(name)
    return done.stdout


def as_files(checked: CheckedUpload) -> tuple[ContentFile, ContentFile | None]:
    thumb = ContentFile(checked.thumbnail, name="thumbnail") if checked.thumbnail else None
    return ContentFile(checked.content, name="upload"), thumb
