import uuid
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from assets.models import Asset, AssetStatus, StockLevel
from loans import services
from loans.models import Loan, LoanLine, LoanPolicy, Receipt
from tests.assets.factories import make_asset, quantity_model, stock_of
from tests.factories import SiteFactory, make_user
from tests.loans.loan_factories import dock_model, laptop_model, terms

pytestmark = pytest.mark.django_db


def lend(borrower, *assets, actor=None, **kwargs):
    return services.loan_check_out(actor=actor, borrower=borrower, assets=list(assets), **kwargs)


def test_check_out_puts_the_unit_on_loan_with_the_borrower_and_a_policy_due_date(logistics, requester):
    model = dock_model()
    LoanPolicy.objects.create(category=model.category, loan_days=30)
    asset = make_asset(model=model)
    loan = lend(requester, asset, actor=logistics)
    asset.refresh_from_db()
    assert asset.status == AssetStatus.ON_LOAN and asset.holder == requester
    assert loan.status == Loan.Status.ACTIVE
    assert loan.due_date == timezone.localdate() + timedelta(days=30)
    assert asset.events.filter(kind="status", new_value="on_loan").exists()


def test_a_permanent_policy_gives_no_due_date(logistics, requester):
    model = dock_model()
    LoanPolicy.objects.create(category=model.category, loan_days=None)
    loan = lend(requester, make_asset(model=model), actor=logistics)
    assert loan.due_date is None


def test_a_unit_already_on_loan_is_refused_and_nothing_is_lent(logistics, requester):
    first, second = make_asset(model=dock_model()), make_asset(model=dock_model())
    lend(requester, first, actor=logistics)
    other = make_user()
    with pytest.raises(services.LoanError) as refusal:
        lend(other, second, first, actor=logistics)
    assert "IC-" in refusal.value.errors[0]
    second.refresh_from_db()
    assert second.status == AssetStatus.IN_STOCK
    assert Loan.objects.filter(borrower=other).count() == 0


def test_the_database_refuses_a_second_open_line_for_the_same_unit(logistics, requester):
    asset = make_asset(model=dock_model())
    loan = lend(requester, asset, actor=logistics)
    with pytest.raises(IntegrityError), transaction.atomic():
        LoanLine.objects.create(loan=loan, model=asset.model, asset=asset)


def test_the_same_idempotency_key_twice_creates_one_loan(logistics, requester):
    asset = make_asset(model=dock_model())
    key = uuid.uuid4()
    first = lend(requester, asset, actor=logistics, idempotency_key=key)
    again = lend(requester, asset, actor=logistics, idempotency_key=key)
    assert first.pk == again.pk
    assert Loan.objects.count() == 1


def test_stock_items_are_issued_from_the_ledger_and_come_back_on_return(logistics, requester):
    headset, site = quantity_model(), SiteFactory()
    stock_of(headset, site, 3)
    loan = services.loan_check_out(
        actor=logistics, borrower=requester, stock=[services.StockItem(model=headset, site=site, quantity=2)]
    )
    assert StockLevel.objects.get(model=headset, site=site).quantity == 1
    line = loan.lines.get()
    services.loan_check_in(actor=logistics, site=site, items=[services.ReturnItem(line=line)])
    assert StockLevel.objects.get(model=headset, site=site).quantity == 3
    loan.refresh_from_db()
    assert loan.status == Loan.Status.RETURNED and loan.closed_at


def test_a_partial_return_keeps_the_loan_open_for_what_is_still_out(logistics, requester):
    site = SiteFactory()
    dock_a, dock_b = make_asset(model=dock_model(), site=site), make_asset(model=dock_model(), site=site)
    loan = lend(requester, dock_a, dock_b, actor=logistics)
    line_a = loan.lines.get(asset=dock_a)
    services.loan_check_in(
        actor=logistics,
        site=site,
        items=[services.ReturnItem(line=line_a, condition="c", missing_parts="power cable", next_status="in_repair")],
    )
    loan.refresh_from_db()
    dock_a.refresh_from_db()
    dock_b.refresh_from_db()
    assert loan.status == Loan.Status.PARTIALLY_RETURNED
    assert dock_a.status == AssetStatus.IN_REPAIR and dock_a.holder is None and dock_a.condition == "c"
    assert dock_b.status == AssetStatus.ON_LOAN
    line_a.refresh_from_db()
    assert line_a.missing_parts == "power cable" and line_a.received_by == logistics
    assert Receipt.objects.filter(loan=loan, kind=Receipt.Kind.RETURN).count() == 1


