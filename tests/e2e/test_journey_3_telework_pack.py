"""Journey 3: a requester asks for a telework pack, the manager approves, logistics scans
the units into the request, hands it over with the signed receipt; the borrower finds
"Report a problem" next to each unit on My equipment; later logistics checks the pack back
in (scan, then one row per unit with its own grade) with the mouse missing."""

import json
import re

import pytest

from tests.e2e.conftest import app_shell, check_accessibility, screenshot, sign_in_as

REQUESTER = "requester@icity.example"
MANAGER = "manager@icity.example"
LOGISTICS = "logistics@icity.example"
REQUEST_URL = re.compile(r"/equipment/requests/(\d+)/$")
PACK = re.compile("Pack télétravail|Telewerkpakket")
# The pack's unit-tracked models (each unit is scanned) and its stock items.
UNIT_MODELS = ["Latitude 5440", "WD19S"]
STOCK_MODELS = ["Evolve2 30", "C270 HD", "M185", "K120", "Classic 15.6"]

SHELF = """
import json
from django.db.models import Count
from assets.models import Asset, ProductModel, StockLevel
from assets.services import asset_create
from icity.models import Site, User
tags = []
for name in {units!r}:
    asset = Asset.objects.filter(model__name=name, status="in_stock").order_by("?").first()
    if asset is None:  # all on loan in the demo data: a new unit arrives at the warehouse
        asset = asset_create(
            actor=User.objects.get(email="logistics@icity.example"),
            model=ProductModel.objects.get(name=name),
            site=Site.objects.get(code="depot"),
        )
    tags.append(asset.tag)
site = (
    StockLevel.objects.filter(model__name__in={stock!r}, quantity__gte=1)
    .values("site_id").annotate(n=Count("model_id", distinct=True)).filter(n={count}).order_by("site_id").first()
)
print(json.dumps({{"tags": tags, "site": site["site_id"]}}))
"""


def _units_on_the_shelf() -> tuple[list[str], int]:
    """The tags on the labels of free units logistics would take from the shelf, and the stock site."""
    found = json.loads(app_shell(SHELF.format(units=UNIT_MODELS, stock=STOCK_MODELS, count=len(STOCK_MODELS))))
    return found["tags"], found["site"]


