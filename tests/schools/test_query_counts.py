"""Lists run a fixed number of queries, whatever the number of rows."""

import pytest
from django.urls import reverse

from schools import services
from tests.assets.factories import make_asset
from tests.schools.factories import PupilFactory, allocated_pupil, make_slot, school_with_contact

pytestmark = pytest.mark.django_db

CEILING = 14


def populate(rows: int, school):
    slot = make_slot(capacity=rows + 1, in_hours=3)
    for index in range(rows):
        if index % 3 == 0:
            pupil, _allocation = allocated_pupil(school=school)
            services.appointment_book(actor=None, pupil=pupil, slot=slot)
        else:
            PupilFactory(school=school)
    for _n in range(rows // 5 + 1):
        services.recon_job_open(actor=None, asset=make_asset(), source="donated")


@pytest.mark.parametrize("rows", [5, 50])
@pytest.mark.parametrize(
    "name", ["schools:home", "schools:programme", "schools:jobs", "schools:slots", "schools:appointments"]
)
def test_staff_lists_have_a_query_ceiling(client, logistics, django_assert_max_num_queries, rows, name):
    school, _contact = school_with_contact(quota=100)
    populate(rows, school)
    client.force_login(logistics)
    with django_assert_max_num_queries(CEILING):
        assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("rows", [5, 50])
def test_contact_list_and_home_panel_have_a_query_ceiling(client, django_assert_max_num_queries, rows):
    school, contact = school_with_contact(quota=100)
    populate(rows, school)
    client.force_login(contact)
    with django_assert_max_num_queries(CEILING):
        assert client.get(reverse("schools:home")).status_code == 200
    with django_assert_max_num_queries(CEILING):
        assert client.get(reverse("icity:role-home", args=["school_contact"])).status_code == 200
