"""The staff lists on a phone: every table wider than the screen scrolls in a box the keyboard
can reach (axe "scrollable-region-focusable"), in FR and NL."""

import pytest

from tests.e2e.conftest import check_accessibility, sign_in_as

LISTS = {
    "logistics@icity.example": [
        ("asset list", "/equipment/assets/"),
        ("stock list", "/equipment/stock/"),
        ("loan list", "/equipment/loans/"),
        ("equipment requests", "/equipment/requests/"),
        ("deliveries board", "/equipment/board/"),
    ],
    "agent@icity.example": [("agent queue", "/tickets/queue/")],
    "manager@icity.example": [("surveys dashboard", "/surveys/"), ("CSAT over time", "/surveys/csat/")],
    "school@icity.example": [("school programme", "/schools/")],
}


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_wide_tables_can_be_scrolled_with_the_keyboard_on_a_phone(open_page, language):
    scrolled = 0
    for email, pages in LISTS.items():
        page = open_page(language, phone=True)
        sign_in_as(page, email, language)
        for label, url in pages:
            response = page.goto(url)
            assert response.status == 200, (url, response.status)
            for box in page.locator(".table-wrap").all():
                if box.evaluate("node => node.scrollWidth > node.clientWidth + 1"):
                    scrolled += 1
                    assert box.get_attribute("tabindex") == "0", (url, "a scrolling table must be focusable")
            check_accessibility(page, f"{label} (phone)")
    assert scrolled >= 3  # the phone viewport really makes some tables scroll
