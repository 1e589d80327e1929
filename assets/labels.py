"""Printable asset labels: A4 sheets of common label layouts, each with tag, model and a QR code.

The QR code holds the absolute URL of the asset page, so any phone camera or
the Scan page opens the unit directly.
"""

import io
from collections.abc import Iterable
from dataclasses import dataclass

import segno
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from .models import Asset


@dataclass(frozen=True)
class LabelLayout:
    key: str
    label: str
    columns: int
    rows: int
    width: float  # mm
    height: float
    left: float  # page margin, mm
    top: float
    gap_x: float = 0.0
    gap_y: float = 0.0

    @property
    def per_page(self) -> int:
        return self.columns * self.rows


LAYOUTS = {
    layout.key: layout
    for layout in [
        LabelLayout("a4-24", _("A4, 24 labels 70 × 37 mm (3 × 8)"), 3, 8, 70, 37, 0, 0.5),
        LabelLayout("a4-21", _("A4, 21 labels 70 × 42.3 mm (3 × 7)"), 3, 7, 70, 42.3, 0, 0.45),
        LabelLayout("a4-14", _("A4, 14 labels 99.1 × 38.1 mm (2 × 7)"), 2, 7, 99.1, 38.1, 4.65, 15.15, 2.5, 0),
    ]
}
DEFAULT_LAYOUT = "a4-24"


def asset_url(asset: Asset) -> str:
    return settings.SITE_URL + asset.get_absolute_url()


def _qr_png(data: str) -> ImageReader:
    buffer = io.BytesIO()
    segno.make(data, error="m", micro=False).save(buffer, kind="png", scale=4, border=2)
    buffer.seek(0)
    return ImageReader(buffer)


def _fit(text: str, canvas: Canvas, font: str, size: float, width: float) -> str:
    while text and canvas.stringWidth(text, font, size) > width:
        text = text[:-2] + "…" if len(text) > 2 else ""
    return text


def render_labels(assets: Iterable[Asset], *, layout_key: str = DEFAULT_LAYOUT) -> bytes:
    """One PDF with a label per asset, in the given order (assets need model__manufacturer loaded)."""
    layout = LAYOUTS.get(layout_key, LAYOUTS[DEFAULT_LAYOUT])
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle("icity asset labels")
    canvas.setCreator("icity")
    page_height = A4[1]
    padding = 2.5 * mm
    slot = 0
    for asset in assets:
        if slot == layout.per_page:
            canvas.showPage()
            slot = 0
        column, row = slot % layout.columns, slot // layout.columns
        x = (layout.left + column * (layout.width + layout.gap_x)) * mm
        y_top = page_height - (layout.top + row * (layout.height + layout.gap_y)) * mm
        height = layout.height * mm
        qr_size = height - 2 * padding
        canvas.drawImage(_qr_png(asset_url(asset)), x + padding, y_top - padding - qr_size, qr_size, qr_size)
        text_x = x + 2 * padding + qr_size
        text_width = layout.width * mm - qr_size - 3 * padding
        canvas.setFont("Helvetica-Bold", 12)
        canvas.drawString(text_x, y_top - padding - 12, _fit(asset.tag, canvas, "Helvetica-Bold", 12, text_width))
        canvas.setFont("Helvetica", 7.5)
        model = f"{asset.model.manufacturer.name} {asset.model.name}"
        canvas.drawString(text_x, y_top - padding - 24, _fit(model, canvas, "Helvetica", 7.5, text_width))
        if asset.serial:
            canvas.drawString(
                text_x, y_top - padding - 34, _fit(f"S/N {asset.serial}", canvas, "Helvetica", 7.5, text_width)
            )
        canvas.drawString(
            text_x,
            y_top - height + padding + 2,
            _fit("i-CITY · Ville de Bruxelles", canvas, "Helvetica", 6.5, text_width),
        )
        slot += 1
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
