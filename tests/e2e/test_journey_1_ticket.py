"""Journey 1: a requester opens a ticket with a screenshot, gets the acknowledgement by
email, reads the agent's reply and confirms the problem is solved.

The keyboard-only variant does the requester's part without a single click.
"""

import re
import uuid

import pytest

from tests.e2e.conftest import check_accessibility, png_file, screenshot, sign_in_as, tab_to

REQUESTER = "requester@icity.example"
AGENT = "agent@icity.example"
REFERENCE = re.compile(r"/tickets/(HD-\d{4}-\d{6})/$")
# A category of the first-line team, which the demo agent belongs to.
PRINTER = re.compile("Imprimante|Printer")


def _acknowledgement(mail_sink, reference: str):
    message = mail_sink.wait_for(lambda m: m["To"] == REQUESTER and reference in str(m["Subject"]))
    text = message.get_body(("plain",)).get_content()
    assert f"/tickets/{reference}/" in text
    return message


def _agent_replies_and_resolves(open_page, language: str, reference: str, reply: str) -> None:
    """The agent, in another browser, takes the ticket, replies and marks it resolved."""
    agent = open_page(language)
    sign_in_as(agent, AGENT, language)
    agent.goto(f"/tickets/{reference}/")
    check_accessibility(agent, "agent ticket page")
    take = agent.locator(f"form[action='/tickets/{reference}/take/'] button")
    if take.count():  # unless auto-assignment already gave it to this agent
        take.click()
        agent.wait_for_url(f"**/tickets/{reference}/")
    agent.locator("#id_body").fill(reply)
    agent.locator("form.reply-form button[type=submit]").click()
    agent.wait_for_url(f"**/tickets/{reference}/")
    agent.locator(".message-body", has_text=reply).wait_for()
    agent.locator("#id_status").select_option("resolved")
    agent.locator(f"form[action='/tickets/{reference}/status/'] button[type=submit]").click()
    agent.wait_for_url(f"**/tickets/{reference}/")
    agent.locator(".badge.status-resolved").first.wait_for()
    check_accessibility(agent, "agent ticket page after reply and resolve")
    screenshot(agent, f"j1-agent-resolved-{language}")


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_requester_opens_a_ticket_and_confirms_the_agents_fix(open_page, mail_sink, tmp_path, language):
    title = f"Écran noir {uuid.uuid4().hex[:8]}"
    page = open_page(language)
    sign_in_as(page, REQUESTER, language)
    check_accessibility(page, "requester home")

    page.goto("/tickets/new/")
    check_accessibility(page, "open a ticket")
    printer = page.locator("#id_category option", has_text=PRINTER).first.get_attribute("value")
    page.locator("#id_category").select_option(printer)
    page.locator("#id_title").fill(title)
    page.locator("#id_description").fill("Mon écran reste noir depuis ce matin. Capture jointe.")
    page.locator("#id_impact_0").check()
    page.locator("#id_urgency_2").check()
    page.locator("#id_attachments").set_input_files(png_file(tmp_path))
    screenshot(page, f"j1-open-ticket-{language}")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(REFERENCE)
    reference = REFERENCE.search(page.url).group(1)
    assert page.locator(".attachments, .message-original").get_by_text("screenshot.png").count() >= 1
    check_accessibility(page, "ticket just opened")
    screenshot(page, f"j1-ticket-opened-{language}")

    _acknowledgement(mail_sink, reference)

    reply = f"Bonjour, nous avons remplacé le câble ({reference})."
    _agent_replies_and_resolves(open_page, language, reference, reply)

    page.goto("/tickets/")
    check_accessibility(page, "my tickets")
    page.locator(f"a[href='/tickets/{reference}/']").first.click()
    page.wait_for_url(f"**/tickets/{reference}/")
    page.locator(".message-body", has_text=reply).wait_for()
    page.locator("#confirm-title").wait_for()
    check_accessibility(page, "ticket resolved, asking for confirmation")
    screenshot(page, f"j1-confirm-{language}")
    page.locator(".confirm-panel input[value=closed] + button").click()
    page.wait_for_url(f"**/tickets/{reference}/")
    page.locator(".badge.status-closed").wait_for()
    check_accessibility(page, "ticket closed")
    screenshot(page, f"j1-closed-{language}")


