"""Issue 18: logistics prepares a telework pack with one unit missing (the dock is not on the shelf):
nothing is prepared, the page says which unit is missing, and the scanned code and the chosen site
are still there to finish the pick list (FR and NL, axe: no serious or critical violation)."""

import json
import re

import pytest

from tests.e2e.conftest import app_shell, check_accessibility, screenshot, sign_in_as

LOGISTICS = "logistics@icity.example"
MISSING = {"fr": "WD19S : encore 1 unité(s) à scanner.", "nl": "WD19S: nog 1 eenheid/eenheden te scannen."}

SETUP = """
import json
from django.db.models import Count
from assets.models import Asset, Kit, StockLevel
from icity.models import User
from loans import services
requester = User.objects.get(email="requester@icity.example")
manager = User.objects.get(email="manager@icity.example")
kit = Kit.objects.get(code="telework-pack")
request = services.request_submit(actor=requester, requester=requester, lines=[services.Wanted(kit=kit)], reason="e2e")
if request.status == "pending_approval":
    services.request_decide(actor=manager, request=request, approve=True)
laptop = Asset.objects.filter(model__name="Latitude 5440", status="in_stock").order_by("pk").first()
stock = [item.model_id for item in kit.items.all() if not item.model.is_unit_tracked]
site = (
    StockLevel.objects.filter(model_id__in=stock, quantity__gte=1)
    .values("site_id").annotate(n=Count("model_id", distinct=True)).filter(n=len(stock)).order_by("site_id").first()
)
print(json.dumps({"request": request.pk, "laptop": laptop.tag, "site": site["site_id"]}))
"""


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_a_pack_with_a_missing_dock_keeps_the_scanned_code_and_the_site(open_page, language):
    found = json.loads(app_shell(SETUP))
    path = f"/equipment/requests/{found['request']}/"
    logistics = open_page(language)
    sign_in_as(logistics, LOGISTICS, language)
    logistics.goto(path)
    check_accessibility(logistics, "equipment request, pick list")
    logistics.locator("#id_codes").fill(found["laptop"])
    logistics.locator("#id_stock_site").select_option(str(found["site"]))
    logistics.locator(f"form[action='{path}prepare/'] button[type=submit]").click()
    logistics.locator("#id_codes").wait_for()
    # Nothing prepared; the page names what is missing and keeps what was scanned and chosen.
    assert MISSING[language] in logistics.locator("main").inner_text()
    assert logistics.locator("#id_codes").input_value().strip() == found["laptop"]
    assert logistics.locator("#id_stock_site").input_value() == str(found["site"])
    assert logistics.locator("#id_accepted_name").count() == 0
    check_accessibility(logistics, "equipment request, prepare refused, codes kept")
    screenshot(logistics, f"prepare-missing-dock-{language}")
    assert re.search(r"/equipment/requests/\d+/prepare/$", logistics.url)
