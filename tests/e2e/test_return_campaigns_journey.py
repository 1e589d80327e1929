"""Logistics starts, pauses and resumes a return campaign with the keyboard alone, in FR and NL."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import check_accessibility, screenshot, sign_in_as, tab_to


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_logistics_runs_a_return_campaign_with_the_keyboard(open_page, language):
    page = open_page(language)
    sign_in_as(page, "logistics@icity.example", language)
    page.goto("/schools/returns/")
    tab_to(page, "main a[href='/schools/returns/campaigns/']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/schools/returns/campaigns/"))
    check_accessibility(page, "return campaigns")
    # The demo's campaign is listed with its stages in words.
    assert page.locator("tbody tr").count() >= 1

    name = f"E2E {language} {page.evaluate('Date.now()')}"
    deadline = (date.today() + timedelta(days=40)).isoformat()
    page.locator("#id_name").fill(name)
    page.locator("#id_deadline").fill(deadline)
    page.locator("#id_stages").fill("-14, abc")
    tab_to(page, "form.panel button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"#new-campaign$"))  # the form posts to its own anchor: errors in view
    assert page.locator("#id_stages_error").count() == 1  # the field's error, and nothing saved
    assert page.locator(f"tbody th:text-is('{name}')").count() == 0
    check_accessibility(page, "return campaign form with an error")

    page.locator("#id_stages").fill("7, -14, -3")
    tab_to(page, "form.panel button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"#main$"))
    row = page.locator("tbody tr", has=page.locator(f"th:text-is('{name}')"))
    assert row.count() == 1
    assert {"fr": "14 et 3 jours avant, 7 jours après", "nl": "14 en 3 dagen voor, 7 dagen na"}[language] in (
        row.inner_text()
    )
    screenshot(page, f"return-campaigns-{language}")

    # Pause asks first (data-confirm): dismissing changes nothing, accepting pauses.
    pause = row.locator("form[action$='/pause/'] button")
    page.once("dialog", lambda dialog: dialog.dismiss())
    pause.focus()
    page.keyboard.press("Enter")
    assert row.locator("form[action$='/pause/']").count() == 1
    page.once("dialog", lambda dialog: dialog.accept())
    pause.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"#campaign-\d+$"))
    row = page.locator("tbody tr", has=page.locator(f"th:text-is('{name}')"))
    assert row.locator("form[action$='/resume/']").count() == 1
    check_accessibility(page, "return campaign paused")
    page.once("dialog", lambda dialog: dialog.accept())
    row.locator("form[action$='/resume/'] button").focus()
    page.keyboard.press("Enter")
    # The URL already ends in "#campaign-N": wait for the row itself to change back.
    expect(row.locator("form[action$='/pause/']")).to_have_count(1)
