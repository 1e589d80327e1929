"""Any sequence of status changes, moves and hand-overs keeps an asset's invariants."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assets.models import AssetEvent, AssetStatus
from assets.models.assets import HELD_STATUSES
from assets.services import ALLOWED_TRANSITIONS, InventoryError, asset_change_status, asset_move
from tests.assets.factories import make_asset
from tests.factories import SiteFactory, make_user

steps = st.lists(
    st.tuples(st.sampled_from(["status", "move"]), st.sampled_from(list(AssetStatus)), st.booleans(), st.booleans()),
    max_size=20,
)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=steps)
def test_any_sequence_keeps_status_holder_and_history_consistent(sequence):
    people = [make_user(), make_user()]
    sites = [SiteFactory(), SiteFactory()]
    asset = make_asset(site=sites[0])
    expected_status = AssetStatus.IN_STOCK
    for action, status, first_person, first_site in sequence:
        person, site = people[0 if first_person else 1], sites[0 if first_site else 1]
        before = AssetEvent.objects.filter(asset=asset).count()
        try:
            if action == "move":
                asset_move(actor=None, asset=asset, site=site, location="X")
            else:
                asset_change_status(actor=None, asset=asset, status=status, holder=person)
                assert status in ALLOWED_TRANSITIONS[expected_status]
                expected_status = status
        except InventoryError:
            assert AssetEvent.objects.filter(asset=asset).count() == before  # a refusal writes nothing
        asset.refresh_from_db()
        assert asset.status == expected_status
        assert (asset.holder_id is not None) <= (asset.status in HELD_STATUSES)
        if asset.status == AssetStatus.ON_LOAN:
            assert asset.holder_id is not None
        if asset.status == AssetStatus.IN_STOCK:
            assert asset.site_id is not None
    # The history replays to the current status.
    statuses = list(
        AssetEvent.objects.filter(asset=asset, kind=AssetEvent.Kind.STATUS)
        .order_by("id")
        .values_list("new_value", flat=True)
    )
    assert (statuses[-1] if statuses else AssetStatus.IN_STOCK) == asset.status
