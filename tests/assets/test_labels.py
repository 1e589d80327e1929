import io

import pytest
import zxingcpp
from django.conf import settings
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from assets.labels import LAYOUTS, render_labels
from assets.models import Asset
from tests.assets.factories import make_assets

pytestmark = pytest.mark.django_db


def decode_pdf_qr_codes(pdf: bytes) -> tuple[list[str], str, int]:
    """Decode every QR image in the PDF with zxing-cpp, independently of the generator."""
    reader = PdfReader(io.BytesIO(pdf))
    decoded, text = [], []
    for page in reader.pages:
        text.append(page.extract_text())
        for image in page.images:
            picture = Image.open(io.BytesIO(image.data)).convert("L")
            results = zxingcpp.read_barcodes(picture)
            assert len(results) == 1, "every label image must hold exactly one readable code"
            assert results[0].format == zxingcpp.BarcodeFormat.QRCode
            decoded.append(results[0].text)
    return decoded, "\n".join(text), len(reader.pages)


def test_label_sheet_for_100_assets_decodes_back_to_each_asset_page(client, logistics):
    make_assets(100)
    client.force_login(logistics)
    ids = list(Asset.objects.values_list("pk", flat=True))
    response = client.post(reverse("assets:labels"), {"asset": ids, "layout": "a4-24"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    decoded, text, pages = decode_pdf_qr_codes(response.content)
    expected = [settings.SITE_URL + asset.get_absolute_url() for asset in Asset.objects.order_by("tag")]
    assert sorted(decoded) == sorted(expected) and len(set(decoded)) == 100
    assert pages == 5  # 24 per A4 sheet
    for asset in Asset.objects.select_related("model"):
        assert asset.tag in text
    assert Asset.objects.first().model.name in text


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_every_layout_renders_one_label(layout):
    asset = make_assets(1)[0]
    decoded, text, pages = decode_pdf_qr_codes(render_labels([asset], layout_key=layout))
    assert decoded == [settings.SITE_URL + asset.get_absolute_url()] and pages == 1


def test_one_label_from_the_asset_page_link(client, agent):
    asset = make_assets(1)[0]
    client.force_login(agent)
    response = client.get(reverse("assets:labels"), {"tag": asset.tag})
    assert response.status_code == 200
    assert decode_pdf_qr_codes(response.content)[0] == [settings.SITE_URL + asset.get_absolute_url()]
