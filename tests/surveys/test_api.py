from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from surveys import services
from surveys.models import Campaign, Invitation, Response, Survey
from tests.surveys.factories import full_answers, make_campaign, make_survey, open_campaign, questions

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_manager_lists_surveys_and_campaigns(api, manager):
    campaign = make_campaign()
    api.force_authenticate(manager)
    surveys = api.get(reverse("survey-list")).json()
    assert surveys["count"] == 1
    assert len(surveys["results"][0]["sections"]) == 2
    campaigns = api.get(reverse("survey-campaign-list"), {"status": "draft", "ordering": "-closes_at"}).json()
    assert [item["id"] for item in campaigns["results"]] == [campaign.pk]


@pytest.mark.parametrize("role", ["requester", "agent", "logistics", "school_contact"])
def test_other_roles_cannot_use_survey_or_campaign_endpoints(api, request, role):
    campaign = make_campaign()
    api.force_authenticate(request.getfixturevalue(role))
    for url in [
        reverse("survey-list"),
        reverse("survey-detail", args=[campaign.survey_id]),
        reverse("survey-campaign-list"),
        reverse("survey-campaign-detail", args=[campaign.pk]),
        reverse("survey-campaign-results", args=[campaign.pk]),
    ]:
        assert api.get(url).status_code == 403, url
    assert api.post(reverse("survey-campaign-launch", args=[campaign.pk])).status_code == 403


def test_create_campaign_ignores_status_and_refuses_bad_input(api, manager):
    survey = make_survey()
    api.force_authenticate(manager)
    now = timezone.now()
    payload = {
        "survey": survey.pk,
        "name": "API",
        "audience_kind": "all_staff",
        "opens_at": now.isoformat(),
        "closes_at": (now + timedelta(days=10)).isoformat(),
        "status": "closed",
        "created_by": 999,
    }
    response = api.post(reverse("survey-campaign-list"), payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "draft"
    bad = api.post(
        reverse("survey-campaign-list"),
        {**payload, "audience_kind": "departments", "audience_params": {"departments": [123456]}},
        format="json",
    )
    assert bad.status_code == 400
    assert "audience_params" in bad.json()
    assert Campaign.objects.count() == 1


def test_launch_close_and_results(api, manager, requester):
    campaign = make_campaign()
    api.force_authenticate(manager)
    assert api.post(reverse("survey-campaign-launch", args=[campaign.pk])).json()["status"] == "open"
    assert api.post(reverse("survey-campaign-launch", args=[campaign.pk])).status_code == 400
    results = api.get(reverse("survey-campaign-results", args=[campaign.pk])).json()
    assert results["invited"] >= 1 and results["responded"] == 0
    assert api.post(reverse("survey-campaign-close", args=[campaign.pk])).json()["status"] == "closed"


def test_copy_survey_through_the_api(api, manager):
    survey = make_survey()
    api.force_authenticate(manager)
    response = api.post(reverse("survey-copy", args=[survey.pk]))
    assert response.status_code == 201
    assert len(response.json()["sections"]) == 2


def test_answering_by_token_without_account(api, requester):
    campaign = open_campaign()
    invitation = Invitation.objects.create(campaign=campaign, user=requester)
    url = reverse("survey-answer", args=[invitation.token])
    form = api.get(url).json()
    assert [section["title"] for section in form["sections"]] == ["Helpdesk", "Matériel"]
    by_kind = questions(campaign.survey)
    bad = api.post(url, {"answers": {str(by_kind["rating"].pk): 9}}, format="json")
    assert bad.status_code == 400
    assert str(by_kind["rating"].pk) in bad.json()["answers"]
    assert Response.objects.count() == 0
    assert api.post(url, {"answers": full_answers(campaign.survey)}, format="json").status_code == 201
    again = api.post(url, {"answers": full_answers(campaign.survey)}, format="json")
    assert again.status_code == 410 and again.json()["reason"] == "answered"
    assert api.get(reverse("survey-answer", args=["guess"])).status_code == 404
    assert Response.objects.count() == 1


def test_survey_and_campaign_lists_query_counts_do_not_grow(api, manager, django_assert_max_num_queries):
    api.force_authenticate(manager)
    survey = make_survey()

    def make(count):
        for index in range(count):
            services.survey_copy(survey=survey, by=None)
            make_campaign(survey=survey, name=f"C{index}")

    make(5)
    for name in ("survey-list", "survey-campaign-list"):
        with django_assert_max_num_queries(8):
            assert api.get(reverse(name)).status_code == 200
    make(45)
    for name in ("survey-list", "survey-campaign-list"):
        with django_assert_max_num_queries(8):
            assert api.get(reverse(name)).status_code == 200


def test_manager_creates_a_survey_with_nested_questions(api, manager):
    api.force_authenticate(manager)
    payload = {
        "title_fr": "Enquête matériel",
        "title_nl": "Enquête materiaal",
        "sections": [
            {
                "title_fr": "Matériel",
                "title_nl": "Materiaal",
                "questions": [
                    {"kind": "rating", "text_fr": "Satisfait ?", "text_nl": "Tevreden?"},
                    {
                        "kind": "single",
                        "text_fr": "Type ?",
                        "text_nl": "Type?",
                        "choices": [{"label_fr": "A", "label_nl": "A"}, {"label_fr": "B", "label_nl": "B"}],
                    },
                ],
            }
        ],
    }
    response = api.post(reverse("survey-list"), payload, format="json")
    assert response.status_code == 201, response.json()
    assert [q["kind"] for q in response.json()["sections"][0]["questions"]] == ["rating", "single"]
    bad = {
        **payload,
        "sections": [{**payload["sections"][0], "questions": [{"kind": "single", "text_fr": "X", "text_nl": "X"}]}],
    }
    before = Survey.objects.count()
    assert api.post(reverse("survey-list"), bad, format="json").status_code == 400
    assert Survey.objects.count() == before


def test_requester_cannot_create_a_survey(api, requester):
    api.force_authenticate(requester)
    assert api.post(reverse("survey-list"), {"title_fr": "X"}, format="json").status_code == 403
