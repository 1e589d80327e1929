import threading

import pytest
from django.db import connection

from tests.factories import make_user
from tickets.models import Ticket

from .factories import open_ticket


@pytest.mark.django_db(transaction=True)
def test_concurrent_openings_get_distinct_references():
    if connection.vendor != "postgresql":
        pytest.skip("Row-lock races need PostgreSQL (SQLite serialises every write).")
    requester = make_user()
    references, errors = [], []
    barrier = threading.Barrier(8)

    def worker():
        from django.db import connections

        try:
            barrier.wait()
            for _ in range(5):
                references.append(open_ticket(requester).reference)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, [repr(error) for error in errors]
    assert len(references) == len(set(references)) == 40
    assert Ticket.objects.count() == 40


@pytest.mark.django_db
def test_references_restart_each_year():
    import time_machine

    from .factories import aware

    requester = make_user()
    with time_machine.travel(aware(2026, 12, 31, 23, 0), tick=False):
        assert open_ticket(requester).reference == "HD-2026-000001"
    with time_machine.travel(aware(2027, 1, 1, 0, 30), tick=False):
        assert open_ticket(requester).reference == "HD-2027-000001"
