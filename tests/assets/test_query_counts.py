"""Lists and the asset page run a fixed number of queries, whatever the rows or history length."""

import pytest
from django.urls import reverse

from assets.services import asset_assign, asset_change_status, asset_move, stock_move, stocktake_scan, stocktake_start
from tests.assets.factories import ProductModelFactory, make_asset, quantity_model, stock_of
from tests.factories import SiteFactory, make_user

pytestmark = pytest.mark.django_db

LIST_CEILING = 12


def populate(count: int):
    sites = [SiteFactory(), SiteFactory()]
    models = [ProductModelFactory(), ProductModelFactory()]
    for index in range(count):
        asset = make_asset(model=models[index % 2], site=sites[index % 2])
        if index % 3 == 0:
            asset_assign(actor=None, asset=asset, holder=make_user())
    for index in range(count // 5 + 1):
        model = quantity_model()
        stock_of(model, sites[index % 2], 5)


@pytest.mark.parametrize("rows", [5, 50])
@pytest.mark.parametrize(
    "name", ["assets:list", "assets:stock", "assets:stocktakes", "assets:imports", "assets:logistics", "assets:mine"]
)
def test_list_query_count_does_not_grow_with_rows(client, logistics, django_assert_max_num_queries, rows, name):
    populate(rows)
    for asset in list(type(make_asset()).objects.all()[:3]):
        if asset.holder_id is None:
            asset_assign(actor=None, asset=asset, holder=logistics)
    client.force_login(logistics)
    with django_assert_max_num_queries(LIST_CEILING):
        assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("rows", [5, 50])
def test_filtered_list_and_export_query_counts(client, agent, django_assert_max_num_queries, rows):
    populate(rows)
    client.force_login(agent)
    params = {"status": "on_loan", "q": "IC", "sort": "-updated"}
    # Warm per-process caches first (content types are cleared by transactional tests run
    # before this one on the same worker): the ceiling is about queries per request.
    client.get(reverse("assets:list"), params)
    with django_assert_max_num_queries(LIST_CEILING):
        client.get(reverse("assets:list"), params)
    with django_assert_max_num_queries(LIST_CEILING):
        response = client.get(reverse("assets:export"), {"format": "csv"})
        b"".join(response.streaming_content)


@pytest.mark.parametrize("events", [3, 150])
def test_asset_page_query_count_does_not_grow_with_history(client, logistics, django_assert_max_num_queries, events):
    asset = make_asset()
    sites = [SiteFactory(), SiteFactory()]
    for index in range(events):
        asset_move(actor=logistics, asset=asset, site=sites[index % 2], location=str(index))
    asset_change_status(actor=logistics, asset=asset, status="in_repair")
    client.force_login(logistics)
    with django_assert_max_num_queries(LIST_CEILING):
        assert client.get(asset.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("rows", [5, 50])
def test_stock_ledger_and_stocktake_pages(client, logistics, django_assert_max_num_queries, rows):
    model, site = quantity_model(), SiteFactory()
    for _ in range(rows):
        stock_move(actor=logistics, model=model, site=site, kind="receipt", quantity=1)
    stocktake = stocktake_start(actor=logistics, site=site)
    for _ in range(rows):
        stocktake_scan(actor=logistics, stocktake=stocktake, code=make_asset(site=site).tag)
    client.force_login(logistics)
    with django_assert_max_num_queries(LIST_CEILING):
        client.get(reverse("assets:stock-level", args=[model.stock_levels.get().pk]))
    with django_assert_max_num_queries(LIST_CEILING):
        client.get(reverse("assets:stocktake", args=[stocktake.pk]))


@pytest.mark.parametrize("rows", [5, 50])
def test_api_lists(client, logistics, django_assert_max_num_queries, rows):
    populate(rows)
    client.force_login(logistics)
    for url in (
        "/api/v1/assets/",
        "/api/v1/stock-levels/",
        "/api/v1/stock-movements/",
        "/api/v1/product-models/",
        "/api/v1/kits/",
    ):
        with django_assert_max_num_queries(8):
            assert client.get(url).status_code == 200
