"""Foundation journeys: each role signs in and lands on its home; password reset by email."""

import re

import pytest

from tests.e2e.conftest import check_accessibility, screenshot, sign_in

ROLE_ACCOUNTS = [
    ("requester@icity.example", "/home/requester/"),
    ("agent@icity.example", "/home/agent/"),
    ("logistics@icity.example", "/home/logistics/"),
    ("manager@icity.example", "/home/manager/"),
    ("school@icity.example", "/home/school_contact/"),
    ("admin@icity.example", "/home/admin/"),
]


@pytest.mark.parametrize("language", ["fr", "nl"])
@pytest.mark.parametrize("email,home", ROLE_ACCOUNTS)
def test_each_demo_account_lands_on_its_home_and_can_use_the_navigation(open_page, language, email, home):
    page = open_page(language)
    sign_in(page, email)
    assert page.url.endswith(home)
    # The demo accounts have a saved language; switch to the one under test.
    page.locator("#language-select").select_option(language)
    page.locator(".language-form button").click()
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.lang") == language
    check_accessibility(page, f"home of {email}")
    screenshot(page, f"home-{email.split('@')[0]}-{language}")
    links = page.locator("nav.main-nav a")
    for index in range(links.count()):
        target = links.nth(index).get_attribute("href")
        if target.startswith("/admin/"):
            continue
        page.goto(target)
        assert page.locator("h1").count() == 1
        check_accessibility(page, f"nav {target}")


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_password_reset_by_email_on_a_phone(open_page, mail_sink, language):
    page = open_page(language, phone=True)
    page.goto("/accounts/login/")
    page.get_by_role("link", name=re.compile("oubli|vergeten", re.IGNORECASE)).click()
    check_accessibility(page, "password reset form")
    page.locator("#id_email").fill("requester@icity.example")
    page.locator("main form button[type=submit]").click()
    check_accessibility(page, "password reset sent")
    message = mail_sink.wait_for(
        lambda m: m["To"] == "requester@icity.example" and "/accounts/reset/" in m.get_body(("plain",)).get_content()
    )
    link = re.search(r"https?://\S+/accounts/reset/\S+/", message.get_body(("plain",)).get_content()).group(0)
    page.goto(link)
    check_accessibility(page, "choose a new password")
    screenshot(page, f"password-reset-{language}")


def test_sign_in_with_the_keyboard_alone(open_page):
    page = open_page("fr")
    page.goto("/accounts/login/")
    # The email field has focus on arrival; no mouse from here on.
    assert page.evaluate("document.activeElement.id") == "id_username"
    page.keyboard.type("agent@icity.example")
    page.keyboard.press("Tab")
    page.keyboard.type("icity-demo-2026")
    page.keyboard.press("Enter")
    page.wait_for_url("**/home/agent/")
    # The first Tab reaches the skip link, which moves focus to the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    check_accessibility(page, "agent home after keyboard sign-in")