def _scan(page, field: str, tags: list[str]) -> None:
    """A keyboard-wedge scanner: it types each tag and presses Enter."""
    page.locator(field).focus()
    for tag in tags:
        page.keyboard.type(tag)
        page.keyboard.press("Enter")


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_telework_pack_from_request_to_return_with_a_missing_mouse(open_page, language):
    # The requester asks.
    requester = open_page(language)
    sign_in_as(requester, REQUESTER, language)
    requester.goto("/equipment/requests/new/")
    check_accessibility(requester, "request equipment")
    pack_field = requester.locator("label", has_text=PACK).first.get_attribute("for")
    requester.locator(f"#{pack_field}").fill("1")
    requester.locator("#id_reason").fill("Télétravail deux jours par semaine à partir du mois prochain.")
    screenshot(requester, f"j3-request-form-{language}")
    requester.locator("main form button[type=submit]").click()
    requester.wait_for_url(REQUEST_URL)
    request_path = REQUEST_URL.search(requester.url).group(0)
    check_accessibility(requester, "equipment request, awaiting approval")
    screenshot(requester, f"j3-request-sent-{language}")

    # The manager approves.
    manager = open_page(language)
    sign_in_as(manager, MANAGER, language)
    manager.goto(request_path)
    check_accessibility(manager, "equipment request, manager's decision")
    manager.locator("#id_decision").select_option("approve")
    manager.locator(f"form[action='{request_path}decide/'] button[type=submit]").click()
    manager.wait_for_url(f"**{request_path}")
    assert manager.locator("#id_decision").count() == 0
    check_accessibility(manager, "equipment request, approved")

    # Logistics scans the units into the request and issues the stock items.
    tags, stock_site = _units_on_the_shelf()
    logistics = open_page(language)
    sign_in_as(logistics, LOGISTICS, language)
    logistics.goto(request_path)
    check_accessibility(logistics, "equipment request, pick list")
    _scan(logistics, "#id_codes", tags)
    logistics.locator("#id_stock_site").select_option(str(stock_site))
    screenshot(logistics, f"j3-prepare-scanned-{language}")
    logistics.locator(f"form[action='{request_path}prepare/'] button[type=submit]").click()
    logistics.wait_for_url(f"**{request_path}")
    logistics.locator("#id_accepted_name").wait_for()
    for tag in tags:
        assert logistics.locator("main li", has_text=tag).count() == 1
    check_accessibility(logistics, "equipment request, prepared, ready to hand over")

    # Hand-over at the desk: the borrower types their name and accepts the terms.
    logistics.locator("#id_accepted_name").fill("Régine Dewulf")
    logistics.locator("#id_accept_terms").check()
    screenshot(logistics, f"j3-hand-over-{language}")
    logistics.locator(f"form[action='{request_path}hand-over/'] button[type=submit]").click()
    logistics.wait_for_url(re.compile(r"/equipment/loans/\d+/$"))
    loan_path = re.search(r"/equipment/loans/\d+/$", logistics.url).group(0)
    check_accessibility(logistics, "loan after hand-over")
    screenshot(logistics, f"j3-loan-{language}")
    receipt = logistics.locator("main a[href^='/equipment/receipts/']").first
    response = logistics.request.get(receipt.get_attribute("href"))
    assert response.ok and response.body().startswith(b"%PDF")

    # The borrower sees each unit on My equipment, with a "Report a problem" link named after it.
    requester.goto("/equipment/mine/")
    for tag in tags:
        assert requester.locator(f"main a.report-problem[aria-label*='{tag}']").count() == 1
    check_accessibility(requester, "my equipment, report a problem per unit")
    screenshot(requester, f"j3-my-equipment-{language}")
    requester.locator(f"main a.report-problem[aria-label*='{tags[0]}']").click()
    requester.wait_for_url(re.compile(r"/tickets/new/\?asset="))
    assert tags[0] in requester.locator("#id_asset option:checked").inner_text()
    check_accessibility(requester, "open a ticket about a unit I hold")

    # Later: the pack comes back without its mouse. Step 1: scan the units.
    logistics.goto("/equipment/loans/check-in/")
    check_accessibility(logistics, "check-in, scan")
    _scan(logistics, "#id_codes", tags)
    logistics.locator("#id_site").select_option(str(stock_site))
    logistics.locator("main form button[type=submit]").click()
    # Step 2: one row per unit, in scan order (laptop, dock), each with its own grade.
    logistics.locator("#id_form-1-condition").wait_for()
    for index, tag in enumerate(tags):
        assert logistics.locator("main tbody tr").nth(index).locator("th[scope=row]").inner_text().startswith(tag)
    # The laptop is always wiped: reconditioning is the only choice offered.
    assert logistics.locator("#id_form-0-next_status option").all_inner_texts() == [
        logistics.locator("#id_form-0-next_status option:checked").inner_text()
    ]
    check_accessibility(logistics, "check-in, one row per unit")
    logistics.locator("#id_form-0-condition").select_option("b")
    logistics.locator("#id_form-1-condition").select_option("c")
    logistics.locator("#id_form-1-next_status").select_option("in_repair")
    logistics.locator("#id_form-1-missing_parts").fill({"fr": "souris", "nl": "muis"}[language])
    screenshot(logistics, f"j3-check-in-{language}")
    logistics.locator("main form button[value=confirm]").click()
    logistics.wait_for_url(f"**{loan_path}")
    check_accessibility(logistics, "loan after check-in")
    screenshot(logistics, f"j3-returned-{language}")
    assert logistics.locator("main", has_text={"fr": "souris", "nl": "muis"}[language]).count() == 1
