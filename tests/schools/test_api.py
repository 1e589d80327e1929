"""The REST API keeps the pages' scoping: a school contact reads and writes only their school."""

import pytest
from rest_framework.test import APIClient

from icity.roles import Role
from schools.models import Appointment, Pupil, PupilAccessLog
from tests.factories import make_user
from tests.schools.factories import PupilFactory, allocated_pupil, make_slot, school_with_contact

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def payload(school, **extra):
    return {
        "school": school.pk,
        "reference": "API-1",
        "first_name": "Nora",
        "last_name": "Jacobs",
        "class_name": "6A",
        "guardian_name": "Tom Jacobs",
        "guardian_email": "tom@parents.example",
        "language": "nl",
        "eligibility": "shared_device",
        **extra,
    }


def test_contact_lists_only_own_pupils_and_schools(api):
    mine, contact = school_with_contact()
    other, _c = school_with_contact()
    own, foreign = PupilFactory(school=mine), PupilFactory(school=other)
    api.force_authenticate(contact)
    ids = [row["id"] for row in api.get("/api/v1/pupils/").json()["results"]]
    assert ids == [own.pk]
    assert api.get(f"/api/v1/pupils/{foreign.pk}/").status_code == 404
    assert api.get("/api/v1/pupils/", {"school": other.pk}).json()["results"] == []
    assert [row["id"] for row in api.get("/api/v1/schools/").json()["results"]] == [mine.pk]
    assert api.patch(f"/api/v1/pupils/{foreign.pk}/", {"first_name": "X"}, format="json").status_code == 404


def test_contact_registers_a_pupil_with_allow_listed_fields(api):
    mine, contact = school_with_contact()
    api.force_authenticate(contact)
    response = api.post("/api/v1/pupils/", payload(mine, status="approved"), format="json")
    assert response.status_code == 201, response.content
    pupil = Pupil.objects.get(reference="API-1")
    assert pupil.status == "pending" and pupil.registered_by == contact


def test_contact_cannot_register_in_another_school(api):
    _mine, contact = school_with_contact()
    other, _c = school_with_contact()
    api.force_authenticate(contact)
    assert api.post("/api/v1/pupils/", payload(other), format="json").status_code == 400
    assert not Pupil.objects.exists()


def test_bad_input_is_a_400_and_saves_nothing(api):
    mine, contact = school_with_contact()
    api.force_authenticate(contact)
    response = api.post("/api/v1/pupils/", payload(mine, guardian_email="", language="de"), format="json")
    assert response.status_code == 400
    assert not Pupil.objects.exists()


def test_only_staff_approve(api, logistics):
    mine, contact = school_with_contact()
    pupil = PupilFactory(school=mine)
    api.force_authenticate(contact)
    assert api.post(f"/api/v1/pupils/{pupil.pk}/approve/").status_code == 403
    api.force_authenticate(logistics)
    assert api.post(f"/api/v1/pupils/{pupil.pk}/approve/").json()["status"] == "approved"
    assert api.post(f"/api/v1/pupils/{pupil.pk}/refuse/", {}, format="json").status_code == 400


def test_api_reads_of_a_pupil_are_logged(api, logistics):
    pupil = PupilFactory()
    api.force_authenticate(logistics)
    api.get(f"/api/v1/pupils/{pupil.pk}/")
    assert PupilAccessLog.objects.filter(pupil=pupil, action="api").count() == 1


def test_booking_through_the_api(api):
    mine, contact = school_with_contact()
    pupil, _allocation = allocated_pupil(school=mine)
    other_pupil, _b = allocated_pupil()
    slot, second = make_slot(), make_slot(in_hours=60)
    api.force_authenticate(contact)
    assert (
        api.post("/api/v1/appointments/", {"pupil": other_pupil.pk, "slot": slot.pk}, format="json").status_code == 404
    )
    response = api.post("/api/v1/appointments/", {"pupil": pupil.pk, "slot": slot.pk}, format="json")
    assert response.status_code == 201
    appointment_id = response.json()["id"]
    assert (
        api.post(f"/api/v1/appointments/{appointment_id}/move/", {"slot": second.pk}, format="json").status_code == 200
    )
    assert api.post(f"/api/v1/appointments/{appointment_id}/cancel/").json()["status"] == "cancelled"
    assert Appointment.objects.get(pk=appointment_id).slot_id == second.pk
    assert [row["id"] for row in api.get("/api/v1/slots/").json()["results"]] == [slot.pk, second.pk]


def test_reconditioning_jobs_are_staff_only(api, logistics):
    contact = make_user(Role.SCHOOL_CONTACT)
    api.force_authenticate(contact)
    assert api.get("/api/v1/reconditioning-jobs/").status_code == 403
    api.force_authenticate(logistics)
    assert api.get("/api/v1/reconditioning-jobs/").status_code == 200


@pytest.mark.parametrize("role", [Role.REQUESTER, Role.AGENT, Role.MANAGER])
def test_other_roles_get_403(api, role):
    api.force_authenticate(make_user(role))
    for url in ("/api/v1/pupils/", "/api/v1/schools/", "/api/v1/appointments/", "/api/v1/slots/"):
        assert api.get(url).status_code == 403


@pytest.mark.parametrize("rows", [5, 50])
def test_pupil_list_query_ceiling(api, logistics, django_assert_max_num_queries, rows):
    mine, _contact = school_with_contact()
    for _n in range(rows):
        PupilFactory(school=mine)
    api.force_authenticate(logistics)
    with django_assert_max_num_queries(8):
        assert api.get("/api/v1/pupils/").status_code == 200
    with django_assert_max_num_queries(8):
        assert api.get("/api/v1/appointments/").status_code == 200
