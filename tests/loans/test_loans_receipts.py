"""Must show 5: receipts contain the right tags, serials, names and terms version (text read back)."""

from io import BytesIO

import pytest
from pypdf import PdfReader

from loans import services
from tests.assets.factories import make_asset
from tests.factories import SiteFactory, make_user
from tests.loans.loan_factories import dock_model, laptop_model, terms

pytestmark = pytest.mark.django_db


def text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def test_hand_over_receipt_lists_tags_serials_names_and_terms_version(logistics):
    borrower = make_user(first_name="Élodie", last_name="Van den Berghe", language="fr")
    laptop = make_asset(model=laptop_model(name="Latitude 5440"), serial="CN-7XK2P93")
    dock = make_asset(model=dock_model(name="WD19S"), serial="DK-0042")
    loan = services.loan_check_out(
        actor=logistics,
        borrower=borrower,
        assets=[laptop, dock],
        terms=terms("2026-2"),
        accepted_name="Élodie Van den Berghe",
    )
    content = text(bytes(loan.receipts.get().pdf))
    for expected in [laptop.tag, dock.tag, "CN-7XK2P93", "DK-0042", "Élodie Van den Berghe", "2026-2", loan.reference]:
        assert expected in content, expected
    assert "Je prends soin du matériel" in content  # the French terms for a French-speaking borrower


def test_return_receipt_lists_what_came_back_and_what_is_still_out(logistics):
    borrower = make_user(language="nl")
    site = SiteFactory()
    first = make_asset(model=dock_model(), serial="RET-1", site=site)
    second = make_asset(model=dock_model(), serial="OUT-2", site=site)
    loan = services.loan_check_out(actor=logistics, borrower=borrower, assets=[first, second])
    services.loan_check_in(
        actor=logistics,
        site=site,
        items=[services.ReturnItem(line=loan.lines.get(asset=first), condition="c", missing_parts="voeding")],
    )
    content = text(bytes(loan.receipts.get(kind="return").pdf))
    assert first.tag in content and "RET-1" in content and "voeding" in content
    assert "Nog uitgeleend" in content and second.tag in content
