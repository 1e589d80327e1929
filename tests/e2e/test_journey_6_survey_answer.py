"""Journey 6: a requester answers the running satisfaction survey from the link in the
invitation email, on a phone.

The demo seeder launches the current campaign for all staff; the Celery worker sends the
invitations through the outbox to the SMTP sink. Each language uses its own invitee so that
the two runs do not share a one-time link: the French-speaking requester and the
Dutch-speaking logistics colleague (who is also a requester).
"""

import re

import pytest

from tests.e2e.conftest import app_shell, check_accessibility, screenshot

INVITEES = {"fr": "requester@icity.example", "nl": "logistics@icity.example"}
ANSWER_LINK = re.compile(r"https?://\S+/surveys/answer/[\w-]+/")


def _invitation_link(mail_sink, email: str) -> str:
    # Beat runs the survey sweep every five minutes; run it now, as beat would. The
    # invitations then leave through the outbox and the Celery worker, like in production.
    app_shell("from surveys.tasks import campaigns_sweep; campaigns_sweep()")

    def is_invitation(message) -> bool:
        if message["To"] != email:
            return False
        return bool(ANSWER_LINK.search(message.get_body(("plain",)).get_content()))

    message = mail_sink.wait_for(is_invitation, timeout=60)
    return ANSWER_LINK.search(message.get_body(("plain",)).get_content()).group(0)


def _answer_section(page) -> None:
    """Answer every question of the section on screen: 4 on ratings, 8 on NPS, the first choice."""
    for fieldset in page.locator("fieldset.question").all():
        radios = fieldset.locator("input[type=radio]")
        if radios.count() == 5:
            radios.nth(3).check()
        elif radios.count() == 11:
            radios.nth(8).check()
        elif radios.count():
            radios.first.check()
        elif fieldset.locator("textarea").count():
            fieldset.locator("textarea").fill("Merci pour le suivi rapide.")


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_requester_answers_the_survey_from_the_invitation_on_a_phone(open_page, mail_sink, language):
    link = _invitation_link(mail_sink, INVITEES[language])
    page = open_page(language, phone=True)
    page.goto(link)
    assert page.evaluate("document.documentElement.lang") == language
    check_accessibility(page, "survey start (phone)")
    screenshot(page, f"j6-survey-start-{language}")
    page.locator("main a.button[href*='/1/']").click()
    page.wait_for_url(re.compile(r"/surveys/answer/[\w-]+/1/$"))

    # Sending a section with nothing answered shows the errors, then the answers go through.
    page.locator("button[name=action][value=next]").click()
    page.locator("#form-errors").wait_for()
    check_accessibility(page, "survey section with errors (phone)")
    screenshot(page, f"j6-survey-errors-{language}")

    for _ in range(10):
        _answer_section(page)
        check_accessibility(page, "survey section (phone)")
        screenshot(page, f"j6-survey-section-{page.url.rstrip('/').rsplit('/', 1)[1]}-{language}")
        current = page.url
        page.locator("button[name=action][value=next]").click()
        page.wait_for_url(lambda url, current=current: url != current)
        if "/surveys/answer/done/" in page.url:
            break
    assert page.url.endswith("/surveys/answer/done/")
    check_accessibility(page, "survey thank you (phone)")
    screenshot(page, f"j6-survey-done-{language}")

    # The link works once.
    page.goto(link)
    assert page.locator("h1").count() == 1
    check_accessibility(page, "survey link already used (phone)")
