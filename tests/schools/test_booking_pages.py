"""What people see when they book or look up a collection slot (issue 18)."""

import pytest
from django.urls import reverse
from django.utils import formats, timezone

from schools import services
from tests.schools.factories import allocated_pupil, make_slot, pupil_pack_point

pytestmark = pytest.mark.django_db


def test_station_search_results_show_the_date(client, logistics):
    point = pupil_pack_point()
    slot = make_slot(point=point, in_hours=50)
    for _twin in range(2):  # two results: one alone opens the hand-over page directly
        pupil, _allocation = allocated_pupil(last_name="Vandersmissen")
        services.appointment_book(actor=None, pupil=pupil, slot=slot)
    client.force_login(logistics)
    page = client.get(reverse("schools:station"), {"q": "Vandersmissen"}).content.decode()
    day = formats.date_format(timezone.localtime(slot.starts_at), "l j F")
    assert day in page


def test_guardian_page_lists_free_slots_by_day_with_places_spelled_out(client):
    pupil, _allocation = allocated_pupil(language="fr")
    make_slot(point=pupil_pack_point(), in_hours=50)
    _link, token = services.guardian_link_issue(actor=None, pupil=pupil, send=False)
    page = client.get(reverse("schools:guardian", args=[token])).content.decode()
    assert 'class="slot-day"' in page
    assert "places libres" in page or "place libre" in page
    assert "(1)" not in page and "(2)" not in page
