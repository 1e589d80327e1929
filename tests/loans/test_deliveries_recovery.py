from datetime import time

import pytest

from loans import services
from loans.models import DeliveryRun, EquipmentRequest, Recovery
from tests.assets.factories import make_asset
from tests.factories import SiteFactory, make_user
from tests.loans.loan_factories import dock_model, telework_kit

pytestmark = pytest.mark.django_db


def lend(person):
    return services.loan_check_out(actor=None, borrower=person, assets=[make_asset(model=dock_model())])


def test_a_deactivated_user_who_still_holds_equipment_gets_one_recovery_from_the_sweep():
    leaver = make_user(site=SiteFactory())
    lend(leaver)
    lend(leaver)
    make_user(is_active=False)  # holds nothing: no recovery
    leaver.is_active = False
    leaver.save(update_fields=["is_active"])
    assert services.recovery_sweep() == 1
    assert services.recovery_sweep() == 0
    recovery = Recovery.objects.get()
    assert recovery.person == leaver and recovery.reason == Recovery.Reason.LEAVING
    assert recovery.runs.get().kind == DeliveryRun.Kind.RECOVERY


def test_deactivating_through_the_service_starts_the_recovery_and_returning_everything_closes_it(logistics):
    site = SiteFactory()
    leaver = make_user(site=site)
    loan = lend(leaver)
    recovery = services.user_deactivate(actor=logistics, user=leaver)
    leaver.refresh_from_db()
    assert not leaver.is_active and recovery.status == Recovery.Status.OPEN
    services.loan_check_in(actor=logistics, site=site, items=[services.ReturnItem(line=loan.lines.get())])
    recovery.refresh_from_db()
    assert recovery.status == Recovery.Status.DONE


def test_recovery_of_someone_who_holds_nothing_is_refused(logistics):
    with pytest.raises(services.LoanError):
        services.recovery_start(actor=logistics, person=make_user(), reason="telework_end")


def test_a_delivery_en_route_marks_the_request_out_for_delivery(logistics, requester):
    kit, site, items = telework_kit()
    request = services.request_submit(
        actor=requester,
        requester=requester,
        lines=[services.Wanted(kit=kit)],
        reason="x",
        delivery="home",
        delivery_address="Rue Haute 1",
    )
    services.request_prepare(actor=logistics, request=request, codes=[u.tag for u in items["units"]], stock_site=site)
    run = services.delivery_plan(
        actor=logistics,
        kind="delivery",
        day=request.created_at.date(),
        window_start=time(9),
        window_end=time(11),
        address="Rue Haute 1",
        request=request,
    )
    services.delivery_set_status(actor=logistics, run=run, status="en_route")
    request.refresh_from_db()
    assert request.status == EquipmentRequest.Status.OUT_FOR_DELIVERY
    with pytest.raises(services.LoanError):
        services.delivery_set_status(actor=logistics, run=run, status="planned")
