"""Journey: a manager opens the draft monthly report, comments on a domain, approves it, and the City
receives it once with the PDF and the spreadsheet attached; the archive then lists it with who approved it.
"""

import pytest

from tests.e2e.conftest import app_shell, check_accessibility, screenshot, sign_in_as

MANAGER = "manager@icity.example"
# One draft per language run: months the demo leaves free (it sends two reports and drafts last month).
MONTHS = {"fr": 6, "nl": 7}


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_manager_comments_and_approves_the_monthly_report(open_page, mail_sink, language):
    month = app_shell(
        "from kpis.definitions.base import Period; from kpis.reports.services import report_prepare, _today\n"
        f"period = Period.of(_today())\nfor _ in range({MONTHS[language]}): period = period.previous()\n"
        "report_prepare(month=period.month); print(f'{period.month:%Y-%m}')"
    )
    page = open_page(language)
    # Approval builds four files (PDF and XLSX, FR and NL) before it answers: seconds on a quiet machine.
    page.set_default_timeout(120_000)
    page.set_default_navigation_timeout(120_000)
    sign_in_as(page, MANAGER, language)
    page.goto("/kpis/reports/")
    check_accessibility(page, "monthly reports archive")
    page.locator(f"main a[href='/kpis/reports/{month}/']").click()
    page.wait_for_url(f"**/kpis/reports/{month}/")
    check_accessibility(page, "draft monthly report")
    screenshot(page, f"kpis-report-draft-{language}")

    comment = {"fr": "Hausse des retours après la campagne.", "nl": "Meer teruggaven na de campagne."}[language]
    page.locator("#comment-logistics").fill(comment)
    page.locator("#domain-logistics form button[type=submit]").click()
    page.wait_for_url(f"**/kpis/reports/{month}/#domain-logistics")
    assert page.locator("#comment-logistics").input_value() == comment
    check_accessibility(page, "draft monthly report with a comment")

    page.locator(f"main form[action='/kpis/reports/{month}/approve/'] button").click()
    page.wait_for_url(f"**/kpis/reports/{month}/")
    assert page.locator("main .messages, .messages").count() >= 1
    assert page.locator("#comment-logistics").count() == 0  # sent: no more editing
    check_accessibility(page, "sent monthly report")
    screenshot(page, f"kpis-report-sent-{language}")

    # The Dutch-speaking recipient gets the Dutch files, once.
    message = mail_sink.wait_for(
        lambda m: m["To"] == "kabinet.schepen@brussel.example" and month in str(m["Subject"]), timeout=90
    )
    names = sorted(part.get_filename() for part in message.iter_attachments())
    assert names == [f"verslag-icity-{month}.pdf", f"verslag-icity-{month}.xlsx"]

    page.goto("/kpis/reports/")
    row = page.locator("main tbody tr", has=page.locator(f"a[href='/kpis/reports/{month}/']"))
    assert "Marie Lambert" in row.inner_text()
    check_accessibility(page, "monthly reports archive after approval")
