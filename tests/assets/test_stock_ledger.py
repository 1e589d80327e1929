import contextlib
import threading

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assets.models import StockLevel, StockMovement
from assets.services import (
    InsufficientStock,
    InventoryError,
    stock_low_sweep,
    stock_move,
    stock_set_level,
    stock_set_minimum,
)
from icity.models import Notification
from icity.outbox import outbox_drain
from icity.roles import Role
from tests.assets.factories import ProductModelFactory, quantity_model, stock_of
from tests.factories import SiteFactory, make_user


def ledger_sum(level: StockLevel) -> int:
    return level.movements.aggregate(total=Sum("delta"))["total"] or 0


@pytest.mark.django_db
def test_receipt_issue_return_adjustment_and_transfer_keep_quantity_equal_to_the_ledger():
    model, site, other = quantity_model(), SiteFactory(), SiteFactory()
    stock_move(actor=None, model=model, site=site, kind="receipt", quantity=10)
    stock_move(actor=None, model=model, site=site, kind="issue", quantity=3)
    stock_move(actor=None, model=model, site=site, kind="return", quantity=1)
    stock_move(actor=None, model=model, site=site, kind="adjustment", quantity=-2, reason="Broken in the drawer")
    stock_move(actor=None, model=model, site=site, kind="transfer", quantity=4, to_site=other)
    here = StockLevel.objects.get(model=model, site=site)
    there = StockLevel.objects.get(model=model, site=other)
    assert (here.quantity, there.quantity) == (2, 4)
    assert ledger_sum(here) == here.quantity and ledger_sum(there) == there.quantity
    assert here.movements.order_by("-id").first().balance == 2


@pytest.mark.django_db
def test_stock_never_goes_negative_and_the_refusal_writes_nothing():
    model, site = quantity_model(), SiteFactory()
    stock_of(model, site, 2)
    with pytest.raises(InsufficientStock):
        stock_move(actor=None, model=model, site=site, kind="issue", quantity=3)
    level = StockLevel.objects.get(model=model, site=site)
    assert level.quantity == 2 and level.movements.count() == 1


@pytest.mark.django_db
def test_database_refuses_a_negative_quantity_even_without_the_service():
    level = StockLevel.objects.create(model=quantity_model(), site=SiteFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        StockLevel.objects.filter(pk=level.pk).update(quantity=-1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "quantity", "reason"),
    [("adjustment", -1, ""), ("adjustment", 0, "x"), ("issue", 0, ""), ("receipt", -4, ""), ("transfer", 1, "")],
)
def test_bad_movements_are_refused(kind, quantity, reason):
    model, site = quantity_model(), SiteFactory()
    stock_of(model, site, 5)
    with pytest.raises(InventoryError):
        stock_move(actor=None, model=model, site=site, kind=kind, quantity=quantity, reason=reason)
    assert StockMovement.objects.count() == 1


@pytest.mark.django_db
def test_unit_tracked_models_have_no_stock():
    with pytest.raises(InventoryError):
        stock_move(actor=None, model=ProductModelFactory(), site=SiteFactory(), kind="receipt", quantity=1)


@pytest.mark.django_db
def test_low_stock_alert_is_sent_once_per_crossing_and_rearms():
    team = [make_user(Role.LOGISTICS, language="en"), make_user(Role.LOGISTICS, language="en")]
    make_user(Role.AGENT)
    model, site = quantity_model(), SiteFactory()
    stock_of(model, site, 10)
    stock_set_minimum(actor=None, model=model, site=site, minimum=5)
    assert Notification.objects.count() == 0
    for _ in range(4):  # 10 → 6: still at or above the minimum
        stock_move(actor=None, model=model, site=site, kind="issue", quantity=1)
    assert Notification.objects.count() == 0
    for _ in range(3):  # 6 → 3: crosses below once, then stays below
        stock_move(actor=None, model=model, site=site, kind="issue", quantity=1)
    assert Notification.objects.filter(template="assets_low_stock").count() == len(team)
    stock_low_sweep()
    assert Notification.objects.count() == len(team)
    stock_move(actor=None, model=model, site=site, kind="receipt", quantity=10)  # back above: re-armed
    stock_move(actor=None, model=model, site=site, kind="issue", quantity=10)  # second crossing
    assert Notification.objects.count() == 2 * len(team)
    outbox_drain()
    assert sorted(message.to[0] for message in mail.outbox) == sorted([u.email for u in team] * 2)
    assert "down to 4, below its minimum of 5" in mail.outbox[0].body


@pytest.mark.django_db
def test_raising_the_minimum_is_caught_by_the_sweep_once():
    make_user(Role.LOGISTICS)
    model, site = quantity_model(), SiteFactory()
    stock_of(model, site, 3)
    StockLevel.objects.filter(model=model, site=site).update(minimum=10)  # e.g. changed in bulk
    assert stock_low_sweep() == 1
    assert stock_low_sweep() == 0
    assert Notification.objects.count() == 1


@pytest.mark.django_db
def test_set_level_moves_only_the_difference():
    model, site = quantity_model(), SiteFactory()
    stock_set_level(actor=None, model=model, site=site, quantity=7, reason="count")
    stock_set_level(actor=None, model=model, site=site, quantity=7, reason="count")
    stock_set_level(actor=None, model=model, site=site, quantity=4, reason="count")
    level = StockLevel.objects.get(model=model, site=site)
    assert level.quantity == 4 and level.movements.count() == 2 and ledger_sum(level) == 4


operations = st.lists(
    st.tuples(
        st.sampled_from(["receipt", "issue", "return", "adjustment", "transfer"]), st.integers(-5, 8), st.booleans()
    ),
    max_size=25,
)


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_any_sequence_of_movements_keeps_quantity_equal_to_the_ledger_and_never_negative(ops):
    model = quantity_model()
    sites = [SiteFactory(), SiteFactory()]
    for kind, quantity, first in ops:
        site, other = (sites[0], sites[1]) if first else (sites[1], sites[0])
        with contextlib.suppress(InventoryError):
            stock_move(actor=None, model=model, site=site, kind=kind, quantity=quantity, reason="check", to_site=other)
    for level in StockLevel.objects.filter(model=model):
        assert level.quantity >= 0
        assert level.quantity == ledger_sum(level)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite serialises writers)")
@pytest.mark.django_db(transaction=True)
def test_two_people_issuing_the_last_headset_at_once_one_succeeds_one_is_refused():
    model, site = quantity_model(), SiteFactory()
    stock_of(model, site, 1)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def issue():
        try:
            barrier.wait()
            stock_move(actor=None, model=model, site=site, kind="issue", quantity=1)
            outcomes.append("ok")
        except InsufficientStock:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    level = StockLevel.objects.get(model=model, site=site)
    assert level.quantity == 0 and ledger_sum(level) == 0
