"""Approval when stock is short: the approver sees what is missing, picks a substitute model
of the same category that is in stock, or approves fewer items (the rest cancelled with a
reason, or kept as a new request); the requester is told through the outbox."""

import pytest
from django.urls import reverse

from icity.models import Notification
from icity.roles import Role
from loans import services
from loans.models import EquipmentRequest, RequestLine
from tests.assets.factories import make_asset
from tests.factories import SiteFactory, make_user
from tests.loans.loan_factories import dock_model, laptop_model

pytestmark = pytest.mark.django_db
R = EquipmentRequest.Status


@pytest.fixture
def setup():
    boss = make_user(Role.REQUESTER, Role.MANAGER)
    person = make_user(manager=boss)
    site = SiteFactory()
    asked = laptop_model(requires_approval=True, name="Latitude 7440")
    substitute = laptop_model(name="ThinkPad T14")
    make_asset(model=asked, site=site, serial="SN-ASKED-1")  # 1 in stock, 3 asked
    for index in range(3):
        make_asset(model=substitute, site=site, serial=f"SN-SUB-{index}")
    request = services.request_submit(
        actor=person,
        requester=person,
        lines=[services.Wanted(model=asked, quantity=3)],
        reason="Three new colleagues",
    )
    assert request.status == R.PENDING_APPROVAL
    return {"boss": boss, "person": person, "asked": asked, "substitute": substitute, "request": request}


def line_of(request) -> RequestLine:
    return request.lines.get()


def test_the_approval_page_shows_what_is_missing_and_the_substitutes(client, setup, django_assert_max_num_queries):
    client.force_login(setup["boss"])
    with django_assert_max_num_queries(30):
        page = client.get(setup["request"].get_absolute_url()).content.decode()
    assert "ThinkPad T14" in page
    assert f'name="line_{line_of(setup["request"]).pk}_substitute"' in page
    assert f'name="line_{line_of(setup["request"]).pk}_quantity"' in page


def test_the_requester_does_not_get_the_decision_form(client, setup):
    client.force_login(setup["person"])
    page = client.get(setup["request"].get_absolute_url()).content.decode()
    assert "_substitute" not in page


def test_approve_with_a_substitute_model(client, setup):
    line = line_of(setup["request"])
    client.force_login(setup["boss"])
    response = client.post(
        reverse("assets:request-decide", args=[setup["request"].pk]),
        {"decision": "approve", f"line_{line.pk}_quantity": 3, f"line_{line.pk}_substitute": setup["substitute"].pk},
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.model == setup["substitute"] and line.asked_model == setup["asked"] and line.quantity == 3
    setup["request"].refresh_from_db()
    assert setup["request"].status == R.SUBMITTED
    told = Notification.objects.get(dedupe_key=f"request:{setup['request'].pk}:approved-with-changes")
    assert told.to_email == setup["person"].email


def test_partial_hand_over_with_the_rest_cancelled_needs_a_reason(setup):
    line = line_of(setup["request"])
    change = services.LineChange(line_id=line.pk, quantity=1, rest=services.REST_CANCEL)
    with pytest.raises(services.LoanError):
        services.request_decide(actor=setup["boss"], request=setup["request"], approve=True, changes=[change])
    line.refresh_from_db()
    assert line.quantity == 3  # nothing half-applied
    change = services.LineChange(line_id=line.pk, quantity=1, rest=services.REST_CANCEL, reason="Budget for one")
    services.request_decide(actor=setup["boss"], request=setup["request"], approve=True, changes=[change])
    line.refresh_from_db()
    assert (line.quantity, line.asked_quantity, line.rest_note) == (1, 3, "Budget for one")
    assert not EquipmentRequest.objects.filter(backorder_of=setup["request"]).exists()


def test_partial_hand_over_with_the_rest_kept_makes_an_approved_request(setup):
    line = line_of(setup["request"])
    change = services.LineChange(line_id=line.pk, quantity=1, rest=services.REST_BACKORDER)
    services.request_decide(actor=setup["boss"], request=setup["request"], approve=True, changes=[change])
    rest = EquipmentRequest.objects.get(backorder_of=setup["request"])
    assert rest.status == R.SUBMITTED
    assert [(row.model_id, row.quantity) for row in rest.lines.all()] == [(setup["asked"].pk, 2)]


def test_a_substitute_of_another_category_or_out_of_stock_is_refused(setup):
    line = line_of(setup["request"])
    dock = dock_model()
    make_asset(model=dock, site=SiteFactory(), serial="SN-DOCK-1")
    for substitute, quantity in ((dock, 1), (laptop_model(name="Not in stock"), 1), (setup["substitute"], 3)):
        if substitute == setup["substitute"]:
            # Only 3 in stock: asking for 3 passes, so take one away first.
            substitute.assets.filter(pk=substitute.assets.first().pk).update(status="retired")
        change = services.LineChange(
            line_id=line.pk, quantity=quantity, substitute=substitute, rest=services.REST_CANCEL, reason="x"
        )
        with pytest.raises(services.LoanError):
            services.request_decide(actor=setup["boss"], request=setup["request"], approve=True, changes=[change])


def test_only_the_approver_decides_and_a_line_of_another_request_is_refused(setup):
    other = services.request_submit(
        actor=setup["person"],
        requester=setup["person"],
        lines=[services.Wanted(model=setup["asked"], quantity=1)],
        reason="Spare",
    )
    foreign = services.LineChange(line_id=line_of(other).pk, quantity=1)
    with pytest.raises(services.LoanError):
        services.request_decide(actor=setup["boss"], request=setup["request"], approve=True, changes=[foreign])
    with pytest.raises(services.LoanError):
        services.request_decide(actor=make_user(Role.MANAGER), request=setup["request"], approve=True)


def test_bad_quantity_in_the_form_shows_the_page_again(client, setup):
    line = line_of(setup["request"])
    client.force_login(setup["boss"])
    response = client.post(
        reverse("assets:request-decide", args=[setup["request"].pk]),
        {"decision": "approve", f"line_{line.pk}_quantity": 9},
    )
    assert response.status_code == 400
    setup["request"].refresh_from_db()
    assert setup["request"].status == R.PENDING_APPROVAL


def test_api_approves_a_partial_quantity(client, setup):
    line = line_of(setup["request"])
    client.force_login(setup["boss"])
    response = client.post(
        f"/api/v1/equipment-requests/{setup['request'].pk}/decide/",
        {"approve": True, "lines": [{"line": line.pk, "quantity": 2, "rest": "cancel", "reason": "Two is enough"}]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    line.refresh_from_db()
    assert (line.quantity, line.asked_quantity) == (2, 3)
