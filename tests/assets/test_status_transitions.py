import pytest

from assets.models import AssetEvent, AssetStatus
from assets.services import (
    ALLOWED_TRANSITIONS,
    InventoryError,
    TransitionRefused,
    asset_assign,
    asset_bulk_change,
    asset_change_status,
    asset_create,
    asset_move,
    asset_tag_next,
)
from tests.assets.factories import ProductModelFactory, make_asset, make_assets, quantity_model
from tests.factories import SiteFactory, make_user

pytestmark = pytest.mark.django_db
S = AssetStatus


def test_new_asset_gets_generated_tag_and_a_created_event(logistics):
    asset = make_asset(actor=logistics)
    assert asset.tag.startswith("IC-") and len(asset.tag) == 9
    assert asset.events.get().kind == AssetEvent.Kind.CREATED


def test_generated_tags_skip_a_number_already_scanned_in():
    make_asset(tag="IC-000001")
    assert asset_tag_next() == "IC-000002"


def test_duplicate_tag_and_serial_per_manufacturer_are_refused():
    model = ProductModelFactory()
    make_asset(model=model, tag="OLD-1", serial="SN1")
    with pytest.raises(InventoryError):
        make_asset(model=model, tag="OLD-1")
    with pytest.raises(InventoryError):
        make_asset(model=ProductModelFactory(manufacturer=model.manufacturer), serial="SN1")
    # The same serial from another manufacturer is a different unit.
    make_asset(serial="SN1")


def test_quantity_tracked_model_cannot_become_an_asset():
    with pytest.raises(InventoryError):
        make_asset(model=quantity_model())


@pytest.mark.parametrize("old", list(S))
@pytest.mark.parametrize("new", list(S))
def test_every_transition_follows_the_table(old, new):
    holder = make_user()
    asset = make_asset()
    path = {
        S.IN_STOCK: [],
        S.RESERVED: [S.RESERVED],
        S.ON_LOAN: [S.ON_LOAN],
        S.IN_REPAIR: [S.IN_REPAIR],
        S.RECONDITIONING: [S.RECONDITIONING],
        S.RETIRED: [S.RETIRED],
        S.LOST: [S.LOST],
        S.DISPOSED: [S.RETIRED, S.DISPOSED],
    }[old]
    for step in path:
        asset = asset_change_status(actor=None, asset=asset, status=step, holder=holder)
    assert asset.status == old
    if new in ALLOWED_TRANSITIONS[old]:
        asset = asset_change_status(actor=None, asset=asset, status=new, holder=holder)
        assert asset.status == new
        assert asset.events.filter(kind=AssetEvent.Kind.STATUS).order_by("-id").first().new_value == new
    else:
        events = asset.events.count()
        with pytest.raises(TransitionRefused):
            asset_change_status(actor=None, asset=asset, status=new, holder=holder)
        asset.refresh_from_db()
        assert asset.status == old
        assert asset.events.count() == events


def test_disposed_is_final():
    assert ALLOWED_TRANSITIONS[S.DISPOSED] == frozenset()


def test_lending_needs_a_holder_and_records_holder_history(logistics):
    asset = make_asset()
    with pytest.raises(TransitionRefused):
        asset_change_status(actor=logistics, asset=asset, status=S.ON_LOAN)
    person = make_user()
    asset = asset_assign(actor=logistics, asset=asset, holder=person)
    assert asset.holder == person
    asset = asset_change_status(actor=logistics, asset=asset, status=S.IN_STOCK)
    assert asset.holder is None
    holder_events = list(
        asset.events.filter(kind=AssetEvent.Kind.HOLDER).order_by("id").values_list("new_value", flat=True)
    )
    assert person.email in holder_events[0] and holder_events[1] == ""


def test_move_records_a_location_event():
    asset = make_asset(location="A-01")
    other = SiteFactory()
    asset_move(actor=None, asset=asset, site=other, location="B-02")
    event = asset.events.get(kind=AssetEvent.Kind.LOCATION)
    assert event.new_value == f"{other.code} / B-02"


def test_history_events_are_immutable():
    event = make_asset().events.get()
    event.note = "rewritten"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


def test_bulk_change_is_all_or_nothing():
    assets = make_assets(3)
    asset_change_status(actor=None, asset=assets[0], status=S.RETIRED)
    with pytest.raises(TransitionRefused) as refused:
        asset_bulk_change(actor=None, asset_ids=[a.pk for a in assets], status=S.IN_REPAIR)
    assert len(refused.value.errors) == 1 and assets[0].tag in refused.value.errors[0]
    assert sorted(a.status for a in type(assets[0]).objects.filter(pk__in=[a.pk for a in assets])) == sorted(
        [S.RETIRED, S.IN_STOCK, S.IN_STOCK]
    )
    count = asset_bulk_change(actor=None, asset_ids=[a.pk for a in assets[1:]], status=S.IN_REPAIR, note="batch")
    assert count == 2
    assert AssetEvent.objects.filter(kind=AssetEvent.Kind.STATUS, note="batch").count() == 2


def test_bulk_move_changes_site_and_location():
    assets = make_assets(2)
    site = SiteFactory()
    asset_bulk_change(actor=None, asset_ids=[a.pk for a in assets], site=site, location="Shelf 9")
    for asset in assets:
        asset.refresh_from_db()
        assert (asset.site, asset.location) == (site, "Shelf 9")


def test_new_unit_cannot_start_on_loan():
    with pytest.raises(InventoryError):
        asset_create(actor=None, model=ProductModelFactory(), site=SiteFactory(), status=S.ON_LOAN)


def test_tags_are_stored_upper_case_and_found_in_any_case(client, agent):
    from django.db import IntegrityError, transaction

    asset = make_asset(tag="old-77")
    assert asset.tag == "OLD-77"
    with pytest.raises(IntegrityError), transaction.atomic():
        type(asset).objects.filter(pk=asset.pk).update(tag="old-77")
    client.force_login(agent)
    assert client.get("/equipment/a/old-77/").status_code == 200
