"""Journey 2: an agent finds a requester's ticket through a saved view and the search,
answers with a canned response, links the requester's laptop and resolves it."""

import re
import uuid

import pytest

from tests.e2e.conftest import app_shell, check_accessibility, screenshot, sign_in_as

REQUESTER = "requester@icity.example"
AGENT = "agent@icity.example"
REFERENCE = re.compile(r"/tickets/(HD-\d{4}-\d{6})/$")
PRINTER = re.compile("Imprimante|Printer")


def _requester_opens_a_ticket(open_page, language: str, title: str) -> str:
    page = open_page(language)
    sign_in_as(page, REQUESTER, language)
    page.goto("/tickets/new/")
    check_accessibility(page, "open a ticket")
    printer = page.locator("#id_category option", has_text=PRINTER).first.get_attribute("value")
    page.locator("#id_category").select_option(printer)
    page.locator("#id_title").fill(title)
    page.locator("#id_description").fill("L'imprimante du 3e étage affiche « bourrage » sans papier coincé.")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(REFERENCE)
    return REFERENCE.search(page.url).group(1)


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_agent_finds_the_ticket_answers_with_a_canned_response_links_the_laptop_and_resolves(open_page, language):
    token = uuid.uuid4().hex[:10]
    reference = _requester_opens_a_ticket(open_page, language, f"Bourrage papier {token}")

    page = open_page(language)
    sign_in_as(page, AGENT, language)
    check_accessibility(page, "agent home")
    page.locator("nav.main-nav a[href='/tickets/queue/']").click()
    page.wait_for_url("**/tickets/queue/")
    check_accessibility(page, "agent workspace")

    # The "All open" saved view, then the search for the words of the title.
    page.locator("nav.tabs a[href='?view=open']").click()
    page.wait_for_url("**/tickets/queue/?view=open")
    check_accessibility(page, "saved view: all open")
    filters = page.locator("details.filters")
    if not filters.evaluate("details => details.open"):  # open already once a view is chosen
        filters.locator("summary").click()
    page.locator("#id_q").fill(token)
    page.locator("form.filter-form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"[?&]q={token}"))
    assert "view=open" in page.url
    rows = page.locator("table.queue tbody tr")
    assert rows.count() == 1
    check_accessibility(page, "saved view with search")
    screenshot(page, f"j2-queue-search-{language}")
    rows.first.locator(f"a[href='/tickets/{reference}/']").click()
    page.wait_for_url(f"**/tickets/{reference}/")
    check_accessibility(page, "agent ticket page")

    take = page.locator(f"form[action='/tickets/{reference}/take/'] button")
    if take.count():
        take.click()
        page.wait_for_url(f"**/tickets/{reference}/")

    # A canned response fills the message box; the agent sends it as is.
    page.locator("#id_canned").select_option(index=1)
    page.wait_for_function("document.getElementById('id_body').value.trim().length > 0")
    canned_text = page.locator("#id_body").input_value()
    assert reference in canned_text or "{" not in canned_text  # placeholders are filled in
    screenshot(page, f"j2-canned-response-{language}")
    page.locator("form.reply-form button[type=submit]").click()
    page.wait_for_url(f"**/tickets/{reference}/")
    first_line = canned_text.strip().splitlines()[0]
    page.locator(".message-body", has_text=first_line).first.wait_for()
    check_accessibility(page, "agent ticket page after the canned reply")

    # The requester's laptop, scanned or typed into the tag field like a keyboard-wedge scanner.
    laptop = app_shell(
        "from assets.models import Asset; "
        f"print(Asset.objects.filter(holder__email='{REQUESTER}', model__category__code='laptop')"
        ".order_by('tag').values_list('tag', flat=True).first() or '')"
    )
    assert laptop, "the demo requester should hold a laptop"
    equipment = page.locator("details:has(#asset-tag)")  # folded while nothing is linked
    if not equipment.evaluate("details => details.open"):
        equipment.locator("summary").click()
    page.locator("#asset-tag").fill(laptop)
    page.locator("#asset-tag").press("Enter")
    page.wait_for_url(f"**/tickets/{reference}/")
    page.locator(f"details:has(#assets-title) a:has-text('{laptop}')").first.wait_for()
    check_accessibility(page, "agent ticket page with the linked laptop")
    screenshot(page, f"j2-linked-laptop-{language}")

    page.locator("#id_status").select_option("resolved")
    page.locator("#id_note").fill("Rouleau d'entraînement remplacé.")
    page.locator(f"form[action='/tickets/{reference}/status/'] button[type=submit]").click()
    page.wait_for_url(f"**/tickets/{reference}/")
    page.locator(".badge.status-resolved").first.wait_for()
    check_accessibility(page, "agent ticket page, resolved")
    screenshot(page, f"j2-resolved-{language}")
