"""What a new user meets (issue 18), in French and Dutch, with axe on every page:

- a support manager opens the queue of the teams they lead and a ticket of their team,
  and reads it without any form to change it;
- the agent queue shows at least ten tickets on a 1366×768 screen, one line each;
- a guardian books a collection slot on a 390×844 phone, the page under two screens tall.
"""

import re

import pytest

from tests.e2e.conftest import app_shell, check_accessibility, screenshot, sign_in_as

MANAGER = "manager@icity.example"
AGENT = "agent@icity.example"
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}

GUARDIAN_LINK = """
from django.db.models import Exists, OuterRef
from schools import services
from schools.models import Allocation, Appointment, Pupil
booked = Appointment.objects.filter(pupil=OuterRef("pk"), status="booked")
pupil = (
    Pupil.objects.filter(allocations__status="reserved", anonymised_at__isnull=True)
    .exclude(Exists(booked))
    .order_by("-pk")
    .first()
)
print(services.guardian_link_issue(actor=None, pupil=pupil, send=False)[1])
"""


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_manager_reads_the_queue_and_a_ticket_of_their_team(open_page, language):
    page = open_page(language)
    page.set_viewport_size(DESKTOP)
    sign_in_as(page, MANAGER, language)
    page.locator("nav.main-nav a[href='/tickets/queue/']").click()
    page.wait_for_url("**/tickets/queue/")
    assert page.locator("nav.main-nav [aria-current='page']").count() == 1
    check_accessibility(page, "support manager's queue")
    screenshot(page, f"polish-manager-queue-{language}")
    rows = page.locator("table.queue tbody tr")
    assert rows.count() >= 1
    assert page.locator("input[name=tickets]").count() == 0  # reads, no bulk change
    # The export offers the same rows: the teams' tickets, never another team's.
    first_reference = rows.first.locator("a[href^='/tickets/HD-']").inner_text().strip()
    export = page.locator("a[href*='/tickets/queue/export/'][href$='format=csv']")
    assert export.count() == 1
    download = page.request.get(export.get_attribute("href"))
    assert download.ok and download.headers["content-type"].startswith("text/csv")
    assert first_reference in download.text()
    rows.first.locator("a[href^='/tickets/HD-']").click()
    page.wait_for_url(re.compile(r"/tickets/HD-\d{4}-\d{6}/$"))
    check_accessibility(page, "support manager reads a ticket of their team")
    screenshot(page, f"polish-manager-ticket-{language}")
    assert page.locator("form.reply-form").count() == 0
    assert page.locator("form[action$='/status/']").count() == 0
    assert page.locator(".ticket-side .help").count() == 1


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_agent_queue_shows_ten_tickets_on_a_laptop_screen(open_page, language):
    page = open_page(language)
    page.set_viewport_size(DESKTOP)
    sign_in_as(page, AGENT, language)
    page.goto("/tickets/queue/")
    check_accessibility(page, "agent queue at 1366x768")
    visible = page.evaluate(
        "() => [...document.querySelectorAll('table.queue tbody tr')]"
        ".filter(row => row.getBoundingClientRect().bottom <= window.innerHeight).length"
    )
    screenshot(page, f"polish-agent-queue-{language}")
    assert visible >= 10, f"only {visible} tickets in the first screen"
    title = page.locator("table.queue td.cell-title").first
    assert title.get_attribute("title")  # the full title on hover
    heights = page.evaluate(
        "() => [...document.querySelectorAll('table.queue tbody tr')].slice(0, 10)"
        ".map(row => row.getBoundingClientRect().height)"
    )
    assert max(heights) < 2.2 * min(heights)  # one line each, no row three lines tall
    assert page.locator("nav.main-nav [aria-current='page']").count() == 1


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_guardian_books_on_a_390x844_phone_in_under_two_screens(open_page, language):
    token = app_shell(GUARDIAN_LINK)
    page = open_page(language, phone=True)
    page.set_viewport_size(PHONE)
    page.goto(f"/schools/g/{token}/?lang={language}")
    assert page.evaluate("document.documentElement.lang") == language
    check_accessibility(page, "guardian booking page (390x844)")
    screenshot(page, f"polish-guardian-{language}")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= 2 * PHONE["height"], f"the page is {height}px tall"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # Places left are spelled out, not "(3)".
    assert re.search(r"\d+ (place|plaats)", page.locator(".slot-free").first.inner_text())
    page.locator("form.slot-picker input[name=slot]").first.check()
    page.locator("form.slot-picker button[type=submit]").click()
    page.wait_for_url(re.compile(r"done=1"))
    assert page.locator(".code").count() == 1
    check_accessibility(page, "guardian booking confirmed (390x844)")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= 2 * PHONE["height"], f"the confirmed page is {height}px tall"
