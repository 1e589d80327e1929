"""Pupil import from CSV or XLSX: a dry run saves nothing; any bad row saves nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from schools.models import Pupil
from tests.schools.factories import PupilFactory, school_with_contact

pytestmark = pytest.mark.django_db

HEADER = "reference;first_name;last_name;class;guardian_name;guardian_email;guardian_phone;language;eligibility\n"
GOOD = (
    HEADER
    + "R1;Sara;Peeters;3A;Jan Peeters;jan@parents.example;;nl;no_device\n"
    + ("R2;Yanis;Amrani;3B;Nadia Amrani;;+32 470 11 22 33;fr;financial\n")
)


def upload(client, school, content: bytes, name="pupils.csv", dry_run=True):
    data = {"school": school.pk, "file": SimpleUploadedFile(name, content)}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(reverse("schools:import"), data)


def test_dry_run_checks_and_saves_nothing(client):
    school, contact = school_with_contact()
    client.force_login(contact)
    response = upload(client, school, GOOD.encode())
    assert response.status_code == 200 and "2 rows are valid" in response.content.decode()
    assert Pupil.objects.count() == 0


def test_import_registers_every_row(client):
    school, contact = school_with_contact()
    client.force_login(contact)
    response = upload(client, school, GOOD.encode(), dry_run=False)
    assert response.status_code == 302
    assert set(Pupil.objects.filter(school=school).values_list("reference", flat=True)) == {"R1", "R2"}
    assert Pupil.objects.get(reference="R1").language == "nl"


def test_a_bad_row_saves_nothing_and_says_which_line(client):
    school, contact = school_with_contact()
    PupilFactory(school=school, reference="R2")
    client.force_login(contact)
    bad = GOOD + "R3;No;Contact;1A;Someone;;;fr;no_device\nR4;X;Y;1A;G;not-an-email;;de;bogus\n"
    response = upload(client, school, bad.encode(), dry_run=False)
    body = response.content.decode()
    assert "Line 3" in body and "Line 4" in body and "Line 5" in body
    assert Pupil.objects.filter(school=school).count() == 1


def test_xlsx_is_read_by_content(client):
    school, contact = school_with_contact()
    workbook = Workbook()
    sheet = workbook.active
    for line in GOOD.strip().split("\n"):
        sheet.append(line.split(";"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(contact)
    upload(client, school, buffer.getvalue(), name="pupils.txt", dry_run=False)
    assert Pupil.objects.filter(school=school).count() == 2


def test_binary_junk_is_refused(client):
    school, contact = school_with_contact()
    client.force_login(contact)
    response = upload(client, school, b"\x00\x01\x02MZ\x90\x00" * 100, name="pupils.csv", dry_run=False)
    assert "neither a CSV nor an XLSX" in response.content.decode()
    assert Pupil.objects.count() == 0


def test_contact_cannot_import_into_another_school(client):
    _mine, contact = school_with_contact()
    other, _c = school_with_contact()
    client.force_login(contact)
    upload(client, other, GOOD.encode(), dry_run=False)
    assert Pupil.objects.count() == 0


def test_registration_form_refuses_a_pupil_without_guardian_contact(client):
    school, contact = school_with_contact()
    client.force_login(contact)
    response = client.post(
        reverse("schools:pupil-new"),
        {
            "school": school.pk,
            "reference": "N1",
            "first_name": "A",
            "last_name": "B",
            "class_name": "1A",
            "guardian_name": "G",
            "language": "fr",
            "eligibility": "other",
        },
    )
    assert response.status_code == 200 and "email address or phone" in response.content.decode()
    assert not Pupil.objects.exists()
    client.post(
        reverse("schools:pupil-new"),
        {
            "school": school.pk,
            "reference": "N1",
            "first_name": "A",
            "last_name": "B",
            "class_name": "1A",
            "guardian_name": "G",
            "guardian_phone": "0470",
            "language": "fr",
            "eligibility": "other",
            "status": "approved",
        },
    )
    assert Pupil.objects.get(reference="N1").status == "pending"  # status is never mass-assignable
