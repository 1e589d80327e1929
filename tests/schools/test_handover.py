"""Hand-over at the collection point and returns, on top of the loans."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from assets.models import Asset, AssetStatus
from icity.models import Notification
from loans.models import Loan, LoanTerms
from schools import services
from schools.models import Allocation, Appointment, Pupil, PupilLoan, ReconJob, ReturnCampaign
from schools.services import loans as loan_services
from tests.assets.factories import ProductModelFactory
from tests.schools.factories import (
    allocated_pupil,
    make_slot,
    pupil_pack_point,
    ready_device,
    school_with_contact,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def point():
    return pupil_pack_point()


def booked(point, **fields):
    pupil, allocation = allocated_pupil(**fields)
    slot = make_slot(point=point, in_hours=1)
    appointment = services.appointment_book(actor=None, pupil=pupil, slot=slot)
    return pupil, allocation, appointment


def test_hand_over_takes_at_most_five_page_interactions(client, logistics, point):
    pupil, allocation, appointment = booked(point)
    # Newer staff loan terms must not be what the guardian signs.
    LoanTerms.objects.create(version="S-2026-9", text_fr="Conditions du personnel.", text_nl="Personeel.")
    client.force_login(logistics)
    interactions = 0

    def go(method, url, data=None):
        nonlocal interactions
        interactions += 1
        response = getattr(client, method)(url, data or {}, follow=True)
        assert response.status_code == 200
        return response

    go("get", reverse("schools:station"))  # 1. the station
    page = go("get", reverse("schools:station"), {"q": appointment.code})  # 2. find by booking code
    body = page.content.decode()
    assert pupil.first_name in body and "Convention de prêt élève." in body
    assert "Conditions du personnel." not in body
    key = re.search(r'name="idempotency_key" value="([^"]+)"', body).group(1)
    receipt = go(  # 3. scan, identity, agreement: submit
        "post",
        reverse("schools:handover", args=[appointment.pk]),
        {
            "code": allocation.asset.tag,
            "identity_checked": "on",
            "accepted_name": "Karim Guardian",
            "accept_terms": "on",
            "email_receipt": "on",
            "idempotency_key": key,
        },
    )
    assert interactions <= 5
    link = PupilLoan.objects.get(pupil=pupil)
    assert "Print the receipt" in receipt.content.decode()
    loan = link.loan
    assert loan.borrower is None and loan.borrower_kind == "pupil" and loan.borrower_label == f"Pupil #{pupil.pk}"
    assert loan.lines.count() == 3 and loan.terms.version == "P-2026-1"
    assert loan.terms.audience == LoanTerms.Audience.PUPIL_GUARDIAN
    assert loan.due_date.month == 6 and loan.due_date.day == 30
    assert Asset.objects.get(pk=allocation.asset_id).status == AssetStatus.ON_LOAN
    assert Appointment.objects.get(pk=appointment.pk).status == "done"
    assert Allocation.objects.get(pk=allocation.pk).status == "handed_over"
    assert Notification.objects.filter(dedupe_key=f"pupil:{pupil.pk}:receipt:{loan.pk}").exists()
    pdf = client.get(reverse("assets:receipt", args=[loan.receipts.get().pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_scanning_another_ready_device_swaps_the_allocation(logistics, point):
    pupil, allocation, appointment = booked(point)
    other = ready_device()
    link = loan_services.handover_complete(
        actor=logistics,
        appointment=appointment,
        scanned_code=other.tag,
        identity_checked=True,
        accepted_name="G",
        accept_terms=True,
    )
    assert link.allocation.asset_id == other.pk
    assert Allocation.objects.get(pk=allocation.pk).status == "released"
    assert Asset.objects.get(pk=allocation.asset_id).status == AssetStatus.IN_STOCK


def test_scanning_a_device_that_is_not_ready_is_refused_and_nothing_changes(logistics, point):
    pupil, allocation, appointment = booked(point)
    stranger = Asset.objects.create(tag="IC-999999", model=ProductModelFactory(), site=point.site)
    with pytest.raises(services.ProgrammeError):
        loan_services.handover_complete(
            actor=logistics,
            appointment=appointment,
            scanned_code=stranger.tag,
            identity_checked=True,
            accepted_name="G",
            accept_terms=True,
        )
    assert not Loan.objects.exists()
    assert Allocation.objects.get(pk=allocation.pk).status == "reserved"


def test_hand_over_without_identity_or_terms_is_a_form_error(client, logistics, point):
    _pupil, allocation, appointment = booked(point)
    client.force_login(logistics)
    response = client.post(
        reverse("schools:handover", args=[appointment.pk]),
        {"code": allocation.asset.tag, "accepted_name": "G", "idempotency_key": "7b0c4f0e-59a1-4c1e-9a52-1d1f0c0a9a11"},
    )
    assert response.status_code == 400
    assert not Loan.objects.exists()


def test_station_is_logistics_only(client, point):
    _school, contact = school_with_contact()
    client.force_login(contact)
    assert client.get(reverse("schools:station")).status_code == 403
    assert client.get(reverse("schools:returns")).status_code == 403


def handed_over(point, logistics, **fields):
    pupil, allocation, appointment = booked(point, **fields)
    return loan_services.handover_complete(
        actor=logistics,
        appointment=appointment,
        scanned_code=allocation.asset.tag,
        identity_checked=True,
        accepted_name="Karim Uniqueguardian",
        accept_terms=True,
    )


def test_bulk_return_sends_every_device_to_the_wipe(client, logistics, point):
    school, _contact = school_with_contact()
    links = [handed_over(point, logistics, school=school) for _n in range(3)]
    client.force_login(logistics)
    codes = "\n".join(link.allocation.asset.tag for link in links)
    response = client.post(
        reverse("schools:returns"), {"codes": codes, "condition": "c", "missing_parts": "", "school": school.pk}
    )
    assert response.status_code == 302
    for link in links:
        asset = Asset.objects.get(pk=link.allocation.asset_id)
        assert asset.status == AssetStatus.RECONDITIONING
        job = ReconJob.objects.get(asset=asset, closed_at__isnull=True)
        assert job.step == "wipe" and job.source == "returned"
        assert Loan.objects.get(pk=link.loan_id).status == "returned"
        assert Pupil.objects.get(pk=link.pupil_id).closed_at is not None


def test_unknown_code_in_a_return_batch_saves_nothing(logistics, point):
    link = handed_over(point, logistics)
    with pytest.raises(services.ProgrammeError):
        loan_services.pupil_returns_check_in(
            actor=logistics,
            site=point.site,
            returns=[loan_services.PupilReturn(code=link.allocation.asset.tag), loan_services.PupilReturn(code="NOPE")],
        )
    assert Loan.objects.get(pk=link.loan_id).status == "active"


def test_return_campaign_reminds_each_stage_once(logistics, point):
    school, contact = school_with_contact()
    handed_over(point, logistics, school=school)
    deadline = timezone.localdate() + timedelta(days=14)
    ReturnCampaign.objects.create(name="2026", deadline=deadline, stages=[-14, -7, 0, 7])
    assert loan_services.return_reminder_sweep(today=deadline - timedelta(days=15)) == 0
    assert loan_services.return_reminder_sweep(today=deadline - timedelta(days=14)) == 2  # guardian + contact
    assert loan_services.return_reminder_sweep(today=deadline - timedelta(days=13)) == 0
    assert loan_services.return_reminder_sweep(today=deadline) == 2
    assert Notification.objects.filter(template="schools_return_school", recipient=contact).count() == 2


def test_anonymisation_scrubs_the_loan_and_keeps_it(logistics, point, settings):
    link = handed_over(point, logistics, first_name="Zinedine", last_name="Zz-unique", reference="RR-77")
    loan_services.pupil_returns_check_in(
        actor=logistics, site=point.site, returns=[loan_services.PupilReturn(code=link.allocation.asset.tag)]
    )
    with time_machine.travel(timezone.now() + timedelta(days=settings.SCHOOLS_RETENTION_DAYS + 1)):
        assert services.anonymise_sweep() == 1
    loan = Loan.objects.get(pk=link.loan_id)
    assert loan.accepted_name == "—" and "Zinedine" not in loan.borrower_label
    import io

    from pypdf import PdfReader

    for receipt in loan.receipts.all():
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(bytes(receipt.pdf))).pages)
        assert "Uniqueguardian" not in text and "Zinedine" not in text


def test_school_year_end():
    assert loan_services.school_year_end(date(2026, 9, 1)) == date(2027, 6, 30)
    assert loan_services.school_year_end(date(2027, 3, 1)) == date(2027, 6, 30)


def test_full_journey_leaves_no_personal_data_after_retention(client, logistics, point, settings):
    """Register, allocate, book, remind, hand over, return, then the sweep: grep every text column."""
    from tests.schools.test_data_protection import all_text_in_database

    school, contact = school_with_contact()
    secrets_ = {
        "first_name": "Wilhelmina",
        "last_name": "Xylander",
        "reference": "XREF-4242",
        "guardian_name": "Ophelia Guardianperson",
        "guardian_email": "ophelia.unique@parents.example",
        "guardian_phone": "+32 478 65 43 21",
    }
    link = handed_over(point, logistics, school=school, **secrets_)
    client.force_login(logistics)
    client.get(reverse("schools:pupil", args=[link.pupil_id]))
    loan_services.handover_email_receipt(pupil_loan=link)
    loan_services.pupil_returns_check_in(
        actor=logistics, site=point.site, returns=[loan_services.PupilReturn(code=link.allocation.asset.tag)]
    )
    text = all_text_in_database()
    assert all(value in text for value in secrets_.values())
    with time_machine.travel(timezone.now() + timedelta(days=settings.SCHOOLS_RETENTION_DAYS + 1)):
        assert services.anonymise_sweep() == 1
    text = all_text_in_database()
    for value in secrets_.values():
        assert value not in text, value
    assert Loan.objects.filter(pk=link.loan_id, status="returned").exists()
    assert ReconJob.objects.filter(asset_id=link.allocation.asset_id).exists()


def test_the_guardians_receipt_email_carries_the_receipt_pdf(logistics, point):
    from io import BytesIO

    from django.core import mail
    from pypdf import PdfReader

    from icity.outbox import outbox_drain

    pupil, allocation, appointment = booked(point, guardian_email="guardian.pdf@parents.example", language="fr")
    Asset.objects.filter(pk=allocation.asset_id).update(serial="PUP-SN-4711")
    link = loan_services.handover_complete(
        actor=logistics,
        appointment=appointment,
        scanned_code=allocation.asset.tag,
        identity_checked=True,
        accepted_name="Karim Guardian",
        accept_terms=True,
    )
    outbox_drain()  # the booking confirmation
    mail.outbox.clear()
    assert loan_services.handover_email_receipt(pupil_loan=link) is True
    assert loan_services.handover_email_receipt(pupil_loan=link) is False  # once per loan
    receipt = link.loan.receipts.get(kind="hand_over")
    row = Notification.objects.get(dedupe_key=f"pupil:{pupil.pk}:receipt:{link.loan_id}")
    assert row.attachments == [{"kind": "schools.receipt", "id": receipt.pk}]
    assert outbox_drain() == 1
    assert outbox_drain() == 0
    [message] = mail.outbox
    assert message.to == ["guardian.pdf@parents.example"]
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == (receipt.filename, "application/pdf")
    assert pupil.first_name not in filename and pupil.last_name not in filename
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)
    for expected in [allocation.asset.tag, "PUP-SN-4711", "2026-1", "Convention de prêt élève.", link.loan.reference]:
        assert expected in text, expected
    assert "Le reçu est joint à cet e-mail (PDF)" in message.body


def test_an_anonymised_pupils_receipt_is_never_attached(logistics, point, settings):
    link = handed_over(point, logistics)
    receipt = link.loan.receipts.get(kind="hand_over")
    assert loan_services.receipt_attachment(receipt.pk)[0] == receipt.filename
    loan_services.pupil_returns_check_in(
        actor=logistics, site=point.site, returns=[loan_services.PupilReturn(code=link.allocation.asset.tag)]
    )
    with time_machine.travel(timezone.now() + timedelta(days=settings.SCHOOLS_RETENTION_DAYS + 1)):
        assert services.anonymise_sweep() == 1
    assert loan_services.receipt_attachment(receipt.pk) is None


def test_the_schools_provider_serves_pupil_receipts_only(logistics):
    from loans.services import loan_check_out
    from tests.assets.factories import make_asset
    from tests.factories import make_user

    LoanTerms.objects.create(version="2026-9", text_fr="x", text_nl="x")
    loan = loan_check_out(
        actor=logistics,
        borrower=make_user(),
        assets=[make_asset()],
        terms=LoanTerms.objects.get(version="2026-9"),
        accepted_name="Staff Member",
    )
    assert loan_services.receipt_attachment(loan.receipts.get().pk) is None
    assert loan_services.receipt_attachment(10**9) is None


def test_the_guardian_gets_the_return_receipt_once_in_their_language(logistics, point):
    from io import BytesIO

    from django.core import mail
    from pypdf import PdfReader

    from icity.outbox import outbox_drain

    link = handed_over(point, logistics, guardian_email="guardian.back@parents.example", language="nl")
    outbox_drain()
    mail.outbox.clear()
    loan_services.pupil_returns_check_in(
        actor=logistics, site=point.site, returns=[loan_services.PupilReturn(code=link.allocation.asset.tag)]
    )
    receipt = link.loan.receipts.get(kind="return")
    row = Notification.objects.get(dedupe_key=f"pupil:{link.pupil_id}:returned:{link.loan_id}")
    assert row.language == "nl" and row.attachments == [{"kind": "schools.receipt", "id": receipt.pk}]
    assert loan_services.return_email_receipt(pupil_loan=link) is False  # once per loan
    assert outbox_drain() == 1
    [message] = mail.outbox
    assert message.to == ["guardian.back@parents.example"]
    assert "ontvangstbewijs" in message.body.lower()
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == (receipt.filename, "application/pdf")
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)
    assert link.allocation.asset.tag in text and link.loan.reference in text
