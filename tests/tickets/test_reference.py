import threading

import pytest
from django.db import connection

from tests.factories import make_user
from tickets.models import Ticket

from .factories import open_ticket


@pytest.fixture
def drop_reference_sequences():
    """Sequences outlive a flush: drop those this committed test created, so later tests count from 1 again."""
    yield
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_class WHERE relkind = 'S' AND relname LIKE 'tickets_reference_%%'")
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP SEQUENCE IF EXISTS "{name}"')


@pytest.mark.django_db(transaction=True)
def test_concurrent_openings_get_distinct_references(request):
    if connection.vendor != "postgresql":
        pytest.skip("Row-lock races need PostgreSQL (SQLite serialises every write).")
    request.getfixturevalue("drop_reference_sequences")
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


@pytest.mark.django_db(transaction=True)
def test_an_opening_in_progress_does_not_hold_up_the_next(request):
    """The number is taken without a lock held until commit: a second opening does not wait for the first."""
    if connection.vendor != "postgresql":
        pytest.skip("Lock waits need PostgreSQL (SQLite serialises every write).")
    request.getfixturevalue("drop_reference_sequences")
    from django.db import connections, transaction

    requester = make_user()
    open_ticket(requester)  # the year's sequence exists from here on
    opened, release = threading.Event(), threading.Event()
    first = {}

    def slow_opening():
        try:
            with transaction.atomic():
                first["reference"] = open_ticket(requester).reference
                opened.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=slow_opening)
    thread.start()
    try:
        assert opened.wait(10)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '1s'")  # waiting on the first opening would fail here
            second = open_ticket(requester).reference
    finally:
        release.set()
        thread.join()
    assert second != first["reference"]
    assert Ticket.objects.count() == 3


@pytest.mark.django_db
def test_numbers_carry_on_after_the_counter():
    import time_machine

    from tickets.models import ReferenceCounter

    from .factories import aware

    ReferenceCounter.objects.create(year=2031, last_number=41)
    with time_machine.travel(aware(2031, 5, 4, 10, 0), tick=False):
        assert open_ticket(make_user()).reference == "HD-2031-000042"


@pytest.mark.django_db
def test_numbers_carry_on_after_existing_tickets():
    """A year whose tickets were numbered elsewhere (an import) starts its sequence after the highest one."""
    if connection.vendor != "postgresql":
        pytest.skip("The per-year sequence is PostgreSQL's; SQLite counts with the counter row.")
    import time_machine

    from .factories import aware

    requester = make_user()
    with time_machine.travel(aware(2032, 2, 3, 10, 0), tick=False):
        imported = open_ticket(requester)
        Ticket.objects.filter(pk=imported.pk).update(reference="HD-2032-000100")
        with connection.cursor() as cursor:
            cursor.execute("DROP SEQUENCE tickets_reference_2032")  # as if the year had begun under the old counter
        assert open_ticket(requester).reference == "HD-2032-000101"


@pytest.mark.django_db
def test_a_rolled_back_opening_may_leave_a_gap():
    """Documented: references are unique, not gapless (PostgreSQL sequences do not roll back)."""
    from django.db import transaction

    requester = make_user()
    first = open_ticket(requester).reference
    with pytest.raises(RuntimeError), transaction.atomic():
        open_ticket(requester)
        raise RuntimeError("the request failed after numbering")
    third = open_ticket(requester).reference
    gap = int(third[-6:]) - int(first[-6:])
    assert gap == (2 if connection.vendor == "postgresql" else 1)
