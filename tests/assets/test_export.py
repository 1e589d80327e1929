import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assets.exports import neutralise
from tests.assets.factories import make_asset

pytestmark = pytest.mark.django_db

DANGEROUS = ['=HYPERLINK("http://evil")', "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_formula_like_text_is_neutralised(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["Bechtle", "IC-000001", "", 12, None])
def test_plain_values_are_left_alone(value):
    assert neutralise(value) == ("" if value is None else value)


def _make_dangerous_assets():
    for index, value in enumerate(DANGEROUS):
        make_asset(tag=f"IC-90000{index}", notes=value, supplier=value, location=value[:20])


def test_csv_export_is_streamed_and_neutralised(client, agent):
    _make_dangerous_assets()
    client.force_login(agent)
    response = client.get(reverse("assets:export"), {"format": "csv"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Disposition"].startswith("attachment")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Asset tag" and len(rows) == 1 + len(DANGEROUS)
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_xlsx_export_is_neutralised(client, logistics):
    _make_dangerous_assets()
    client.force_login(logistics)
    response = client.get(reverse("assets:export"), {"format": "xlsx", "sort": "tag"})
    assert response.status_code == 200 and response.streaming
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert len(rows) == 1 + len(DANGEROUS)
    for row in rows[1:]:
        for cell in row:
            if isinstance(cell, str):
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert rows[1][-1] == "'" + DANGEROUS[0]


def test_export_follows_the_list_filters(client, agent):
    make_asset(tag="IC-000001")
    make_asset(tag="IC-000002")
    client.force_login(agent)
    response = client.get(reverse("assets:export"), {"format": "csv", "q": "IC-000002"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "IC-000002" in text and "IC-000001" not in text


def test_requesters_cannot_export(client, requester):
    client.force_login(requester)
    assert client.get(reverse("assets:export")).status_code == 403
