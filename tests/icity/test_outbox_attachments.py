"""Outbox attachments: references queued with the message, resolved by the owning app when it is sent."""

import logging

import pytest
from django.core import mail

from icity import registry
from icity.models import Notification
from icity.outbox import UnknownAttachmentKind, notify, notify_user, outbox_drain
from icity.roles import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db

FILES = {1: ("note-1.pdf", b"%PDF-1.4 first", "application/pdf"), 2: ("note-2.txt", b"second", "text/plain")}


@pytest.fixture
def provider(monkeypatch):
    """A provider of our own, so that icity's tests need no other app; ``FILES`` is what it can still find."""
    files = dict(FILES)
    calls = []

    def resolve(object_id):
        calls.append(object_id)
        return files.get(object_id)

    monkeypatch.setitem(registry._attachment_providers, "test.file", resolve)
    return files, calls


def _files(message) -> list[tuple[str, bytes, str]]:
    # Django hands text/* attachments back decoded.
    return [
        (name, content.encode() if isinstance(content, str) else content, mimetype)
        for name, content, mimetype in message.attachments
    ]


def _queue(key="attach:1", attachments=None, **kwargs):
    return notify(
        dedupe_key=key,
        template="password_reset",
        to_email="someone@brucity.example",
        context={"recipient_name": "Someone", "reset_url": "http://x/reset"},
        attachments=attachments,
        **kwargs,
    )


def test_the_outbox_stores_references_and_the_email_carries_the_files(provider):
    _queue(attachments=[{"kind": "test.file", "id": 1}, {"kind": "test.file", "id": 2}])
    row = Notification.objects.get()
    assert row.attachments == [{"kind": "test.file", "id": 1}, {"kind": "test.file", "id": 2}]
    assert provider[1] == []  # nothing is read until the message is sent
    assert outbox_drain() == 1
    assert _files(mail.outbox[0]) == [FILES[1], FILES[2]]


def test_a_message_without_attachments_has_none(provider):
    _queue()
    assert Notification.objects.get().attachments == []
    outbox_drain()
    assert mail.outbox[0].attachments == []
    assert provider[1] == []


def test_drained_twice_the_message_with_its_file_is_sent_once(provider):
    _queue(attachments=[{"kind": "test.file", "id": 1}])
    assert outbox_drain() == 1
    assert outbox_drain() == 0
    assert len(mail.outbox) == 1 and len(mail.outbox[0].attachments) == 1


def test_the_same_key_with_attachments_is_queued_once(provider):
    assert _queue(attachments=[{"kind": "test.file", "id": 1}]) is True
    assert _queue(attachments=[{"kind": "test.file", "id": 2}]) is False
    assert Notification.objects.get().attachments == [{"kind": "test.file", "id": 1}]


def test_a_file_gone_before_the_send_is_skipped_and_the_email_still_goes(provider, caplog):
    files, _calls = provider
    _queue(attachments=[{"kind": "test.file", "id": 1}, {"kind": "test.file", "id": 2}])
    del files[1]
    with caplog.at_level(logging.INFO, logger="icity.outbox"):
        assert outbox_drain() == 1
    assert _files(mail.outbox[0]) == [FILES[2]]
    assert Notification.objects.get().status == Notification.Status.SENT
    assert "attachment test.file #1 is gone" in caplog.text


def test_an_unknown_kind_is_refused_when_queued_and_nothing_is_queued(provider):
    with pytest.raises(UnknownAttachmentKind):
        _queue(attachments=[{"kind": "test.typo", "id": 1}])
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    "reference", [{"kind": "test.file", "id": "1"}, {"kind": "test.file"}, {"kind": "test.file", "id": True}, 1]
)
def test_a_malformed_reference_is_refused_when_queued(provider, reference):
    with pytest.raises(ValueError):
        _queue(attachments=[reference])
    assert not Notification.objects.exists()


def test_notify_user_passes_attachments_on(provider):
    person = make_user(Role.REQUESTER, language="nl")
    notify_user(
        user=person,
        dedupe_key="attach:user",
        template="password_reset",
        context={"reset_url": "http://x/r"},
        attachments=[{"kind": "test.file", "id": 2}],
    )
    outbox_drain()
    assert _files(mail.outbox[0]) == [FILES[2]] and mail.outbox[0].to == [person.email]


def test_a_provider_that_fails_keeps_the_message_for_a_retry(provider, monkeypatch):
    _queue(attachments=[{"kind": "test.file", "id": 1}])

    def broken(object_id):
        raise ConnectionError("database went away")

    monkeypatch.setitem(registry._attachment_providers, "test.file", broken)
    assert outbox_drain() == 0
    row = Notification.objects.get()
    assert row.status == Notification.Status.PENDING and "database went away" in row.last_error
    assert mail.outbox == []


def test_a_provider_unregistered_after_queueing_keeps_the_message_for_a_retry(provider, monkeypatch):
    """A deployment mistake: the message waits (visible in the admin) rather than going without its file."""
    _queue(attachments=[{"kind": "test.file", "id": 1}])
    monkeypatch.delitem(registry._attachment_providers, "test.file")
    assert outbox_drain() == 0
    row = Notification.objects.get()
    assert row.status == Notification.Status.PENDING and "test.file" in row.last_error
    assert mail.outbox == []
