"""Control characters cannot break an XLSX export (issue 20, finding 7).

Values are stored here through the ORM, past the input cleaning, as rows written
before the fix would be: every XLSX writer must still produce a workbook.
"""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assets.models import Asset, Category
from icity.spreadsheets import xlsx_value
from surveys.models import Answer
from tests.assets.factories import make_asset
from tests.factories import DepartmentFactory, make_user
from tests.surveys.factories import open_campaign, respond

pytestmark = pytest.mark.django_db

HOSTILE = "Dell\x1b[31m\x00 \x07Inc\ufffe"


def _workbook(response):
    body = response.getvalue() if not response.streaming else b"".join(response.streaming_content)
    return load_workbook(io.BytesIO(body))


def test_the_helper_drops_what_xml_cannot_hold():
    assert xlsx_value(HOSTILE) == "Dell[31m Inc"
    assert xlsx_value("=1+1") == "'=1+1"
    assert xlsx_value(3) == 3 and xlsx_value(None) is None


def test_asset_export_survives_control_characters_in_supplier_and_category(client, logistics):
    asset = make_asset(tag="IC-000777")
    # PostgreSQL cannot store NUL in text, so a stored value never holds one (xlsx_value's own test covers NUL).
    Asset.objects.filter(pk=asset.pk).update(supplier=HOSTILE.replace("\x00", ""), notes="a\x0bb")
    Category.objects.filter(pk=asset.model.category_id).update(name_fr="Port\x1bables")
    client.force_login(logistics)
    response = client.get(reverse("assets:export"), {"format": "xlsx"})
    assert response.status_code == 200
    values = [cell for row in _workbook(response).active.iter_rows(values_only=True) for cell in row]
    assert "Dell[31m Inc" in values


def test_survey_export_survives_an_escape_in_an_answer(client, manager):
    campaign = open_campaign(anonymous=True)
    department = DepartmentFactory(name_fr="Finances")
    respond(campaign, [make_user(department=department) for _ in range(5)], text="ok")
    Answer.objects.filter(campaign=campaign, text="ok").update(text="tr\x1bès bien")
    client.force_login(manager)
    response = client.get(reverse("surveys:campaign-export", args=[campaign.pk, "xlsx"]))
    assert response.status_code == 200
    values = [cell for row in _workbook(response).active.iter_rows(values_only=True) for cell in row]
    assert "très bien" in values
