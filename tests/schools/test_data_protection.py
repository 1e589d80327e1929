"""Anonymisation after the retention period, reminders and no-shows through the outbox."""

from datetime import timedelta

import pytest
import time_machine
from django.apps import apps
from django.core import mail
from django.db import connection, models
from django.utils import timezone

from assets.models import Asset, AssetEvent, AssetStatus
from icity.models import Notification
from icity.outbox import outbox_drain
from schools import services
from schools.models import Allocation, Appointment, Pupil, PupilEvent
from tests.schools.factories import allocated_pupil, make_slot, school_with_contact

pytestmark = pytest.mark.django_db


def all_text_in_database() -> str:
    """Every character column of every table, as one string (the test's "grep the database")."""
    chunks = []
    for model in apps.get_models():
        text_fields = [
            f.column
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField, models.JSONField))
        ]
        if not text_fields:
            continue
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join(connection.ops.quote_name(c) for c in text_fields)} FROM {connection.ops.quote_name(model._meta.db_table)}"
            )
            for row in cursor.fetchall():
                chunks.extend(str(value) for value in row if value is not None)
    return "\n".join(chunks)


def test_pupil_is_anonymised_after_the_retention_period(client, logistics, settings):
    settings.SCHOOLS_RETENTION_DAYS = 90
    school, contact = school_with_contact()
    pupil, allocation = allocated_pupil(
        school=school,
        first_name="Zoubida",
        last_name="Vanderstraeten",
        reference="PUPREF-991",
        guardian_name="Mehdi Guardianname",
        guardian_email="mehdi.unique@parents.example",
        guardian_phone="+32 470 99 88 77",
    )
    appointment = services.appointment_book(actor=contact, pupil=pupil, slot=make_slot())
    services.appointment_reminder_sweep(now=appointment.slot.starts_at - timedelta(hours=20))
    client.force_login(logistics)
    client.get(f"/schools/pupils/{pupil.pk}/")
    # The device comes back and the pupil's participation ends (the returns flow does this).
    services.appointment_cancel(actor=contact, appointment=appointment)
    services.allocation_release(actor=logistics, allocation=allocation, reason="returned")
    Pupil.objects.filter(pk=pupil.pk).update(closed_at=timezone.now())
    outbox_drain()
    secrets_ = [
        "Zoubida",
        "Vanderstraeten",
        "PUPREF-991",
        "Mehdi Guardianname",
        "mehdi.unique@parents.example",
        "+32 470 99 88 77",
    ]
    assert all(value in all_text_in_database() for value in secrets_)

    with time_machine.travel(timezone.now() + timedelta(days=89)):
        assert services.anonymise_sweep() == 0
    with time_machine.travel(timezone.now() + timedelta(days=91)):
        assert services.anonymise_sweep() == 1

    everything = all_text_in_database()
    for value in secrets_:
        assert value not in everything, value
    pupil.refresh_from_db()
    assert pupil.anonymised_at and str(pupil) == f"#{pupil.pk}"
    # Device history and the allocation remain, anonymous.
    assert Allocation.objects.filter(pupil=pupil).exists()
    assert AssetEvent.objects.filter(asset_id=allocation.asset_id).count() >= 3
    assert PupilEvent.objects.filter(pupil=pupil, kind="anonymised").exists()
    assert not Notification.objects.filter(dedupe_key__startswith=f"pupil:{pupil.pk}:").exists()
    # The school contact no longer sees the record at all.
    client.force_login(contact)
    assert client.get(f"/schools/pupils/{pupil.pk}/").status_code == 404


def test_pupil_holding_a_device_is_never_anonymised(settings):
    pupil, _allocation = allocated_pupil()
    Pupil.objects.filter(pk=pupil.pk).update(closed_at=timezone.now() - timedelta(days=400))
    assert services.anonymise_sweep() == 0


def test_refused_pupils_are_anonymised_after_retention(logistics):
    from tests.schools.factories import PupilFactory

    pupil = PupilFactory()
    services.pupil_refuse(actor=logistics, pupil=pupil, reason="Has a device already")
    with time_machine.travel(timezone.now() + timedelta(days=91)):
        assert services.anonymise_sweep() == 1


def test_reminder_goes_out_the_day_before_once(settings):
    pupil, _allocation = allocated_pupil(language="nl")
    slot = make_slot(in_hours=30)
    services.appointment_book(actor=None, pupil=pupil, slot=slot)
    day_before = timezone.localtime(slot.starts_at) - timedelta(days=1)
    with time_machine.travel(day_before.replace(hour=9, minute=0)):
        assert services.appointment_reminder_sweep() == 1
        assert services.appointment_reminder_sweep() == 0
    with time_machine.travel(day_before - timedelta(days=1)):
        assert services.appointment_reminder_sweep() == 0
    mail.outbox.clear()
    # Drain at a moment after the sweep ran: the reminder is due from then (the day before may be tomorrow).
    with time_machine.travel(day_before.replace(hour=9, minute=5)):
        outbox_drain()
    reminders = [message for message in mail.outbox if "reminder" in message.extra_headers["X-Icity-Notification"]]
    assert len(reminders) == 1 and reminders[0].to == [pupil.guardian_email]


def test_no_show_releases_the_device_and_tells_the_school(settings):
    settings.SCHOOLS_NO_SHOW_GRACE_HOURS = 24
    school, contact = school_with_contact()
    pupil, allocation = allocated_pupil(school=school)
    slot = make_slot(in_hours=2)
    appointment = services.appointment_book(actor=contact, pupil=pupil, slot=slot)
    with time_machine.travel(slot.ends_at + timedelta(hours=23)):
        assert services.no_show_sweep() == 0
    with time_machine.travel(slot.ends_at + timedelta(hours=25)):
        assert services.no_show_sweep() == 1
        assert services.no_show_sweep() == 0
        mail.outbox.clear()
        outbox_drain()
    assert Appointment.objects.get(pk=appointment.pk).status == "no_show"
    assert Allocation.objects.get(pk=allocation.pk).status == "released"
    assert Asset.objects.get(pk=allocation.asset_id).status == AssetStatus.IN_STOCK
    assert services.ready_devices().filter(pk=allocation.asset_id).exists()
    row = Notification.objects.get(dedupe_key__contains=":no-show:")
    assert row.recipient == contact and row.template == "schools_no_show"
    assert any(contact.email in message.to for message in mail.outbox)


def test_staff_only_anonymise_explicitly_when_nothing_is_held(logistics):
    pupil, _allocation = allocated_pupil()
    with pytest.raises(services.ProgrammeError):
        services.pupil_anonymise(pupil=pupil)
