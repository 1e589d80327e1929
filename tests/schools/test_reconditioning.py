"""Reconditioning: the bench steps, the wipe certificate PDF, QA by a second person."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from assets.models import Asset, AssetStatus
from assets.services import asset_change_status
from schools import services
from schools.models import ReconJob, ReconStep
from tests.assets.factories import make_asset
from tests.factories import make_user
from tests.schools.factories import CollectionPointFactory

pytestmark = pytest.mark.django_db


def job_through_cleaning(technician, *, serial="SN-778812"):
    asset = make_asset(serial=serial)
    asset_change_status(actor=None, asset=asset, status=AssetStatus.ON_LOAN, holder=make_user())
    job = services.recon_job_open(actor=technician, asset=asset, source="returned", serial_seen=serial)
    services.recon_record_wipe(
        actor=technician, job=job, method="purge", tool="Blancco 7.2", result="passed", verification="Full read-back"
    )
    services.recon_record_tests(
        actor=technician, job=job, battery_health=87, checks=dict.fromkeys(services.TEST_FIELDS, True)
    )
    services.recon_record_image(actor=technician, job=job, os_image="Edu-Win11", os_version="23H2")
    services.recon_record_cleaning(actor=technician, job=job, cosmetic_grade="B")
    return ReconJob.objects.get(pk=job.pk)


def test_intake_puts_the_asset_in_reconditioning(logistics):
    job = job_through_cleaning(logistics)
    assert job.asset.status == AssetStatus.RECONDITIONING
    assert job.step == ReconStep.QA
    assert job.certificate_number.startswith("WC-")


def test_qa_by_the_technician_is_refused(logistics):
    job = job_through_cleaning(logistics)
    with pytest.raises(services.ProgrammeError):
        services.recon_qa_sign_off(actor=logistics, job=job)
    assert ReconJob.objects.get(pk=job.pk).step == ReconStep.QA


def test_qa_by_a_second_person_makes_the_device_ready(logistics):
    CollectionPointFactory()
    job = job_through_cleaning(logistics)
    reviewer = make_user("logistics")
    services.recon_qa_sign_off(actor=reviewer, job=job)
    job.refresh_from_db()
    assert job.step == ReconStep.READY and job.qa_by == reviewer and job.closed_at
    asset = Asset.objects.get(pk=job.asset_id)
    assert asset.status == AssetStatus.IN_STOCK and asset.condition == "b"
    assert services.ready_devices().filter(pk=asset.pk).exists()


def test_qa_page_refuses_the_technician(client, logistics):
    job = job_through_cleaning(logistics)
    client.force_login(logistics)
    response = client.post(reverse("schools:job-qa", args=[job.pk]), follow=True)
    assert "someone other than the technician" in response.content.decode()
    assert ReconJob.objects.get(pk=job.pk).qa_by is None


def test_wipe_certificate_pdf_carries_the_facts(client, logistics):
    job = job_through_cleaning(logistics, serial="SN-CERT-4411")
    client.force_login(logistics)
    response = client.get(reverse("schools:job-certificate", args=[job.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    operator = logistics.get_full_name()
    for expected in (
        job.certificate_number,
        "SN-CERT-4411",
        "Purge",
        "Blancco 7.2",
        "Passed",
        operator,
        job.wiped_at.strftime("%Y-"),
    ):
        assert expected in text, expected


def test_certificate_numbers_are_sequential(logistics):
    first = job_through_cleaning(logistics, serial="A1")
    second = job_through_cleaning(logistics, serial="A2")
    assert int(second.certificate_number[-5:]) == int(first.certificate_number[-5:]) + 1


def test_failed_wipe_gets_no_certificate_and_stays(logistics):
    asset = make_asset()
    job = services.recon_job_open(actor=logistics, asset=asset, source="donated")
    services.recon_record_wipe(
        actor=logistics, job=job, method="clear", tool="nwipe", result="failed", verification="bad sectors"
    )
    job.refresh_from_db()
    assert job.step == ReconStep.WIPE and job.certificate_number is None


def test_route_to_disposal_needs_a_reason(logistics):
    job = services.recon_job_open(actor=logistics, asset=make_asset(), source="donated")
    with pytest.raises(services.ProgrammeError):
        services.recon_route(actor=logistics, job=job, outcome="disposal", reason="")
    services.recon_route(actor=logistics, job=job, outcome="disposal", reason="Cracked motherboard")
    assert Asset.objects.get(pk=job.asset_id).status == AssetStatus.DISPOSED


def test_one_open_job_per_device(logistics):
    asset = make_asset()
    services.recon_job_open(actor=logistics, asset=asset, source="donated")
    with pytest.raises(services.ProgrammeError):
        services.recon_job_open(actor=logistics, asset=asset, source="donated")


def test_bench_pages_drive_a_job(client, logistics):
    asset = make_asset()
    client.force_login(logistics)
    response = client.post(reverse("schools:job-new"), {"code": asset.tag, "source": "donated", "condition": "b"})
    job = ReconJob.objects.get(asset=asset)
    assert response.url == reverse("schools:job", args=[job.pk])
    bad = client.post(reverse("schools:job", args=[job.pk]), {"step-method": "purge"})
    assert bad.status_code == 400
    client.post(
        reverse("schools:job", args=[job.pk]),
        {"step-method": "clear", "step-tool": "nwipe", "step-result": "passed", "step-verification": "sampled"},
    )
    assert ReconJob.objects.get(pk=job.pk).step == ReconStep.TESTS
    board = client.get(reverse("schools:jobs"))
    assert board.status_code == 200 and asset.tag in board.content.decode()
    assert asset.tag in client.get(asset.get_absolute_url()).content.decode()


def test_school_contact_cannot_use_the_bench(client, db):
    contact = make_user("school_contact")
    client.force_login(contact)
    assert client.get(reverse("schools:jobs")).status_code == 403
