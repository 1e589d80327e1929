import random

import pytest
from django.db.models import Sum

from assets.demo import DEMO_ASSET_COUNT, bulk_seed_assets, seed_assets
from assets.models import Asset, AssetStatus, Kit, StockLevel
from icity.demo import seed_people

pytestmark = pytest.mark.django_db


def test_demo_seeder_is_idempotent_and_covers_statuses_stock_and_kits():
    seed_people(rng=random.Random(1))
    seed_assets(rng=random.Random(2))
    counts = (Asset.objects.count(), StockLevel.objects.count(), Kit.objects.count())
    seed_assets(rng=random.Random(3))
    assert (Asset.objects.count(), StockLevel.objects.count(), Kit.objects.count()) == counts
    assert counts[0] == DEMO_ASSET_COUNT
    assert set(Kit.objects.values_list("code", flat=True)) == {"telework-pack", "pupil-pack"}
    assert len(set(Asset.objects.values_list("status", flat=True))) >= 6
    assert Asset.objects.filter(holder__email="requester@icity.example", status=AssetStatus.ON_LOAN).count() >= 3
    for level in StockLevel.objects.all():
        assert level.quantity == (level.movements.aggregate(total=Sum("delta"))["total"] or 0)
    assert any(level.is_low for level in StockLevel.objects.all())


def test_bulk_seed_for_benchmarks():
    assert bulk_seed_assets(count=120, rng=random.Random(4), batch_size=50) == 120
    assert Asset.objects.count() == 120
    assert Asset.objects.values("tag").distinct().count() == 120
