"""Knowledge base journeys: an agent writes an article, a second agent publishes it, a staff member finds it
in Dutch from the new-ticket form; suggestions deflect a ticket (or are linked to it when the person
submits anyway); the help-centre pages pass axe in French and Dutch, at desk and phone sizes."""

import re
import uuid

import pytest

from tests.e2e.conftest import app_shell, check_accessibility, screenshot, sign_in_as

AGENT = "agent@icity.example"
REVIEWER = "reviewer@icity.example"
REQUESTER = "requester@icity.example"


def _session_state(key: str) -> str:
    return app_shell(
        "from knowledge.models import DeflectionSession, TicketArticle\n"
        f"s = DeflectionSession.objects.get(key='{key}')\n"
        "opened = s.events.filter(opened_at__isnull=False).count()\n"
        "links = TicketArticle.objects.filter(ticket=s.ticket).count() if s.ticket_id else 0\n"
        "print(f'{opened}|{s.ticket.reference if s.ticket_id else \"\"}|{links}')"
    )


def _type_subject(page, text: str) -> None:
    page.locator("#id_title").press_sequentially(text, delay=40)
    page.locator(".kb-suggestions li a").first.wait_for()


def test_agent_writes_second_agent_publishes_staff_finds_it_in_dutch(open_page):
    token = f"zx{uuid.uuid4().hex[:6]}"
    title = f"Tweede beeldscherm flikkert {token}"

    writer = open_page("fr")
    sign_in_as(writer, AGENT, "fr")
    writer.goto("/help/manage/new/")
    check_accessibility(writer, "write an article")
    writer.locator("#id_language").select_option("nl")
    writer.locator("#id_title").fill(title)
    writer.locator("#id_summary").fill("Het scherm op het dockingstation flikkert of valt weg.")
    writer.locator("#id_body").fill("## Oplossing\n\n1. Vervang de **HDMI-kabel**.\n2. Herstart het dockingstation.\n")
    writer.locator("main form.kb-editor button[type=submit]").click()
    writer.wait_for_url(re.compile(r"/help/manage/\d+/$"))
    edit_url = writer.url
    writer.locator("form[action$='/status/'] input[value=review] + button").click()
    writer.locator(".kb-status-review").first.wait_for()
    # The author is offered no "Publish" button, and the server would refuse it anyway.
    assert writer.locator("form[action$='/status/'] input[value=published]").count() == 0
    check_accessibility(writer, "article editor (author)")
    screenshot(writer, "kb-editor-author-fr")

    reviewer = open_page("nl")
    sign_in_as(reviewer, REVIEWER, "nl")
    reviewer.goto(edit_url)
    check_accessibility(reviewer, "article editor (reviewer)")
    reviewer.locator("form[action$='/status/'] input[value=published] + button").click()
    reviewer.locator(".kb-status-published").first.wait_for()

    staff = open_page("nl")
    sign_in_as(staff, REQUESTER, "nl")
    staff.goto("/tickets/new/")
    _type_subject(staff, f"beeldscherm flikkert {token}")
    suggestion = staff.locator(".kb-suggestions li a", has_text=title)
    suggestion.wait_for()
    check_accessibility(staff, "new ticket with suggestions")
    screenshot(staff, "kb-suggestions-nl")
    with staff.expect_popup() as popup:
        suggestion.click()
    article = popup.value
    article.wait_for_load_state()
    assert article.locator("article.kb-article h1").inner_text() == title
    assert article.locator(".kb-body strong", has_text="HDMI-kabel").count() == 1
    check_accessibility(article, "article opened from a suggestion")


def test_opening_a_suggestion_and_leaving_is_one_deflection(open_page):
    page = open_page("fr")
    sign_in_as(page, REQUESTER, "fr")
    page.goto("/tickets/new/")
    key = page.locator("input[name=kb_session]").get_attribute("value")
    _type_subject(page, "reinitialiser mot de passe")
    check_accessibility(page, "new ticket with suggestions")
    with page.expect_popup() as popup:
        page.locator(".kb-suggestions li a").first.click()
    popup.value.wait_for_load_state()
    page.goto("/")  # leaves without sending
    opened, reference, links = _session_state(key).split("|")
    assert (opened, reference, links) == ("1", "", "0")


def test_opening_a_suggestion_then_submitting_links_the_article(open_page):
    page = open_page("fr")
    sign_in_as(page, REQUESTER, "fr")
    page.goto("/tickets/new/")
    key = page.locator("input[name=kb_session]").get_attribute("value")
    _type_subject(page, "vpn depuis chez moi")
    first = page.locator(".kb-suggestions li a").first
    article_title = first.inner_text()
    with page.expect_popup() as popup:
        first.click()
    popup.value.wait_for_load_state()
    popup.value.close()
    page.locator("#id_description").fill("Le VPN refuse toujours ma connexion malgré l'article.")
    page.locator("#id_category").select_option(index=1)
    page.locator("input[name=impact][value=low]").check()
    page.locator("input[name=urgency][value=medium]").check()
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/tickets/HD-\d{4}-\d{6}/$"))
    opened, reference, links = _session_state(key).split("|")
    assert opened == "1" and reference and links == "1"

    agent = open_page("fr")
    sign_in_as(agent, AGENT, "fr")
    agent.goto(f"/tickets/{reference}/")
    panel = agent.locator("section[aria-labelledby=kb-panel-title]")
    panel.locator("a", has_text=article_title).wait_for()
    check_accessibility(agent, "agent ticket page with the articles seen")
    screenshot(agent, "kb-agent-panel-fr")


@pytest.mark.parametrize("language", ["fr", "nl"])
@pytest.mark.parametrize("phone", [False, True])
def test_help_centre_pages_are_accessible(open_page, language, phone):
    page = open_page(language, phone=phone)
    sign_in_as(page, REQUESTER, language)
    size = "phone" if phone else "desk"
    page.goto("/help/")
    check_accessibility(page, "help centre")
    screenshot(page, f"kb-help-centre-{language}-{size}")
    page.locator("#kb-q").fill("vpn" if language == "fr" else "wachtwoord")
    page.locator("form.kb-search button").click()
    page.wait_for_url(re.compile(r"/help/search/"))
    page.locator(".kb-results li").first.wait_for()
    check_accessibility(page, "help centre search")
    screenshot(page, f"kb-search-{language}-{size}")
    page.locator(".kb-results li a").first.click()
    page.locator("article.kb-article").wait_for()
    check_accessibility(page, "article page")
    screenshot(page, f"kb-article-{language}-{size}")
    page.locator(".kb-languages a").first.wait_for()
    page.locator("a[href*='category=']").first.click() if page.locator("a[href*='category=']").count() else None
    check_accessibility(page, "help centre category")
