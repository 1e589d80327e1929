"""A manager reads the KPI dashboard, opens a KPI, follows the link to the records
behind the figure and sets a target; in French and in Dutch, axe-checked on every page.
"""

import pytest

from tests.e2e.conftest import check_accessibility, screenshot, sign_in_as

MANAGER = "manager@icity.example"
TITLES = {"fr": "Indicateurs (KPI)", "nl": "Indicatoren (KPI's)"}
SAVED = {"fr": "Objectif 2", "nl": "Doel voor 2"}


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_manager_reads_the_kpis_follows_the_records_and_sets_a_target(open_page, language):
    page = open_page(language)
    sign_in_as(page, MANAGER, language)

    page.goto("/kpis/")
    assert page.locator("main h1").inner_text() == TITLES[language]
    tiles = page.locator("li.kpi-tile")
    assert tiles.count() >= 26
    # Every tile says its status in words, not only in colour.
    assert page.locator("li.kpi-tile .kpi-status").count() == tiles.count()
    check_accessibility(page, f"KPI dashboard ({language})")
    screenshot(page, f"kpis-dashboard-{language}")

    # Filter on one team: the tiles stay, with a note on those not broken down by team.
    select = page.locator("#kpi-scope")
    team_option = select.locator("optgroup option").first
    select.select_option(team_option.get_attribute("value"))
    page.locator("form.kpi-filter [type=submit]").click()
    page.wait_for_url("**/kpis/?scope=*")
    assert page.locator("li.kpi-tile .kpi-note").count() >= 1
    check_accessibility(page, f"KPI dashboard, one team ({language})")

    # Open a KPI: chart, table of numbers, breakdown.
    page.goto("/kpis/")
    page.locator("li.kpi-tile a[href='/kpis/HD01/']").click()
    page.wait_for_url("**/kpis/HD01/")
    assert page.locator("main svg.chart title").count() == 1
    page.locator("main details summary").first.click()
    assert page.locator("main details tbody tr").count() == 24
    check_accessibility(page, f"KPI page ({language})")
    screenshot(page, f"kpis-hd01-{language}")

    # The records behind the figure: for the post-ticket satisfaction, the CSAT results page.
    page.goto("/kpis/HD16/")
    page.locator("main a[href='/surveys/csat/']").click()
    page.wait_for_url("**/surveys/csat/")
    assert page.locator("main table").count() >= 1
    check_accessibility(page, f"records behind a KPI ({language})")

    # Set a target with an amber band.
    page.goto("/kpis/HD07/")
    page.locator("#id_target").fill("88")
    page.locator("#id_amber_band").fill("4")
    page.locator("form[action$='/target/'] [type=submit]").click()
    page.wait_for_url("**/kpis/HD07/*")
    assert SAVED[language] in page.locator(".messages").inner_text()
    assert page.locator("#id_target").input_value() == "88"
    check_accessibility(page, f"KPI target saved ({language})")
