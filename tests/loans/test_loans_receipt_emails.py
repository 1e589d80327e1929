"""Issue #5: the hand-over and return receipts are stored and emailed, as PDF attachments through the outbox."""

from io import BytesIO

import pytest
from django.core import mail
from pypdf import PdfReader

from icity.models import Notification
from icity.outbox import outbox_drain
from loans import services
from loans.models import Receipt
from tests.assets.factories import make_asset
from tests.factories import SiteFactory, make_user
from tests.loans.loan_factories import dock_model, laptop_model, telework_kit, terms
from tests.loans.test_requests_flow import submit

pytestmark = pytest.mark.django_db


def text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def sent_for(loan, suffix: str):
    """The one email sent with the outbox key ``loan:<id>:<suffix>``."""
    key = f"loan:{loan.pk}:{suffix}"
    messages = [message for message in mail.outbox if message.extra_headers["X-Icity-Notification"] == key]
    assert len(messages) == 1, [message.extra_headers["X-Icity-Notification"] for message in mail.outbox]
    return messages[0]


@pytest.fixture
def desk_loan(logistics):
    """A desk check-out with typed name and terms: a hand-over receipt and its email are queued."""
    borrower = make_user(first_name="Élodie", last_name="Van den Berghe", language="en")
    site = SiteFactory()
    laptop = make_asset(model=laptop_model(name="Latitude 5440"), serial="CN-7XK2P93", site=site)
    dock = make_asset(model=dock_model(name="WD19S"), serial="DK-0042", site=site)
    loan = services.loan_check_out(
        actor=logistics,
        borrower=borrower,
        assets=[laptop, dock],
        terms=terms("2026-2"),
        accepted_name="Élodie Van den Berghe",
    )
    return loan, site, laptop, dock


def test_the_hand_over_email_carries_the_receipt_pdf(desk_loan):
    loan, _site, laptop, dock = desk_loan
    receipt = loan.receipts.get(kind=Receipt.Kind.HAND_OVER)
    assert outbox_drain() == 1
    message = sent_for(loan, "handed-over")
    assert message.to == [loan.borrower.email]
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == (receipt.filename, "application/pdf")
    assert filename.startswith(f"handover-LN-{loan.pk:06d}-")
    assert content == bytes(receipt.pdf)
    pdf_text = text(content)
    for expected in [laptop.tag, dock.tag, "CN-7XK2P93", "DK-0042", "2026-2", loan.reference]:
        assert expected in pdf_text, expected
    assert "receipt is attached to this email (PDF)" in message.body
    assert "receipt is attached to this email (PDF)" in message.alternatives[0][0]


def test_the_outbox_row_holds_a_reference_not_the_pdf(desk_loan):
    loan, *_ = desk_loan
    receipt = loan.receipts.get()
    row = Notification.objects.get(dedupe_key=f"loan:{loan.pk}:handed-over")
    assert row.attachments == [{"kind": "loans.receipt", "id": receipt.pk}]


def test_drained_twice_the_receipt_email_is_sent_once(desk_loan):
    loan, *_ = desk_loan
    assert outbox_drain() == 1
    assert outbox_drain() == 0
    assert len(mail.outbox) == 1 and len(mail.outbox[0].attachments) == 1


def test_a_receipt_deleted_before_the_send_leaves_the_email_without_it(desk_loan):
    loan, *_ = desk_loan
    loan.receipts.all().delete()
    assert outbox_drain() == 1
    message = sent_for(loan, "handed-over")
    assert message.attachments == []
    # It does not claim an attachment it does not carry.
    assert "attached" not in message.body and "Your receipt (PDF) is on the page below." in message.body
    assert Notification.objects.get(dedupe_key=f"loan:{loan.pk}:handed-over").status == Notification.Status.SENT


def test_the_return_email_carries_the_return_receipt_pdf(desk_loan, logistics):
    loan, site, laptop, dock = desk_loan
    outbox_drain()
    mail.outbox.clear()
    services.loan_check_in(
        actor=logistics,
        site=site,
        items=[services.ReturnItem(line=loan.lines.get(asset=laptop), condition="c", missing_parts="charger")],
    )
    receipt = loan.receipts.get(kind=Receipt.Kind.RETURN)
    assert outbox_drain() == 1
    message = sent_for(loan, f"returned:{receipt.pk}")
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == (receipt.filename, "application/pdf")
    assert filename.startswith(f"return-LN-{loan.pk:06d}-")
    pdf_text = text(content)
    for expected in [laptop.tag, "CN-7XK2P93", "charger", "Still on loan", dock.tag, loan.reference]:
        assert expected in pdf_text, expected
    assert "return receipt is attached to this email (PDF)" in message.body


def test_a_requested_kit_handed_over_is_emailed_with_its_receipt_in_the_borrowers_language(logistics):
    requester = make_user(language="nl")
    kit, site, items = telework_kit()
    laptop, dock = items["units"]
    terms("2026-3")
    request = submit(requester, kit)
    services.request_prepare(actor=logistics, request=request, codes=[laptop.tag, dock.tag], stock_site=site)
    loan = services.loan_hand_over(actor=logistics, request=request, accepted_name="Jan Peeters", accept_terms=True)
    outbox_drain()
    message = sent_for(loan, "handed-over")
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == (loan.receipts.get().filename, "application/pdf")
    pdf_text = text(content)
    for expected in [laptop.tag, laptop.serial, dock.tag, dock.serial, "2026-3", "Ik zorg voor het materiaal"]:
        assert expected in pdf_text, expected
    assert "bijlage" in message.body
