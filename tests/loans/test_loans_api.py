"""Must show 4 (API): the same scoping as the pages; writable fields allow-listed; bad input is a 400 with nothing saved."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from assets.models import AssetStatus
from icity.roles import Role
from loans import services
from loans.models import DeliveryRun, EquipmentRequest, Loan
from tests.assets.factories import make_asset
from tests.factories import SiteFactory, make_user
from tests.loans.loan_factories import dock_model, telework_kit, terms

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def lend(borrower):
    return services.loan_check_out(actor=None, borrower=borrower, assets=[make_asset(model=dock_model())])


def test_borrowers_list_only_their_loans(requester):
    mine, theirs = lend(requester), lend(make_user())
    data = api(requester).get("/api/v1/loans/").json()
    assert [row["id"] for row in data["results"]] == [mine.pk]
    assert api(requester).get(f"/api/v1/loans/{theirs.pk}/").status_code == 404
    assert api().get("/api/v1/loans/").status_code in (401, 403)


def test_logistics_checks_out_and_in_through_the_api(logistics, requester):
    asset = make_asset(model=dock_model())
    key = str(uuid.uuid4())
    body = {"borrower": requester.email, "assets": [asset.tag], "idempotency_key": key}
    first = api(logistics).post("/api/v1/loans/check-out/", body, format="json")
    again = api(logistics).post("/api/v1/loans/check-out/", body, format="json")
    assert first.status_code == 201 and again.json()["id"] == first.json()["id"]
    line = first.json()["lines"][0]["id"]
    site = SiteFactory()
    back = api(logistics).post(
        "/api/v1/loans/check-in/", {"site": site.pk, "items": [{"line": line, "condition": "b"}]}, format="json"
    )
    assert back.status_code == 200 and back.json()[0]["status"] == "returned"
    asset.refresh_from_db()
    assert asset.status == AssetStatus.IN_STOCK


def test_requesters_cannot_check_out_or_in(requester):
    asset = make_asset(model=dock_model())
    body = {"borrower": requester.email, "assets": [asset.tag]}
    assert api(requester).post("/api/v1/loans/check-out/", body, format="json").status_code == 403
    assert api(requester).post("/api/v1/loans/check-in/", {}, format="json").status_code == 403
    assert Loan.objects.count() == 0


def test_check_out_of_an_unknown_tag_is_a_400_and_nothing_is_saved(logistics, requester):
    response = api(logistics).post(
        "/api/v1/loans/check-out/", {"borrower": requester.email, "assets": ["NOPE"]}, format="json"
    )
    assert response.status_code == 400 and Loan.objects.count() == 0


def test_check_out_of_a_lent_unit_is_a_400(logistics, requester):
    loan = lend(make_user())
    tag = loan.lines.get().asset.tag
    response = api(logistics).post(
        "/api/v1/loans/check-out/", {"borrower": requester.email, "assets": [tag]}, format="json"
    )
    assert response.status_code == 400 and "errors" in response.json()


def test_borrower_extends_own_loan_and_cannot_declare_it_lost(requester):
    loan = lend(requester)
    response = api(requester).post(f"/api/v1/loans/{loan.pk}/extend/", {"reason": "Project"}, format="json")
    assert response.status_code == 200 and response.json()["extensions"] == 1
    assert api(requester).post(f"/api/v1/loans/{loan.pk}/declare-lost/", {}, format="json").status_code == 403


def test_status_and_borrower_are_not_writable_through_the_api(logistics, requester):
    loan = lend(requester)
    assert api(logistics).patch(f"/api/v1/loans/{loan.pk}/", {"status": "returned"}, format="json").status_code == 405


def test_overdue_filter_and_ordering_allow_list(logistics):
    loan = lend(make_user())
    Loan.objects.filter(pk=loan.pk).update(due_date=timezone.localdate() - timedelta(days=2))
    lend(make_user())
    data = api(logistics).get("/api/v1/loans/?overdue=true&ordering=due_date").json()
    assert [row["id"] for row in data["results"]] == [loan.pk]
    ignored = api(logistics).get("/api/v1/loans/?ordering=borrower__password")
    assert ignored.status_code == 200


def test_request_api_flow_with_manager_approval():
    boss, stranger = make_user(Role.MANAGER), make_user(Role.MANAGER)
    person = make_user(manager=boss)
    kit, _site, items = telework_kit()
    items["laptop"].requires_approval = True
    items["laptop"].save()
    created = api(person).post(
        "/api/v1/equipment-requests/",
        {"lines": [{"kit": kit.pk, "quantity": 1}], "reason": "New job", "status": "closed"},
        format="json",
    )
    assert created.status_code == 201 and created.json()["status"] == "pending_approval"
    pk = created.json()["id"]
    assert api(stranger).post(f"/api/v1/equipment-requests/{pk}/decide/", {"approve": True}).status_code == 404
    assert api(boss).post(f"/api/v1/equipment-requests/{pk}/decide/", {"approve": True}).status_code == 200
    assert EquipmentRequest.objects.get(pk=pk).status == "submitted"
    assert api(make_user()).get(f"/api/v1/equipment-requests/{pk}/").status_code == 404


def test_request_api_bad_input_is_a_400(requester):
    response = api(requester).post("/api/v1/equipment-requests/", {"lines": [], "reason": "x"}, format="json")
    assert response.status_code == 400 and EquipmentRequest.objects.count() == 0


def test_logistics_prepares_and_hands_over_through_the_api(logistics, requester):
    kit, site, items = telework_kit()
    terms()
    request = services.request_submit(
        actor=requester, requester=requester, lines=[services.Wanted(kit=kit)], reason="x"
    )
    codes = [unit.tag for unit in items["units"]]
    body = {"codes": codes, "stock_site": site.pk}
    assert (
        api(requester).post(f"/api/v1/equipment-requests/{request.pk}/prepare/", body, format="json").status_code == 403
    )
    assert (
        api(logistics).post(f"/api/v1/equipment-requests/{request.pk}/prepare/", body, format="json").status_code == 200
    )
    handed = api(logistics).post(
        f"/api/v1/equipment-requests/{request.pk}/hand-over/",
        {"accepted_name": "Marie", "accept_terms": True},
        format="json",
    )
    assert handed.status_code == 201 and handed.json()["terms_version"] == "2026-1"


def test_delivery_runs_are_logistics_only(logistics, requester):
    body = {
        "kind": "delivery",
        "date": timezone.localdate().isoformat(),
        "window_start": "09:00",
        "window_end": "10:00",
        "address": "Rue Haute 1",
    }
    assert api(requester).post("/api/v1/delivery-runs/", body, format="json").status_code == 403
    assert api(requester).get("/api/v1/delivery-runs/").status_code == 403
    created = api(logistics).post("/api/v1/delivery-runs/", body, format="json")
    assert created.status_code == 201
    moved = api(logistics).post(f"/api/v1/delivery-runs/{created.json()['id']}/status/", {"status": "en_route"})
    assert moved.status_code == 200 and DeliveryRun.objects.get().status == "en_route"


@pytest.mark.parametrize("count", [5, 50])
def test_loan_api_list_query_count_does_not_grow(logistics, django_assert_max_num_queries, count):
    for _ in range(count):
        lend(make_user())
    with django_assert_max_num_queries(10):
        assert api(logistics).get("/api/v1/loans/").status_code == 200


@pytest.mark.parametrize("count", [5, 50])
def test_request_api_list_query_count_does_not_grow(logistics, django_assert_max_num_queries, count):
    kit, _site, _items = telework_kit(laptops=0, headsets=0)
    for _ in range(count):
        person = make_user()
        services.request_submit(actor=person, requester=person, lines=[services.Wanted(kit=kit)], reason="x")
    with django_assert_max_num_queries(10):
        assert api(logistics).get("/api/v1/equipment-requests/").status_code == 200
