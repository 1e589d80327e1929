import pytest

from assets.models import Asset, AssetStatus, StockLevel
from assets.services import asset_assign
from tests.assets.factories import CategoryFactory, ProductModelFactory, make_asset, quantity_model, stock_of
from tests.factories import SiteFactory, make_user

pytestmark = pytest.mark.django_db


def test_requester_lists_only_assets_they_hold(client, requester):
    mine = asset_assign(actor=None, asset=make_asset(), holder=requester)
    other = make_asset()
    client.force_login(requester)
    data = client.get("/api/v1/assets/").json()
    assert [row["tag"] for row in data["results"]] == [mine.tag]
    assert client.get(f"/api/v1/assets/{other.pk}/").status_code == 404
    assert client.get(f"/api/v1/assets/{mine.pk}/history/").status_code == 200


@pytest.mark.parametrize("fixture", ["requester", "agent", "school_contact"])
def test_only_logistics_and_admins_write(client, request, fixture):
    user = request.getfixturevalue(fixture)
    asset = make_asset()
    client.force_login(user)
    model, site = ProductModelFactory(), SiteFactory()
    assert client.post("/api/v1/assets/", {"model": model.pk, "site": site.pk}).status_code == 403
    assert client.post(f"/api/v1/assets/{asset.pk}/status/", {"status": "in_repair"}).status_code in (403, 404)
    assert client.patch(f"/api/v1/assets/{asset.pk}/", {"notes": "x"}, content_type="application/json").status_code in (
        403,
        404,
    )
    assert client.post("/api/v1/categories/", {"code": "x", "name_fr": "x", "name_nl": "x"}).status_code == 403
    qmodel = quantity_model()
    response = client.post(
        "/api/v1/stock-movements/", {"model": qmodel.pk, "site": site.pk, "kind": "receipt", "quantity": 3}
    )
    assert response.status_code == 403
    assert Asset.objects.count() == 1 and StockLevel.objects.count() == 0


def test_agent_reads_everything_requester_gets_no_stock(client, agent, requester):
    make_asset()
    stock_of(quantity_model(), SiteFactory(), 4)
    client.force_login(agent)
    assert client.get("/api/v1/assets/").json()["count"] == 1
    assert client.get("/api/v1/stock-levels/").json()["count"] == 1
    assert client.get("/api/v1/stock-movements/").json()["count"] == 1
    client.force_login(requester)
    assert client.get("/api/v1/stock-levels/").status_code == 403
    assert client.get("/api/v1/stock-movements/").status_code == 403
    assert client.get("/api/v1/product-models/").status_code == 200
    assert client.get("/api/v1/kits/").status_code == 200


@pytest.mark.parametrize("fixture", ["logistics", "admin_user"])
def test_logistics_create_change_and_read_history(client, request, fixture):
    client.force_login(request.getfixturevalue(fixture))
    model, site = ProductModelFactory(), SiteFactory()
    response = client.post(
        "/api/v1/assets/",
        {"model": model.pk, "site": site.pk, "serial": "S-9", "status": "on_loan", "holder": 1},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "in_stock" and body["holder"] is None  # status and holder are not writable here
    pk = body["id"]
    holder = make_user()
    response = client.post(
        f"/api/v1/assets/{pk}/status/", {"status": "on_loan", "holder": holder.pk}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["holder"]["email"] == holder.email
    response = client.patch(f"/api/v1/assets/{pk}/", {"status": "in_stock"}, content_type="application/json")
    assert response.status_code == 400
    response = client.patch(f"/api/v1/assets/{pk}/", {"supplier": "Bechtle"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["supplier"] == "Bechtle"
    history = client.get(f"/api/v1/assets/{pk}/history/").json()["results"]
    assert [event["kind"] for event in history][-1] == "created"
    assert Asset.objects.get(pk=pk).status == AssetStatus.ON_LOAN


def test_api_refusals_are_clear_400s(client, logistics):
    asset = make_asset()
    client.force_login(logistics)
    response = client.post(
        f"/api/v1/assets/{asset.pk}/status/", {"status": "disposed"}, content_type="application/json"
    )
    assert response.status_code == 400 and "cannot go from" in response.json()["detail"]
    model, site = quantity_model(), SiteFactory()
    response = client.post(
        "/api/v1/stock-movements/",
        {"model": model.pk, "site": site.pk, "kind": "issue", "quantity": 1},
        content_type="application/json",
    )
    assert response.status_code == 400 and "Only 0 left" in response.json()["detail"]
    response = client.post("/api/v1/assets/", {"model": 999999, "site": site.pk}, content_type="application/json")
    assert response.status_code == 400
    assert Asset.objects.count() == 1 and StockLevel.objects.count() == 0


def test_api_filters_and_ordering_are_allow_listed(client, agent):
    CategoryFactory()
    make_asset(tag="IC-000001", procurement_contract="MP-1")
    make_asset(tag="IC-000002")
    client.force_login(agent)
    assert [r["tag"] for r in client.get("/api/v1/assets/?ordering=-tag").json()["results"]] == [
        "IC-000002",
        "IC-000001",
    ]
    assert [r["tag"] for r in client.get("/api/v1/assets/?procurement_contract=mp-1").json()["results"]] == [
        "IC-000001"
    ]
    assert [r["tag"] for r in client.get("/api/v1/assets/?q=IC-000002").json()["results"]] == ["IC-000002"]
    # Ordering on a field outside the allow-list is ignored.
    assert [r["tag"] for r in client.get("/api/v1/assets/?ordering=holder__password").json()["results"]] == [
        "IC-000001",
        "IC-000002",
    ]


def test_stock_movement_via_api(client, logistics):
    model, site, other = quantity_model(), SiteFactory(), SiteFactory()
    stock_of(model, site, 5)
    client.force_login(logistics)
    response = client.post(
        "/api/v1/stock-movements/",
        {"model": model.pk, "site": site.pk, "kind": "transfer", "quantity": 2, "to_site": other.pk},
        content_type="application/json",
    )
    assert response.status_code == 201 and [m["delta"] for m in response.json()] == [-2, 2]
