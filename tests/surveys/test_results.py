import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from surveys import services
from surveys.models import Question
from surveys.results import campaign_results, visible_groups
from tests.factories import DepartmentFactory, make_user
from tests.surveys.factories import open_campaign, questions, respond

pytestmark = pytest.mark.django_db


def _people(department, count):
    return [make_user(department=department) for _ in range(count)]


@pytest.fixture
def departments():
    return (
        DepartmentFactory(name_fr="Finances"),
        DepartmentFactory(name_fr="Culture"),
        DepartmentFactory(name_fr="Haren"),
    )


def test_distribution_mean_csat_and_nps(departments):
    finance = departments[0]
    campaign = open_campaign()
    respond(campaign, _people(finance, 8), rating=5, nps=10)
    respond(campaign, _people(finance, 2), rating=1, nps=3)
    results = campaign_results(campaign)
    by_kind = {result.question.kind: result for result in results.questions.values()}
    rating = by_kind[Question.Kind.RATING]
    assert rating.csat == 80.0
    assert rating.mean == 4.2
    assert [bar.count for bar in rating.bars] == [2, 0, 0, 0, 8]
    assert by_kind[Question.Kind.NPS].nps == 60.0
    single = by_kind[Question.Kind.SINGLE]
    assert [bar.count for bar in single.bars] == [10, 0]
    multiple = by_kind[Question.Kind.MULTIPLE]
    assert multiple.answers == 10 and [bar.percent for bar in multiple.bars] == [100.0, 100.0, 0]
    assert results.responded == 10


def test_small_groups_are_hidden_with_complementary_suppression():
    assert visible_groups({"a": 10, "b": 6, "c": 3}, 5) == ({"a"}, 9)
    assert visible_groups({"a": 10, "b": 6, "c": 0}, 5) == ({"a", "b"}, 0)
    assert visible_groups({"a": 10, "b": 6, "c": 3, "d": 2}, 5) == ({"a", "b"}, 5)


def test_department_breakdown_hides_groups_below_minimum_in_page_api_and_export(client, manager, departments):
    finance, culture, haren = departments
    campaign = open_campaign(min_group_size=5)
    respond(campaign, _people(finance, 6), rating=5, text='=HYPERLINK("http://evil")')
    respond(campaign, _people(culture, 5), rating=4)
    respond(campaign, _people(haren, 2), rating=1, text="small group secret")
    results = campaign_results(campaign)
    labels = [label for _key, label, _size in results.visible_departments]
    # Haren (2) is hidden, and Culture (5) too: otherwise Haren = total - Finances - Culture.
    assert labels == ["Finances"]
    assert results.hidden_respondents == 7

    client.force_login(manager)
    page = client.get(reverse("surveys:campaign-results", args=[campaign.pk])).content.decode()
    assert "Finances" in page and "Haren" not in page and "Culture" not in page

    api = client.get(reverse("survey-campaign-results", args=[campaign.pk])).json()
    api_text = str(api)
    assert "Finances" in api_text and "Haren" not in api_text and "Culture" not in api_text

    export = b"".join(client.get(reverse("surveys:campaign-export", args=[campaign.pk, "csv"])).streaming_content)
    rows = list(csv.reader(io.StringIO(export.decode("utf-8-sig"))))
    assert {row[1] for row in rows[1:]} == {"Finances", ""}
    assert "Haren" not in export.decode()
    comments = b"".join(client.get(reverse("surveys:campaign-comments-export", args=[campaign.pk])).streaming_content)
    assert "Haren" not in comments.decode("utf-8-sig")


