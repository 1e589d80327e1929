"""Appointments: the guardian's private link, moving and cancelling, capacity and its race."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import close_old_connections, connection
from django.urls import reverse
from django.utils import timezone

from icity.models import Notification
from schools import services
from schools.models import Appointment, Slot
from tests.schools.factories import allocated_pupil, make_slot, school_with_contact

pytestmark = pytest.mark.django_db


def guardian_url(pupil) -> str:
    _link, token = services.guardian_link_issue(actor=None, pupil=pupil, send=False)
    return reverse("schools:guardian", args=[token])


def test_allocation_emails_the_guardian_a_private_link(client):
    pupil, _allocation = allocated_pupil()
    row = Notification.objects.get(dedupe_key__startswith=f"pupil:{pupil.pk}:link:")
    assert row.to_email == pupil.guardian_email and row.template == "schools_booking_link"
    url = row.context["url"]
    assert "/schools/g/" in url and len(url.rsplit("/g/", 1)[1].strip("/")) >= 40
    services.guardian_link_find(url.rsplit("/g/", 1)[1].strip("/"))


def test_guardian_books_without_an_account(client):
    pupil, _allocation = allocated_pupil()
    slot = make_slot()
    url = guardian_url(pupil)
    page = client.get(url)
    assert page.status_code == 200 and pupil.first_name in page.content.decode()
    response = client.post(url, {"action": "book", "slot": slot.pk, "lang": "fr"})
    assert response.status_code == 302
    appointment = Appointment.objects.get(pupil=pupil)
    assert appointment.booked_by is None and appointment.status == "booked"
    assert Slot.objects.get(pk=slot.pk).booked == 1
    assert appointment.code in client.get(response.url).content.decode()


def test_link_shows_only_its_own_booking(client):
    school, _contact = school_with_contact()
    pupil, _a = allocated_pupil(school=school)
    other, _b = allocated_pupil(school=school)
    slot = make_slot(capacity=5)
    services.appointment_book(actor=None, pupil=other, slot=slot)
    page = client.get(guardian_url(pupil)).content.decode()
    assert other.first_name not in page and other.last_name not in page
    assert Appointment.objects.get(pupil=other).code not in page
    # Unknown tokens get the same page as expired ones.
    assert client.get(reverse("schools:guardian", args=["x" * 43])).status_code == 404


def test_expired_link_stops_working(client):
    pupil, _allocation = allocated_pupil()
    url = guardian_url(pupil)
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        response = client.get(url)
    assert response.status_code == 404
    assert "n'est plus valable" in response.content.decode()


def test_cancelling_through_the_link_revokes_it(client):
    pupil, _allocation = allocated_pupil()
    slot = make_slot()
    url = guardian_url(pupil)
    client.post(url, {"action": "book", "slot": slot.pk})
    response = client.post(url, {"action": "cancel"})
    assert response.status_code == 200
    assert Appointment.objects.get(pupil=pupil).status == "cancelled"
    assert Slot.objects.get(pk=slot.pk).booked == 0
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "book", "slot": slot.pk}).status_code == 404


def test_guardian_moves_the_appointment(client):
    pupil, _allocation = allocated_pupil()
    first, second = make_slot(in_hours=30), make_slot(in_hours=50)
    url = guardian_url(pupil)
    client.post(url, {"action": "book", "slot": first.pk})
    client.post(url, {"action": "move", "slot": second.pk})
    appointment = Appointment.objects.get(pupil=pupil)
    assert appointment.slot_id == second.pk
    assert Slot.objects.get(pk=first.pk).booked == 0 and Slot.objects.get(pk=second.pk).booked == 1


@pytest.mark.parametrize(("lang", "expected"), [("fr", "Choisissez un moment"), ("nl", "Kies een moment")])
def test_guardian_page_speaks_french_and_dutch(client, lang, expected):
    pupil, _allocation = allocated_pupil(language=lang)
    make_slot()
    page = client.get(guardian_url(pupil))
    body = page.content.decode()
    assert f'<html lang="{lang}">' in body
    assert expected in body
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in body
    assert "<script>" not in body and 'style="' not in body


def test_guardian_can_switch_language(client):
    pupil, _allocation = allocated_pupil(language="fr")
    make_slot()
    body = client.get(guardian_url(pupil) + "?lang=nl").content.decode()
    assert '<html lang="nl">' in body


def test_full_slot_gives_a_clear_message_and_saves_nothing(client):
    first, _a = allocated_pupil()
    second, _b = allocated_pupil()
    slot = make_slot(capacity=1)
    services.appointment_book(actor=None, pupil=first, slot=slot)
    response = client.post(guardian_url(second), {"action": "book", "slot": slot.pk, "lang": "en"})
    assert response.status_code in (400, 409)
    assert not Appointment.objects.filter(pupil=second).exists()
    assert Slot.objects.get(pk=slot.pk).booked == 1


def test_service_refuses_the_place_after_the_last(db):
    first, _a = allocated_pupil()
    second, _b = allocated_pupil()
    slot = make_slot(capacity=1)
    services.appointment_book(actor=None, pupil=first, slot=slot)
    with pytest.raises(services.SlotFull):
        services.appointment_book(actor=None, pupil=second, slot=slot)


def test_school_contact_books_and_cancels(client):
    school, contact = school_with_contact()
    pupil, _allocation = allocated_pupil(school=school)
    slot = make_slot()
    client.force_login(contact)
    client.post(reverse("schools:pupil-book", args=[pupil.pk]), {"slot": slot.pk})
    appointment = Appointment.objects.get(pupil=pupil)
    assert appointment.booked_by == contact
    client.post(reverse("schools:pupil-cancel", args=[pupil.pk]))
    assert Appointment.objects.get(pk=appointment.pk).status == "cancelled"


@pytest.mark.django_db(transaction=True)
def test_two_guardians_race_for_the_last_place_one_wins():
    if connection.vendor != "postgresql":
        pytest.skip("Row locks need PostgreSQL (SQLite serialises whole transactions).")
    first, _a = allocated_pupil()
    second, _b = allocated_pupil()
    slot = make_slot(capacity=1)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def book(pupil_id: int):
        try:
            barrier.wait()
            services.appointment_book(actor=None, pupil=pupil_id, slot=slot.pk)
            results.append("ok")
        except services.SlotFull:
            results.append("full")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=book, args=(pupil.pk,)) for pupil in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["full", "ok"]
    assert Slot.objects.get(pk=slot.pk).booked == 1
    assert Appointment.objects.filter(slot=slot, status="booked").count() == 1
