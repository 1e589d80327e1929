import threading

import pytest
from django.db import connection

from tests.factories import make_user
from tickets.mail.intake import email_ingest
from tickets.mail.models import InboundMessage
from tickets.models import Ticket

from .email_helpers import JEAN, build_email


@pytest.mark.django_db(transaction=True)
def test_two_pollers_ingesting_the_same_message_create_one_ticket():
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent transactions need PostgreSQL (SQLite serialises every write).")
    make_user(email=JEAN)
    raw = build_email(subject="Race", message_id="<race@mail.brucity.example>")
    outcomes, errors = [], []
    barrier = threading.Barrier(6)

    def worker():
        from django.db import connections

        try:
            barrier.wait()
            outcomes.append(email_ingest(raw=raw).status)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(outcomes) == ["duplicate"] * 5 + ["processed"]
    assert Ticket.objects.count() == 1 and InboundMessage.objects.count() == 1
