"""Must show 1: two people lending the same unit (or the last headset) at once get one loan; a double submit, one loan."""

import threading
import uuid

import pytest
from django.db import connection

from assets.models import AssetStatus, StockLevel
from icity.roles import Role
from loans import services
from loans.models import Loan, LoanLine
from tests.assets.factories import make_asset, quantity_model, stock_of
from tests.factories import SiteFactory, make_user
from tests.loans.loan_factories import dock_model, terms

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite serialises writers)"
    ),
    pytest.mark.django_db(transaction=True),
]


def run_at_once(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except services.LoanError as error:
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_two_logistics_staff_lending_the_same_laptop_at_once_make_one_loan():
    asset = make_asset(model=dock_model())
    staff = make_user(Role.LOGISTICS)
    alice, bob = make_user(), make_user()
    outcomes = run_at_once(
        lambda: services.loan_check_out(actor=staff, borrower=alice, assets=[asset.pk]),
        lambda: services.loan_check_out(actor=staff, borrower=bob, assets=[asset.pk]),
    )
    loans = [outcome for outcome in outcomes if isinstance(outcome, Loan)]
    refusals = [outcome for outcome in outcomes if isinstance(outcome, services.LoanError)]
    assert len(loans) == 1 and len(refusals) == 1
    assert LoanLine.objects.filter(asset=asset, state="open").count() == 1
    asset.refresh_from_db()
    assert asset.status == AssetStatus.ON_LOAN and asset.holder_id == loans[0].borrower_id


def test_two_check_outs_of_the_last_headset_at_once_one_succeeds():
    headset, site = quantity_model(), SiteFactory()
    stock_of(headset, site, 1)
    staff = make_user(Role.LOGISTICS)
    item = services.StockItem(model=headset, site=site, quantity=1)
    outcomes = run_at_once(
        lambda: services.loan_check_out(actor=staff, borrower=make_user(), stock=[item]),
        lambda: services.loan_check_out(actor=staff, borrower=make_user(), stock=[item]),
    )
    assert sum(isinstance(outcome, Loan) for outcome in outcomes) == 1
    assert sum(isinstance(outcome, services.LoanError) for outcome in outcomes) == 1
    level = StockLevel.objects.get(model=headset, site=site)
    assert level.quantity == 0
    assert Loan.objects.count() == 1


def test_a_double_submitted_hand_over_form_creates_one_loan():
    asset = make_asset(model=dock_model())
    staff, borrower = make_user(Role.LOGISTICS), make_user()
    version, key = terms(), uuid.uuid4()

    def submit():
        return services.loan_check_out(
            actor=staff, borrower=borrower, assets=[asset.pk], terms=version, accepted_name="A B", idempotency_key=key
        )

    outcomes = run_at_once(submit, submit)
    assert all(isinstance(outcome, Loan) for outcome in outcomes), outcomes
    assert outcomes[0].pk == outcomes[1].pk
    assert Loan.objects.count() == 1
    assert Loan.objects.get().receipts.count() == 1
