"""An asset's history reads as sentences in the reader's language; amounts by locale."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from assets.history import describe
from assets.models import AssetEvent

pytestmark = pytest.mark.django_db


def event(kind, old="", new=""):
    return AssetEvent(kind=kind, old_value=old, new_value=new)


@pytest.mark.parametrize(
    ("language", "kind", "old", "new", "expected"),
    [
        ("fr", "created", "", "in_stock @ DEPOT / D-11", "Enregistré à DEPOT / D-11, statut : En stock."),
        ("fr", "status", "on_loan", "reconditioning", "Statut passé de « En prêt » à « En reconditionnement »."),
        ("fr", "condition", "new", "b", "État passé de « Neuf » à « B – légère usure »."),
        ("nl", "status", "on_loan", "reconditioning", "Status gewijzigd van ‘Uitgeleend’ naar ‘In reconditionering’."),
        ("en", "status", "in_stock", "on_loan", "Status changed from “In stock” to “On loan”."),
        ("en", "details", "serial: ABC", "serial: ABD", "Serial number changed from “ABC” to “ABD”."),
    ],
)
def test_history_lines_are_sentences(language, kind, old, new, expected):
    with translation.override(language):
        assert describe(event(kind, old, new)) == expected


def test_no_raw_key_in_any_history_sentence():
    for language in ("fr", "nl", "en"):
        with translation.override(language):
            text = describe(event("stocktake", "lost", "in_stock"))
        assert "in_stock" not in text and "lost" not in text.split()


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", "1\u00a0157,00\u00a0€"), ("nl", "€\u00a01.157,00"), ("en", "€1,157.00")],
)
def test_money_is_formatted_by_locale(language, expected):
    with translation.override(language):
        rendered = Template("{% load icity_format %}{{ amount|money }}").render(Context({"amount": Decimal("1157")}))
    assert rendered == expected
