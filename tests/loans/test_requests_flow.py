import uuid

import pytest

from assets.models import AssetStatus, StockLevel
from icity.outbox import outbox_drain
from icity.roles import Role
from loans import services
from loans.models import EquipmentRequest, Loan
from tests.factories import make_user
from tests.loans.loan_factories import telework_kit, terms

pytestmark = pytest.mark.django_db
R = EquipmentRequest.Status


def submit(person, kit, *, actor=None, **kwargs):
    return services.request_submit(
        actor=actor or person,
        requester=person,
        lines=[services.Wanted(kit=kit, quantity=1)],
        reason="Telework three days a week",
        **kwargs,
    )


def test_a_kit_without_approval_goes_straight_to_logistics_and_the_requester_is_told(requester, mailoutbox):
    kit, _site, _items = telework_kit()
    request = submit(requester, kit)
    assert request.status == R.SUBMITTED and request.approver is None
    outbox_drain()
    assert mailoutbox[0].to == [requester.email] and request.reference in mailoutbox[0].subject


def test_an_item_needing_approval_goes_to_the_requesters_manager_who_refuses_with_a_reason(mailoutbox):
    boss = make_user(Role.MANAGER)
    person = make_user(manager=boss)
    kit, _site, items = telework_kit()
    items["laptop"].requires_approval = True
    items["laptop"].save()
    request = submit(person, kit)
    assert request.status == R.PENDING_APPROVAL and request.approver == boss
    stranger = make_user(Role.MANAGER)
    with pytest.raises(services.LoanError):
        services.request_decide(actor=stranger, request=request, approve=True)
    with pytest.raises(services.LoanError):
        services.request_decide(actor=boss, request=request, approve=False, reason="")
    request = services.request_decide(actor=boss, request=request, approve=False, reason="No budget this year")
    assert request.status == R.REFUSED and request.refusal_reason == "No budget this year"
    outbox_drain()
    assert {message.to[0] for message in mailoutbox} == {person.email, boss.email}


def test_a_manager_may_request_for_a_team_member_but_not_for_someone_else():
    boss = make_user(Role.MANAGER)
    report, outsider = make_user(manager=boss), make_user()
    kit, _site, _items = telework_kit()
    assert submit(report, kit, actor=boss).requester == report
    with pytest.raises(services.LoanError):
        submit(outsider, kit, actor=boss)


def test_home_delivery_needs_an_address(requester):
    kit, _site, _items = telework_kit()
    with pytest.raises(services.LoanError):
        submit(requester, kit, delivery="home")
    assert EquipmentRequest.objects.count() == 0


def test_prepare_is_all_or_nothing_for_a_kit(logistics, requester):
    kit, site, items = telework_kit(headsets=0)
    laptop, dock = items["units"]
    request = submit(requester, kit)
    with pytest.raises(services.InventoryError):  # no headset in stock
        services.request_prepare(actor=logistics, request=request, codes=[laptop.tag, dock.tag], stock_site=site)
    laptop.refresh_from_db()
    assert laptop.status == AssetStatus.IN_STOCK
    request.refresh_from_db()
    assert request.status == R.SUBMITTED and not request.prepared_items.exists()


def test_prepare_refuses_a_wrong_model_and_a_missing_unit_on_the_spot(logistics, requester):
    kit, site, items = telework_kit()
    other_kit, _other_site, other_items = telework_kit()
    laptop, _dock = items["units"]
    request = submit(requester, kit)
    with pytest.raises(services.LoanError) as refusal:
        services.request_prepare(
            actor=logistics, request=request, codes=[laptop.tag, other_items["units"][1].tag], stock_site=site
        )
    text = " ".join(refusal.value.errors)
    assert "not asked for here" in text and "more unit(s) to scan" in text
    laptop.refresh_from_db()
    assert laptop.status == AssetStatus.IN_STOCK


def test_full_flow_prepare_hand_over_return_closes_the_request(logistics, requester, mailoutbox):
    kit, site, items = telework_kit()
    laptop, dock = items["units"]
    terms()
    request = submit(requester, kit)
    services.request_prepare(actor=logistics, request=request, codes=[laptop.tag, dock.serial], stock_site=site)
    request.refresh_from_db()
    laptop.refresh_from_db()
    assert request.status == R.READY
    assert laptop.status == AssetStatus.RESERVED and laptop.holder == requester
    assert StockLevel.objects.get(model=items["headset"], site=site).quantity == 0
    key = uuid.uuid4()
    loan = services.loan_hand_over(
        actor=logistics, request=request, accepted_name="Marie Dupont", accept_terms=True, idempotency_key=key
    )
    again = services.loan_hand_over(
        actor=logistics, request=request, accepted_name="Marie Dupont", accept_terms=True, idempotency_key=key
    )
    assert again.pk == loan.pk and Loan.objects.count() == 1
    request.refresh_from_db()
    assert request.status == R.HANDED_OVER
    assert loan.lines.count() == 3 and loan.receipts.count() == 1
    laptop.refresh_from_db()
    assert laptop.status == AssetStatus.ON_LOAN
    assert StockLevel.objects.get(model=items["headset"], site=site).quantity == 0  # issued once, at preparation
    services.loan_check_in(
        actor=logistics, site=site, items=[services.ReturnItem(line=line) for line in loan.lines.all()]
    )
    request.refresh_from_db()
    assert request.status == R.CLOSED
    assert StockLevel.objects.get(model=items["headset"], site=site).quantity == 1


def test_hand_over_without_accepting_the_terms_is_refused(logistics, requester):
    kit, site, items = telework_kit()
    terms()
    request = submit(requester, kit)
    services.request_prepare(actor=logistics, request=request, codes=[u.tag for u in items["units"]], stock_site=site)
    with pytest.raises(services.LoanError):
        services.loan_hand_over(actor=logistics, request=request, accepted_name="X", accept_terms=False)
    assert Loan.objects.count() == 0


def test_cancelling_a_prepared_request_puts_everything_back(logistics, requester):
    kit, site, items = telework_kit()
    request = submit(requester, kit)
    services.request_prepare(actor=logistics, request=request, codes=[u.tag for u in items["units"]], stock_site=site)
    services.request_cancel(actor=requester, request=request)
    for unit in items["units"]:
        unit.refresh_from_db()
        assert unit.status == AssetStatus.IN_STOCK and unit.holder is None
    assert StockLevel.objects.get(model=items["headset"], site=site).quantity == 1
