"""Journey 5: a manager opens a campaign's results, filters them by department, exports
the responses to Excel and opens the CSAT trend (post-ticket ratings over time, by team).
"""

import io

import openpyxl
import pytest

from tests.e2e.conftest import check_accessibility, screenshot, sign_in_as

MANAGER = "manager@icity.example"
# The demo 2021 campaign is closed, has answers from every department and is compared with 2020.
CAMPAIGN = "Satisfaction 2021"


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_manager_reads_results_by_department_exports_and_sees_the_csat_trend(open_page, language):
    page = open_page(language)
    sign_in_as(page, MANAGER, language)
    check_accessibility(page, "manager home")

    page.goto("/surveys/")
    check_accessibility(page, "surveys dashboard")
    page.locator("main table a", has_text=CAMPAIGN).click()
    page.wait_for_url("**/surveys/campaigns/*/")
    check_accessibility(page, "campaign detail")
    page.locator("main a[href$='/results/']").click()
    page.wait_for_url("**/surveys/campaigns/*/results/")
    check_accessibility(page, "campaign results")
    screenshot(page, f"j5-results-{language}")

    # The CSAT of each rating question, with its trend since the 2020 campaign.
    assert page.locator("article.result .trend").count() >= 1

    # By department: the breakdown of a scored question, then the filter on one department.
    breakdown = page.locator("article.result details").filter(has=page.locator("tbody th[scope=row]")).nth(1)
    breakdown.locator("summary").click()
    rows = breakdown.locator("tbody tr")
    rows.first.wait_for()
    assert rows.count() >= 2
    check_accessibility(page, "campaign results by department")

    select = page.locator("main form.filters select[name=department]")
    options = select.locator("option")
    assert options.count() >= 3  # "All departments" and at least two departments large enough to show
    department = options.nth(1)
    label, value = department.inner_text().strip(), department.get_attribute("value")
    select.select_option(value)
    page.locator("main form.filters [type=submit]").click()
    page.wait_for_url(f"**/results/?department={value}")
    summary = page.locator("#results-filter-summary")
    assert label in summary.inner_text()
    assert page.locator("article.result .trend").count() >= 1  # compared with the same department in 2020
    check_accessibility(page, "campaign results, one department")
    screenshot(page, f"j5-results-one-department-{language}")

    with page.expect_download() as download_info:
        page.locator("main a[href$='/responses.xlsx']").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as stream:
        workbook = openpyxl.load_workbook(io.BytesIO(stream.read()))
    sheet = workbook.worksheets[0]
    assert sheet.max_row > 10

    # The CSAT trend from post-ticket ratings, overall and by team.
    page.goto("/surveys/csat/")
    page.locator("main h1").wait_for()
    assert page.locator("main table").count() >= 1
    check_accessibility(page, "CSAT over time")
    page.locator("#csat-by").select_option("team")
    page.locator("form.filters button[type=submit], form.filters [type=submit]").first.click()
    page.wait_for_url("**/surveys/csat/?*by=team*")
    check_accessibility(page, "CSAT over time by team")
    screenshot(page, f"j5-csat-trend-{language}")