def _choose_file_with_the_keyboard(page, path) -> None:
    """Space on the focused file field opens the file chooser (Enter does too); pick the file there."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for key in ("Space", "Enter", "Space"):
        assert page.evaluate("document.activeElement.id") == "id_attachments"
        try:
            with page.expect_file_chooser(timeout=5000) as chooser:
                page.keyboard.press(key)
        except PlaywrightTimeout:
            continue
        chooser.value.set_files(path)
        return
    raise AssertionError("the file chooser never opened from the keyboard")


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_requester_completes_journey_one_with_the_keyboard_alone(open_page, mail_sink, tmp_path, language):
    title = f"Clavier {uuid.uuid4().hex[:8]}"
    attachment = png_file(tmp_path, "clavier.png")
    page = open_page(language)
    keyboard = page.keyboard
    page.goto("/accounts/login/")
    # The email field has focus on arrival.
    assert page.evaluate("document.activeElement.id") == "id_username"
    keyboard.type(REQUESTER)
    keyboard.press("Tab")
    keyboard.type("icity-demo-2026")
    keyboard.press("Enter")
    page.wait_for_url("**/home/requester/")
    if page.evaluate("document.documentElement.lang") != language:
        tab_to(page, "#language-select")
        keyboard.type({"fr": "Fran", "nl": "Neder"}[language])
        keyboard.press("Tab")
        keyboard.press("Enter")
        page.wait_for_function(f"document.documentElement && document.documentElement.lang === '{language}'")
    check_accessibility(page, "requester home (keyboard)")

    # From the home page to the form through the links, with Tab and Enter.
    tab_to(page, "main a[href='/tickets/new/'], nav a[href='/tickets/new/']")
    keyboard.press("Enter")
    page.wait_for_url("**/tickets/new/")
    check_accessibility(page, "open a ticket (keyboard)")
    tab_to(page, "#id_category")
    for _ in range(40):
        keyboard.press("ArrowDown")
        if PRINTER.search(page.locator("#id_category").evaluate("s => s.options[s.selectedIndex].text")):
            break
    keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_title"
    keyboard.type(title)
    keyboard.press("Tab")
    keyboard.type("Le clavier ne répond plus après la mise à jour.")
    # The impact radios: the checked one takes focus; arrows move the choice.
    tab_to(page, "input[name=impact]")
    keyboard.press("ArrowDown")
    tab_to(page, "input[name=urgency]")
    keyboard.press("ArrowDown")
    tab_to(page, "#id_attachments")
    _choose_file_with_the_keyboard(page, attachment)
    assert page.locator("#id_impact_1").is_checked()
    assert page.locator("#id_urgency_2").is_checked()
    tab_to(page, "main form button[type=submit]")
    screenshot(page, f"j1-keyboard-form-{language}")
    keyboard.press("Enter")
    page.wait_for_url(REFERENCE)
    reference = REFERENCE.search(page.url).group(1)
    check_accessibility(page, "ticket just opened (keyboard)")

    _acknowledgement(mail_sink, reference)
    reply = f"Le pilote du clavier est réinstallé ({reference})."
    _agent_replies_and_resolves(open_page, language, reference, reply)

    # Back to the requester: the "My tickets" link, then the ticket's link, with Tab and Enter.
    tab_to(page, "main a[href='/tickets/']")
    keyboard.press("Enter")
    page.wait_for_url("**/tickets/")
    check_accessibility(page, "my tickets (keyboard)")
    tab_to(page, f"a[href='/tickets/{reference}/']")
    keyboard.press("Enter")
    page.wait_for_url(f"**/tickets/{reference}/")
    page.locator(".message-body", has_text=reply).wait_for()
    check_accessibility(page, "ticket resolved (keyboard)")
    tab_to(page, ".confirm-panel input[value=closed] + button")
    keyboard.press("Enter")
    page.wait_for_url(f"**/tickets/{reference}/")
    page.locator(".badge.status-closed").wait_for()
    check_accessibility(page, "ticket closed (keyboard)")
    screenshot(page, f"j1-keyboard-closed-{language}")