def test_laptops_always_go_to_reconditioning(logistics, requester):
    site = SiteFactory()
    laptop = make_asset(model=laptop_model(), site=site)
    loan = lend(requester, laptop, actor=logistics)
    services.loan_check_in(
        actor=logistics, site=site, items=[services.ReturnItem(line=loan.lines.get(), next_status="in_stock")]
    )
    laptop.refresh_from_db()
    assert laptop.status == AssetStatus.RECONDITIONING
    assert loan.lines.get().next_status == "reconditioning"


def test_returning_a_line_twice_is_refused(logistics, requester):
    site = SiteFactory()
    loan = lend(requester, make_asset(model=dock_model(), site=site), actor=logistics)
    line = loan.lines.get()
    services.loan_check_in(actor=logistics, site=site, items=[services.ReturnItem(line=line)])
    with pytest.raises(services.LoanError):
        services.loan_check_in(actor=logistics, site=site, items=[services.ReturnItem(line=line)])


def test_extension_moves_the_due_date_and_is_limited_by_policy(logistics, requester):
    model = dock_model()
    LoanPolicy.objects.create(category=model.category, loan_days=30, max_extensions=1, extension_days=14)
    loan = lend(requester, make_asset(model=model), actor=logistics)
    old_due = loan.due_date
    loan = services.loan_extend(actor=requester, loan=loan, reason="Still teleworking")
    assert loan.due_date == old_due + timedelta(days=14) and loan.extensions == 1
    assert loan.extension_log.get().reason == "Still teleworking"
    with pytest.raises(services.LoanError):
        services.loan_extend(actor=requester, loan=loan, reason="Again")
    with pytest.raises(services.LoanError):
        services.loan_extend(actor=requester, loan=loan, reason="")


def test_declaring_a_unit_lost_closes_the_loan_as_lost_with_the_ticket(logistics, requester):
    asset = make_asset(model=dock_model())
    loan = lend(requester, asset, actor=logistics)
    services.loan_declare_lost(
        actor=logistics, loan=loan, ticket_reference="HD-2026-000042", note="Stolen on the train"
    )
    loan.refresh_from_db()
    asset.refresh_from_db()
    assert loan.status == Loan.Status.LOST
    assert asset.status == AssetStatus.LOST
    assert loan.lines.get().loss_ticket == "HD-2026-000042"
    services.loan_write_off(actor=logistics, loan=loan)
    loan.refresh_from_db()
    assert loan.status == Loan.Status.WRITTEN_OFF


def test_a_pupil_loan_has_no_user_but_a_name(logistics):
    asset = make_asset(model=laptop_model())
    loan = services.loan_check_out(
        actor=logistics,
        borrower_kind="pupil",
        borrower_label="Pupil 4B-12",
        language="nl",
        assets=[asset],
        due_date=timezone.localdate() + timedelta(days=300),
        terms=terms(),
        accepted_name="Guardian Name",
    )
    asset.refresh_from_db()
    assert loan.borrower is None and asset.status == AssetStatus.ON_LOAN and asset.holder is None
    assert loan.receipts.filter(kind="hand_over").exists()


def test_a_user_loan_needs_a_borrower_in_the_database(logistics):
    with pytest.raises(IntegrityError), transaction.atomic():
        Loan.objects.create(borrower_kind="user", borrower=None, borrower_label="x")


def test_hand_over_at_the_desk_stores_a_receipt_and_tells_the_borrower(logistics, requester, mailoutbox):
    from icity.outbox import outbox_drain

    asset = make_asset(model=dock_model(), serial="SN-DESK-1")
    loan = lend(requester, asset, actor=logistics, terms=terms(), accepted_name="Jan Peeters")
    assert loan.accepted_at and loan.witnessed_by == logistics
    outbox_drain()
    assert [message.to for message in mailoutbox] == [[requester.email]]
    assert loan.reference in mailoutbox[0].subject
    assert Asset.objects.get(pk=asset.pk).status == AssetStatus.ON_LOAN
