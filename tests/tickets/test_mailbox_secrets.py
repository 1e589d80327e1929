"""IMAP passwords are encrypted at rest, never shown again in the admin, and keys can rotate."""

import importlib

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from icity import secrets
from tickets.mail.models import Mailbox

pytestmark = pytest.mark.django_db

SECRET = "Imap-Pa55word-only-here"


def stored(mailbox: Mailbox) -> str:
    return Mailbox.objects.filter(pk=mailbox.pk).values_list("imap_password", flat=True).get()


def test_the_password_is_stored_encrypted_and_read_back():
    mailbox = Mailbox.objects.create(address="helpdesk@icity.test", imap_password=SECRET)
    assert stored(mailbox).startswith(secrets.PREFIX) and SECRET not in stored(mailbox)
    assert Mailbox.objects.get(pk=mailbox.pk).imap_password_plain() == SECRET
    # Saving again does not encrypt twice.
    mailbox.save()
    assert Mailbox.objects.get(pk=mailbox.pk).imap_password_plain() == SECRET


def test_keys_rotate_and_a_lost_key_is_a_clear_error(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    mailbox = Mailbox.objects.create(address="helpdesk@icity.test", imap_password=SECRET)
    settings.FIELD_ENCRYPTION_KEYS = [new, old]  # the new key encrypts, the old one still decrypts
    assert Mailbox.objects.get(pk=mailbox.pk).imap_password_plain() == SECRET
    settings.FIELD_ENCRYPTION_KEYS = [new]
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS"):
        Mailbox.objects.get(pk=mailbox.pk).imap_password_plain()


def test_without_keys_the_key_comes_from_secret_key(settings):
    settings.FIELD_ENCRYPTION_KEYS = []
    token = secrets.encrypt(SECRET)
    assert secrets.decrypt(token) == SECRET
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789abcdef"
    with pytest.raises(ImproperlyConfigured):
        secrets.decrypt(token)


def test_the_migration_encrypts_passwords_saved_in_clear_before():
    mailbox = Mailbox.objects.create(address="helpdesk@icity.test")
    Mailbox.objects.filter(pk=mailbox.pk).update(imap_password=SECRET)  # as an older version stored it
    assert Mailbox.objects.get(pk=mailbox.pk).imap_password_plain() == SECRET  # still readable meanwhile
    migration = importlib.import_module("tickets.migrations.0010_mailbox_password_encrypted")
    migration.encrypt_passwords(apps, None)
    migration.encrypt_passwords(apps, None)  # twice: nothing encrypted twice
    assert stored(mailbox).startswith(secrets.PREFIX)
    assert Mailbox.objects.get(pk=mailbox.pk).imap_password_plain() == SECRET


def _admin_form(mailbox: Mailbox, **changes) -> dict:
    return {
        "address": mailbox.address,
        "team": "",
        "enabled": "on",
        "imap_host": "imap.icity.test",
        "imap_port": "993",
        "imap_tls": "on",
        "imap_user": mailbox.address,
        "imap_password": "",
        "imap_folder": "INBOX",
        **changes,
    }


def test_the_admin_never_shows_the_password_and_keeps_it_unless_changed(client, admin_user):
    mailbox = Mailbox.objects.create(address="helpdesk@icity.test", imap_host="imap.icity.test", imap_password=SECRET)
    client.force_login(admin_user)
    url = reverse("admin:tickets_mailbox_change", args=[mailbox.pk])
    page = client.get(url).content.decode()
    assert SECRET not in page and stored(mailbox) not in page

    # Saved with the password left empty: the stored one stays.
    assert client.post(url, _admin_form(mailbox)).status_code == 302
    assert Mailbox.objects.get(pk=mailbox.pk).imap_password_plain() == SECRET
    # A new one replaces it, encrypted.
    assert client.post(url, _admin_form(mailbox, imap_password="N3w-password")).status_code == 302
    assert Mailbox.objects.get(pk=mailbox.pk).imap_password_plain() == "N3w-password"
    assert "N3w-password" not in stored(mailbox)
    # "Forget" clears it (the EMAIL_IMAP_PASSWORDS setting applies again).
    assert client.post(url, _admin_form(mailbox, clear_imap_password="on")).status_code == 302
    assert stored(mailbox) == ""
