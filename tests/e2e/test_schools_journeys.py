"""The guardian's booking page on a phone, in French and Dutch, without an account."""

import re
import urllib.error
import urllib.request

import pytest

from tests.e2e.conftest import check_accessibility, screenshot

GREETINGS = {"fr": "Bonjour", "nl": "Beste"}


def _booking_link(message, language: str) -> str | None:
    body = message.get_body(("plain",)).get_content()
    found = re.search(r"https?://\S+/schools/g/\S+/", body)
    return found.group(0) if found and body.lstrip().startswith(GREETINGS[language]) else None


def _still_bookable(link: str, live_app: str) -> bool:
    """Other journeys use some of the same emails' links (booked, handed over): take a fresh one."""
    try:
        with urllib.request.urlopen(_local(link, live_app), timeout=10) as response:
            return response.status == 200 and b'name="slot"' in response.read()
    except urllib.error.URLError:
        return False


def _local(link: str, live_app: str) -> str:
    return link.replace(link.split("/schools/")[0], live_app)


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_guardian_books_a_slot_on_a_phone(open_page, mail_sink, live_app, language):
    def fresh(message) -> bool:
        link = _booking_link(message, language)
        return link is not None and _still_bookable(link, live_app)

    link = _booking_link(mail_sink.wait_for(fresh, timeout=90), language)
    page = open_page(language, phone=True)
    page.goto(_local(link, live_app))
    assert page.evaluate("document.documentElement.lang") == language
    check_accessibility(page, "guardian booking")
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    move = page.locator("details.move-appointment")  # already booked (another journey): the picker is folded
    if move.count() and not move.evaluate("details => details.open"):
        move.locator(":scope > summary").click()
    page.locator("input[name=slot]").first.check()
    page.locator("form.slot-picker button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".code").count() == 1
    check_accessibility(page, "guardian booking confirmed")
    screenshot(page, f"guardian-booking-{language}")
