import pytest
from django.urls import reverse

from assets.models import AssetEvent, AssetStatus, Stocktake
from assets.services import InventoryError, asset_change_status, stocktake_start
from tests.assets.factories import ProductModelFactory, make_asset
from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db


def test_stocktake_found_missing_unexpected_and_confirmed_adjustments(client, logistics):
    site, elsewhere = SiteFactory(), SiteFactory()
    model = ProductModelFactory()
    present = make_asset(model=model, site=site)
    missing = make_asset(model=model, site=site)
    stray = make_asset(model=model, site=elsewhere)
    lost = asset_change_status(actor=None, asset=make_asset(model=model, site=elsewhere), status=AssetStatus.LOST)
    client.force_login(logistics)
    response = client.post(reverse("assets:stocktakes"), {"site": site.pk})
    stocktake = Stocktake.objects.get()
    assert response["Location"] == reverse("assets:stocktake", args=[stocktake.pk])
    url = reverse("assets:stocktake", args=[stocktake.pk])
    for code in (present.tag, present.tag.lower(), stray.serial or stray.tag, lost.tag, "UNKNOWN-42"):
        assert client.post(url, {"code": code}).status_code == 302
    result = client.get(url).context["result"]
    assert result.found == [present]
    assert result.missing == [missing]
    assert sorted(a.tag for a in result.unexpected) == sorted([stray.tag, lost.tag])
    assert result.unknown == ["UNKNOWN-42"]
    response = client.post(
        reverse("assets:stocktake-confirm", args=[stocktake.pk]),
        {"missing": [missing.pk], "unexpected": [stray.pk, lost.pk]},
    )
    assert response.status_code == 302
    missing.refresh_from_db(), stray.refresh_from_db(), lost.refresh_from_db()
    assert missing.status == AssetStatus.LOST
    assert stray.site == site
    assert (lost.status, lost.site) == (AssetStatus.IN_STOCK, site)
    assert AssetEvent.objects.filter(kind=AssetEvent.Kind.STOCKTAKE).count() == 3
    stocktake.refresh_from_db()
    assert stocktake.status == Stocktake.Status.CONFIRMED
    # A closed count takes no more scans.
    assert client.post(url, {"code": present.tag}).status_code == 400


def test_one_open_stocktake_per_site(logistics):
    site = SiteFactory()
    stocktake_start(actor=logistics, site=site)
    with pytest.raises(InventoryError):
        stocktake_start(actor=logistics, site=site)


def test_agents_cannot_run_stocktakes(client, agent):
    client.force_login(agent)
    assert client.post(reverse("assets:stocktakes"), {"site": SiteFactory().pk}).status_code == 403
    assert Stocktake.objects.count() == 0
