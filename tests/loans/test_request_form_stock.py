"""Issue 18: the request form offers what the requester may ask for, grouped by category, with what
is available now."""

import re

import pytest
from django.urls import reverse

from assets.models import Kit, KitItem
from loans import services
from tests.assets.factories import make_asset
from tests.loans.loan_factories import telework_kit

pytestmark = pytest.mark.django_db


def _form_page(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("assets:request-create"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_form_groups_packs_and_models_by_category_with_what_is_available(client, requester):
    kit, site, items = telework_kit(laptops=2, headsets=5)
    items["laptop"].requestable = True
    items["laptop"].save(update_fields=["requestable"])
    page = _form_page(client, requester)
    legends = re.findall(r"<legend>(.*?)</legend>", page)
    assert legends[0] == "Packs"
    assert items["laptop"].category.name in legends
    kit_field = re.search(rf'id="id_kit_{kit.pk}".*?<p class="help"[^>]*>(.*?)</p>', page, re.S).group(1)
    assert kit_field == "2 available now"  # two laptops and two docks, five headsets: two packs
    laptop_field = re.search(rf'id="id_model_{items["laptop"].pk}".*?<p class="help"[^>]*>(.*?)</p>', page, re.S)
    assert laptop_field.group(1) == "2 available now"


def test_a_pack_the_stock_cannot_make_says_so(client, requester):
    kit, _site, _items = telework_kit(laptops=1, headsets=0)
    page = _form_page(client, requester)
    help_text = re.search(rf'id="id_kit_{kit.pk}".*?<p class="help"[^>]*>(.*?)</p>', page, re.S).group(1)
    assert help_text.startswith("None in stock now")


def test_staff_are_not_offered_the_pupil_pack(client, requester):
    _kit, _site, items = telework_kit()
    pupil_pack = Kit.objects.create(
        code="pupil-pack", name_fr="Pack élève", name_nl="Leerlingenpakket", requestable=False
    )
    KitItem.objects.create(kit=pupil_pack, model=items["laptop"], quantity=1)
    page = _form_page(client, requester)
    assert "Pack élève" not in page
    assert f"kit_{pupil_pack.pk}" not in page
    with pytest.raises(services.LoanError):
        services.request_submit(
            actor=requester, requester=requester, lines=[services.Wanted(kit=pupil_pack)], reason="x"
        )


def test_availability_counts_units_in_stock_and_stock_items_in_two_queries(django_assert_max_num_queries):
    _kit, site, items = telework_kit(laptops=3, headsets=4)
    make_asset(model=items["laptop"], site=site, status="retired")
    with django_assert_max_num_queries(2):
        available = services.available_now([items["laptop"].pk, items["dock"].pk, items["headset"].pk])
    assert available == {items["laptop"].pk: 3, items["dock"].pk: 3, items["headset"].pk: 4}