def test_exports_neutralise_formulas_and_drop_identity_when_anonymous(client, manager, departments):
    campaign = open_campaign(anonymous=True)
    people = _people(departments[0], 5)
    respond(campaign, people, text='=HYPERLINK("http://evil")')
    client.force_login(manager)
    export = b"".join(client.get(reverse("surveys:campaign-export", args=[campaign.pk, "csv"])).streaming_content)
    text = export.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert not any(person.email in text or person.last_name in text for person in people)
    response = client.get(reverse("surveys:campaign-export", args=[campaign.pk, "xlsx"]))
    assert response["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert '\'=HYPERLINK("http://evil")' in values
    assert not any(isinstance(value, str) and value.startswith("=") for value in values)
    assert all(person.email not in values for person in people)


def test_identified_campaign_exports_who_answered(client, manager, departments):
    campaign = open_campaign(anonymous=False)
    person = _people(departments[0], 1)[0]
    respond(campaign, [person])
    client.force_login(manager)
    export = b"".join(client.get(reverse("surveys:campaign-export", args=[campaign.pk, "csv"])).streaming_content)
    assert person.email in export.decode("utf-8-sig")


def test_trend_against_the_previous_campaign_of_a_copied_survey(departments):
    first = open_campaign()
    respond(first, _people(departments[0], 5), rating=3)
    copy = services.survey_copy(survey=first.survey, by=None)
    second = open_campaign(survey=copy, previous=first)
    respond(second, _people(departments[0], 5), rating=5)
    results = campaign_results(second)
    rating = next(result for result in results.questions.values() if result.question.kind == "rating")
    assert rating.previous.csat == 0.0
    assert rating.csat == 100.0
    assert rating.trend == 100.0
    assert rating.trend_size == 100.0


def test_results_page_shows_chart_and_numbers_table(client, manager, departments):
    campaign = open_campaign()
    respond(campaign, _people(departments[0], 5), rating=4)
    client.force_login(manager)
    page = client.get(reverse("surveys:campaign-results", args=[campaign.pk])).content.decode()
    assert '<svg class="chart"' in page and 'role="img"' in page
    assert "<table>" in page
    assert "style=" not in page.split("<main", 1)[1]


def test_comments_are_filterable_and_escaped(client, manager, departments):
    campaign = open_campaign()
    respond(campaign, _people(departments[0], 2), text="<script>alert(1)</script> imprimante")
    respond(campaign, _people(departments[0], 1), text="Tout va bien")
    client.force_login(manager)
    url = reverse("surveys:campaign-comments", args=[campaign.pk])
    page = client.get(url, {"q": "imprimante"}).content.decode()
    assert "&lt;script&gt;" in page and "<script>alert" not in page
    assert "Tout va bien" not in page
    text_question = questions(campaign.survey)["text"]
    assert "Tout va bien" in client.get(url, {"question": text_question.pk}).content.decode()


def test_results_and_comments_query_counts_do_not_grow(client, manager, departments, django_assert_max_num_queries):
    campaign = open_campaign()
    client.force_login(manager)
    respond(campaign, _people(departments[0], 5))
    urls = [
        reverse("surveys:campaign-results", args=[campaign.pk]),
        reverse("surveys:campaign-results", args=[campaign.pk]) + f"?department={departments[0].pk}",
        reverse("surveys:campaign-comments", args=[campaign.pk]),
    ]
    for url in urls:
        with django_assert_max_num_queries(16):
            assert client.get(url).status_code == 200
    respond(campaign, _people(departments[1], 45))
    for url in urls:
        with django_assert_max_num_queries(16):
            assert client.get(url).status_code == 200


def test_chart_numbers_are_not_localised_in_french(client, manager, departments):
    campaign = open_campaign()
    respond(campaign, _people(departments[0], 3), rating=4)
    respond(campaign, _people(departments[0], 4), rating=2)
    client.force_login(manager)
    page = client.get(
        reverse("surveys:campaign-results", args=[campaign.pk]), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'width="141.6"' in svg  # 42.9 % of 330 px, with a dot
    assert "3 (42,9%)" in svg  # the visible numbers follow the language


def test_results_filtered_by_one_department_page_and_api(client, manager, departments):
    finance, culture, _haren = departments
    first = open_campaign(min_group_size=5)
    respond(first, _people(finance, 5), rating=3)
    respond(first, _people(culture, 5), rating=5)
    copy = services.survey_copy(survey=first.survey, by=None)
    campaign = open_campaign(survey=copy, previous=first, min_group_size=5)
    respond(campaign, _people(finance, 6), rating=5)
    respond(campaign, _people(culture, 5), rating=1)

    results = campaign_results(campaign, department=finance.pk)
    rating = next(result for result in results.questions.values() if result.question.kind == "rating")
    assert results.filtered and results.department_label == "Finances"
    assert results.responded == 6 and results.response_rate is None
    assert rating.answers == 6 and rating.csat == 100.0 and rating.groups == []
    # The trend compares the same department: Finances rated 3 last time.
    assert rating.previous.csat == 0.0 and rating.trend == 100.0

    client.force_login(manager)
    url = reverse("surveys:campaign-results", args=[campaign.pk])
    response = client.get(url, {"department": str(culture.pk)})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="results-filter-summary"' in page and "Culture" in page
    assert f'<option value="{culture.pk}" selected>' in page

    api = client.get(reverse("survey-campaign-results", args=[campaign.pk]), {"department": str(finance.pk)}).json()
    assert api["department"] == "Finances" and api["responded"] == 6
    assert {entry["key"] for entry in api["departments"]} == {str(finance.pk), str(culture.pk)}
    everything = client.get(reverse("survey-campaign-results", args=[campaign.pk])).json()
    assert everything["department"] is None and everything["responded"] == 11


@pytest.mark.parametrize("value", ["haren", "0", "-1", "1; DROP TABLE", "٣", "9" * 12])
def test_results_filter_refuses_hidden_or_unknown_departments(client, manager, departments, value):
    finance, _culture, haren = departments
    campaign = open_campaign(min_group_size=5)
    respond(campaign, _people(finance, 6), rating=5)
    respond(campaign, _people(haren, 2), rating=1)
    value = str(haren.pk) if value == "haren" else value
    client.force_login(manager)

    response = client.get(reverse("surveys:campaign-results", args=[campaign.pk]), {"department": value})
    assert response.status_code == 400
    page = response.content.decode()
    # The whole campaign is shown instead, with the filter's error; the small group stays hidden.
    assert 'class="error"' in page and "Haren" not in page and "results-filter-summary" not in page

    api = client.get(reverse("survey-campaign-results", args=[campaign.pk]), {"department": value})
    assert api.status_code == 400 and "Haren" not in api.content.decode()


def test_results_filter_is_for_managers_only(client, departments):
    campaign = open_campaign(min_group_size=5)
    respond(campaign, _people(departments[0], 6), rating=5)
    client.force_login(make_user(department=departments[0]))
    url = reverse("surveys:campaign-results", args=[campaign.pk])
    assert client.get(url, {"department": str(departments[0].pk)}).status_code in (403, 404)
    api = client.get(reverse("survey-campaign-results", args=[campaign.pk]), {"department": str(departments[0].pk)})
    assert api.status_code in (403, 404)
