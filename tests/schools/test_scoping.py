"""A school contact sees and changes only their own school's pupils: pages, exports, search."""

import pytest
from django.urls import reverse

from icity.roles import Role
from schools.models import Pupil, PupilAccessLog
from tests.factories import make_user
from tests.schools.factories import PupilFactory, school_with_contact

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_schools():
    mine, contact = school_with_contact()
    other, _other_contact = school_with_contact()
    own = PupilFactory(school=mine, last_name="Owner")
    foreign = PupilFactory(school=other, last_name="Stranger", reference="SAME-REF")
    return contact, own, foreign


def test_list_and_search_show_only_own_school(client, two_schools):
    contact, own, foreign = two_schools
    client.force_login(contact)
    page = client.get(reverse("schools:home")).content.decode()
    assert "Owner" in page and "Stranger" not in page
    foreign_link = reverse("schools:pupil", args=[foreign.pk])
    for query in ({"q": "Stranger"}, {"q": "SAME-REF"}, {"school": foreign.school_id}):
        response = client.get(reverse("schools:home"), query).content.decode()
        assert foreign_link not in response and foreign.first_name not in response


@pytest.mark.parametrize("name", ["schools:pupil", "schools:pupil-edit", "schools:pupil-export"])
def test_other_schools_pupil_is_404(client, two_schools, name):
    contact, own, foreign = two_schools
    client.force_login(contact)
    assert client.get(reverse(name, args=[foreign.pk])).status_code == 404
    assert client.get(reverse(name, args=[own.pk])).status_code == 200


def test_contact_cannot_change_other_schools_pupil(client, two_schools):
    contact, _own, foreign = two_schools
    client.force_login(contact)
    response = client.post(
        reverse("schools:pupil-edit", args=[foreign.pk]),
        {
            "reference": "X",
            "first_name": "Hacked",
            "last_name": "Hacked",
            "class_name": "1A",
            "guardian_name": "G",
            "guardian_email": "g@example.com",
            "language": "fr",
            "eligibility": "other",
        },
    )
    assert response.status_code == 404
    assert Pupil.objects.get(pk=foreign.pk).first_name != "Hacked"
    for name in ("schools:pupil-book", "schools:pupil-cancel", "schools:pupil-link"):
        assert client.post(reverse(name, args=[foreign.pk])).status_code == 404


def test_contact_cannot_register_pupil_in_other_school(client, two_schools):
    contact, _own, foreign = two_schools
    client.force_login(contact)
    response = client.post(
        reverse("schools:pupil-new"),
        {
            "school": foreign.school_id,
            "reference": "NEW1",
            "first_name": "A",
            "last_name": "B",
            "class_name": "1A",
            "guardian_name": "G",
            "guardian_email": "g@example.com",
            "language": "fr",
            "eligibility": "other",
        },
    )
    assert response.status_code == 200  # form error: not a valid choice
    assert not Pupil.objects.filter(reference="NEW1").exists()


def test_contact_cannot_approve(client, two_schools):
    contact, own, _foreign = two_schools
    client.force_login(contact)
    assert client.post(reverse("schools:pupil-approve", args=[own.pk])).status_code == 403
    assert Pupil.objects.get(pk=own.pk).status == Pupil.Status.PENDING


@pytest.mark.parametrize("role", [Role.REQUESTER, Role.AGENT, Role.MANAGER])
def test_other_roles_are_refused(client, role, two_schools):
    _contact, own, _foreign = two_schools
    client.force_login(make_user(role))
    for name, args in [
        ("schools:home", []),
        ("schools:pupil", [own.pk]),
        ("schools:programme", []),
        ("schools:jobs", []),
        ("schools:slots", []),
        ("schools:appointments", []),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 403


def test_contact_is_refused_staff_pages(client, two_schools):
    contact, _own, _foreign = two_schools
    client.force_login(contact)
    for name in ("schools:programme", "schools:jobs", "schools:slots", "schools:appointments"):
        assert client.get(reverse(name)).status_code == 403


def test_staff_views_of_a_pupil_are_logged(client, logistics, two_schools):
    _contact, own, _foreign = two_schools
    client.force_login(logistics)
    client.get(reverse("schools:pupil", args=[own.pk]))
    client.get(reverse("schools:pupil-export", args=[own.pk]))
    actions = list(PupilAccessLog.objects.filter(pupil=own, user=logistics).values_list("action", flat=True))
    assert sorted(actions) == ["export", "view"]


def test_export_holds_the_pupils_data_as_an_attachment(client, two_schools):
    contact, own, _foreign = two_schools
    client.force_login(contact)
    response = client.get(reverse("schools:pupil-export", args=[own.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    data = response.json()
    assert data["reference"] == own.reference and data["guardian_email"] == own.guardian_email
    assert "history" in data and "record_access" in data
